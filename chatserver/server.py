"""Run the server: bind, serve, and shut down gracefully on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket

import tornado.httpserver
import tornado.netutil

from chatserver import __version__
from chatserver.app import make_app
from chatserver.config import Settings
from chatserver.context import Context

log = logging.getLogger(__name__)


async def serve(settings: Settings, *, ready: asyncio.Event | None = None,
                stop: asyncio.Event | None = None) -> None:
    """Serve until SIGTERM/SIGINT (or ``stop`` is set), then shut down gracefully."""
    ctx = Context.create(settings)
    app = make_app(ctx)
    server = tornado.httpserver.HTTPServer(app, max_body_size=settings.max_body_bytes * 4,
                                           idle_connection_timeout=75)
    sockets = tornado.netutil.bind_sockets(settings.port, settings.host,
                                           family=socket.AF_UNSPEC)
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    log.info("parley %s listening on http://%s:%s (database: %s)", __version__, settings.host,
             port, ctx.engine.url.get_backend_name())

    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread
            pass
    if ready is not None:
        ready.set()
    await stop.wait()

    log.info("shutting down: no new connections, %ss for in-flight requests",
             settings.shutdown_grace_s)
    server.stop()
    shutdown_hooks = app.settings.get("shutdown_hooks", [])
    for hook in shutdown_hooks:
        await hook()
    try:
        await asyncio.wait_for(server.close_all_connections(), settings.shutdown_grace_s)
    except TimeoutError:
        log.warning("in-flight requests still running after %ss; closing",
                    settings.shutdown_grace_s)
    await ctx.close()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.remove_signal_handler(sig)
        except (NotImplementedError, RuntimeError):
            pass
    log.info("stopped")
