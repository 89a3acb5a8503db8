"""Run the server: bind, serve, and shut down gracefully on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import re
import signal
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import tornado.httpserver
import tornado.httputil
import tornado.ioloop
import tornado.netutil
import tornado.web

from chatserver import __version__, metrics, sdnotify
from chatserver.app import mail_listener, make_app, open_context
from chatserver.collector import Collector
from chatserver.config import Settings
from chatserver.context import Context
from chatserver.logs import FLUSH_S, access_handler, flush_access, request_id
from chatserver.origins import client_ip
from chatserver.realtime.admission import Admission
from chatserver.realtime.handlers import close_all
from chatserver.realtime.registry import Registry
from chatserver.realtime.sweeper import Sweeper
from chatserver.services import source_sync
from chatserver.services.assistant import AIRunner
from chatserver.services.outbox_sender import OutboxSender
from chatserver.tasks import drain

log = logging.getLogger(__name__)
access_log = logging.getLogger("tornado.access")

# A request id from the proxy (nginx's $request_id) is kept if it looks like one.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class _RequestIds:
    """New request ids: 32 hex digits (as nginx's), this process's random half and a count,
    unique without a random draw per request (uuid4 was a getrandom call and a UUID object)."""

    def __init__(self) -> None:
        self.reset()
        os.register_at_fork(after_in_child=self.reset)  # each worker its own prefix

    def reset(self) -> None:
        self.prefix = os.urandom(8).hex()
        self.count = itertools.count(1)

    def new(self) -> str:
        return f"{self.prefix}{next(self.count):016x}"


request_ids = _RequestIds()


class InFlightRequests(tornado.httputil.HTTPServerConnectionDelegate):
    """Wraps the application to count requests whose response is not finished yet.

    Tornado's ``close_all_connections`` closes every stream at once, cutting off requests
    still being handled; shutdown waits for this count to reach zero first.
    """

    def __init__(self, app: tornado.web.Application) -> None:
        self.app = app
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def start_request(self, server_conn: object, request_conn: tornado.httputil.HTTPConnection
                      ) -> tornado.httputil.HTTPMessageDelegate:
        delegate = self.app.start_request(server_conn, request_conn)
        return _CountedRequest(self, delegate, request_conn)

    def on_close(self, server_conn: object) -> None:
        self.app.on_close(server_conn)

    async def drained(self) -> None:
        """Return once no request is in flight."""
        await self._idle.wait()

    def started(self) -> None:
        self.count += 1
        self._idle.clear()

    def finished(self) -> None:
        self.count -= 1
        if not self.count:
            self._idle.set()


class _CountedRequest(tornado.httputil.HTTPMessageDelegate):
    """In flight from its headers until its response is finished (or its connection lost)."""

    def __init__(self, tracker: InFlightRequests, delegate: tornado.httputil.HTTPMessageDelegate,
                 conn: tornado.httputil.HTTPConnection) -> None:
        self.tracker = tracker
        self.delegate = delegate
        self.conn = conn
        self.counted = False

    def headers_received(self, start_line: tornado.httputil.RequestStartLine
                         | tornado.httputil.ResponseStartLine,
                         headers: tornado.httputil.HTTPHeaders) -> Awaitable[None] | None:
        self.counted = True
        self.tracker.started()
        self._tag(headers)
        finish_response = self.conn.finish

        def finish() -> None:
            try:
                finish_response()
            finally:
                self._done()
                # Unwrap: a WebSocket keeps its handshake's connection object all its life.
                conn = self.conn.__dict__
                conn.pop("finish", None)
                conn.pop("write_headers", None)

        setattr(self.conn, "finish", finish)  # noqa: B010 - wrap this connection's method only
        return self.delegate.headers_received(start_line, headers)

    def _tag(self, headers: tornado.httputil.HTTPHeaders) -> None:
        """Give the request an id (the proxy's, or a new one): in the logging context for the
        access log and every line logged while handling it, and in the response's headers for
        the client. Not in the request's headers: a WebSocket keeps those all its life, and
        a sixth header doubled their two tables (0.26 KiB a socket)."""
        given = headers.get("X-Request-ID")
        rid = given if given and REQUEST_ID.fullmatch(given) else request_ids.new()
        request_id.set(rid)
        write_headers = self.conn.write_headers

        def tagged(start_line: Any, response_headers: tornado.httputil.HTTPHeaders,
                   chunk: bytes | None = None) -> Any:
            if "X-Request-ID" not in response_headers:
                response_headers["X-Request-ID"] = rid
            return write_headers(start_line, response_headers, chunk)

        setattr(self.conn, "write_headers", tagged)  # noqa: B010 - this connection only

    def data_received(self, chunk: bytes) -> Awaitable[None] | None:
        return self.delegate.data_received(chunk)

    def finish(self) -> None:
        self.delegate.finish()

    def on_connection_close(self) -> None:
        self._done()
        self.delegate.on_connection_close()

    def _done(self) -> None:
        if self.counted:
            self.counted = False
            self.tracker.finished()


async def sockets_closed(registry: Registry) -> None:
    """Return once every socket has closed. Tornado calls a socket's on_close (which takes
    it out of the registry) only after the frame it was handling is done, so this also waits
    for in-flight frames: a message being stored is committed and not cancelled mid-way."""
    while registry.sockets:  # noqa: ASYNC110 - sockets leave it in handlers' on_close; no hook
        await asyncio.sleep(0.01)


def access_logger(ctx: Context) -> Callable[[tornado.httputil.HTTPServerRequest, int], None]:
    """One line per request, with its id, the client's address (as the trusted proxy gives
    it) and the timing as fields (log_format=json shows them), and its metrics. The path is
    logged without its query string, and a conversation link's without its token (it opens
    the conversation)."""

    def log_response(request: tornado.httputil.HTTPServerRequest, status: int) -> None:
        level = logging.INFO if status < 400 else logging.WARNING if status < 500 \
            else logging.ERROR
        seconds = request.request_time()
        metrics.observe_request(request.method or "", status, seconds)
        if not access_log.isEnabledFor(level):
            return
        ms = 1000.0 * seconds
        ip = client_ip(request, ctx.settings)
        path = "/c/…" if request.path.startswith("/c/") else request.path
        message = f"{status} {request.method} {path} {ms:.1f}ms {ip}"
        fields = {"request_id": request_id.get(), "status": status,
                  "method": request.method, "path": path, "duration_ms": round(ms, 2),
                  "client_ip": ip}
        handler = access_handler()
        if handler is not None:
            handler.access(level, message, fields)
        else:
            access_log.log(level, "%s", message, extra=fields)

    return log_response


def install_access_log(app: tornado.web.Application, ctx: Context) -> None:
    """The access log for the handlers' responses (Tornado's log_function) and for those
    answered without a handler (``access_log``: the widget config's cached answer)."""
    log_response = access_logger(ctx)
    app.settings["access_log"] = log_response
    app.settings["log_function"] = lambda handler: log_response(handler.request,
                                                                handler.get_status())


# Connections the kernel queues before the server accepts them. Not deeper than Tornado's
# 128: with 4,096, a restart's 10,000 reconnects (bench/storm.py) queued longer than the
# widgets' 10 s connect timeout, the server spent itself on sockets their clients had given
# up, and only 1,080 were back after two minutes; with 128 the kernel drops the excess SYNs
# (resent by the clients' TCP) and all were back in 28 s.
LISTEN_BACKLOG = 128


def listen_sockets(settings: Settings, reuse_port: bool = False) -> list[socket.socket]:
    """systemd's sockets (socket activation: deploy/systemd/parley.socket), or the settings'
    host and port bound."""
    inherited = sdnotify.listen_fds()
    if inherited:
        log.info("serving the %d socket(s) systemd passed; PARLEY_HOST and PARLEY_PORT unused",
                 len(inherited))
        return inherited
    return tornado.netutil.bind_sockets(settings.port, settings.host, family=socket.AF_UNSPEC,
                                        reuse_port=reuse_port, backlog=LISTEN_BACKLOG)


def server_options(settings: Settings) -> dict[str, Any]:
    """The HTTP server's settings. A body is never read past PARLEY_MAX_BODY_BYTES: the REST
    handlers read theirs within that limit themselves (api.base.RequestBody) and refuse more
    with 413; the other routes take no body, so Tornado's bare 400 is enough for them."""
    return {"max_body_size": settings.max_body_bytes, "idle_connection_timeout": 75}


async def serve(settings: Settings, *, ready: asyncio.Event | None = None,
                stop: asyncio.Event | None = None, notify: bool = True,
                reuse_port: bool = False, sockets: list[socket.socket] | None = None) -> None:
    """Serve until SIGTERM/SIGINT (or ``stop`` is set), then shut down gracefully.

    ``notify``: tell systemd (Type=notify) when listening and when stopping; a worker of
    ``chatctl serve --workers`` leaves that to its parent. ``reuse_port``: bind with
    SO_REUSEPORT, so several processes share the port and the kernel spreads connections.
    ``sockets``: listening sockets to serve (a worker's, passed by systemd to its parent);
    else systemd's own (socket activation), else the host and port of the settings."""
    ai = AIRunner(settings)
    ctx = open_context(settings, ai)
    await ctx.start()
    app = make_app(ctx, ai)
    install_access_log(app, ctx)
    in_flight = InFlightRequests(app)
    server = tornado.httpserver.HTTPServer(in_flight, **server_options(settings))
    sockets = sockets or listen_sockets(settings, reuse_port)
    admission: Admission = app.settings["admission"]
    admission.listen(server, sockets)
    sweeper = Sweeper(ctx, app.settings["registry"])
    sweeper.start()
    outbox = OutboxSender(ctx)
    outbox.start()
    source_sync.runner(ctx).schedule()
    log_flusher = tornado.ioloop.PeriodicCallback(flush_access, 1000 * FLUSH_S)
    log_flusher.start()
    listener = mail_listener(ctx) if settings.mail_listen else None
    if listener is not None:  # SO_REUSEPORT always: N workers or N instances share the port
        await listener.start(reuse_port=True)
    # Start-up's heap, and from now on what survives each full collection, frozen out of
    # later collections (chatserver/collector.py).
    collector = Collector(settings.gc_freeze, settings.gc_full_interval_s)
    collector.start()
    port = sockets[0].getsockname()[1]
    log.info("parley %s listening on http://%s:%s (database: %s, bus: %s)", __version__,
             settings.host, port, ctx.engine.url.get_backend_name(),
             "redis" if settings.redis_url else "local")

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread
            pass
    if ready is not None:
        ready.set()
    if notify:
        sdnotify.notify(f"READY=1\nSTATUS=listening on {settings.host}:{port}")
    await stop.wait()

    if notify:
        sdnotify.notify("STOPPING=1\nSTATUS=shutting down")
    log.info("shutting down: no new connections, %ss for in-flight requests",
             settings.shutdown_grace_s)
    admission.stop()
    sweeper.stop()
    app.settings["pinger"].stop()
    log_flusher.stop()
    registry = app.settings["registry"]
    close_all(registry)
    await asyncio.sleep(0)  # let the close handshakes start
    try:
        await asyncio.wait_for(asyncio.gather(in_flight.drained(), sockets_closed(registry)),
                               settings.shutdown_grace_s)
    except TimeoutError:
        log.warning("%d in-flight requests and %d sockets still open after %ss; closing",
                    in_flight.count, len(registry.sockets), settings.shutdown_grace_s)
    await server.close_all_connections()
    if listener is not None:  # deliveries under way commit (or the MTA retries) first
        await listener.close(settings.shutdown_grace_s)
    # Vectors being computed are not waited for: the next start computes what is missing.
    # Nor is a knowledge source's sync: its lease lapses and a process takes it over.
    await source_sync.runner(ctx).stop()
    await ctx.knowledge.stop()
    await outbox.stop()
    await drain()
    await ai.close()
    await ctx.close()
    collector.stop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.remove_signal_handler(sig)
        except (NotImplementedError, RuntimeError):
            pass
    log.info("stopped")
