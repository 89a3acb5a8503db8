"""A small WebSocket test client speaking Parley's frames."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable
from typing import Any

import tornado.httpclient
import tornado.websocket


class WS:
    def __init__(self, conn: tornado.websocket.WebSocketClientConnection) -> None:
        self.conn = conn
        self.seen: list[dict[str, Any]] = []
        # Every frame this client sent (JSON objects only), in order.
        self.sent: list[dict[str, Any]] = []
        # Frames received but not yet matched by expect(), in arrival order.
        self.pending: list[dict[str, Any]] = []

    @classmethod
    async def connect(cls, url: str, *, origin: str | None = None) -> WS:
        headers = {"Origin": origin} if origin else {}
        req = tornado.httpclient.HTTPRequest(url, headers=headers)
        return cls(await tornado.websocket.websocket_connect(req, max_message_size=1 << 20))

    async def send(self, frame: dict[str, Any] | str) -> None:
        if not isinstance(frame, str):
            self.sent.append(frame)
        await self.conn.write_message(frame if isinstance(frame, str) else json.dumps(frame))

    async def recv(self, timeout: float = 3.0) -> dict[str, Any] | None:
        raw = await asyncio.wait_for(self.conn.read_message(), timeout)
        if raw is None:
            return None
        frame: dict[str, Any] = json.loads(raw)
        self.seen.append(frame)
        self.pending.append(frame)
        return frame

    async def expect(self, ftype: str, timeout: float = 3.0, **match: Any) -> dict[str, Any]:
        """The first not-yet-expected frame of this type (matching fields), waiting for it."""
        for frame in self.pending:
            if frame["type"] == ftype and all(frame.get(k) == v for k, v in match.items()):
                self.pending.remove(frame)
                return frame
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"no {ftype} {match} frame; saw {self.seen[-5:]}")
            frame = await self.recv(left)
            if frame is None:
                raise AssertionError(f"closed ({self.conn.close_code}) while waiting for {ftype}")
            if frame["type"] == ftype and all(frame.get(k) == v for k, v in match.items()):
                self.pending.remove(frame)
                return frame

    async def quiet(self, timeout: float = 0.3) -> list[dict[str, Any]]:
        """Frames that arrive within `timeout` (for asserting that nothing else came)."""
        got = []
        try:
            while True:
                frame = await self.recv(timeout)
                if frame is None:
                    break
                got.append(frame)
        except TimeoutError:
            pass
        return got

    async def read_until(self, done: Callable[[list[dict[str, Any]]], bool],
                         timeout: float = 3.0) -> tuple[list[dict[str, Any]], int | None]:
        """Frames read until ``done(frames)``, the timeout or the server's close:
        (the frames read, the close code or None)."""
        got: list[dict[str, Any]] = []
        deadline = asyncio.get_running_loop().time() + timeout
        while not done(got):
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return got, None
            try:
                frame = await self.recv(left)
            except TimeoutError:
                return got, None
            if frame is None:
                return got, self.conn.close_code
            got.append(frame)
        return got, None

    async def closed(self, timeout: float = 6.0) -> int | None:
        """Wait for the server to close; the close code."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError("socket still open")
            if await self.recv(left) is None:
                return self.conn.close_code

    async def say(self, text: str, client_msg_id: str | None = None,
                  **extra: Any) -> dict[str, Any]:
        cid = client_msg_id or str(uuid.uuid4())
        await self.send({"type": "message", "client_msg_id": cid, "text": text, **extra})
        return await self.expect("ack", client_msg_id=cid)

    def close(self) -> None:
        self.conn.close()


def ws_url(http_url: str, path: str) -> str:
    return http_url.replace("http://", "ws://", 1).rstrip("/") + path
