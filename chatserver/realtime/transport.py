"""The socket's plumbing, the same for visitors and agents: a bounded queue of frames to write
(a slow reader is closed, never buffered without bound), a queue of frames received and handled
in order by one task, the socket's one timer, and the mapping of every failure to an `error`
frame (docs/protocol.md, Errors) or a close code. What the frames mean is the roles' business
(visitor.py, agent.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
import tornado.ioloop
import tornado.websocket
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from chatserver import metrics
from chatserver.context import Context
from chatserver.errors import ParleyError, RateLimited, Unauthorized, ValidationError
from chatserver.origins import client_ip, request_origin_allowed
from chatserver.outage import is_unavailable, outage_log
from chatserver.ratelimit import SocketLimits
from chatserver.realtime.admission import Admission
from chatserver.realtime.outbox import Outbox
from chatserver.realtime.pings import Pinger
from chatserver.realtime.protocol import (
    CLOSE_AUTH,
    CLOSE_AUTH_TIMEOUT,
    CLOSE_RATE,
    CLOSE_RESTART,
    CLOSE_SLOW,
    CLOSE_TRY_AGAIN,
    FRAME_QUEUE_MAX,
    GROUP_MAX,
    INTERNAL_ERROR,
    error_frame,
    unavailable,
)
from chatserver.realtime.registry import Registry
from chatserver.tasks import spawn
from chatserver.validate import parse_json

log = logging.getLogger(__name__)

FrameHandler = Callable[[dict[str, Any]], Awaitable[None]]


def _retrieve(written: asyncio.Future[None]) -> None:
    if not written.cancelled():
        written.exception()


class FrameSocket(tornado.websocket.WebSocketHandler):
    kind = "socket"
    # An idle socket should cost little (10,000 of them). Parley's own state is in slots, not
    # in the instance's dict: Tornado's handler puts ~27 keys there, and Parley's ~17 more
    # made it a table of 128 entries (1.5 KiB a socket) instead of 64 (0.8 KiB). What a
    # socket no longer needs is dropped.
    __slots__ = ("auth_received", "authed", "closing", "conn_id", "consumer", "drainer",
                 "flooding", "frame_queue", "ip", "ping_slot", "pong_due", "pong_slot",
                 "send_queue", "timer", "waiting")
    conn_id: str
    ip: str
    send_queue: Outbox
    # Frames received, not yet handled. A list, not a deque: frames come one or a few at a
    # time, and an empty list is 56 bytes to the deque's 600.
    frame_queue: list[dict[str, Any]]
    authed: bool
    auth_received: bool
    # Counted among the sockets that wait for their auth (realtime/admission.py).
    waiting: bool
    closing: bool
    flooding: bool
    drainer: asyncio.Task[None] | None
    consumer: asyncio.Task[None] | None
    # The auth deadline until the socket is authenticated; then, for agents, the token's expiry.
    timer: object | None
    # Its place in the process's ping wheel (realtime/pings.py), and whether a ping waits for
    # its pong.
    ping_slot: int
    pong_slot: int
    pong_due: bool

    def initialize(self) -> None:
        self.conn_id = uuid.uuid4().hex
        self.ip = ""
        self.send_queue = Outbox(self.ctx.settings.ws_send_queue_messages,
                                 self.ctx.settings.ws_send_queue_bytes)
        self.frame_queue = []
        self.authed = self.auth_received = self.closing = self.flooding = self.waiting = False
        self.drainer = self.consumer = self.timer = None
        self.ping_slot = self.pong_slot = 0
        self.pong_due = False

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

    @property
    def pinger(self) -> Pinger:
        pinger: Pinger = self.application.settings["pinger"]
        return pinger

    @property
    def admission(self) -> Admission:
        admission: Admission = self.application.settings["admission"]
        return admission

    def check_origin(self, origin: str) -> bool:
        # The handshake always succeeds; a foreign origin is closed with 4403 once we know
        # which widget the socket is for (visitors) or at open (agents).
        return True

    def get_compression_options(self) -> None:
        return None  # compression costs ~150 KB of memory per socket

    def origin_ok(self, allowed: list[str]) -> bool:
        return request_origin_allowed(self.request, self.ctx.settings, allowed)

    async def open(self, *args: str) -> None:
        # Chat frames are small and latency matters: no Nagle delay behind unacked frames.
        self.set_nodelay(True)
        self.ip = client_ip(self.request, self.ctx.settings)
        self.registry.sockets.add(self)
        self.pinger.add(self)
        self.waiting = True
        self.admission.opened()
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

    def send(self, frame: Mapping[str, Any]) -> None:
        if self.closing:
            return
        # Bytes of UTF-8, sent as a text frame (Tornado's opcode follows `binary`, not type).
        data = orjson.dumps(frame, option=orjson.OPT_NON_STR_KEYS)
        idle = self.drainer is None or self.drainer.done()
        if idle and not self.send_queue:
            # Nothing is waiting: write now rather than one loop turn later (latency), and
            # queue what follows until this write has reached the kernel.
            try:
                written = self.write_message(data)
            except tornado.websocket.WebSocketClosedError:
                return
            # Tornado's future of the write is a task, never done yet; the stream says
            # whether the frame is still buffered (awaiting that future is optional).
            stream = self.ws_connection.stream if self.ws_connection is not None else None
            if stream is not None and stream.writing():
                self.drainer = asyncio.ensure_future(self._drain(written))
                self.drainer.add_done_callback(self._drainer_done)
            elif stream is None or stream.closed():
                # Closed under the write: the task ends with WebSocketClosedError, retrieved
                # so that it is not logged as lost (a written frame's task just succeeds).
                written.add_done_callback(_retrieve)
            return
        if not self.send_queue.push(data):
            log.warning("closing slow %s socket %s (%d frames queued)", self.kind, self.conn_id,
                        len(self.send_queue))
            self.close(CLOSE_SLOW, "reader too slow")
            return
        if idle:
            self.drainer = asyncio.ensure_future(self._drain())
            self.drainer.add_done_callback(self._drainer_done)

    def _drainer_done(self, task: asyncio.Future[None]) -> None:
        # A finished task held by an idle socket is memory for nothing.
        if self.drainer is task:
            self.drainer = None

    async def _drain(self, pending: asyncio.Future[None] | None = None) -> None:
        if pending is not None:
            try:
                await pending
            except tornado.websocket.WebSocketClosedError:
                return
        while not self.closing:
            frame = self.send_queue.pop()
            if frame is None:
                return
            try:
                await self.write_message(frame)
            except tornado.websocket.WebSocketClosedError:
                return

    async def flush_sends(self, limit_s: float = 2.0) -> None:
        """Wait (bounded) until the frames queued for the client are written."""
        if self.drainer is not None and not self.drainer.done():
            await asyncio.wait([self.drainer], timeout=limit_s)

    def send_error_frame(self, exc: ParleyError, request: dict[str, Any] | None = None) -> None:
        metrics.ERRORS.labels("ws", exc.code).inc()
        self.send(error_frame(exc, request))

    async def fail_auth(self, code: int, message: str) -> None:
        """Say why in an error frame, then close with the code."""
        frame = {"type": "error", "code": "unauthorized" if code == CLOSE_AUTH else "forbidden",
                 "message": message, "retryable": False}
        try:
            await self.write_message(orjson.dumps(frame))
        except tornado.websocket.WebSocketClosedError:
            return
        self.close(code, message)

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
        if len(self.frame_queue) >= FRAME_QUEUE_MAX:
            self.send_error_frame(RateLimited("too many frames in flight", retryable=True), frame)
            self.close(CLOSE_RATE, "too many frames in flight")
            return
        if frame["type"] == "auth":
            self.auth_received = True
        self.frame_queue.append(frame)
        if self.consumer is None:
            self.consumer = spawn(self._consume())

    async def _consume(self) -> None:
        try:
            await self._consume_frames()
        finally:
            self.consumer = None

    async def _consume_frames(self) -> None:
        queue = self.frame_queue
        while queue and not self.closing and not self.flooding:
            frame = queue.pop(0)
            if frame["type"] != "message" or not self.authed:
                await self.dispatch(frame)
                continue
            # Consecutive chat messages are stored together (one group commit) and acked in
            # order: the message writer commits in submission order.
            group = [frame]
            while queue and queue[0]["type"] == "message" and len(group) < GROUP_MAX:
                group.append(queue.pop(0))
            if len(group) == 1:  # most often: no task and gathering future (~13 us)
                await self.dispatch(frame)
            else:
                await asyncio.gather(*(self.dispatch(f) for f in group))
        if self.flooding:
            await self.flush_sends()
            self.close(CLOSE_RATE, "rate limit")

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
            handler = self.frame_handlers().get(ftype)
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

    def frame_handlers(self) -> dict[str, FrameHandler]:
        raise NotImplementedError

    # --- closing -------------------------------------------------------------------------

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        self.closing = True
        super().close(code, reason)

    def on_pong(self, data: bytes) -> None:
        self.pong_due = False

    def authenticated(self) -> None:
        self.authed = True
        self.settle()

    def settle(self) -> None:
        if self.waiting:
            self.waiting = False
            self.admission.settled()

    def on_close(self) -> None:
        self.settle()
        self.closing = True
        self.cancel_timer()
        self.registry.sockets.discard(self)
        self.pinger.remove(self)
