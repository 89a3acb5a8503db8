"""Request bodies over PARLEY_MAX_BODY_BYTES: a 413 in the JSON error shape on every REST route
(never Tornado's bare 400), however the body is framed, without keeping more than the limit;
and the server goes on answering.

The server here is set up as `chatctl serve` sets it up (its body limit, not Tornado's 100 MB
default), since that limit is what turned oversized bodies into a bare 400.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import tornado.httpserver
import tornado.ioloop
import tornado.web

from chatserver.api.base import DRAIN_BYTES
from chatserver.config import Settings
from chatserver.server import server_options
from tests.helpers.api import Api

BIG = json.dumps({"email": "a@example.com", "password": "x" * (300 * 1024)}).encode()


@pytest.fixture
def http_server(app: tornado.web.Application, io_loop: tornado.ioloop.IOLoop,
                http_server_port: Any, settings: Settings) -> Iterator[Any]:
    server = tornado.httpserver.HTTPServer(app, **server_options(settings))
    server.add_socket(http_server_port[0])
    yield server
    server.stop()
    io_loop.run_sync(server.close_all_connections)


def _too_large(code: int, headers: Any, body: bytes) -> None:
    assert code == 413, (code, body[:200])
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    error = json.loads(body)["error"]
    assert error["code"] == "too_large" and error["message"]


async def _still_serving(api: Api) -> None:
    resp = await api.post("/api/auth/login", {"email": "a@example.com", "password": "x" * 12})
    assert resp.code == 401 and resp.error_code is not None, resp


async def test_a_declared_length_over_the_limit_is_a_json_413(api: Api) -> None:
    resp = await api.request("POST", "/api/auth/login", body=BIG,
                             headers={"Content-Type": "application/json"})
    _too_large(resp.code, resp.headers, resp.body)
    await _still_serving(api)


@pytest.mark.parametrize("size", [len(BIG), 3 * DRAIN_BYTES])
async def test_a_chunked_body_that_grows_over_the_limit_is_a_json_413(api: Api,
                                                                      size: int) -> None:
    async def produce(write: Callable[[bytes], Any]) -> None:
        for _ in range(0, size, 16 * 1024):
            await write(b"x" * 16 * 1024)

    resp = await api.client.fetch("/api/auth/login", method="POST", body_producer=produce,
                                  raise_error=False)
    assert "Content-Length" not in resp.request.headers
    _too_large(resp.code, resp.headers, resp.body or b"")
    await _still_serving(api)


async def _exchange(api: Api, head: bytes, body: bytes = b"") -> bytes:
    """Send a request as written; return all the server answers until it closes."""
    port = api.url("/").rsplit(":", 1)[1].split("/")[0]
    reader, writer = await asyncio.open_connection("127.0.0.1", int(port))
    writer.write(head + body)
    answer = await asyncio.wait_for(reader.read(), 10)
    writer.close()
    await writer.wait_closed()
    return answer


async def test_a_body_far_over_the_limit_is_refused_before_it_is_sent(api: Api) -> None:
    """Announced with Expect: 100-continue, or longer than the server would read and drop: a
    413 at once, no invitation to send the body, and the connection closed."""
    for length in (300 * 1024, 50 * 1024 * 1024):
        answer = await _exchange(api, (
            f"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}\r\nExpect: 100-continue\r\n\r\n").encode())
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413 "), answer
        assert b"\r\nConnection: close\r\n" in head and b" 100 " not in answer, answer
        assert json.loads(body)["error"]["code"] == "too_large"
    assert length > 64 * 1024 + DRAIN_BYTES
    await _still_serving(api)


async def test_a_body_just_over_the_limit_is_read_and_the_connection_kept(api: Api) -> None:
    """Read to its end and dropped, then refused: the client reads the 413, not a reset, and
    may send its next request on the same connection."""
    body = b"x" * (65 * 1024)
    head = (f"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode()
    then = b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answer = await _exchange(api, head, body + then)
    first, _, rest = answer.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 413 ") and b"Connection: close" not in first, answer
    assert b"HTTP/1.1 200 " in rest, answer
