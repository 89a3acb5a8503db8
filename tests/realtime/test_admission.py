"""While too many sockets wait for their auth, the server stops accepting connections: the
next ones wait in the kernel's backlog until half have been answered, or for a bounded time
(realtime/admission.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import tornado.httpserver
import tornado.ioloop
import tornado.testing
import tornado.web

from chatserver.realtime.admission import Admission
from tests.helpers.sockets import WS
from tests.helpers.wait import wait_until_async


@pytest.fixture
def gated(app: tornado.web.Application,
          io_loop: tornado.ioloop.IOLoop) -> Iterator[Callable[..., Any]]:
    """gated(high, max_pause_s) -> (admission, the ws:// URL of a session's socket) on a
    server of the app's that accepts through the admission."""
    servers: list[tuple[Admission, tornado.httpserver.HTTPServer]] = []

    def start(high: int, max_pause_s: float) -> tuple[Admission, Callable[[dict[str, Any]], str]]:
        admission = Admission(high, max_pause_s)
        app.settings["admission"] = admission  # the sockets' handlers count in this one
        sock, port = tornado.testing.bind_unused_port()
        server = tornado.httpserver.HTTPServer(app)
        admission.listen(server, [sock])
        servers.append((admission, server))
        return admission, lambda s: f"ws://127.0.0.1:{port}/ws/{s['session_id']}"

    yield start
    for admission, server in servers:
        admission.stop()
        io_loop.run_sync(server.close_all_connections)


async def _auth(ws: WS, session: dict[str, Any]) -> None:
    await ws.send({"type": "auth", "token": session["visitor_token"], "last_seq": 0})
    await ws.expect("ready")


async def test_accepting_stops_at_the_high_mark_and_starts_again_at_half(
        make_world: Any, gated: Any) -> None:
    world = await make_world()
    s = [await world.session() for _ in range(3)]
    admission, url = gated(2, 30.0)
    first, second = await WS.connect(url(s[0])), await WS.connect(url(s[1]))
    await wait_until_async(lambda: admission.pauses == 1 or None, 3, "accepting to stop")
    assert admission.waiting == 2
    third = asyncio.ensure_future(WS.connect(url(s[2])))
    await asyncio.sleep(0.5)
    assert not third.done()  # connected in the kernel, not accepted
    await _auth(first, s[0])  # one of two answered: half
    late = await asyncio.wait_for(third, 5)
    assert admission.pauses == 2  # the late one and the second wait: two again
    await _auth(late, s[2])
    await _auth(second, s[1])
    assert admission.waiting == 0
    for ws in (first, second, late):
        ws.close()


async def test_sockets_that_never_authenticate_delay_new_ones_for_the_pause_at_most(
        make_world: Any, gated: Any) -> None:
    world = await make_world()
    s = [await world.session() for _ in range(3)]
    admission, url = gated(2, 0.3)
    silent = [await WS.connect(url(s[0])), await WS.connect(url(s[1]))]
    await wait_until_async(lambda: admission.pauses == 1 or None, 3, "accepting to stop")
    late = await asyncio.wait_for(WS.connect(url(s[2])), 5)  # after the pause, not 5 s
    await _auth(late, s[2])
    for ws in silent:
        ws.close()
    await wait_until_async(lambda: admission.waiting == 0 or None, 3,
                           "closed sockets to stop waiting")
    late.close()
