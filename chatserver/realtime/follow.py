"""Following conversations: which bus channels a socket listens to, how the events published
there become its frames, and how a resume joins the live stream with each seq sent once.

The rules of who gets what (docs/protocol.md, Delivery and Resume) live here, not in the
services, which publish events without knowing any socket:
- a `message` reaches every socket of the session except the one that sent it: a socket
  drops the echo of a message it has in flight (it learns the seq from its ack);
- a resume starts following the session, then reads what the client missed; frames published
  meanwhile are held back and sent after the replay, and from then on a `message` at or below
  the replay's end is dropped whenever its publication arrives (the replay sent it).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from chatserver import metrics
from chatserver.bus import Event, session_channel, session_of
from chatserver.errors import RateLimited
from chatserver.events import MessageView
from chatserver.limits import FETCH_MAX
from chatserver.realtime.protocol import (
    message_frame,
    optional_seq_arg,
    reset_frame,
    seq_arg,
)
from chatserver.realtime.transport import FrameSocket
from chatserver.services import chat, history
from chatserver.services.access import SignedIn
from chatserver.services.history import Missed
from chatserver.tasks import spawn


class ConversationSocket(FrameSocket):
    __slots__ = ("channels", "in_flight", "replayed", "replaying")
    channels: set[str]
    # session id -> frames that arrived while that session's history was being replayed
    replaying: dict[str, list[dict[str, Any]]]
    # session id -> the highest seq its last replay sent (made by the first replay).
    replayed: dict[str, int] | None
    # (session id, client_msg_id) of this socket's messages being stored (made on first use).
    in_flight: set[tuple[str, str]] | None

    def initialize(self) -> None:
        super().initialize()
        self.channels = set()
        self.replaying = {}
        self.replayed = self.in_flight = None

    # --- the bus -------------------------------------------------------------------------

    def on_event(self, channel: str, event: Event) -> None:
        frame = event.get("frame")
        if frame is None:
            self.on_internal(channel, event)
            return
        if event.get("exclude") == self.conn_id or self.is_own_echo(frame):
            return
        sid = frame.get("session_id")
        if sid in self.replaying:
            self.replaying[sid].append(frame)
        elif not self.already_replayed(frame):
            self.send(frame)

    def on_internal(self, channel: str, event: Event) -> None:
        """Events that are not frames (joins, revocation); agents override."""

    def is_own_echo(self, frame: dict[str, Any]) -> bool:
        return (self.in_flight is not None and frame.get("type") == "message"
                and (frame.get("session_id"), frame.get("client_msg_id")) in self.in_flight)

    def already_replayed(self, frame: dict[str, Any]) -> bool:
        return (self.replayed is not None and frame.get("type") == "message"
                and frame.get("seq", 0) <= self.replayed.get(frame.get("session_id", ""), 0))

    async def join(self, channel: str) -> None:
        if channel not in self.channels:
            self.channels.add(channel)
            await self.registry.join(channel, self)

    async def leave(self, channel: str) -> None:
        if channel in self.channels:
            self.channels.discard(channel)
            if self.replayed is not None:
                self.replayed.pop(session_of(channel), None)
            await self.registry.leave(channel, self)

    def follows(self, session_id: str) -> bool:
        return session_channel(session_id) in self.channels

    async def follow_from_now(self, session_id: str) -> None:
        """Follow a session, holding its frames back until `release` (a replay is coming)."""
        self.replaying[session_id] = []
        await self.join(session_channel(session_id))

    async def unfollow(self, session_id: str) -> None:
        """Stop following a session `follow_from_now` began to follow (a resume refused)."""
        self.replaying.pop(session_id, None)
        await self.leave(session_channel(session_id))

    def release(self, session_id: str, missed: Missed) -> None:
        """Send a replay, then what was held back meanwhile; remember where it ended."""
        held = self.replaying.pop(session_id, [])
        if self.replayed is None:
            self.replayed = {}
        self.replayed[session_id] = missed.end
        if missed.reset:
            self.send(reset_frame(session_id, missed.end))
        for msg in missed.messages:
            self.send(message_frame(msg))
        for frame in held:
            if not self.already_replayed(frame):
                self.send(frame)

    # --- what both roles do in a conversation ----------------------------------------------

    async def store_message(self, session_id: str, *, sender_type: str, text: str,
                            client_msg_id: str, actor: SignedIn | None = None,
                            files: list[str] | None = None) -> MessageView:
        """Store a message of this socket's (an agent's when `actor`); its echo on the bus is
        not sent back here."""
        key = (session_id, client_msg_id)
        if self.in_flight is None:
            self.in_flight = set()
        self.in_flight.add(key)
        try:
            msg, _created = await chat.send_message(
                self.ctx, session_id, sender_type=sender_type, text=text,
                client_msg_id=client_msg_id, actor=actor, files=files)
        finally:
            self.in_flight.discard(key)
        return msg

    async def relay(self, frame: Mapping[str, Any]) -> None:
        """A `typing` or `seen` frame to the session's other sockets (not stored)."""
        session_id = frame["session_id"]
        if self.limits.signals.hit(f"{self.conn_id}:{session_id}", time.monotonic()):
            raise RateLimited("too many typing or seen frames", retryable=True)
        await self.ctx.bus.publish(session_channel(session_id),
                                   {"frame": dict(frame), "exclude": self.conn_id})

    async def fetch(self, session_id: str, frame: dict[str, Any]) -> None:
        """Send a session's messages with after_seq < seq < before_seq again: the client saw a
        gap in the seqs (an event lost between processes) and repairs it from the database."""
        after = seq_arg(frame, "after_seq")
        before = optional_seq_arg(frame, "before_seq")
        limit = FETCH_MAX if before is None else max(0, min(FETCH_MAX, before - after - 1))
        metrics.FETCHES.inc()
        if limit:
            for msg in await history.messages_after(self.ctx, session_id, after, limit):
                self.send(message_frame(msg))

    def on_close(self) -> None:
        super().on_close()
        spawn(self._leave_all())

    async def _leave_all(self) -> None:
        for channel in list(self.channels):
            await self.leave(channel)
