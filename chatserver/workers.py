"""`chatctl serve --workers N`: N server processes sharing one port (pre-fork, SO_REUSEPORT).

The parent only supervises: it reserves the port, forks N workers that each bind it with
SO_REUSEPORT (the kernel spreads new connections across them), tells systemd it is ready
once all of them listen, forwards SIGTERM/SIGINT to them for a graceful stop, and restarts
a worker that dies. Workers share nothing in memory: they need Redis (PARLEY_REDIS_URL) for
fan-out and presence, and the database for everything else.
"""

from __future__ import annotations

import asyncio
import logging
import os
import select
import signal
import socket
import time
from types import FrameType

from chatserver import sdnotify
from chatserver.config import Settings

log = logging.getLogger(__name__)

# A worker that dies sooner than this after starting counts as a failed start; this many in
# a row and the parent gives up (a port in use, a bad setting) instead of looping.
QUICK_DEATH_S = 5.0
MAX_QUICK_DEATHS = 5
RESTART_DELAY_S = 1.0


def reserve_port(host: str, port: int) -> socket.socket:
    """Bind (without listening) the address the workers will share, with SO_REUSEPORT: it
    fails now if another program holds the port, and turns port 0 into a real one. A bound
    socket that does not listen gets no connections."""
    family, kind, proto, _name, address = socket.getaddrinfo(
        host or None, port, socket.AF_UNSPEC, socket.SOCK_STREAM, 0, socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    return sock


class Supervisor:
    def __init__(self, settings: Settings, count: int) -> None:
        self.settings = settings
        self.count = count
        self.children: dict[int, float] = {}  # pid -> started at (monotonic)
        self.stopping = False
        self.quick_deaths = 0
        self.ready_r, self.ready_w = os.pipe()
        self.ready = 0
        self.sockets: list[socket.socket] = []

    def run(self) -> int:
        # Socket activation: the workers share systemd's socket (each inherits it by fork).
        self.sockets = sdnotify.listen_fds()
        reserved = self.sockets[0] if self.sockets else \
            reserve_port(self.settings.host, self.settings.port)
        self.settings = self.settings.replace(port=reserved.getsockname()[1])
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        try:
            for _ in range(self.count):
                self._spawn()
            return self._supervise()
        finally:
            reserved.close()
            os.close(self.ready_r)
            os.close(self.ready_w)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if not self.stopping:
            self.stopping = True
            sdnotify.notify("STOPPING=1\nSTATUS=stopping the workers")
            log.info("stopping %d workers", len(self.children))
        for pid in self.children:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    def _spawn(self) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.close(self.ready_r)
                code = asyncio.run(_worker(self.settings, self.ready_w, self.sockets))
            except BaseException:
                log.exception("worker failed")
            finally:
                logging.shutdown()
                os._exit(code)
        self.children[pid] = time.monotonic()

    def _supervise(self) -> int:
        failed = False
        while self.children:
            readable, _, _ = select.select([self.ready_r], [], [], 0.2)
            if readable:
                self.ready += len(os.read(self.ready_r, 64))
                if self.ready == self.count:
                    log.info("%d workers listening on http://%s:%s", self.count,
                             self.settings.host, self.settings.port)
                    sdnotify.notify(f"READY=1\nSTATUS={self.count} workers listening on "
                                    f"{self.settings.host}:{self.settings.port}")
            while self.children:
                pid, status = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
                started = self.children.pop(pid, time.monotonic())
                if self.stopping:
                    continue
                code = os.waitstatus_to_exitcode(status)
                quick = time.monotonic() - started < QUICK_DEATH_S
                self.quick_deaths = self.quick_deaths + 1 if quick else 0
                if self.quick_deaths >= MAX_QUICK_DEATHS:
                    log.error("workers keep dying at start (last exit %s); giving up", code)
                    failed = True
                    self._on_signal(signal.SIGTERM, None)
                    continue
                log.warning("worker %d exited (%s); starting another", pid, code)
                time.sleep(RESTART_DELAY_S if quick else 0)
                self._spawn()
        return 1 if failed else 0


async def _worker(settings: Settings, ready_w: int, sockets: list[socket.socket]) -> int:
    from chatserver.server import serve

    ready = asyncio.Event()
    serving = asyncio.ensure_future(serve(settings, ready=ready, notify=False, reuse_port=True,
                                          sockets=sockets or None))
    told = asyncio.ensure_future(ready.wait())
    await asyncio.wait({serving, told}, return_when=asyncio.FIRST_COMPLETED)
    if told.done():
        os.write(ready_w, b"R")
    else:
        told.cancel()
    await serving
    return 0


def run_workers(settings: Settings, count: int) -> int:
    """Serve with ``count`` worker processes until SIGTERM/SIGINT; the exit status."""
    return Supervisor(settings, count).run()
