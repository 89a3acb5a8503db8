"""Restart: the server process stops mid-conversation (SIGTERM, and SIGKILL) and starts again
on the same port. Both clients reconnect with their last seq and resend their outboxes; the
assignment and the queue are intact, and every message is stored and delivered exactly once.

`chatctl serve` runs as a real subprocess on the suite's test database; the clients are real
WebSocket clients keeping what a real client keeps: what it saw (seq -> client_msg_id), the
acks it got, and an outbox of sends not yet acknowledged.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from chatserver.db.schema import messages
from chatserver.realtime.protocol import CLOSE_RESTART
from tests.conftest import clear_tables
from tests.helpers.procs import ChatServer, RestartableServer
from tests.realtime.client import WS, ws_url

pytestmark = pytest.mark.slow

SECRET = "restart-test-secret-" + "x" * 32  # fixed, so tokens survive the restart
PASSWORD = "correct-horse-battery"
# How long a stopped server may take to exit, and a client to see it go.
STOP_S = 10.0


class Server(RestartableServer):
    """`chatctl serve` that comes back on the port its first run got, one log file per run."""

    def stop(self, how: str) -> None:
        assert self.proc is not None
        if how == "SIGTERM":
            self.terminate()
            assert self.wait(STOP_S) == 0, self.logs()
        else:
            self.proc.kill()
            self.proc.wait(STOP_S)

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
        assert self.ws is not None
        deadline = time.monotonic() + timeout
        while True:
            self.absorb()
            if done():
                return
            left = deadline - time.monotonic()
            assert left > 0, f"{self.name}: timed out waiting for {what}; saw {self.ws.seen[-5:]}"
            frame = await self.ws.recv(left)
            assert frame is not None, f"{self.name}: closed waiting for {what}"

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


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[Server]:
    asyncio.run(clear_tables(db_url))
    env = {"PARLEY_DATABASE_URL": db_url, "PARLEY_DATA_DIR": str(tmp_path / "data"),
           "PARLEY_SECRET_KEY": SECRET, "PARLEY_BCRYPT_ROUNDS": "4",
           "PARLEY_AI_PROVIDER": "none", "PARLEY_LOG_LEVEL": "INFO"}
    with Server(env, tmp_path) as proc:
        yield proc


async def _json(resp: httpx.Response, status: int = 200) -> Any:
    assert resp.status_code == status, (resp.status_code, resp.text)
    return resp.json()


async def _world(http: httpx.AsyncClient) -> dict[str, Any]:
    """An admin, an agent on a widget, and three visitor sessions."""
    admin = (await _json(await http.post("/api/auth/register", json={
        "username": "root", "email": "root@example.com", "password": PASSWORD}), 201))["token"]
    auth = {"Authorization": f"Bearer {admin}"}
    key = (await _json(await http.post("/api/widgets", json={"business_name": "Acme"},
                                       headers=auth), 201))["widget"]["site_key"]
    agent = (await _json(await http.post("/api/auth/register", headers=auth, json={
        "username": "alice", "email": "alice@example.com", "password": PASSWORD,
        "role": "agent"}), 201))["user"]
    resp = await http.put(f"/api/widgets/{key}/agents/{agent['id']}", headers=auth)
    assert resp.status_code in (200, 201, 204), resp.text
    token = (await _json(await http.post("/api/auth/login", json={
        "email": "alice@example.com", "password": PASSWORD})))["token"]
    sessions = [await _json(await http.post(f"/api/widgets/{key}/sessions", json={}), 201)
                for _ in range(3)]
    return {"key": key, "agent_id": agent["id"], "agent_token": token, "sessions": sessions}


async def _stored(db_url: str, session_id: str) -> dict[int, str]:
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(
                select(messages.c.seq, messages.c.client_msg_id)
                .where(messages.c.session_id == session_id).order_by(messages.c.seq))).all()
    finally:
        await engine.dispose()
    return {seq: cid for seq, cid in rows}


async def _scenario(server: Server, how: str, db_url: str) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as http:
        world = await _world(http)
        key = world["key"]
        a, b, c = world["sessions"]
        sid = a["session_id"]
        visitor = Party("visitor", sid, f"/ws/{sid}", server)
        agent = Party("agent", sid, f"/ws/agent/{world['agent_id']}", server)
        agent.extra = {"session_id": sid}
        try:
            # Before: the visitor asks for a person; two more visitors wait behind.
            await visitor.connect({"token": a["visitor_token"], "last_seq": 0})
            await visitor.say("hello")
            await visitor.sock.send({"type": "escalate"})
            await visitor.sock.expect("escalated")
            for other in (b, c):
                resp = await http.post(f"/api/widgets/escalate/{key}/{other['session_id']}",
                                       json={}, headers={
                                           "Authorization": f"Bearer {other['visitor_token']}"})
                await _json(resp)

            ready = await agent.connect({"token": world["agent_token"], "last_seq": {}})
            assert [s["session_id"] for s in ready["waiting"]][:1] == [sid]
            await agent.sock.send({"type": "accept", "session_id": sid})
            accepted = await agent.sock.expect("accepted")
            assert accepted["session"]["assigned_agent_id"] == world["agent_id"]
            # The agent loads the history once, as the agent UI does; sockets do the rest.
            history = await _json(await http.get(
                f"/api/widgets/{key}/sessions/{sid}/messages",
                headers={"Authorization": f"Bearer {world['agent_token']}"}))
            agent.known.update({m["seq"]: m["client_msg_id"] for m in history["messages"]})
            assert agent.last_seq == accepted["session"]["last_seq"]
            await visitor.caught_up(agent.last_seq)  # the "joined" system message

            for i in range(2):
                ack = await visitor.say(f"visitor {i}")
                await agent.caught_up(ack["seq"])
                ack = await agent.say(f"agent {i}")
                await visitor.caught_up(ack["seq"])
            acked_before = {"visitor": next(iter(visitor.acks.values())),
                            "agent": next(iter(agent.acks.values()))}
            queue_before = [s["session_id"] for s in
                            (await _json(await http.get("/api/agents/waiting-sessions", headers={
                                "Authorization": f"Bearer {world['agent_token']}"})))["sessions"]]
            assert queue_before == [s["session_id"] for s in ready["waiting"]][1:]

            # Stop mid-conversation: a visitor message is on the wire as the server goes.
            await visitor.send("in flight")
            await asyncio.to_thread(server.stop, how)
            codes = [await visitor.dropped(), await agent.dropped()]
            if how == "SIGTERM":
                assert codes == [CLOSE_RESTART, CLOSE_RESTART], server.logs()
            else:
                assert CLOSE_RESTART not in codes, codes
            # While the server is down, both write; the messages wait in the outboxes.
            visitor.write("while down (visitor)")
            agent.write("while down (agent)")
            assert len(visitor.outbox) in (1, 2) and len(agent.outbox) == 1

            await asyncio.to_thread(server.start)

            # The agent comes back first: its chat is still its own, the queue still there.
            ready = await agent.connect({"token": world["agent_token"],
                                         "last_seq": {sid: agent.last_seq}})
            mine = [s for s in ready["sessions"] if s["session_id"] == sid]
            assert len(mine) == 1 and mine[0]["status"] == "assigned"
            assert mine[0]["assigned_agent_id"] == world["agent_id"]
            assert [s["session_id"] for s in ready["waiting"]] == queue_before
            await agent.caught_up(mine[0]["last_seq"])  # the in-flight message if it landed
            await agent.flush()
            after = await agent.say("agent after the restart")  # the visitor is still away

            ready = await visitor.connect({"token": a["visitor_token"],
                                           "last_seq": visitor.last_seq})
            assert ready["status"] == "assigned" and ready["last_seq"] == after["seq"]
            await visitor.caught_up(after["seq"])  # replayed
            await visitor.flush()
            await agent.caught_up(visitor.last_seq)  # live

            # The same client_msg_id after a restart: the identical ack, no new row.
            assert await visitor.resend(acked_before["visitor"]["client_msg_id"]) \
                == acked_before["visitor"]
            assert await agent.resend(acked_before["agent"]["client_msg_id"]) \
                == acked_before["agent"]
            for first, repeat in visitor.repeat_acks + agent.repeat_acks:
                assert first == repeat
            final = await agent.say("agent, last")
            await visitor.caught_up(final["seq"])

            # Nothing else arrives, nothing lost, nothing twice: both sides hold every stored
            # message once, with seqs 1..n and no gap, and each client_msg_id is one row.
            for party in (visitor, agent):
                await party.sock.quiet(0.3)
                party.absorb()
                assert not party.outbox
            stored = await _stored(db_url, sid)
            assert list(stored) == list(range(1, len(stored) + 1))
            assert len(set(stored.values())) == len(stored)
            assert visitor.known == stored
            assert agent.known == stored
            sent = set(visitor.acks) | set(agent.acks)
            assert sent <= set(stored.values())
            assert len(sent) == 10  # five by each side
        finally:
            await visitor.close()
            await agent.close()


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
def test_restart_mid_conversation_resumes_with_nothing_lost_or_doubled(
        server: Server, db_url: str, how: str) -> None:
    asyncio.run(_scenario(server, how, db_url))
    assert "Traceback" not in server.logs(), server.logs()
