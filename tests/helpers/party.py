"""A socket client that keeps what a real client keeps across restarts of the server: what it
saw (seq -> client_msg_id), the acks it got, and an outbox of sends not yet acknowledged."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from tests.helpers.procs import ChatServer
from tests.helpers.sockets import WS, ws_url

# How long a stopped server may take to exit, and a client to see it go.
STOP_S = 10.0


class Party:
    """One client of one session: its socket, what it knows, its acks and its outbox."""

    def __init__(self, name: str, session_id: str, path: str, server: ChatServer) -> None:
        self.name = name
        self.sid = session_id
        self.path = path
        self.server = server
        self.ws: WS | None = None
        self.opened: list[WS] = []
        self.live = False  # self.ws is open (not yet seen closed or lost)
        self.read = 0  # frames of self.ws already absorbed
        self.known: dict[int, str] = {}  # seq -> client_msg_id, each received once
        self.acks: dict[str, dict[str, Any]] = {}  # client_msg_id -> its (first) ack
        self.repeat_acks: list[tuple[dict[str, Any], dict[str, Any]]] = []  # (first, repeat)
        self.outbox: dict[str, dict[str, Any]] = {}  # client_msg_id -> frame, until acked
        self.extra: dict[str, Any] = {}  # fields every send carries (session_id for agents)

    @property
    def sock(self) -> WS:
        assert self.ws is not None
        return self.ws

    @property
    def last_seq(self) -> int:
        return max(self.known, default=0)

    async def connect(self, auth: dict[str, Any]) -> dict[str, Any]:
        self.ws = await WS.connect(ws_url(self.server.url, self.path))
        self.opened.append(self.ws)
        self.live = True
        self.read = 0
        await self.ws.send({"type": "auth", **auth})
        return await self.ws.expect("ready", timeout=5)

    def absorb(self) -> None:
        assert self.ws is not None
        for frame in self.ws.seen[self.read:]:
            assert frame["type"] != "error", (self.name, frame)
            if frame.get("session_id") != self.sid:
                continue
            if frame["type"] == "message":
                seq, cid = frame["seq"], frame["client_msg_id"]
                assert seq not in self.known, f"{self.name} got seq {seq} twice: {frame}"
                self.known[seq] = cid
            elif frame["type"] == "ack":
                seq, cid = frame["seq"], frame["client_msg_id"]
                assert self.known.get(seq, cid) == cid, (self.name, frame, self.known)
                self.known[seq] = cid
                if cid in self.acks:
                    self.repeat_acks.append((self.acks[cid], frame))
                else:
                    self.acks[cid] = frame
                self.outbox.pop(cid, None)
        self.read = len(self.ws.seen)

    async def until(self, done: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
        """Read frames (absorbing each) until ``done()``; fail on a timeout or a close."""

        def absorbed_and_done(_: list[dict[str, Any]]) -> bool:
            self.absorb()
            return done()

        _, code = await self.sock.read_until(absorbed_and_done, timeout)
        assert code is None, f"{self.name}: closed ({code}) waiting for {what}"
        assert absorbed_and_done([]), \
            f"{self.name}: timed out waiting for {what}; saw {self.sock.seen[-5:]}"

    async def caught_up(self, seq: int) -> None:
        await self.until(lambda: self.last_seq >= seq, f"seq {seq}")

    def write(self, text: str) -> str:
        """Put a message in the outbox (sent on the next flush)."""
        cid = str(uuid.uuid4())
        self.outbox[cid] = {"type": "message", "client_msg_id": cid, "text": text,
                            **self.extra}
        return cid

    async def send(self, text: str) -> str:
        """Write and send a message without waiting for its ack (it stays in the outbox)."""
        cid = self.write(text)
        await self.sock.send(self.outbox[cid])
        return cid

    async def say(self, text: str) -> dict[str, Any]:
        cid = await self.send(text)
        await self.until(lambda: cid in self.acks, f"the ack of {cid}")
        return self.acks[cid]

    async def flush(self) -> None:
        """Resend everything not acknowledged, with the same client_msg_id, and await acks."""
        pending = list(self.outbox)
        for cid in pending:
            await self.sock.send(self.outbox[cid])
        await self.until(lambda: all(c in self.acks for c in pending), "the outbox's acks")

    async def resend(self, cid: str) -> dict[str, Any]:
        """Send an already acknowledged message again; the repeat ack it got."""
        frame = {"type": "message", "client_msg_id": cid, "text": "repeat", **self.extra}
        before = len(self.repeat_acks)
        await self.sock.send(frame)
        await self.until(lambda: len(self.repeat_acks) > before, f"the repeat ack of {cid}")
        first, repeat = self.repeat_acks[-1]
        assert first["client_msg_id"] == cid
        return repeat

    async def dropped(self) -> int | None:
        """Read to the end of a socket the server closed or lost; its close code."""
        assert self.ws is not None
        code = await self.ws.closed(STOP_S)
        self.live = False
        self.absorb()
        return code

    async def close(self) -> None:
        for ws in self.opened:
            ws.close()
        if self.live and self.ws is not None:
            self.live = False
            try:
                await self.ws.closed(2)
            except (AssertionError, TimeoutError):
                pass
