"""/ws/agent/<agent_id>: an agent's socket (the inbox), one per tab: the agent's queue, the
conversations assigned to them, presence."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

from chatserver.bus import (
    AGENTS_CHANNEL,
    Event,
    session_channel,
    session_of,
    team_channel,
    user_channel,
    widget_channel,
)
from chatserver.errors import Forbidden, ParleyError, RateLimited, ValidationError
from chatserver.realtime.protocol import (
    CLOSE_AUTH,
    CLOSE_FORBIDDEN,
    CLOSE_RATE,
    CLOSE_RESTART,
    PENDING_AGENT_SOCKETS_PER_IP,
    ack_frame,
    agent_arg,
    note_ack_frame,
    note_arg,
    seen_frame,
    seq_arg,
    session_arg,
    typing_frame,
)
from chatserver.realtime.transport import FrameHandler
from chatserver.realtime.watch import WatchingSocket
from chatserver.services import agent_presence as presence
from chatserver.services import ai_live, auth, chat, history, labels, notes, routing
from chatserver.services.access import SignedIn
from chatserver.services.sessions import agent_view
from chatserver.tasks import spawn
from chatserver.validate import whole_number

log = logging.getLogger(__name__)


class AgentSocket(WatchingSocket):
    kind = "agent"
    # "agent-pending:<ip>" while this socket counts toward its address's unauthenticated ones.
    pending_key = ""
    actor: SignedIn | None = None
    present = False
    # Sessions this socket is accepting: the hand-over event it causes is not for it.
    accepting: set[str] | None = None
    # Private notes (services/notes.py): (session id, client_msg_id) of this socket's notes
    # being stored (their echo is not sent back), and the ids a replay sent (made on use).
    notes_in_flight: set[tuple[str, str]] | None = None
    notes_replayed: set[int] | None = None

    def initialize(self) -> None:
        super().initialize()
        self.agent_path_id = ""
        self.presence_widgets: list[int] = []  # where presence goes (no database at close)

    async def open(self, agent_id: str) -> None:  # type: ignore[override]
        await super().open()
        self.agent_path_id = agent_id
        if not self.origin_ok(self.ctx.settings.ui_origin_list):
            await self.fail_auth(CLOSE_FORBIDDEN, "the agent UI is not served from this origin")
            return
        self.pending_key = f"agent-pending:{self.ip}"
        if self.registry.add_ip(self.pending_key) > PENDING_AGENT_SOCKETS_PER_IP:
            self.not_pending()
            self.close(CLOSE_RATE, "too many unauthenticated connections from this address")

    def not_pending(self) -> None:
        """The socket no longer counts toward its address's unauthenticated sockets."""
        if self.pending_key:
            self.registry.remove_ip(self.pending_key)
            self.pending_key = ""

    async def authenticate(self, frame: dict[str, Any]) -> None:
        token, last = frame.get("token"), frame.get("last_seq") or {}
        if not isinstance(token, str) or not token:
            await self.fail_auth(CLOSE_AUTH, "a token is required")
            return
        try:
            actor, claims = await auth.authenticate(self.ctx, token)
        except ParleyError as exc:
            await self.fail_auth(CLOSE_AUTH, exc.message)
            return
        if str(actor.id) != self.agent_path_id:
            await self.fail_auth(CLOSE_FORBIDDEN, "this token is for another agent")
            return
        self.actor = actor
        self.authenticated()
        self.not_pending()
        self.set_timer(max(0.0, claims["exp"] - time.time()),
                       lambda: self.close(CLOSE_AUTH, "token expired"))
        await self.join(user_channel(actor.id))
        await self.join(AGENTS_CHANNEL)
        snapshot = await history.agent_snapshot(self.ctx, actor)
        for wid in snapshot.widget_ids:
            await self.join(widget_channel(wid))
        positions = history.session_positions(snapshot.assigned,
                                              last if isinstance(last, dict) else {})
        for row in snapshot.assigned:
            if row["id"] in positions:
                await self.follow_from_now(row["id"])
            else:
                await self.join(session_channel(row["id"]))
        missed = await history.missed_in(self.ctx, positions)
        ai_sessions = await ai_live.ai_sessions(self.ctx, actor)
        self.presence_widgets = await presence.widget_ids(self.ctx, actor.id)
        first = actor.id not in self.ctx.presence.sockets
        self.ctx.presence.connected(actor.id)
        self.present = True
        status = self.ctx.presence.status.get(actor.id, "online")
        sessions = [agent_view(r) for r in snapshot.assigned]
        for view in sessions:
            if view["session_id"] in missed:
                view["last_seq"] = max(view["last_seq"], missed[view["session_id"]].end)
        waiting = [agent_view(r) for r in snapshot.waiting]
        await labels.attach_to(self.ctx, sessions + waiting)
        self.send({"type": "ready", "role": "agent",
                   "agent": {"id": actor.id, "display_name": actor.display_name,
                             "role": actor.role, "status": status},
                   "sessions": sessions, "waiting": waiting,
                   "ai_sessions": ai_sessions})
        last_note = whole_number(frame.get("last_note_id"), maximum=2**63 - 1)
        if last_note is not None:
            await self.replay_notes([r["id"] for r in snapshot.assigned], last_note)
        for sid, replay in missed.items():
            self.release(sid, replay)
        if first:
            await presence.publish(self.ctx, actor.id, status, self.presence_widgets)
            if status == "online":
                await routing.assign_for(self.ctx, actor.id)
        log.info("agent socket %s open for agent %s", self.conn_id, actor.id)

    def on_internal(self, channel: str, event: Event) -> None:
        kind = event.get("kind")
        if kind == "revoked":
            self.close(CLOSE_AUTH, "signed out")
        elif kind == "profile" and self.actor is not None:
            self.actor = replace(self.actor, display_name=str(event["display_name"]))
        elif kind == "join" and event["session_id"] not in (self.accepting or ()):
            spawn(self.adopt(event["session_id"], int(event.get("from_seq", 0))))
        elif kind == "leave":
            spawn(self.leave(session_channel(event["session_id"])))

    async def adopt(self, session_id: str, from_seq: int) -> None:
        """A session became this agent's (accept, transfer, auto-assignment): say so, and send
        its messages from the hand-over on, so nothing published before the join is missed."""
        await self.stop_watching(session_id)  # a watched one is followed afresh, as theirs
        if self.follows(session_id) or self.closing:
            return
        await self.follow_from_now(session_id)
        try:
            found = await history.adopted(self.ctx, session_id, from_seq)
            if found is None:
                self.replaying.pop(session_id, None)
                return
            row, missed = found
            session = agent_view(row)
            await labels.attach_to(self.ctx, [session])
            self.send({"type": "assigned", "session": session})
            await self.replay_notes([session_id], 0)
            self.release(session_id, missed)
        except Exception:
            # Half-followed, the session's frames would be held back (or its replay missing)
            # for good: close, so the client resumes and finds it in ready.sessions.
            self.replaying.pop(session_id, None)
            self.close(CLOSE_RESTART, "could not follow a session; reconnect")
            raise

    def on_close(self) -> None:
        actor = self.actor
        self.not_pending()
        super().on_close()
        if self.present and actor is not None and self.ctx.presence.disconnected(actor.id):
            spawn(presence.publish(self.ctx, actor.id, "offline", self.presence_widgets))

    def frame_handlers(self) -> dict[str, FrameHandler]:
        return {"message": self.on_message_frame, "typing": self.on_typing_frame,
                "seen": self.on_seen_frame, "accept": self.on_accept_frame,
                "transfer": self.on_transfer_frame, "close": self.on_close_frame,
                "hand_back": self.on_hand_back_frame, "presence": self.on_presence_frame,
                "fetch": self.on_fetch_frame, "auth": self.on_auth_frame,
                "note": self.on_note_frame, "watch": self.on_watch_frame,
                "unwatch": self.on_unwatch_frame, "take_over": self.on_take_over_frame}

    @property
    def me(self) -> SignedIn:
        assert self.actor is not None
        return self.actor

    def check_assigned(self, sid: str) -> None:
        self.check_not_watching(sid)
        if not self.follows(sid):
            raise Forbidden("accept the conversation first", code="not_assigned")

    async def on_message_frame(self, frame: dict[str, Any]) -> None:
        sid = session_arg(frame)
        client_msg_id = chat.check_client_msg_id(frame.get("client_msg_id"))
        files = chat.check_files(self.ctx, frame.get("files"))
        text = chat.check_text(self.ctx, frame.get("text"), files=files)
        # Limited per session written to, so an agent with ten chats is not throttled.
        wait = self.limits.message(f"{self.conn_id}:{sid}", time.monotonic())
        if wait:
            raise RateLimited(f"slow down: try again in {wait:.0f} s", retryable=True)
        msg = await self.store_message(sid, sender_type="agent", text=text,
                                       client_msg_id=client_msg_id, actor=self.me,
                                       files=files)
        self.send(ack_frame(msg))

    async def on_typing_frame(self, frame: dict[str, Any]) -> None:
        sid = session_arg(frame)
        self.check_assigned(sid)
        await self.relay(typing_frame(sid, "agent", bool(frame.get("on"))))

    async def on_seen_frame(self, frame: dict[str, Any]) -> None:
        sid = session_arg(frame)
        self.check_assigned(sid)
        seq = seq_arg(frame, "seq")
        await self.relay(seen_frame(sid, seq, "agent"))

    async def on_accept_frame(self, frame: dict[str, Any]) -> None:
        """The accepting socket follows the session from now on; it loads the history up to
        `session.last_seq` itself (REST), so it is not replayed here."""
        sid = session_arg(frame)
        if self.accepting is None:
            self.accepting = set()
        self.accepting.add(sid)
        try:
            session = await routing.accept(self.ctx, self.me, sid)
        finally:
            self.accepting.discard(sid)
        await self.join(session_channel(sid))
        self.send({"type": "accepted", "session": session})

    async def on_transfer_frame(self, frame: dict[str, Any]) -> None:
        to = agent_arg(frame, "to_agent_id")
        note = note_arg(frame)
        session = await routing.transfer(self.ctx, self.me, session_arg(frame), to,
                                         note=notes.check_note_text(self.ctx, note)
                                         if note and note.strip() else None)
        self.send({"type": "transferred", "session": session})

    async def on_close_frame(self, frame: dict[str, Any]) -> None:
        await chat.close(self.ctx, session_arg(frame), by="agent", actor=self.me,
                         note=note_arg(frame))

    async def on_hand_back_frame(self, frame: dict[str, Any]) -> None:
        await chat.hand_back(self.ctx, self.me, session_arg(frame))

    async def on_presence_frame(self, frame: dict[str, Any]) -> None:
        status = frame.get("status")
        if status not in ("online", "away"):
            raise ValidationError("status is online or away", code="invalid_status")
        await presence.set_status(self.ctx, self.me, status)

    async def on_fetch_frame(self, frame: dict[str, Any]) -> None:
        sid = session_arg(frame)
        if not self.watches(sid):  # a watched session's gaps are repaired too
            self.check_assigned(sid)
        await self.fetch(sid, frame)

    async def on_auth_frame(self, frame: dict[str, Any]) -> None:
        raise ValidationError("already authenticated", code="already_authenticated")

    # --- private notes (services/notes.py) ------------------------------------------------

    async def join(self, channel: str) -> None:
        """Following a session is following its team channel (its notes) too."""
        await super().join(channel)
        if session_of(channel):
            await super().join(team_channel(session_of(channel)))

    async def leave(self, channel: str) -> None:
        await super().leave(channel)
        if session_of(channel):
            await super().leave(team_channel(session_of(channel)))

    def is_own_echo(self, frame: dict[str, Any]) -> bool:
        if frame.get("type") == "note":
            return (self.notes_in_flight is not None and (
                frame.get("session_id"), frame.get("client_msg_id")) in self.notes_in_flight)
        return super().is_own_echo(frame)

    def already_replayed(self, frame: dict[str, Any]) -> bool:
        if frame.get("type") == "note":
            return self.notes_replayed is not None and frame.get("id") in self.notes_replayed
        return super().already_replayed(frame)

    async def replay_notes(self, session_ids: list[str], after_id: int) -> None:
        """The notes of these sessions above `after_id`; a live copy arriving later is
        dropped."""
        if self.notes_replayed is None:
            self.notes_replayed = set()
        for note in await notes.notes_after(self.ctx, session_ids, after_id):
            self.notes_replayed.add(note["id"])
            self.send({"type": "note", **note})

    async def on_note_frame(self, frame: dict[str, Any]) -> None:
        """A private note in a conversation this agent may see (assigned to it or not: a
        teammate mentioned in it reads it and answers with a note). A socket that does not
        follow the session follows its notes from then on."""
        sid = session_arg(frame)
        client_msg_id = chat.check_client_msg_id(frame.get("client_msg_id"))
        text = notes.check_note_text(self.ctx, frame.get("text"))
        wait = self.limits.message(f"{self.conn_id}:{sid}", time.monotonic())
        if wait:
            raise RateLimited(f"slow down: try again in {wait:.0f} s", retryable=True)
        key = (sid, client_msg_id)
        if self.notes_in_flight is None:
            self.notes_in_flight = set()
        self.notes_in_flight.add(key)
        try:
            note = await notes.add_note(self.ctx, self.me, sid, text, client_msg_id)
        finally:
            self.notes_in_flight.discard(key)
        if not self.follows(sid):
            await super().join(team_channel(sid))
        self.send(note_ack_frame(sid, client_msg_id, note["id"]))
