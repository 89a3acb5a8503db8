"""/ws/<session_id>: the visitor's socket (the widget), one per tab, for one conversation."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from chatserver.bus import Event
from chatserver.errors import ParleyError, RateLimited, ValidationError
from chatserver.realtime.follow import ConversationSocket
from chatserver.realtime.protocol import (
    CLOSE_AUTH,
    CLOSE_FORBIDDEN,
    CLOSE_RATE,
    TEAM_ONLY_FRAMES,
    ack_frame,
    seen_frame,
    seq_arg,
    typing_frame,
)
from chatserver.realtime.transport import FrameHandler
from chatserver.services import chat, history
from chatserver.services.sessions import visitor_view
from chatserver.validate import whole_number

log = logging.getLogger(__name__)


class VisitorSocket(ConversationSocket):
    kind = "visitor"
    __slots__ = ("agent_seq_sent", "counted_ip", "seen_stored", "session_id", "site_key",
                 "token")
    session_id: str
    site_key: str
    token: str
    counted_ip: bool
    # The highest seq of an agent message this socket sent (live, replayed or fetched), and
    # the highest seen seq it stored: a `seen` frame is stored only when it covers an agent
    # message not covered before, so a chat with the AI alone never writes one.
    agent_seq_sent: int
    seen_stored: int

    def initialize(self) -> None:
        super().initialize()
        self.session_id = self.site_key = self.token = ""
        self.counted_ip = False
        self.agent_seq_sent = self.seen_stored = 0

    async def open(self, session_id: str) -> None:  # type: ignore[override]
        await super().open()
        self.session_id = session_id
        if self.registry.add_ip(self.ip) > self.ctx.settings.max_visitor_sockets_per_ip:
            self.registry.remove_ip(self.ip)
            self.close(CLOSE_RATE, "too many connections from this address")
            return
        self.counted_ip = True

    def on_event(self, channel: str, event: Event) -> None:
        """A visitor's socket never joins a team channel (notes); and whatever arrives on the
        channels it does join, a frame for the team only is never sent to it."""
        frame = event.get("frame")
        if frame is not None and frame.get("type") in TEAM_ONLY_FRAMES:
            log.warning("team-only %s frame dropped on visitor socket %s", frame.get("type"),
                        self.conn_id)
            return
        super().on_event(channel, event)

    def on_close(self) -> None:
        if self.counted_ip:
            self.registry.remove_ip(self.ip)
            self.counted_ip = False
        super().on_close()

    async def authenticate(self, frame: dict[str, Any]) -> None:
        token = frame.get("token")
        if not isinstance(token, str) or not token:
            await self.fail_auth(CLOSE_AUTH, "a visitor token is required")
            return
        last_seq = whole_number(frame.get("last_seq", 0)) or 0  # invalid counts as 0
        # Follow first, then read the session and what was missed on one connection: a
        # message committed after that read is published to this socket (held back until
        # the replay is sent), so when the client holds the session's last seq no message
        # needs reading at all.
        await self.follow_from_now(self.session_id)
        try:
            row, missed = await history.open_for_visitor(self.ctx, self.session_id, token,
                                                         last_seq)
        except ParleyError:
            await self.unfollow(self.session_id)
            await self.fail_auth(CLOSE_AUTH, "this token does not open this conversation")
            return
        if not self.origin_ok(list(row["allowed_origins"] or ())):
            await self.unfollow(self.session_id)
            await self.fail_auth(CLOSE_FORBIDDEN, "this site may not use this widget")
            return
        self.authenticated()
        self.cancel_timer()
        self.site_key = row["site_key"]
        self.token = token
        self.send({"type": "ready", "role": "visitor", **visitor_view(row),
                   "last_seq": max(row["last_seq"], missed.end)})
        self.release(self.session_id, missed)
        log.info("visitor socket %s open for session %s", self.conn_id, self.session_id)

    def frame_handlers(self) -> dict[str, FrameHandler]:
        return {"message": self.on_message_frame, "typing": self.on_typing_frame,
                "seen": self.on_seen_frame, "escalate": self.on_escalate_frame,
                "close": self.on_close_frame, "leave_email": self.on_leave_email_frame,
                "fetch": self.on_fetch_frame, "auth": self.on_auth_frame}

    async def on_message_frame(self, frame: dict[str, Any]) -> None:
        client_msg_id = chat.check_client_msg_id(frame.get("client_msg_id"))
        files = chat.check_files(self.ctx, frame.get("files"))
        text = chat.check_text(self.ctx, frame.get("text"), files=files)
        wait = self.limits.message(self.conn_id, time.monotonic())
        if wait:
            raise RateLimited(f"slow down: try again in {wait:.0f} s", retryable=True)
        msg = await self.store_message(self.session_id, sender_type="visitor", text=text,
                                       client_msg_id=client_msg_id, files=files)
        self.send(ack_frame(msg))

    async def on_typing_frame(self, frame: dict[str, Any]) -> None:
        await self.relay(typing_frame(self.session_id, "visitor", bool(frame.get("on"))))

    def send(self, frame: Mapping[str, Any]) -> None:
        if frame.get("sender_type") == "agent" and frame.get("type") == "message":
            self.agent_seq_sent = max(self.agent_seq_sent, frame["seq"])
        super().send(frame)

    async def on_seen_frame(self, frame: dict[str, Any]) -> None:
        seq = seq_arg(frame, "seq")
        # What the visitor saw of what reached them here, stored before the agents hear of
        # it: the database keeps the highest, which the email batches of every process read.
        covered = min(seq, self.agent_seq_sent)
        if covered > self.seen_stored:
            self.seen_stored = covered
            await chat.mark_seen(self.ctx, self.session_id, covered)
        await self.relay(seen_frame(self.session_id, seq, "visitor"))

    async def on_escalate_frame(self, frame: dict[str, Any]) -> None:
        reason = frame.get("reason") or "explicit_request"
        if not isinstance(reason, str):
            raise ValidationError("reason must be a string", code="invalid_reason")
        result = await chat.escalate(self.ctx, self.site_key, self.session_id, reason=reason,
                                     visitor_token=self.token)
        if result["event"] is None:  # already waiting: say where, to this socket only
            self.send({"type": "queue_position", "session_id": self.session_id,
                       "position": result["position"],
                       "estimated_wait_s": result["estimated_wait_s"],
                       "agents_online": result["agents_online"]})

    async def on_close_frame(self, frame: dict[str, Any]) -> None:
        await chat.close(self.ctx, self.session_id, by="visitor", rating=frame.get("rating"),
                         transcript=frame.get("transcript", False),
                         comment=frame.get("comment"))

    async def on_leave_email_frame(self, frame: dict[str, Any]) -> None:
        result = await chat.leave_email(self.ctx, self.session_id, frame.get("email"),
                                        frame.get("note"))
        self.send({"type": "email_saved", **result})

    async def on_fetch_frame(self, frame: dict[str, Any]) -> None:
        if frame.get("session_id", self.session_id) != self.session_id:
            raise ValidationError("a visitor fetches its own session", code="invalid_session_id")
        await self.fetch(self.session_id, frame)

    async def on_auth_frame(self, frame: dict[str, Any]) -> None:
        raise ValidationError("already authenticated", code="already_authenticated")
