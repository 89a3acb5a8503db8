"""Keep-alive pings (realtime/pings.py): every socket is pinged once per interval; one that
does not answer within the timeout is closed, one that answers stays; a closed socket leaves
the wheel. The client here is a raw socket, so it answers a ping only when told to."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import time
from typing import Any
from urllib.parse import urlsplit

import pytest

from chatserver.realtime.pings import PING_TIMED_OUT, Pinger
from tests.helpers.wait import wait_until_async

PING, PONG, CLOSE, TEXT = 0x9, 0xA, 0x8, 0x1


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"ws_ping_interval_s": 0.4, "ws_ping_timeout_s": 0.3}


class RawSocket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, url: str) -> RawSocket:
        u = urlsplit(url)
        reader, writer = await asyncio.open_connection(u.hostname, u.port)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(f"GET {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\nUpgrade: websocket\r\n"
                     f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        return cls(reader, writer)

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(OSError):
            await self.writer.wait_closed()

    def send(self, opcode: int, payload: bytes) -> None:
        assert len(payload) < 126
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    async def frame(self, timeout: float = 3.0) -> tuple[int, bytes]:
        b0, b1 = await asyncio.wait_for(self.reader.readexactly(2), timeout)
        n = b1 & 0x7F
        if n == 126:
            n = int.from_bytes(await self.reader.readexactly(2), "big")
        return b0 & 0x0F, await self.reader.readexactly(n)

    async def answering(self, seconds: float) -> tuple[int, list[int]]:
        """Read for `seconds`, answering every ping: (pings seen, other opcodes seen)."""
        pings, other = 0, []
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                opcode, payload = await self.frame(left)
            except TimeoutError:
                break
            if opcode == PING:
                pings += 1
                self.send(PONG, payload)
            else:
                other.append(opcode)
        return pings, other


async def _visitor(make_world: Any) -> RawSocket:
    world = await make_world()
    s = await world.session()
    sock = await RawSocket.open(world.url(f"/ws/{s['session_id']}"))
    sock.send(TEXT, json.dumps({"type": "auth", "token": s["visitor_token"],
                                "last_seq": 0}).encode())
    opcode, payload = await sock.frame()
    assert opcode == TEXT and json.loads(payload)["type"] == "ready"
    return sock


async def test_a_client_that_answers_is_pinged_every_interval_and_stays(
        make_world: Any, app: Any) -> None:
    sock = await _visitor(make_world)
    pings, other = await sock.answering(1.5)
    assert 3 <= pings <= 4, pings  # one per 0.4 s
    assert CLOSE not in other
    assert len(app.settings["pinger"]) == 1
    await sock.close()


async def test_a_client_that_does_not_answer_is_closed_after_the_timeout(
        make_world: Any, app: Any) -> None:
    sock = await _visitor(make_world)
    opcode, _ = await sock.frame()
    pinged = time.monotonic()
    assert opcode == PING
    opcode, payload = await sock.frame()  # not answered
    waited = time.monotonic() - pinged
    assert opcode == CLOSE and payload[2:].decode() == PING_TIMED_OUT
    assert 0.25 <= waited <= 1.0, waited
    sock.send(CLOSE, payload[:2])  # the closing handshake (a dead peer's: Tornado's 5 s)
    await wait_until_async(lambda: len(app.settings["pinger"]) == 0 or None, 3,
                           "the closed socket out of the wheel")
    await sock.close()


async def test_a_socket_that_leaves_leaves_the_wheel(make_world: Any, app: Any) -> None:
    pinger: Pinger = app.settings["pinger"]
    sock = await _visitor(make_world)
    await sock.answering(0.5)
    assert len(pinger) == 1 and sum(map(len, pinger.waiting)) <= 1
    sock.send(CLOSE, (1000).to_bytes(2, "big"))
    await wait_until_async(lambda: len(pinger) == 0 or None, 3, "the socket out of the wheel")
    assert sum(map(len, pinger.waiting)) == 0
    await sock.close()


@pytest.mark.parametrize(("interval", "timeout", "slots", "ticks"),
                         [(25, 20, 100, 80), (25, 25, 100, 100), (25, 60, 100, 100),
                          (0.4, 0.3, 4, 3), (0.1, 0.05, 4, 2)])
def test_the_wheel_turns_once_per_interval(interval: float, timeout: float, slots: int,
                                           ticks: int) -> None:
    p = Pinger(interval, timeout)
    assert (p.slots, p.timeout_ticks) == (slots, ticks)


def test_an_interval_of_0_pings_nobody() -> None:
    class Sock:
        ping_slot = pong_slot = 0
        pong_due = False

        def ping(self, data: bytes = b"") -> None:
            raise AssertionError("pinged")

        def close(self, code: int | None = None, reason: str | None = None) -> None:
            raise AssertionError("closed")

    p = Pinger(0, 20)
    sock = Sock()
    p.add(sock)
    p.tick()
    p.remove(sock)
    assert len(p) == 0


async def test_sockets_that_open_together_are_pinged_over_the_whole_interval() -> None:
    pinged: list[int] = []

    class Sock:
        ping_slot = pong_slot = 0
        pong_due = False

        def ping(self, data: bytes = b"") -> None:
            pinged[-1] += 1

        def close(self, code: int | None = None, reason: str | None = None) -> None:
            pass  # unanswered: closed 80 ticks on

    p = Pinger(25, 20)
    try:
        for _ in range(1000):  # a burst, all before the next tick
            p.add(Sock())
        for _ in range(p.slots):
            pinged.append(0)
            p.tick()
    finally:
        p.stop()
    assert sum(pinged) == 1000
    assert max(pinged) == 10  # 1,000 sockets over 100 slots, not 1,000 in one tick
