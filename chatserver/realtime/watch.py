"""An agent watching a conversation they do not own (the AI's, or one waiting for a person):
the socket follows the session's frames (messages, streamed AI text, typing, escalation) but
may not write, type or mark seen in it until the agent takes it over (`take_over`, which is
an `accept` that never reopens an ended conversation).

A socket watches at most WATCH_MAX sessions; a watch ends with `unwatch`, when the session
becomes the agent's (it is then followed as any assigned session), when another agent joins
it or it closes (the watcher sees that, then nothing more: another agent's conversation is
not theirs to follow), or when the socket closes.
"""

from __future__ import annotations

from typing import Any

from chatserver.bus import Event, session_channel
from chatserver.errors import Forbidden, ValidationError
from chatserver.realtime.follow import ConversationSocket
from chatserver.realtime.protocol import session_arg
from chatserver.services import ai_live, routing
from chatserver.services.access import SignedIn
from chatserver.tasks import spawn

# Sessions one socket may watch at once: an agent reads a few conversations side by side;
# each watched session is a channel this socket's process listens to.
WATCH_MAX = 20


class WatchingSocket(ConversationSocket):
    watching: set[str] | None = None
    accepting: set[str] | None = None

    @property
    def me(self) -> SignedIn:
        raise NotImplementedError

    def on_event(self, channel: str, event: Event) -> None:
        super().on_event(channel, event)
        frame = event.get("frame")
        sid = frame.get("session_id") if frame is not None else None
        if sid is None or not self.watches(sid):
            return
        if frame is not None and (frame.get("type") == "session_closed" or (
                frame.get("type") == "agent_joined" and frame["agent"]["id"] != self.me.id)):
            spawn(self.stop_watching(sid))

    def watches(self, session_id: str) -> bool:
        return self.watching is not None and session_id in self.watching

    def owns(self, session_id: str) -> bool:
        """The socket follows the session because it is the agent's (not only watched)."""
        return self.follows(session_id) and not self.watches(session_id)

    async def on_watch_frame(self, frame: dict[str, Any]) -> None:
        sid = session_arg(frame)
        if self.owns(sid):
            raise ValidationError("this conversation is already yours", code="already_assigned")
        if self.watching is None:
            self.watching = set()
        if sid not in self.watching and len(self.watching) >= WATCH_MAX:
            raise ValidationError(f"watch at most {WATCH_MAX} conversations at once",
                                  code="too_many_watched")
        # Follow first, then read: a message published meanwhile is in both (the client
        # keeps each seq once), never in neither.
        self.watching.add(sid)
        await self.join(session_channel(sid))
        try:
            session = await ai_live.watch(self.ctx, self.me, sid)
        except Exception:
            await self.stop_watching(sid)
            raise
        self.send({"type": "watching", "session": session})

    async def on_unwatch_frame(self, frame: dict[str, Any]) -> None:
        await self.stop_watching(session_arg(frame))

    async def stop_watching(self, session_id: str) -> None:
        if self.watches(session_id):
            assert self.watching is not None
            self.watching.discard(session_id)
            await self.leave(session_channel(session_id))

    async def on_take_over_frame(self, frame: dict[str, Any]) -> None:
        """Take the conversation from the AI (or the queue): as `accept`, answered by
        `accepted`; `conflict` when another agent was first or it ended."""
        sid = session_arg(frame)
        if self.accepting is None:
            self.accepting = set()
        self.accepting.add(sid)
        try:
            session = await routing.accept(self.ctx, self.me, sid, reopen=False)
        finally:
            self.accepting.discard(sid)
        if self.watching is not None:
            self.watching.discard(sid)
        await self.join(session_channel(sid))
        self.send({"type": "accepted", "session": session})

    def check_not_watching(self, session_id: str) -> None:
        if self.watches(session_id):
            raise Forbidden("take the conversation over first", code="not_assigned")
