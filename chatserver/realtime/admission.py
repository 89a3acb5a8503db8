"""New connections are accepted while fewer than ``high`` sockets wait for their auth.

After a restart or a deploy every widget reconnects at once. Accepted as fast as they come,
10,000 sockets are in their handshake and auth together, and the heap that this peak takes
stays fragmented after it: the new process kept 4-11 % more memory than the old one for the
same sockets (docs/performance.md, section 13). So while ``high`` sockets are open but have
not yet been authenticated, the server stops accepting and the kernel's backlog holds the
next connections (``chatserver.server.LISTEN_BACKLOG``); it starts again when half of them
have been answered, or after ``max_pause_s`` at most: a few hundred sockets that never send
their auth (each closed after ``PARLEY_WS_AUTH_TIMEOUT_S``) can delay a new connection by
that much, not shut the door.

The listening sockets are served through Tornado's public ``add_accept_handler`` and the HTTP
server's ``handle_stream``, as ``TCPServer.add_sockets`` does, so that accepting can stop and
start without closing them.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

import tornado.httpserver
import tornado.ioloop
import tornado.iostream
import tornado.netutil

WAITING_HIGH = 400  # sockets waiting for their auth before accepting stops
MAX_PAUSE_S = 0.25


class Admission:
    def __init__(self, high: int = WAITING_HIGH, max_pause_s: float = MAX_PAUSE_S) -> None:
        self.high = high
        self.max_pause_s = max_pause_s
        self.waiting = 0
        self.pauses = 0  # times accepting stopped (for tests)
        self._server: tornado.httpserver.HTTPServer | None = None
        self._sockets: list[socket.socket] = []
        self._removers: list[Callable[[], None]] = []
        self._timer: object | None = None

    # --- the sockets' side -------------------------------------------------------------

    def opened(self) -> None:
        """A socket is open and waits for its auth."""
        self.waiting += 1
        if self.waiting >= self.high and self._removers:
            self._pause()

    def settled(self) -> None:
        """A socket that `opened` is authenticated, or closed."""
        self.waiting -= 1
        if self._timer is not None and self.waiting <= self.high // 2:
            self._resume()

    # --- the listening sockets ---------------------------------------------------------

    def listen(self, server: tornado.httpserver.HTTPServer, sockets: list[socket.socket]) -> None:
        """Accept the sockets' connections for the server (instead of ``server.add_sockets``)."""
        self._server, self._sockets = server, sockets
        self._accept()

    def stop(self) -> None:
        """Stop accepting for good and close the listening sockets (shutdown)."""
        self._cancel_timer()
        self._unaccept()
        for sock in self._sockets:
            sock.close()
        self._sockets = []

    def _accept(self) -> None:
        self._removers = [tornado.netutil.add_accept_handler(sock, self._connection)
                          for sock in self._sockets]

    def _unaccept(self) -> None:
        for remove in self._removers:
            remove()
        self._removers = []

    def _connection(self, connection: socket.socket, address: tuple[str, int]) -> None:
        server = self._server
        assert server is not None
        stream = tornado.iostream.IOStream(connection, max_buffer_size=server.max_buffer_size,
                                           read_chunk_size=server.read_chunk_size)
        server.handle_stream(stream, address)

    def _pause(self) -> None:
        self.pauses += 1
        self._unaccept()
        self._timer = tornado.ioloop.IOLoop.current().call_later(self.max_pause_s, self._resume)

    def _resume(self) -> None:
        self._cancel_timer()
        if self._sockets and not self._removers:
            self._accept()

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            tornado.ioloop.IOLoop.current().remove_timeout(self._timer)
            self._timer = None
