"""A property test of the delivery protocol (docs/protocol.md: Delivery guarantees, Resume).

A hypothesis state machine drives one conversation - a visitor and the agent who accepted it -
through sends, dropped sockets, reconnects (resume with the highest seq held without a hole,
then the outbox resent), repeats of acknowledged messages and server restarts (the Tornado
app stopped and started again in this process on the same database, either closing sockets
with 1012 or cutting them), in random order. Frames still on the wire when a socket goes are
handled or not, as the timing falls.

After every step, what each side holds agrees with the database: every seq it holds is stored
with the same client_msg_id, every ack names the stored id and seq, a repeated
client_msg_id gets the identical ack, the stored seqs run 1..n, no client_msg_id is stored
twice, and no error is sent (the database is up, the limits are out of the way). Whenever
the machine settles (everyone reconnected, outboxes resent and acknowledged), each side's
view equals the database: the same seq -> client_msg_id map, no gaps, no duplicates.
"""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from collections import Counter
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import tornado.httpclient
import tornado.httpserver
import tornado.netutil
import tornado.websocket
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from chatserver.app import make_app, open_context
from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import migrate
from chatserver.db.schema import messages, sessions
from chatserver.realtime.handlers import close_all
from chatserver.services.assistant import AIRunner
from chatserver.tasks import drain
from tests.helpers.database import clear_tables
from tests.helpers.mariadb import throwaway_database
from tests.helpers.procs import free_port
from tests.helpers.settings import make_settings
from tests.reliability.harness import View

pytestmark = pytest.mark.slow

PASSWORD = "correct-horse-battery"
# How long a settle may take before the machine is declared stuck.
SETTLE_S = 10.0
EXAMPLES = settings(max_examples=40, stateful_step_count=12, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PARTIES = st.sampled_from(["visitor", "agent"])
# What the examples did, printed at the end (pytest -s): steps by kind, messages at settles.
TALLY: Counter[str] = Counter()


class InProcessServer:
    """The Tornado app on a fixed port of this process, stopped and started at will."""

    def __init__(self, settings_: Settings) -> None:
        self.settings = settings_
        self.port = free_port()
        self.ctx: Context | None = None
        self.ai: AIRunner | None = None
        self.app: Any = None
        self.http: tornado.httpserver.HTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.ai = AIRunner(self.settings)
        self.ctx = open_context(self.settings, self.ai)
        await self.ctx.start()
        self.app = make_app(self.ctx, self.ai)
        self.http = tornado.httpserver.HTTPServer(self.app)
        self.http.add_sockets(tornado.netutil.bind_sockets(self.port, "127.0.0.1",
                                                           family=socket.AF_INET))

    async def stop(self, abrupt: bool) -> None:
        """Stop listening, then close every socket with 1012 (a restart) or cut it (a crash
        as its clients see it); frames being handled finish, as in a real process."""
        assert self.http is not None and self.ctx is not None and self.ai is not None
        self.http.stop()
        registry = self.app.settings["registry"]
        if abrupt:
            for sock in list(registry.sockets):
                conn = sock.ws_connection
                if conn is not None and conn.stream is not None:
                    conn.stream.close()
        else:
            close_all(registry)
        for _ in range(300):
            if not registry.sockets:
                break
            await asyncio.sleep(0.01)
        await self.http.close_all_connections()
        await drain()
        await self.ai.close()
        await self.ctx.close()
        self.http = self.ctx = self.ai = None


class Party:
    """One client of the conversation: its socket, its view, its acks and its outbox."""

    def __init__(self, name: str, path: str, token: str, sid: str) -> None:
        self.name = name
        self.path = path
        self.token = token
        self.sid = sid
        self.view = View()
        self.outbox: dict[str, dict[str, Any]] = {}  # client_msg_id -> frame, until acked
        self.frames: dict[str, dict[str, Any]] = {}  # every frame it ever wrote
        self.acks: dict[str, tuple[int, int]] = {}  # client_msg_id -> (id, seq), first ack
        self.ws: tornado.websocket.WebSocketClientConnection | None = None
        self.opened: list[tornado.websocket.WebSocketClientConnection] = []
        self.readers: list[asyncio.Task[None]] = []
        self.problems: list[str] = []
        self.count = 0

    @property
    def is_agent(self) -> bool:
        return self.name == "agent"

    def auth(self) -> dict[str, Any]:
        held = self.view.contiguous
        return {"type": "auth", "token": self.token,
                "last_seq": {self.sid: held} if self.is_agent else held}

    async def connect(self, port: int) -> bool:
        url = f"ws://127.0.0.1:{port}{self.path}"
        try:
            ws = await tornado.websocket.websocket_connect(
                tornado.httpclient.HTTPRequest(url, connect_timeout=5, request_timeout=5))
        except Exception:
            return False
        self.opened.append(ws)
        await ws.write_message(json.dumps(self.auth()))
        while True:
            raw = await asyncio.wait_for(ws.read_message(), 5)
            if raw is None:
                return False
            frame = json.loads(raw)
            if frame["type"] == "ready":
                break
            self.handle(frame)
        if self.is_agent and self.view.known and self.sid not in {s["session_id"] for s in frame["sessions"]}:
            self.problems.append(f"agent: the session is no longer assigned: {frame}")
        self.ws = ws
        self.readers.append(asyncio.ensure_future(self.read(ws)))
        for out in list(self.outbox.values()):  # after the replay, which precedes live frames
            await self.send(out)
        return True

    async def read(self, ws: tornado.websocket.WebSocketClientConnection) -> None:
        while (raw := await ws.read_message()) is not None:
            self.handle(json.loads(raw))
        if self.ws is ws:
            self.ws = None

    def handle(self, frame: dict[str, Any]) -> None:
        ftype = frame.get("type")
        if ftype in ("message", "ack") and frame.get("session_id") == self.sid:
            bad = self.view.add(frame["seq"], frame["client_msg_id"], 0.0)
            if bad:
                self.problems.append(f"{self.name}: {bad}")
        if ftype == "ack":
            cid, got = frame["client_msg_id"], (frame["id"], frame["seq"])
            if cid not in self.frames:
                self.problems.append(f"{self.name}: ack for a message it never sent: {frame}")
            elif self.acks.setdefault(cid, got) != got:
                self.problems.append(f"{self.name}: {cid} acked as {self.acks[cid]} and {got}")
            self.outbox.pop(cid, None)
        elif ftype in ("error", "reset"):
            self.problems.append(f"{self.name}: unexpected {frame}")

    async def send(self, frame: dict[str, Any]) -> None:
        if self.ws is None:
            return
        try:
            await self.ws.write_message(json.dumps(frame))
        except tornado.websocket.WebSocketClosedError:
            pass

    def write(self) -> dict[str, Any]:
        self.count += 1
        cid = f"{self.name}-{self.count}-{uuid.uuid4().hex[:6]}"
        frame: dict[str, Any] = {"type": "message", "client_msg_id": cid,
                                 "text": f"{self.name} {self.count}"}
        if self.is_agent:
            frame["session_id"] = self.sid
        self.outbox[cid] = self.frames[cid] = frame
        return frame

    def drop(self) -> None:
        """Cut the connection (no close frame): what was sent may or may not be handled."""
        ws, self.ws = self.ws, None
        if ws is not None and ws.protocol is not None and ws.protocol.stream is not None:
            ws.protocol.stream.close()

    async def close(self) -> None:
        self.ws = None
        for ws in self.opened:
            ws.close()
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)


@pytest.fixture
def model_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of the model's own, beside the suite's (same server, same credentials): the
    model clears it for every example and reads it directly, so nothing else may write to it,
    and another pytest run on the suite's database (a second suite, a colleague's) would."""
    if make_url(db_url).get_backend_name() == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'parley_model_test.db'}"
        migrate.upgrade(url)
        yield url
        return
    with throwaway_database(db_url, "parley_model") as url:
        migrate.upgrade(url)
        yield url


def delivery_machine(db_url: str, data_dir: Path) -> type[RuleBasedStateMachine]:
    server_settings = make_settings(db_url, data_dir, ai_provider="none", visitor_burst=10_000,
                                    visitor_per_minute=100_000)

    class DeliveryModel(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.loop = asyncio.new_event_loop()
            self.server = InProcessServer(server_settings)
            self.engine: AsyncEngine = create_async_engine(db_url)
            self.http: httpx.AsyncClient | None = None
            self.parties: dict[str, Party] = {}
            self.busy = False  # a step is under way (it raised if teardown finds it so)
            self.run(self.setup())

        def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
            return self.loop.run_until_complete(coro)

        def pump(self, seconds: float = 0.02) -> None:
            self.run(asyncio.sleep(seconds))

        async def setup(self) -> None:
            await clear_tables(db_url)
            await self.server.start()
            self.http = httpx.AsyncClient(base_url=self.server.url, timeout=10)

            async def call(method: str, path: str, body: Any = None,
                           token: str | None = None) -> Any:
                assert self.http is not None
                resp = await self.http.request(method, path, json=body, headers={
                    "Authorization": f"Bearer {token}"} if token else {})
                assert resp.status_code in (200, 201, 204), (path, resp.text)
                return resp.json() if resp.content else None

            admin = (await call("POST", "/api/auth/register", {
                "username": "root", "email": "root@example.com", "password": PASSWORD}))["token"]
            key = (await call("POST", "/api/widgets", {"business_name": "Model",
                                                        "ai_enabled": False},
                              admin))["widget"]["site_key"]
            user = (await call("POST", "/api/auth/register", {
                "username": "alice", "email": "alice@example.com", "password": PASSWORD,
                "role": "agent"}, admin))["user"]
            await call("PUT", f"/api/widgets/{key}/agents/{user['id']}", token=admin)
            token = (await call("POST", "/api/auth/login", {"email": "alice@example.com",
                                                            "password": PASSWORD}))["token"]
            s = await call("POST", f"/api/widgets/{key}/sessions", {})
            sid = s["session_id"]
            await call("POST", f"/api/widgets/escalate/{key}/{sid}", {}, s["visitor_token"])
            agent = Party("agent", f"/ws/agent/{user['id']}", token, sid)
            visitor = Party("visitor", f"/ws/{sid}", s["visitor_token"], sid)
            self.parties = {"agent": agent, "visitor": visitor}
            assert await agent.connect(self.server.port)
            assert agent.ws is not None
            await agent.ws.write_message(json.dumps({"type": "accept", "session_id": sid}))
            for _ in range(500):  # the accept is committed: the "joined" message is stored
                history = await call("GET", f"/api/widgets/{key}/sessions/{sid}/messages",
                                     token=token)
                if len(history["messages"]) >= 2:
                    break
                await asyncio.sleep(0.01)
            for m in history["messages"]:  # the inbox loads the history over REST
                agent.view.add(m["seq"], m["client_msg_id"], 0.0)
            assert agent.view.contiguous == 2, agent.view.known  # escalated, joined
            assert await visitor.connect(self.server.port)

        # -- the database ------------------------------------------------------------------

        async def stored(self) -> tuple[dict[int, str], dict[str, tuple[int, int]], int, int]:
            """(seq -> client_msg_id, client_msg_id -> (id, seq), the session's last_seq, the
            number of rows), read in one statement: the server writes meanwhile."""
            sid = self.parties["visitor"].sid
            last_seq = select(sessions.c.last_seq).where(sessions.c.id == sid).scalar_subquery()
            async with self.engine.connect() as conn:
                rows = (await conn.execute(
                    select(messages.c.seq, messages.c.client_msg_id, messages.c.id, last_seq)
                    .where(messages.c.session_id == sid))).all()
            by_seq = {seq: cid for seq, cid, _, _ in rows}
            by_cid = {cid: (mid, seq) for seq, cid, mid, _ in rows}
            return by_seq, by_cid, rows[0][3] if rows else 0, len(rows)

        # -- steps -------------------------------------------------------------------------

        def step(self, coro: Coroutine[Any, Any, Any]) -> None:
            self.busy = True
            self.run(coro)
            self.pump()
            self.busy = False

        async def write(self, who: str, n: int) -> None:
            """`who` writes n messages and sends them (each stays in the outbox until acked)."""
            party = self.parties[who]
            for _ in range(n):
                await party.send(party.write())
            TALLY["messages written"] += n

        @rule(who=PARTIES, n=st.integers(1, 3))
        def send(self, who: str, n: int) -> None:
            TALLY["send"] += 1
            self.step(self.write(who, n))

        @rule(n=st.integers(1, 3))
        def both_send(self, n: int) -> None:
            """Both sides at once: their messages share group commits."""
            TALLY["both_send"] += 1

            async def go() -> None:
                await asyncio.gather(self.write("visitor", n), self.write("agent", n))

            self.step(go())

        @rule(who=PARTIES, in_flight=st.integers(0, 2))
        def drop(self, who: str, in_flight: int) -> None:
            """Cut the socket, right after sending `in_flight` messages (stored or not, acked
            or not, as the timing falls)."""
            TALLY["drop"] += 1
            self.run(self.write(who, in_flight))
            self.parties[who].drop()
            self.pump()

        @rule(who=PARTIES)
        def reconnect(self, who: str) -> None:
            """Resume with the highest seq held without a hole, then resend the outbox."""
            TALLY["reconnect"] += 1
            party = self.parties[who]
            party.drop()
            self.step(party.connect(self.server.port))

        @rule(who=PARTIES)
        def resend_outbox(self, who: str) -> None:
            TALLY["resend_outbox"] += 1
            party = self.parties[who]

            async def go() -> None:
                for frame in list(party.outbox.values()):
                    await party.send(frame)

            self.step(go())

        @rule(who=PARTIES, pick=st.integers(0, 1_000))
        def repeat_acked(self, who: str, pick: int) -> None:
            """Send an acknowledged message again: the identical ack, no new row."""
            TALLY["repeat_acked"] += 1
            party = self.parties[who]
            if party.acks:
                cid = sorted(party.acks)[pick % len(party.acks)]
                self.step(party.send(party.frames[cid]))

        @rule(abrupt=st.booleans(), in_flight=st.integers(0, 2))
        def restart(self, abrupt: bool, in_flight: int) -> None:
            """Restart the server, right after both sides sent `in_flight` messages."""
            async def go() -> None:
                await self.write("visitor", in_flight)
                await self.write("agent", in_flight)
                await self.server.stop(abrupt)
                await self.server.start()

            TALLY["restart, sockets cut" if abrupt else "restart, sockets closed (1012)"] += 1
            self.step(go())

        @rule()
        def settle(self) -> None:
            self.busy = True
            self.run(self.settled())
            self.busy = False

        async def settled(self) -> None:
            """Everyone back, outboxes acknowledged, views caught up: each equals the
            database."""
            loop = asyncio.get_running_loop()
            deadline = loop.time() + SETTLE_S
            while True:
                for party in self.parties.values():
                    if party.ws is None:
                        await party.connect(self.server.port)
                by_seq, _, last_seq, _ = await self.stored()
                if all(not p.outbox and p.view.contiguous == last_seq == len(p.view.known)
                       for p in self.parties.values()):
                    break
                assert loop.time() < deadline, {
                    p.name: (sorted(p.view.known), list(p.outbox), p.ws is not None)
                    for p in self.parties.values()} | {"stored": last_seq}
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.05)  # a late duplicate would show now
            by_seq, _, _, _ = await self.stored()
            TALLY["settles"] += 1
            TALLY["messages stored at settles"] += len(by_seq)
            for party in self.parties.values():
                assert party.view.known == by_seq, (party.name, party.view.known, by_seq)
                assert not party.problems, party.problems

        # -- what holds after every step ---------------------------------------------------

        @invariant()
        def agrees_with_the_database(self) -> None:
            # What each side holds is taken before the database is read: the read yields to
            # the event loop, where the server may commit and ack more meanwhile, and a
            # frame is sent only after its commit, so whatever was held before the read
            # began is in what it returns.
            held = {p.name: (dict(p.view.known), dict(p.acks), list(p.problems))
                    for p in self.parties.values()}
            by_seq, by_cid, last_seq, count = self.run(self.stored())
            assert sorted(by_seq) == list(range(1, last_seq + 1)), (sorted(by_seq), last_seq)
            assert len(by_cid) == len(by_seq) == count  # no seq, no client_msg_id twice
            for name, (known, acks, problems) in held.items():
                assert not problems, problems
                for seq, cid in known.items():
                    assert by_seq.get(seq) == cid, (name, seq, cid, by_seq.get(seq))
                for cid, ack in acks.items():
                    assert by_cid.get(cid) == ack, (name, cid, ack, by_cid.get(cid))

        def teardown(self) -> None:
            try:
                if not self.busy and self.parties:
                    self.run(self.settled())  # the end state too
            finally:
                async def close() -> None:
                    for party in self.parties.values():
                        await party.close()
                    if self.http is not None:
                        await self.http.aclose()
                    if self.server.ctx is not None:
                        await self.server.stop(abrupt=False)
                    await self.engine.dispose()

                self.run(close())
                self.loop.close()

    return DeliveryModel


def test_delivery_model_views_equal_the_database(model_db_url: str, tmp_path: Path) -> None:
    TALLY.clear()
    run_state_machine_as_test(delivery_machine(model_db_url, tmp_path / "data"),
                              settings=EXAMPLES)
    print("delivery model:", dict(TALLY))
