"""WebSocket handlers: /ws/<session_id> for visitors, /ws/agent/<agent_id> for agents.

Both authenticate with a first ``auth`` frame (never the URL), then speak the JSON frames
documented in docs/protocol.md. Every write goes through a bounded outbox.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

import tornado.ioloop
import tornado.websocket
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from chatserver import metrics
from chatserver.api.base import client_ip, from_trusted_proxy
from chatserver.bus import Event, session_channel, session_of, user_channel, widget_channel
from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import messages as messages_db
from chatserver.db import sessions as sessions_db
from chatserver.db.engine import is_unavailable, outage_log
from chatserver.errors import Forbidden, ParleyError, RateLimited, Unauthorized, ValidationError
from chatserver.origins import origin_allowed, own_origins
from chatserver.ratelimit import SocketLimits
from chatserver.realtime.outbox import Outbox
from chatserver.realtime.registry import Registry
from chatserver.services import auth, chat
from chatserver.services.access import Actor, access_session, visible_widget_ids
from chatserver.services.sessions import agent_view, message_view, visitor_view
from chatserver.tasks import spawn
from chatserver.validate import parse_json

log = logging.getLogger(__name__)

# Close codes (docs/protocol.md).
CLOSE_AUTH = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_AUTH_TIMEOUT = 4408
CLOSE_RATE = 4429
CLOSE_SLOW = 4009
CLOSE_RESTART = 1012
CLOSE_TRY_AGAIN = 1013
# A resume that would replay more than this many messages gets `reset` (reload history).
REPLAY_MAX = 500
# Rate-limit errors tolerated within a window before the socket is closed with 4429.
RATE_STRIKES = 10
# typing and seen frames per session and socket per SIGNAL_WINDOW_S: far above what the widget
# and the inbox send (typing every few seconds, seen once per new message), low enough that a
# flood is not relayed to the other side (each one over it is a rate_limited error, a strike).
SIGNAL_LIMIT = 30
SIGNAL_WINDOW_S = 10.0
# Frames received but not yet handled, per socket: past this the client is flooding.
INBOX_MAX = 500
# The largest seq or user id a frame may name: the database's INTEGER (a bigger number made
# SQLite raise OverflowError, an internal_error).
ID_MAX = 2**31 - 1
# Agent sockets not yet authenticated, per client address: an inbox opens one per tab and
# authenticates within milliseconds, so even an office behind one NAT stays far below this; a
# flood of sockets that never authenticate is refused at open (4429) instead of held until
# the auth timeout.
PENDING_AGENT_SOCKETS_PER_IP = 20
# Consecutive chat messages of one socket handed to the writer at once.
GROUP_MAX = 64

# The longest request_id or client_msg_id an error frame echoes.
ECHO_MAX = 64

Handler = Callable[[dict[str, Any]], Awaitable[None]]

INTERNAL_ERROR = ParleyError("internal error", code="internal_error", retryable=True)
# What an `unavailable` error says failed, by the frame that failed (default: "your <type>").
UNAVAILABLE_WHAT = {
    "message": "the message was not stored", "auth": "the token could not be checked",
    "fetch": "the messages could not be read", "typing": "the typing signal was not sent",
    "seen": "the read receipt was not sent",
}


def unavailable(ftype: str) -> ParleyError:
    """The retryable error for a frame that failed because the database is unreachable."""
    what = UNAVAILABLE_WHAT.get(ftype, f"the {ftype[:40]} request was not carried out")
    return ParleyError(f"the database is unavailable: {what}; retry", code="unavailable",
                       retryable=True)


class Replay(NamedTuple):
    """The frames a resume sends (messages, or one `reset`) and the seq they end at."""

    frames: list[dict[str, Any]]
    end: int


class ChatSocket(tornado.websocket.WebSocketHandler):
    kind = "socket"
    # An idle socket should cost little (10,000 of them): what most sockets never change is
    # a class attribute until it does, and what a socket no longer needs is dropped.
    authed = False
    auth_received = False
    closing = False
    flooding = False
    writer: asyncio.Task[None] | None = None
    consumer: asyncio.Task[None] | None = None
    # The auth deadline until the socket is authenticated; then, for agents, the token's expiry.
    timer: object | None = None
    # session id -> the highest seq its last replay sent (made by the first replay).
    replayed: dict[str, int] | None = None

    def initialize(self) -> None:
        self.conn_id = uuid.uuid4().hex
        self.ip = ""
        self.outbox = Outbox(self.ctx.settings.ws_send_queue_messages,
                             self.ctx.settings.ws_send_queue_bytes)
        self.channels: set[str] = set()
        # session id -> frames that arrived while that session's history was being replayed
        self.replaying: dict[str, list[dict[str, Any]]] = {}
        # A list, not a deque: frames come one or a few at a time, and an empty list is 56
        # bytes to the deque's 600.
        self.inbox: list[dict[str, Any]] = []

    @property
    def ctx(self) -> Context:
        ctx: Context = self.application.settings["ctx"]
        return ctx

    @property
    def limits(self) -> SocketLimits:
        limits: SocketLimits = self.application.settings["socket_limits"]
        return limits

    @property
    def registry(self) -> Registry:
        registry: Registry = self.application.settings["registry"]
        return registry

    def check_origin(self, origin: str) -> bool:
        # The handshake always succeeds; a foreign origin is closed with 4403 once we know
        # which widget the socket is for (visitors) or at open (agents).
        return True

    def get_compression_options(self) -> None:
        return None  # compression costs ~150 KB of memory per socket

    def origin_ok(self, allowed: list[str]) -> bool:
        own = own_origins(self.request, self.ctx.settings,
                          from_trusted_proxy(self.request, self.ctx))
        return origin_allowed(self.request.headers.get("Origin"), allowed, own)

    async def open(self, *args: str) -> None:
        # Chat frames are small and latency matters: no Nagle delay behind unacked frames.
        self.set_nodelay(True)
        self.ip = client_ip(self.request, self.ctx)
        self.registry.sockets.add(self)
        self.set_timer(self.ctx.settings.ws_auth_timeout_s, self._auth_timeout)

    def set_timer(self, delay_s: float, callback: Callable[[], None]) -> None:
        """Replace the socket's one timer."""
        self.cancel_timer()
        self.timer = tornado.ioloop.IOLoop.current().call_later(delay_s, callback)

    def cancel_timer(self) -> None:
        if self.timer is not None:
            tornado.ioloop.IOLoop.current().remove_timeout(self.timer)
            self.timer = None

    def _auth_timeout(self) -> None:
        # The client must *send* its auth frame in time; a slow check is not its fault.
        if not self.authed and not self.auth_received:
            self.close(CLOSE_AUTH_TIMEOUT, "no auth frame in time")

    # --- sending -------------------------------------------------------------------------

    def send(self, frame: dict[str, Any]) -> None:
        if self.closing:
            return
        data = json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
        idle = self.writer is None or self.writer.done()
        if idle and not self.outbox:
            # Nothing is waiting: write now rather than one loop turn later (latency), and
            # queue what follows until this write has reached the kernel.
            try:
                written = self.write_message(data)
            except tornado.websocket.WebSocketClosedError:
                return
            if not written.done():
                self.writer = asyncio.ensure_future(self._drain(written))
                self.writer.add_done_callback(self._writer_done)
            return
        if not self.outbox.push(data):
            log.warning("closing slow %s socket %s (%d frames queued)", self.kind, self.conn_id,
                        len(self.outbox))
            self.close(CLOSE_SLOW, "reader too slow")
            return
        if idle:
            self.writer = asyncio.ensure_future(self._drain())
            self.writer.add_done_callback(self._writer_done)

    def _writer_done(self, task: asyncio.Future[None]) -> None:
        # A finished task held by an idle socket is memory for nothing.
        if self.writer is task:
            self.writer = None

    async def _drain(self, pending: asyncio.Future[None] | None = None) -> None:
        if pending is not None:
            try:
                await pending
            except tornado.websocket.WebSocketClosedError:
                return
        while not self.closing:
            frame = self.outbox.pop()
            if frame is None:
                return
            try:
                await self.write_message(frame)
            except tornado.websocket.WebSocketClosedError:
                return

    def send_error_frame(self, exc: ParleyError, request: dict[str, Any] | None = None) -> None:
        """An `error` frame; it names the request that failed by the request's `request_id`
        and `client_msg_id`, when it had them."""
        frame: dict[str, Any] = {"type": "error", "code": exc.code, "message": exc.message,
                                 "retryable": exc.retryable}
        for key in ("request_id", "client_msg_id"):
            value = request.get(key) if request is not None else None
            if isinstance(value, str) and 0 < len(value) <= ECHO_MAX:
                frame[key] = value
        if exc.fields:
            frame["fields"] = exc.fields
        metrics.ERRORS.labels("ws", exc.code).inc()
        self.send(frame)

    # --- bus events ----------------------------------------------------------------------

    def on_event(self, channel: str, event: Event) -> None:
        frame = event.get("frame")
        if frame is not None:
            if event.get("exclude") == self.conn_id:
                return
            sid = frame.get("session_id")
            if sid in self.replaying:
                self.replaying[sid].append(frame)
            elif not self.already_replayed(frame):
                self.send(frame)
            return
        self.on_internal(channel, event)

    def on_internal(self, channel: str, event: Event) -> None:
        """Events that are not frames (joins, revocation); agents override."""

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

    async def read_missed(self, conn: Any, session_id: str, last_seq: int,
                          current_seq: int) -> Replay:
        """What a resuming client missed in a session, read after the socket joined its
        channel (so a frame published from now on is held back, not lost): the messages above
        `last_seq`, or `reset` when that is too much or the client is ahead."""
        rows = [] if last_seq > current_seq else \
            await messages_db.after(conn, session_id, last_seq, REPLAY_MAX + 1)
        if last_seq > current_seq or len(rows) > REPLAY_MAX:
            end = await sessions_db.last_seq(conn, session_id)  # fresh: after the join
            return Replay([{"type": "reset", "session_id": session_id, "last_seq": end}], end)
        end = rows[-1]["seq"] if rows else last_seq
        return Replay([{"type": "message", **message_view(r)} for r in rows], end)

    def release(self, session_id: str, replay: Replay) -> None:
        """Send a replay, then what was held back meanwhile. From now on a `message` of the
        session at or below the replay's end is dropped, whenever its publication arrives
        (it was committed before the replay's read, so the replay sent it): each seq reaches
        this socket once."""
        held = self.replaying.pop(session_id, [])
        if self.replayed is None:
            self.replayed = {}
        self.replayed[session_id] = replay.end
        for frame in replay.frames:
            self.send(frame)
        for frame in held:
            if not self.already_replayed(frame):
                self.send(frame)

    def already_replayed(self, frame: dict[str, Any]) -> bool:
        return (self.replayed is not None and frame.get("type") == "message"
                and frame.get("seq", 0) <= self.replayed.get(frame.get("session_id", ""), 0))

    # --- receiving -----------------------------------------------------------------------

    def on_message(self, raw: str | bytes) -> None:
        """Queue the frame and return at once, so Tornado keeps reading (pings included) while
        earlier frames are stored; frames are handled in order by one task per socket."""
        try:
            frame = parse_json(raw)
        except ValueError:
            self.send_error_frame(ValidationError("frames are JSON objects", code="invalid_json"))
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            self.send_error_frame(ValidationError("frames are JSON objects with a type",
                                                  code="invalid_frame"))
            return
        if len(self.inbox) >= INBOX_MAX:
            self.send_error_frame(RateLimited("too many frames in flight", retryable=True),
                                  frame)
            self.close(CLOSE_RATE, "too many frames in flight")
            return
        if frame["type"] == "auth":
            self.auth_received = True
        self.inbox.append(frame)
        if self.consumer is None:
            self.consumer = spawn(self._consume())

    async def _consume(self) -> None:
        try:
            await self._consume_inbox()
        finally:
            self.consumer = None

    async def _consume_inbox(self) -> None:
        while self.inbox and not self.closing and not self.flooding:
            frame = self.inbox.pop(0)
            if frame["type"] != "message" or not self.authed:
                await self.dispatch(frame)
                continue
            # Consecutive chat messages are stored together (one group commit) and acked in
            # order: the writer commits in submission order.
            group = [frame]
            while self.inbox and self.inbox[0]["type"] == "message" and len(group) < GROUP_MAX:
                group.append(self.inbox.pop(0))
            await asyncio.gather(*(self.dispatch(f) for f in group))
        if self.flooding:
            await self.flush_outbox()
            self.close(CLOSE_RATE, "rate limit")

    async def flush_outbox(self, limit_s: float = 2.0) -> None:
        """Wait (bounded) until the frames queued for the client are written."""
        if self.writer is not None and not self.writer.done():
            await asyncio.wait([self.writer], timeout=limit_s)

    async def dispatch(self, frame: dict[str, Any]) -> None:
        ftype = frame["type"]
        try:
            if not self.authed:
                if ftype != "auth":
                    raise Unauthorized("send an auth frame first", code="auth_required")
                try:
                    await self.authenticate(frame)
                except Exception:
                    if self.authed:  # failed half-way (no ready, or no replay): start over
                        self.close(CLOSE_RESTART, "could not resume; reconnect")
                    raise
                return
            handler = self.handlers().get(ftype)
            if handler is None:
                raise ValidationError(f"unknown frame type {ftype[:40]!r}",
                                      code="unknown_type")
            started = time.monotonic()
            await handler(frame)
            if ftype == "message":
                metrics.ACK_LATENCY.observe(time.monotonic() - started)
        except ParleyError as exc:
            self.send_error_frame(exc, frame)
            if isinstance(exc, RateLimited) and self.limits.strikes.hit(self.conn_id,
                                                                        time.monotonic()):
                self.flooding = True  # closed once the frames in flight are answered
        except (DBAPIError, PoolTimeout, OSError) as exc:
            if isinstance(exc, DBAPIError | PoolTimeout) and not is_unavailable(exc):
                log.exception("database error handling a %s frame", ftype)
                self.send_error_frame(INTERNAL_ERROR, frame)
                return
            outage_log(f"{ftype} frame", exc)
            self.send_error_frame(unavailable(ftype), frame)
        except Exception:
            log.exception("unexpected error handling a %s frame", ftype)
            self.send_error_frame(INTERNAL_ERROR, frame)
        finally:
            if ftype == "auth" and not self.authed and not self.closing:
                # The check itself failed (database down…): let the client retry its auth.
                self.close(CLOSE_TRY_AGAIN, "try again later")

    async def authenticate(self, frame: dict[str, Any]) -> None:
        raise NotImplementedError

    async def fetch(self, session_id: str, frame: dict[str, Any]) -> None:
        """Send a session's messages with after_seq < seq < before_seq again: the client saw a
        gap in the seqs (an event lost between processes) and repairs it from the database."""
        after, before = frame.get("after_seq"), frame.get("before_seq")
        for value in (after, before):
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                      or not 0 <= value <= ID_MAX):
                raise ValidationError("after_seq and before_seq are whole numbers",
                                      code="invalid_seq")
        if not isinstance(after, int):
            raise ValidationError("after_seq is required", code="invalid_seq")
        limit = REPLAY_MAX if before is None else max(0, min(REPLAY_MAX, before - after - 1))
        metrics.FETCHES.inc()
        if limit:
            async with self.ctx.engine.connect() as conn:
                rows = await messages_db.after(conn, session_id, after, limit)
            for row in rows:
                self.send({"type": "message", **message_view(row)})

    def handlers(self) -> dict[str, Handler]:
        raise NotImplementedError

    async def fail_auth(self, code: int, message: str) -> None:
        """Say why in an error frame, then close with the code."""
        frame = {"type": "error", "code": "unauthorized" if code == CLOSE_AUTH else "forbidden",
                 "message": message, "retryable": False}
        try:
            await self.write_message(json.dumps(frame))
        except tornado.websocket.WebSocketClosedError:
            return
        self.close(code, message)

    def check_signal_rate(self, session_id: str) -> None:
        """typing and seen go to the other side of the conversation: a flood is refused."""
        if self.limits.signals.hit(f"{self.conn_id}:{session_id}", time.monotonic()):
            raise RateLimited("too many typing or seen frames", retryable=True)

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        self.closing = True
        super().close(code, reason)

    def on_close(self) -> None:
        self.closing = True
        self.cancel_timer()
        self.registry.sockets.discard(self)
        spawn(self._cleanup())

    async def _cleanup(self) -> None:
        for channel in list(self.channels):
            await self.leave(channel)


class VisitorSocket(ChatSocket):
    kind = "visitor"

    session_id = ""
    site_key = ""
    token = ""
    counted_ip = False

    async def open(self, session_id: str) -> None:  # type: ignore[override]
        await super().open()
        self.session_id = session_id
        if self.registry.add_ip(self.ip) > self.ctx.settings.max_visitor_sockets_per_ip:
            self.registry.remove_ip(self.ip)
            self.close(CLOSE_RATE, "too many connections from this address")
            return
        self.counted_ip = True

    def on_close(self) -> None:
        if self.counted_ip:
            self.registry.remove_ip(self.ip)
            self.counted_ip = False
        super().on_close()

    async def authenticate(self, frame: dict[str, Any]) -> None:
        token, last_seq = frame.get("token"), frame.get("last_seq", 0)
        if not isinstance(token, str) or not token:
            await self.fail_auth(CLOSE_AUTH, "a visitor token is required")
            return
        if not isinstance(last_seq, int) or isinstance(last_seq, bool) or last_seq < 0:
            last_seq = 0
        try:
            async with self.ctx.engine.connect() as conn:
                row = await access_session(conn, None, self.session_id, visitor_token=token)
                widget_origins = list(await _widget_origins(conn, row["widget_id"]))
        except ParleyError:
            await self.fail_auth(CLOSE_AUTH, "this token does not open this conversation")
            return
        if not self.origin_ok(widget_origins):
            await self.fail_auth(CLOSE_FORBIDDEN, "this site may not use this widget")
            return
        self.authed = True
        self.cancel_timer()
        self.site_key = row["site_key"]
        self.token = token
        self.replaying[self.session_id] = []
        await self.join(session_channel(self.session_id))
        async with self.ctx.engine.connect() as conn:
            replay = await self.read_missed(conn, self.session_id, last_seq, row["last_seq"])
        self.send({"type": "ready", "role": "visitor", **visitor_view(row),
                   "last_seq": max(row["last_seq"], replay.end)})
        self.release(self.session_id, replay)
        log.info("visitor socket %s open for session %s", self.conn_id, self.session_id)

    def handlers(self) -> dict[str, Handler]:
        return {"message": self.on_chat, "typing": self.on_typing, "seen": self.on_seen,
                "escalate": self.on_escalate, "close": self.on_close_frame,
                "leave_email": self.on_leave_email, "fetch": self.on_fetch,
                "auth": self.on_reauth}

    def check_rate(self) -> None:
        now = time.monotonic()
        wait = self.limits.message(self.conn_id, now)
        if wait:
            raise RateLimited(f"slow down: try again in {wait:.0f} s", retryable=True)

    async def on_chat(self, frame: dict[str, Any]) -> None:
        client_msg_id = chat.check_client_msg_id(frame.get("client_msg_id"))
        text = chat.check_text(self.ctx, frame.get("text"))
        self.check_rate()
        msg, _created = await chat.send_message(
            self.ctx, self.session_id, sender_type="visitor", text=text,
            client_msg_id=client_msg_id, exclude=self.conn_id)
        self.send(chat.ack(msg))

    async def on_typing(self, frame: dict[str, Any]) -> None:
        self.check_signal_rate(self.session_id)
        await chat.publish_frame(self.ctx, session_channel(self.session_id), {
            "type": "typing", "session_id": self.session_id, "sender_type": "visitor",
            "on": bool(frame.get("on"))}, exclude=self.conn_id)

    async def on_seen(self, frame: dict[str, Any]) -> None:
        seq = frame.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise ValidationError("seq must be a whole number", code="invalid_seq")
        self.check_signal_rate(self.session_id)
        await chat.publish_frame(self.ctx, session_channel(self.session_id), {
            "type": "seen", "session_id": self.session_id, "seq": seq, "by": "visitor"},
            exclude=self.conn_id)

    async def on_escalate(self, frame: dict[str, Any]) -> None:
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
        await chat.close(self.ctx, self.session_id, by="visitor", rating=frame.get("rating"))

    async def on_leave_email(self, frame: dict[str, Any]) -> None:
        result = await chat.leave_email(self.ctx, self.session_id, frame.get("email"),
                                        frame.get("note"))
        self.send({"type": "email_saved", **result})

    async def on_fetch(self, frame: dict[str, Any]) -> None:
        sid = frame.get("session_id", self.session_id)
        if sid != self.session_id:
            raise ValidationError("a visitor fetches its own session", code="invalid_session_id")
        await self.fetch(self.session_id, frame)

    async def on_reauth(self, frame: dict[str, Any]) -> None:
        raise ValidationError("already authenticated", code="already_authenticated")


async def _widget_origins(conn: Any, widget_id: int) -> list[str]:
    from chatserver.db import widgets as widgets_db

    widget = await widgets_db.by_id(conn, widget_id)
    return list(widget["allowed_origins"]) if widget else []


class AgentSocket(ChatSocket):
    kind = "agent"
    # "agent-pending:<ip>" while this socket counts toward its address's unauthenticated ones.
    pending_key = ""

    def initialize(self) -> None:
        super().initialize()
        self.actor: Actor | None = None
        self.present = False
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
        assert actor.id is not None
        self.actor = actor
        self.authed = True
        self.not_pending()
        self.set_timer(max(0.0, claims["exp"] - time.time()),
                       lambda: self.close(CLOSE_AUTH, "token expired"))
        await self.join(user_channel(actor.id))
        async with self.ctx.engine.connect() as conn:
            widget_ids = await visible_widget_ids(conn, actor)
            assigned = await sessions_db.assigned_to(conn, actor.id)
            waiting = await sessions_db.waiting_in(conn, widget_ids)
        for wid in widget_ids:
            await self.join(widget_channel(wid))
        resume = last if isinstance(last, dict) else {}
        for row in assigned:
            if row["id"] in resume:
                self.replaying[row["id"]] = []
            await self.join(session_channel(row["id"]))
        replays: dict[str, Replay] = {}
        if self.replaying:
            async with self.ctx.engine.connect() as conn:
                for row in assigned:
                    if row["id"] in self.replaying:
                        n = resume.get(row["id"])
                        valid = isinstance(n, int) and not isinstance(n, bool) and n >= 0
                        replays[row["id"]] = await self.read_missed(
                            conn, row["id"], n if valid and isinstance(n, int) else 0,
                            row["last_seq"])
        self.presence_widgets = await chat.presence_widget_ids(self.ctx, actor.id)
        first = actor.id not in self.ctx.presence.sockets
        self.ctx.presence.connected(actor.id)
        self.present = True
        status = self.ctx.presence.status.get(actor.id, "online")
        sessions = [agent_view(r) for r in assigned]
        for view in sessions:
            if view["session_id"] in replays:
                view["last_seq"] = max(view["last_seq"], replays[view["session_id"]].end)
        self.send({"type": "ready", "role": "agent",
                   "agent": {"id": actor.id, "display_name": actor.display_name,
                             "role": actor.role, "status": status},
                   "sessions": sessions, "waiting": [agent_view(r) for r in waiting]})
        for sid, replay in replays.items():
            self.release(sid, replay)
        if first:
            await chat.publish_presence(self.ctx, actor.id, status, self.presence_widgets)
            if status == "online":
                await chat.assign_for(self.ctx, actor.id)
        log.info("agent socket %s open for agent %s", self.conn_id, actor.id)

    def on_internal(self, channel: str, event: Event) -> None:
        kind = event.get("kind")
        if kind == "revoked":
            self.close(CLOSE_AUTH, "signed out")
        elif kind == "join" and event.get("exclude") != self.conn_id:
            spawn(self.adopt(event["session_id"], int(event.get("from_seq", 0))))
        elif kind == "leave":
            spawn(self.leave(session_channel(event["session_id"])))

    async def adopt(self, session_id: str, from_seq: int) -> None:
        """A session became this agent's (accept, transfer, auto-assignment): say so, and send
        its messages from the hand-over on, so nothing published before the join is missed."""
        channel = session_channel(session_id)
        if channel in self.channels or self.closing:
            return
        self.replaying[session_id] = []
        await self.join(channel)
        try:
            async with self.ctx.engine.connect() as conn:
                row = await sessions_db.get(conn, session_id)
                replay = None if row is None else \
                    await self.read_missed(conn, session_id, from_seq, row["last_seq"])
            if row is None or replay is None:
                self.replaying.pop(session_id, None)
                return
            self.send({"type": "assigned", "session": agent_view(row)})
            self.release(session_id, replay)
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
        if self.present and actor is not None and actor.id is not None \
                and self.ctx.presence.disconnected(actor.id):
            spawn(chat.publish_presence(self.ctx, actor.id, "offline", self.presence_widgets))

    def handlers(self) -> dict[str, Handler]:
        return {"message": self.on_chat, "typing": self.on_typing, "seen": self.on_seen,
                "accept": self.on_accept, "transfer": self.on_transfer,
                "close": self.on_close_frame, "hand_back": self.on_hand_back,
                "presence": self.on_presence, "fetch": self.on_fetch, "auth": self.on_reauth}

    @property
    def me(self) -> Actor:
        assert self.actor is not None
        return self.actor

    def session_arg(self, frame: dict[str, Any]) -> str:
        sid = frame.get("session_id")
        if not isinstance(sid, str) or not 1 <= len(sid) <= 36:
            raise ValidationError("session_id is required", code="invalid_session_id")
        return sid

    async def on_chat(self, frame: dict[str, Any]) -> None:
        sid = self.session_arg(frame)
        client_msg_id = chat.check_client_msg_id(frame.get("client_msg_id"))
        text = chat.check_text(self.ctx, frame.get("text"))
        now = time.monotonic()
        # Limited per session written to, so an agent with ten chats is not throttled.
        wait = self.limits.message(f"{self.conn_id}:{sid}", now)
        if wait:
            raise RateLimited(f"slow down: try again in {wait:.0f} s", retryable=True)
        if session_channel(sid) not in self.channels:
            # Not one this socket follows: a session of another widget is "not found", as
            # everywhere, and must not answer a repeated client_msg_id with its message's ack.
            async with self.ctx.engine.connect() as conn:
                await access_session(conn, None, sid, actor=self.me)
        msg, _ = await chat.send_message(
            self.ctx, sid, sender_type="agent", text=text, client_msg_id=client_msg_id,
            sender_id=self.me.id, sender_name=self.me.display_name, exclude=self.conn_id)
        self.send(chat.ack(msg))

    async def _assigned(self, sid: str) -> None:
        if session_channel(sid) not in self.channels:
            raise Forbidden("accept the conversation first", code="not_assigned")

    async def on_typing(self, frame: dict[str, Any]) -> None:
        sid = self.session_arg(frame)
        await self._assigned(sid)
        self.check_signal_rate(sid)
        await chat.publish_frame(self.ctx, session_channel(sid), {
            "type": "typing", "session_id": sid, "sender_type": "agent",
            "on": bool(frame.get("on"))}, exclude=self.conn_id)

    async def on_seen(self, frame: dict[str, Any]) -> None:
        sid = self.session_arg(frame)
        await self._assigned(sid)
        seq = frame.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise ValidationError("seq must be a whole number", code="invalid_seq")
        self.check_signal_rate(sid)
        await chat.publish_frame(self.ctx, session_channel(sid), {
            "type": "seen", "session_id": sid, "seq": seq, "by": "agent"}, exclude=self.conn_id)

    async def on_accept(self, frame: dict[str, Any]) -> None:
        """The accepting socket follows the session from now on; it loads the history up to
        `session.last_seq` itself (REST), so it is not replayed here."""
        sid = self.session_arg(frame)
        session = await chat.accept(self.ctx, self.me, sid, exclude=self.conn_id)
        await self.join(session_channel(sid))
        self.send({"type": "accepted", "session": session})

    async def on_transfer(self, frame: dict[str, Any]) -> None:
        to = frame.get("to_agent_id")
        if not isinstance(to, int) or isinstance(to, bool) or not 0 < to <= ID_MAX:
            raise ValidationError("to_agent_id must be an agent's id", code="invalid_agent")
        session = await chat.transfer(self.ctx, self.me, self.session_arg(frame), to)
        self.send({"type": "transferred", "session": session})

    async def on_close_frame(self, frame: dict[str, Any]) -> None:
        note = frame.get("note")
        if note is not None and not isinstance(note, str):
            raise ValidationError("note must be text", code="invalid_note")
        await chat.close(self.ctx, self.session_arg(frame), by="agent", actor=self.me,
                         note=note)

    async def on_hand_back(self, frame: dict[str, Any]) -> None:
        await chat.hand_back(self.ctx, self.me, self.session_arg(frame))

    async def on_presence(self, frame: dict[str, Any]) -> None:
        status = frame.get("status")
        if status not in ("online", "away"):
            raise ValidationError("status is online or away", code="invalid_status")
        await chat.set_presence(self.ctx, self.me, status)

    async def on_fetch(self, frame: dict[str, Any]) -> None:
        sid = self.session_arg(frame)
        await self._assigned(sid)
        await self.fetch(sid, frame)

    async def on_reauth(self, frame: dict[str, Any]) -> None:
        raise ValidationError("already authenticated", code="already_authenticated")


def close_all(registry: Registry) -> None:
    """On shutdown: tell every client to reconnect (1012, service restart)."""
    for sock in list(registry.sockets):
        sock.close(CLOSE_RESTART, "server restart")


routes = [
    (r"/ws/agent/([0-9]{1,12})", AgentSocket),
    (r"/ws/([0-9a-fA-F-]{1,36})", VisitorSocket),
]


def socket_limits(s: Settings) -> SocketLimits:
    """The app's socket limits (make_app puts them in the application's settings)."""
    return SocketLimits(s.visitor_burst, s.visitor_burst_window_s, s.visitor_per_minute,
                        RATE_STRIKES, SIGNAL_LIMIT, SIGNAL_WINDOW_S)
