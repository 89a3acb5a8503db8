"""Fault harness: many chats against `chatctl serve` on a private mariadbd, through a proxy that
drops connections, while the server is SIGKILLed and restarted and the database is stopped.

Every client behaves as docs/protocol.md asks of a real one:
- an **outbox**: a message keeps its client_msg_id until its ack arrives; after a reconnect
  the whole outbox is resent, unchanged; a retryable error resends that message after a pause;
- **resume**: it reconnects with backoff and sends the highest seq up to which it holds
  everything (visitors a number, agents a map), so a replay fills what it missed; it keeps
  each seq once (dedupe by seq) and treats one seq with two different client_msg_ids as a
  violation;
- **gap repair**: a hole in a session's seqs that stays open for a while is filled with a
  `fetch` frame (a commit whose outcome the server could not know is stored but never
  published);
- **exactly once per socket**: apart from what a `fetch` asked for again, a socket receives
  each seq as a `message` frame at most once, resumes included. Now and then the proxy drops
  every socket at once (a resume storm), so replays race the live publishes of the clients
  that are back first.

At the end the harness compares what everyone holds with the database (`verify`): every
acknowledged message is stored exactly once with the acknowledged id and seq, every session's
seqs run 1..n, every receiver holds exactly the stored seq -> client_msg_id map, every send was
acknowledged within `settle_limit_s` of the last fault, and the database outage produced
retryable `unavailable` errors, no ack, and no restart of the server.

`run(config, workdir)` is used by test_faults.py (short), `make soak` (soak.py) and by hand:
    .venv/bin/python -m tests.reliability.harness --full
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pymysql
import tornado.httpclient
import tornado.websocket

from tests.helpers.mariadb import PrivateMariaDB
from tests.helpers.procs import RestartableServer

SECRET = "reliability-harness-secret-" + "x" * 32  # fixed, so tokens survive restarts
PASSWORD = "correct-horse-battery"
DATABASE = "parley_rel_test"

# Lines that must never be in the server's log.
BAD_LOG_MARKERS = ("Traceback", "Future exception was never retrieved",
                   "Task was destroyed but it is pending", "Task exception was never retrieved")

# Client reconnect backoff: first, cap (seconds); the protocol suggests 0.5 -> 30 s, the
# harness uses a shorter cap so a run measures the server, not the clients' patience.
BACKOFF_FIRST_S = 0.25
BACKOFF_MAX_S = 4.0
# A retryable error resends its message after about this long.
RETRY_AFTER_S = 1.0
# A hole in a session's seqs open this long (socket ready) is repaired with `fetch`.
GAP_GRACE_S = 2.0


# --- configuration ------------------------------------------------------------------------


@dataclass
class Config:
    chats: int = 50
    agents: int = 5
    send_interval_s: float = 2.0
    # The load runs this long; faults happen inside [warmup_s, faults_end_s].
    duration_s: float = 240.0
    warmup_s: float = 15.0
    faults_end_s: float = 170.0
    kills: int = 3
    db_outages: int = 1
    db_outage_s: float = 30.0
    # How each outage begins, in turn: "stop" (SIGTERM, a clean shutdown) or "kill" (SIGKILL:
    # commits in flight end with a lost connection, their outcome unknown to the server).
    db_outage_modes: tuple[str, ...] = ("stop",)
    # Random sockets dropped by the proxy: every drop_every_s, drop_count of them; every
    # storm_every-th drop takes every socket at once (0: never).
    drop_every_s: float = 4.0
    drop_count: int = 3
    storm_every: int = 4
    # Every send must be acked this long after the last fault (or after it was written).
    settle_limit_s: float = 60.0
    # Soak: end a random chat and start a new one every rotate_every_s (0: never).
    rotate_every_s: float = 0.0
    # Soak: sample the server's RSS and open files every sample_every_s (0: never).
    sample_every_s: float = 0.0
    seed: int = 0

    @classmethod
    def short(cls) -> Config:
        """~70 s of load for `make test`: 10 chats, one 10 s outage, one SIGKILL, drops."""
        return cls(chats=10, agents=2, duration_s=60.0, warmup_s=6.0, faults_end_s=42.0,
                   kills=1, db_outages=1, db_outage_s=10.0, drop_every_s=3.0, drop_count=2)

    @classmethod
    def full(cls) -> Config:
        """The issue's run: 50 chats, 5 agents, a few minutes, 3 SIGKILLs of the server, the
        database stopped for 30 s, then killed for 30 s."""
        return cls(db_outages=2, db_outage_modes=("stop", "kill"))

    @classmethod
    def soak(cls, minutes: float) -> Config:
        """Steady load, no server faults; sockets dropped now and then and chats rotated, so
        connections and sessions come and go as in real use."""
        return cls(duration_s=minutes * 60.0, warmup_s=0.0, faults_end_s=minutes * 60.0 - 20,
                   kills=0, db_outages=0, drop_every_s=15.0, drop_count=1,
                   rotate_every_s=5.0, sample_every_s=10.0)

    def schedule(self) -> list[tuple[float, str]]:
        """(at, "kill" | "db") spread evenly over the fault window, outages in the middle."""
        kinds = ["kill"] * self.kills
        for i in range(self.db_outages):
            kinds.insert((len(kinds) + 1) // 2 + i, "db")
        if not kinds:
            return []
        busy = self.db_outages * (self.db_outage_s + 5.0)
        step = max(5.0, (self.faults_end_s - self.warmup_s - busy) / len(kinds))
        out, at = [], self.warmup_s + step / 2
        for kind in kinds:
            out.append((at, kind))
            at += step + (self.db_outage_s + 5.0 if kind == "db" else 0.0)
        return out


# --- the pieces: server, proxy --------------------------------------------------------------


class Server(RestartableServer):
    """`chatctl serve` that comes back on its first port, one log file per run."""

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None and self.proc.poll() is None else None

    def sigkill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)


class Proxy:
    """A TCP proxy on loopback in front of the server that can drop random connections
    (abortively: the client sees a reset, the server a lost peer, mid-frame or not)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.port = 0
        self.pairs: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self.server: asyncio.Server | None = None
        self.dropped = 0
        self.refused = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        for a, b in list(self.pairs):
            a.transport.abort()
            b.transport.abort()
        if self.server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.server.wait_closed(), 5)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", self.upstream_port), 5)
        except (OSError, TimeoutError):
            self.refused += 1
            writer.transport.abort()
            return
        pair = (writer, up_writer)
        self.pairs.add(pair)
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self.pairs.discard(pair)
            writer.transport.abort()
            up_writer.transport.abort()

    @staticmethod
    async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        try:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()
        except (OSError, ConnectionError):
            pass
        finally:
            dst.transport.abort()  # either side gone: the connection is over

    def drop(self, count: int, rng: random.Random) -> int:
        chosen = rng.sample(sorted(self.pairs, key=id), min(count, len(self.pairs)))
        for a, b in chosen:
            a.transport.abort()
            b.transport.abort()
        self.dropped += len(chosen)
        return len(chosen)


# --- what clients hold ------------------------------------------------------------------------


class View:
    """One receiver's copy of one session: seq -> client_msg_id, each seq kept once."""

    def __init__(self) -> None:
        self.known: dict[int, str] = {}
        self.contiguous = 0  # everything up to here is held
        self.duplicates = 0  # a seq received again (same client_msg_id): deduped
        self.gap_since: float | None = None
        self.gaps = 0  # holes seen (most close by themselves: an ack overtaken by a message)

    def add(self, seq: int, cid: str, now: float) -> str | None:
        """Keep (seq, cid); a violation message when the seq was held with another id."""
        held = self.known.get(seq)
        if held is not None:
            if held != cid:
                return f"seq {seq} arrived as {cid} and as {held}"
            self.duplicates += 1
            return None
        self.known[seq] = cid
        while self.contiguous + 1 in self.known:
            self.contiguous += 1
        if len(self.known) > self.contiguous:
            if self.gap_since is None:
                self.gap_since = now
                self.gaps += 1
        else:
            self.gap_since = None
        return None

    def next_held(self) -> int:
        return min(s for s in self.known if s > self.contiguous)


@dataclass
class Sent:
    cid: str
    sid: str
    sender: str
    written_at: float
    sends: int = 0
    acked_at: float | None = None
    ack: tuple[int, int] | None = None  # (id, seq)


# --- clients ------------------------------------------------------------------------------


class Client:
    """A reconnecting socket client of one visitor or one agent."""

    def __init__(self, h: Harness, name: str, kind: str, path: str, token: str) -> None:
        self.h = h
        self.name = name
        self.kind = kind
        self.path = path
        self.token = token
        self.views: dict[str, View] = {}
        self.outbox: dict[str, dict[str, Any]] = {}  # client_msg_id -> frame, until acked
        self.ws: tornado.websocket.WebSocketClientConnection | None = None
        self.ready = False
        self.gone = False  # stop reconnecting (the chat ended, or the run is over)
        self.connects = 0
        self.waiters: dict[tuple[str, str], asyncio.Future[dict[str, Any]]] = {}
        self.tasks: list[asyncio.Task[Any]] = []
        self.counter = 0
        # This socket's `message` seqs per session, and the seqs its fetches asked for again.
        self.on_socket: dict[str, set[int]] = {}
        self.refetched: dict[str, set[int]] = {}

    # -- connection ----------------------------------------------------------------------

    def auth_frame(self) -> dict[str, Any]:
        if self.kind == "visitor":
            (view,) = self.views.values()
            return {"type": "auth", "token": self.token, "last_seq": view.contiguous}
        return {"type": "auth", "token": self.token,
                "last_seq": {sid: v.contiguous for sid, v in self.views.items()}}

    async def run(self) -> None:
        backoff = BACKOFF_FIRST_S
        while not self.gone and not self.h.stopping:
            url = f"ws://127.0.0.1:{self.h.proxy.port}{self.path}"
            try:
                ws = await tornado.websocket.websocket_connect(
                    tornado.httpclient.HTTPRequest(url, connect_timeout=5, request_timeout=5),
                    max_message_size=1 << 22)
            except Exception:
                self.h.stats["connect_failures"] += 1
                await asyncio.sleep(backoff * random.uniform(0.5, 1.0))
                backoff = min(backoff * 2, BACKOFF_MAX_S)
                continue
            self.ws = ws
            try:
                if await self._session(ws):
                    backoff = BACKOFF_FIRST_S
            except Exception as exc:  # a bug in the harness: make it loud
                self.h.violation(f"{self.name}: client error {exc!r}")
            finally:
                self.ready = False
                self.ws = None
                ws.close()
            if self.gone or self.h.stopping:
                return
            self.h.stats["reconnects"] += 1
            await asyncio.sleep(backoff * random.uniform(0.5, 1.0))
            backoff = min(backoff * 2, BACKOFF_MAX_S)

    async def _session(self, ws: tornado.websocket.WebSocketClientConnection) -> bool:
        self.on_socket, self.refetched = {}, {}
        if not await self._write(ws, self.auth_frame()):
            return False
        try:
            raw = await asyncio.wait_for(ws.read_message(), 10)
        except TimeoutError:
            return False
        if raw is None:
            return False
        first = json.loads(raw)
        if first.get("type") != "ready":
            self.on_frame(first)
            return False
        self.on_ready(first)
        self.ready = True
        self.connects += 1
        for frame in list(self.outbox.values()):
            await self.send(frame)
        while True:
            raw = await ws.read_message()
            if raw is None:
                return True
            self.on_frame(json.loads(raw))
            if self.ws is not ws:
                return True

    async def _write(self, ws: tornado.websocket.WebSocketClientConnection,
                     frame: dict[str, Any]) -> bool:
        try:
            await ws.write_message(json.dumps(frame))
            return True
        except (tornado.websocket.WebSocketClosedError, OSError):
            return False

    async def send(self, frame: dict[str, Any]) -> None:
        ws = self.ws
        if ws is None or not self.ready:
            return
        if frame.get("type") == "message":
            self.h.sent[frame["client_msg_id"]].sends += 1
        await self._write(ws, frame)

    def reconnect(self) -> None:
        """Drop this socket (the reader loop ends and reconnects)."""
        if self.ws is not None:
            self.ws.close()
            self.ws = None

    # -- frames --------------------------------------------------------------------------

    def on_ready(self, frame: dict[str, Any]) -> None:
        if self.kind == "agent":
            mine = {s["session_id"] for s in frame.get("sessions", [])}
            for sid in self.views:
                if sid not in mine and sid not in self.h.ended:
                    self.h.violation(f"{self.name}: session {sid} no longer assigned")

    def on_frame(self, frame: dict[str, Any]) -> None:
        h = self.h
        now = h.now()
        ftype = frame.get("type")
        sid = frame.get("session_id")
        if ftype in ("message", "ack") and sid in self.views:
            bad = self.views[sid].add(frame["seq"], frame["client_msg_id"], now)
            if bad:
                h.violation(f"{self.name}: {bad}")
        if ftype == "message":
            h.stats["message_frames"] += 1
            seqs = self.on_socket.setdefault(sid, set())
            if frame["seq"] in seqs and frame["seq"] not in self.refetched.get(sid, ()):
                h.violation(f"{self.name}: seq {frame['seq']} of {sid} reached one socket twice")
            seqs.add(frame["seq"])
        elif ftype == "ack":
            h.on_ack(self, frame, now)
        elif ftype == "error":
            h.on_error(self, frame, now)
        elif ftype == "reset":
            h.violation(f"{self.name}: unexpected reset {frame}")
        elif ftype in ("accepted", "session_closed"):
            key = (ftype, sid or frame.get("session", {}).get("session_id", ""))
            waiter = self.waiters.pop(key, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(frame)

    def expect(self, ftype: str, sid: str) -> asyncio.Future[dict[str, Any]]:
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.waiters[(ftype, sid)] = fut
        return fut

    # -- sending -------------------------------------------------------------------------

    def write(self, sid: str) -> None:
        """A new message: into the outbox, and onto the socket if there is one."""
        self.counter += 1
        cid = f"{self.name}-{self.counter}-{uuid.uuid4().hex[:8]}"
        frame: dict[str, Any] = {"type": "message", "client_msg_id": cid,
                                 "text": f"{self.name} says {self.counter}"}
        if self.kind == "agent":
            frame["session_id"] = sid
        self.outbox[cid] = frame
        self.h.sent[cid] = Sent(cid, sid, self.name, self.h.now())
        self.h.spawn(self.send(frame))

    async def retry(self, cid: str) -> None:
        await asyncio.sleep(RETRY_AFTER_S * random.uniform(0.5, 1.5))
        frame = self.outbox.get(cid)
        if frame is not None:
            await self.send(frame)

    async def talk(self, sid: str) -> None:
        """Write into one session every send_interval_s (jittered) until told to stop."""
        interval = self.h.config.send_interval_s
        await asyncio.sleep(random.uniform(0, interval))
        while not self.h.writing_stopped and sid not in self.h.quiet:
            self.write(sid)
            await asyncio.sleep(interval * random.uniform(0.8, 1.2))

    def repair_gaps(self, now: float) -> None:
        if not self.ready:
            return
        for sid, view in self.views.items():
            if view.gap_since is not None and now - view.gap_since > GAP_GRACE_S:
                frame: dict[str, Any] = {"type": "fetch", "after_seq": view.contiguous,
                                         "before_seq": view.next_held()}
                if self.kind == "agent":
                    frame["session_id"] = sid
                view.gap_since = now
                self.refetched.setdefault(sid, set()).update(
                    range(frame["after_seq"] + 1, frame["before_seq"]))
                self.h.stats["fetches"] += 1
                self.h.spawn(self.send(frame))


# --- the harness ----------------------------------------------------------------------------


@dataclass
class Fault:
    kind: str
    started: float
    ended: float
    detail: str = ""


@dataclass
class Report:
    config: Config
    figures: dict[str, Any] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    samples: list[tuple[float, int, int]] = field(default_factory=list)  # (t, rss KiB, fds)

    def text(self) -> str:
        lines = ["reliability harness figures:"]
        lines += [f"  {k}: {v}" for k, v in self.figures.items()]
        if self.samples:
            lines.append("  samples (t s, RSS MiB, open fds):")
            lines += [f"    {t:7.1f} {rss / 1024:8.1f} {fds:5d}" for t, rss, fds in self.samples]
        lines.append(f"violations: {len(self.violations)}")
        lines += [f"  - {v}" for v in self.violations[:40]]
        return "\n".join(lines)


class Harness:
    def __init__(self, config: Config, workdir: Path) -> None:
        self.config = config
        self.workdir = workdir
        self.rng = random.Random(config.seed)
        self.t0 = time.monotonic()
        self.db = PrivateMariaDB(workdir / "mdb")
        self.server: Server | None = None
        self.proxy: Proxy | None = None  # type: ignore[assignment]
        self.visitors: dict[str, Client] = {}  # session id -> its visitor
        self.agents: list[Client] = []
        self.sent: dict[str, Sent] = {}
        self.stats: Counter[str] = Counter()
        self.errors: Counter[tuple[str, bool]] = Counter()
        self.errors_in_outage: Counter[tuple[str, bool]] = Counter()
        self.faults: list[Fault] = []
        self.db_down: tuple[float, float] | None = None  # the outage in progress (from, to)
        self.outages: list[tuple[float, float]] = []
        self.acks_in_outage = 0
        self.report = Report(config)
        self.stopping = False
        self.writing_stopped = False
        self.quiet: set[str] = set()  # sessions being ended: no new messages
        self.ended: set[str] = set()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.http: httpx.AsyncClient | None = None
        self.admin_token = ""
        self.site_key = ""
        self.pids: set[int] = set()
        self.started_talking = False

    def now(self) -> float:
        return time.monotonic() - self.t0

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def violation(self, what: str) -> None:
        self.report.violations.append(f"[{self.now():6.1f}s] {what}")

    # -- events from clients -----------------------------------------------------------------

    def on_ack(self, client: Client, frame: dict[str, Any], now: float) -> None:
        cid = frame["client_msg_id"]
        sent = self.sent.get(cid)
        if sent is None or sent.sender != client.name:
            self.violation(f"{client.name}: ack for a message it did not send: {frame}")
            return
        got = (frame["id"], frame["seq"])
        if sent.ack is None:
            sent.ack, sent.acked_at = got, now
            self.stats["acks"] += 1
        elif sent.ack != got:
            self.violation(f"{client.name}: {cid} acked as {sent.ack} and as {got}")
        else:
            self.stats["repeat_acks"] += 1
        if self.db_down is not None and self.db_down[0] + 1.0 < now:
            self.acks_in_outage += 1
        client.outbox.pop(cid, None)

    def on_error(self, client: Client, frame: dict[str, Any], now: float) -> None:
        code, retryable = frame.get("code", "?"), bool(frame.get("retryable"))
        self.errors[(code, retryable)] += 1
        if self.db_down is not None:
            self.errors_in_outage[(code, retryable)] += 1
        cid = frame.get("client_msg_id")
        if not retryable:
            self.violation(f"{client.name}: non-retryable error {frame}")
            return
        if cid and cid in client.outbox:
            self.spawn(client.retry(cid))
        elif client.ready:
            # A failure not tied to a message (a replay or fetch that could not read the
            # database): what this socket holds is unknown, so start over with a resume.
            self.stats["resyncs"] += 1
            client.reconnect()

    # -- set-up --------------------------------------------------------------------------

    async def _json(self, method: str, path: str, status: int = 200, token: str | None = None,
                    body: Any = None) -> Any:
        assert self.http is not None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        resp = await self.http.request(method, path, json=body, headers=headers)
        assert resp.status_code == status, (method, path, resp.status_code, resp.text)
        return resp.json() if resp.content else None

    def server_env(self) -> dict[str, str]:
        c = self.config
        return {
            "PARLEY_DATABASE_URL": self.db.url(DATABASE),
            "PARLEY_DATA_DIR": str(self.workdir / "data"),
            "PARLEY_SECRET_KEY": SECRET, "PARLEY_BCRYPT_ROUNDS": "4",
            "PARLEY_AI_PROVIDER": "none", "PARLEY_LOG_LEVEL": "INFO",
            # The load is the harness's own: limits meant for abusers stay out of its way.
            "PARLEY_AGENT_MAX_CHATS": str(-(-c.chats // c.agents) + 1),
            "PARLEY_VISITOR_BURST": "1000", "PARLEY_VISITOR_PER_MINUTE": "10000",
            "PARLEY_MAX_VISITOR_SOCKETS_PER_IP": "100000",
            "PARLEY_SESSIONS_PER_IP_PER_MINUTE": "100000",
            "PARLEY_LOGIN_MAX_FAILURES": "1000", "PARLEY_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000",
            "PARLEY_DB_CONNECT_TIMEOUT_S": "2",
            "PARLEY_SHUTDOWN_GRACE_S": "3",
        }

    async def setup(self) -> None:
        await asyncio.to_thread(self.db.install)
        await asyncio.to_thread(self.db.start)
        await asyncio.to_thread(self.db.create_database, DATABASE)
        self.server = Server(self.server_env(), self.workdir)
        await asyncio.to_thread(self.server.start)
        assert self.server.pid is not None
        self.pids.add(self.server.pid)
        self.proxy = Proxy(self.server.port)
        await self.proxy.start()
        self.http = httpx.AsyncClient(base_url=self.server.url, timeout=30)

        c = self.config
        self.admin_token = (await self._json("POST", "/api/auth/register", 201, body={
            "username": "root", "email": "root@example.com", "password": PASSWORD}))["token"]
        self.site_key = (await self._json("POST", "/api/widgets", 201, self.admin_token, {
            "business_name": "Reliability", "ai_enabled": False}))["widget"]["site_key"]
        for i in range(c.agents):
            user = (await self._json("POST", "/api/auth/register", 201, self.admin_token, {
                "username": f"agent{i}", "email": f"agent{i}@example.com",
                "password": PASSWORD, "role": "agent"}))["user"]
            resp = await self.http.put(f"/api/widgets/{self.site_key}/agents/{user['id']}",
                                       headers={"Authorization": f"Bearer {self.admin_token}"})
            assert resp.status_code in (200, 201, 204), resp.text
            token = (await self._json("POST", "/api/auth/login", body={
                "email": f"agent{i}@example.com", "password": PASSWORD}))["token"]
            agent = Client(self, f"a{i}", "agent", f"/ws/agent/{user['id']}", token)
            self.agents.append(agent)
            agent.tasks.append(self.spawn(agent.run()))
        for i in range(c.chats):
            await self.new_chat(self.agents[i % c.agents])

    async def new_chat(self, agent: Client) -> Client:
        """A visitor session, escalated over REST, accepted by `agent` over its socket (the
        agent loads the history over REST, as the inbox does), and the visitor connected."""
        s = await self._json("POST", f"/api/widgets/{self.site_key}/sessions", 201, body={})
        sid = s["session_id"]
        await self._json("POST", f"/api/widgets/escalate/{self.site_key}/{sid}",
                         token=s["visitor_token"], body={})
        while not agent.ready:
            await asyncio.sleep(0.05)
        view = agent.views.setdefault(sid, View())  # live frames from the accept on
        waiter = agent.expect("accepted", sid)
        await agent.send({"type": "accept", "session_id": sid})
        await asyncio.wait_for(waiter, 30)
        history = await self._json("GET", f"/api/widgets/{self.site_key}/sessions/{sid}/messages"
                                   "?limit=500", token=agent.token)
        for m in history["messages"]:
            if m["seq"] not in view.known:
                view.add(m["seq"], m["client_msg_id"], self.now())
        visitor = Client(self, f"v{len(self.visitors)}", "visitor", f"/ws/{sid}",
                         s["visitor_token"])
        visitor.views[sid] = View()
        self.visitors[sid] = visitor
        visitor.tasks.append(self.spawn(visitor.run()))
        if self.started_talking:
            self.start_talking(visitor, agent, sid)
        return visitor

    def start_talking(self, visitor: Client, agent: Client, sid: str) -> None:
        visitor.tasks.append(self.spawn(visitor.talk(sid)))
        agent.tasks.append(self.spawn(agent.talk(sid)))

    # -- faults ------------------------------------------------------------------------------

    async def at(self, t: float) -> None:
        await asyncio.sleep(max(0.0, t - self.now()))

    async def inject_faults(self) -> None:
        assert self.server is not None
        for at, kind in self.config.schedule():
            await self.at(at)
            started = self.now()
            if kind == "kill":
                old = self.server.pid
                await asyncio.to_thread(self.server.sigkill)
                await asyncio.sleep(1.0)  # clients see the drop and retry against nothing
                await asyncio.to_thread(self.server.start)
                assert self.server.pid is not None
                self.pids.add(self.server.pid)
                self.faults.append(Fault("kill", started, self.now(),
                                         f"pid {old} -> {self.server.pid}"))
            else:
                modes = self.config.db_outage_modes
                await self.outage(modes[len(self.outages) % len(modes)])

    async def outage(self, how: str) -> None:
        assert self.server is not None
        pid = self.server.pid
        started = self.now()
        await asyncio.to_thread(self.db.kill if how == "kill" else self.db.stop)
        down_from = self.now()
        self.db_down = (down_from, float("inf"))
        alive = True
        while self.now() < down_from + self.config.db_outage_s:
            await asyncio.sleep(0.5)
            alive = alive and self.server.pid == pid
        self.db_down = None  # from here on an ack may be true again
        self.outages.append((down_from, self.now()))
        await asyncio.to_thread(self.db.start)
        up = self.now()
        still = self.server.pid == pid and alive
        if not still:
            self.violation(f"the server process did not stay up during the outage (pid {pid})")
        self.faults.append(Fault("db", started, up, f"{how}, down {up - down_from:.1f}s, pid "
                                 f"{pid} {'stayed up' if still else 'DIED'}"))

    async def drop_sockets(self) -> None:
        c = self.config
        if c.drop_count <= 0:
            return
        await self.at(c.warmup_s)
        drops = 0
        while self.now() < c.faults_end_s:
            await asyncio.sleep(c.drop_every_s * self.rng.uniform(0.5, 1.5))
            assert self.proxy is not None
            drops += 1
            storm = c.storm_every > 0 and drops % c.storm_every == 0
            count = len(self.proxy.pairs) if storm else self.rng.randint(1, c.drop_count)
            if self.proxy.drop(count, self.rng):
                self.faults.append(Fault("storm" if storm else "drop", self.now(), self.now()))

    async def repair_loop(self) -> None:
        while not self.stopping:
            await asyncio.sleep(0.5)
            now = self.now()
            for client in [*self.agents, *self.visitors.values()]:
                client.repair_gaps(now)

    async def rotate_chats(self) -> None:
        """Soak: end a chat (the visitor closes it) and start a new one with the same agent."""
        c = self.config
        while self.now() < c.duration_s - 2 * c.rotate_every_s:
            await asyncio.sleep(c.rotate_every_s)
            live = [sid for sid in self.visitors if sid not in self.quiet]
            if live:
                await self.end_chat(self.rng.choice(live))

    async def end_chat(self, sid: str) -> None:
        visitor = self.visitors[sid]
        agent = next(a for a in self.agents if sid in a.views)
        self.quiet.add(sid)  # both stop writing in it
        deadline = self.now() + 30
        while (any(f["session_id"] == sid for f in agent.outbox.values())
               or visitor.outbox or not visitor.ready) and self.now() < deadline:
            await asyncio.sleep(0.1)
        waiter = visitor.expect("session_closed", sid)

        def closed() -> bool:  # told so, or (after a drop) the replay has the system message
            return waiter.done() or any(cid.startswith("sys-closed")
                                        for cid in visitor.views[sid].known.values())

        while not closed() and self.now() < deadline + 30:
            await visitor.send({"type": "close", "rating": 5})  # closing twice is a no-op
            for _ in range(30):
                if closed():
                    break
                await asyncio.sleep(0.1)
        if not closed():
            self.violation(f"closing {sid}: no session_closed")
        self.ended.add(sid)
        agent.views.pop(sid, None)  # the agent stops following it (its resume map too)
        visitor.gone = True
        visitor.reconnect()
        self.stats["chats_rotated"] += 1
        await self.new_chat(agent)

    async def sample(self) -> None:
        """Soak: the server's RSS and open file descriptors, every sample_every_s."""
        assert self.server is not None
        while not self.writing_stopped:
            pid = self.server.pid
            if pid is not None:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                    rss = int(next(line.split()[1] for line in status.splitlines()
                                   if line.startswith("VmRSS:")))
                    fds = len(os.listdir(f"/proc/{pid}/fd"))
                    self.report.samples.append((round(self.now(), 1), rss, fds))
                except (OSError, StopIteration, ValueError):
                    pass
            await asyncio.sleep(self.config.sample_every_s)

    # -- the run -------------------------------------------------------------------------------

    async def run(self) -> Report:
        c = self.config
        try:
            await self.setup()
            while not all(cl.ready for cl in [*self.agents, *self.visitors.values()]):
                await asyncio.sleep(0.05)
            self.t0 = time.monotonic()  # the load starts now
            self.started_talking = True
            for sid, visitor in self.visitors.items():
                agent = next(a for a in self.agents if sid in a.views)
                self.start_talking(visitor, agent, sid)
            background = [self.spawn(self.repair_loop())]
            if c.sample_every_s:
                background.append(self.spawn(self.sample()))
            if c.rotate_every_s:
                background.append(self.spawn(self.rotate_chats()))
            await asyncio.gather(self.inject_faults(), self.drop_sockets())
            await self.at(c.duration_s)
            self.writing_stopped = True
            await self.settle()
            self.stopping = True
            for task in background:
                task.cancel()
            await self.verify()
        finally:
            await self.teardown()
        return self.report

    def last_fault(self) -> float:
        return max((f.ended for f in self.faults), default=0.0)

    async def settle(self) -> None:
        """Wait until every outbox is empty and everyone holds everything stored."""
        deadline = max(self.now(), self.last_fault()) + self.config.settle_limit_s + 5
        clients = [*self.agents, *(v for sid, v in self.visitors.items() if sid not in self.ended)]
        while any(cl.outbox for cl in clients) and self.now() < deadline:
            await asyncio.sleep(0.2)
        self.report.figures["all_acked_at_s"] = round(self.now(), 1)
        while self.now() < deadline:
            last = await asyncio.to_thread(self._last_seqs)
            if all(cl.views[sid].contiguous >= last.get(sid, 0) and
                   len(cl.views[sid].known) == cl.views[sid].contiguous
                   for cl in clients for sid in cl.views if sid not in self.ended):
                break
            await asyncio.sleep(0.3)
        await asyncio.sleep(0.5)  # anything still on its way arrives (and would be a duplicate)

    def _db(self) -> pymysql.connections.Connection:
        return pymysql.connect(host="127.0.0.1", port=self.db.port, user="root", password="",
                               database=DATABASE, connect_timeout=10, autocommit=True)

    def _last_seqs(self) -> dict[str, int]:
        conn = self._db()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT id, last_seq FROM sessions")
                return {sid: int(seq) for sid, seq in cur.fetchall()}
        finally:
            conn.close()

    def _messages(self) -> list[tuple[str, int, str, int]]:
        conn = self._db()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT session_id, seq, client_msg_id, id FROM messages "
                            "ORDER BY session_id, seq")
                return [(sid, int(seq), cid, int(mid)) for sid, seq, cid, mid in cur.fetchall()]
        finally:
            conn.close()

    async def verify(self) -> None:
        assert self.server is not None
        rows = await asyncio.to_thread(self._messages)
        last = await asyncio.to_thread(self._last_seqs)
        stored: dict[str, dict[int, str]] = {}
        by_cid: Counter[tuple[str, str]] = Counter()
        where: dict[tuple[str, str], tuple[int, int]] = {}
        for sid, seq, cid, mid in rows:
            stored.setdefault(sid, {})[seq] = cid
            by_cid[(sid, cid)] += 1
            where[(sid, cid)] = (mid, seq)
        v = self.violation
        # Seqs run 1..n with n = sessions.last_seq.
        for sid, seqs in stored.items():
            if sorted(seqs) != list(range(1, len(seqs) + 1)) or last.get(sid) != len(seqs):
                v(f"session {sid}: stored seqs are not 1..{last.get(sid)}")
        for key, n in by_cid.items():
            if n != 1:
                v(f"{key} stored {n} times")
        # Every send acked, each ack true; no stored client message nobody sent.
        unacked = [s for s in self.sent.values() if s.ack is None]
        for s in unacked[:10]:
            v(f"{s.sender}: {s.cid} (written at {s.written_at:.1f}s) never acked")
        false_acks = [s for s in self.sent.values()
                      if s.ack is not None and where.get((s.sid, s.cid)) != s.ack]
        for s in false_acks[:10]:
            v(f"{s.sender}: {s.cid} acked as {s.ack}, stored as {where.get((s.sid, s.cid))}")
        phantoms = [key for key in by_cid if not key[1].startswith("sys-")
                    and key[1] not in self.sent]
        for key in phantoms[:10]:
            v(f"stored but never sent: {key}")
        # Every receiver holds exactly what is stored.
        mismatched = 0
        for client in [*self.agents, *self.visitors.values()]:
            for sid, view in client.views.items():
                if sid in self.ended:  # the visitor left once it was closed: no catching up
                    if any(stored.get(sid, {}).get(seq) != cid for seq, cid in view.known.items()):
                        mismatched += 1
                        v(f"{client.name}: view of ended {sid} disagrees with the database")
                elif view.known != stored.get(sid, {}):
                    mismatched += 1
                    missing = sorted(set(stored.get(sid, {})) - set(view.known))
                    extra = sorted(set(view.known) - set(stored.get(sid, {})))
                    v(f"{client.name}: view of {sid} differs from the database: "
                      f"missing {missing[:10]}, extra {extra[:10]}")
        # Ack delays after the last fault.
        last_fault = self.last_fault()
        delays = [s.acked_at - max(s.written_at, last_fault) for s in self.sent.values()
                  if s.acked_at is not None]
        latencies = sorted(s.acked_at - s.written_at for s in self.sent.values()
                           if s.acked_at is not None)
        max_after_fault = max(delays, default=0.0)
        if max_after_fault > self.config.settle_limit_s:
            v(f"a send was acked {max_after_fault:.1f}s after the last fault "
              f"(limit {self.config.settle_limit_s}s)")
        # The outages: retryable errors, never an ack, the same server process.
        for start, end in self.outages:
            if not any(code == "unavailable" and r for (code, r) in self.errors_in_outage):
                v(f"no retryable 'unavailable' error during the outage {start:.1f}-{end:.1f}s")
        if self.errors[("unavailable", False)]:
            v("'unavailable' errors marked not retryable")
        # The logs.
        logs = self.server.logs()
        bad = {m: logs.count(m) for m in BAD_LOG_MARKERS if m in logs}
        if bad:
            lines = logs.splitlines()
            first = next(i for i, ln in enumerate(lines) if any(m in ln for m in bad))
            v(f"server log has {bad}; the first:\n" + "\n".join(lines[max(0, first - 2):first + 30]))
        error_lines = [ln for ln in logs.splitlines() if " ERROR " in ln]
        for line in error_lines[:10]:
            v(f"server log: {line}")

        f = self.report.figures
        f["chats"] = self.config.chats
        f["agents"] = self.config.agents
        f["load_s"] = self.config.duration_s
        f["faults"] = dict(Counter(x.kind for x in self.faults))
        f["fault_log"] = [f"{x.kind}@{x.started:.1f}-{x.ended:.1f}s {x.detail}".strip()
                          for x in self.faults if x.kind != "drop"]
        f["sockets_dropped_by_proxy"] = self.proxy.dropped if self.proxy else 0
        f["server_pids"] = len(self.pids)
        f["last_fault_s"] = round(last_fault, 1)
        f["messages_written"] = len(self.sent)
        f["messages_acked"] = sum(1 for s in self.sent.values() if s.ack is not None)
        f["messages_stored"] = len(rows)
        f["sends_on_the_wire"] = sum(s.sends for s in self.sent.values())
        f["repeat_acks"] = self.stats["repeat_acks"]
        f["message_frames_received"] = self.stats["message_frames"]
        f["duplicates_deduped_by_seq"] = sum(vw.duplicates for cl in
                                             [*self.agents, *self.visitors.values()]
                                             for vw in cl.views.values())
        f["gaps_seen"] = sum(vw.gaps for cl in [*self.agents, *self.visitors.values()]
                             for vw in cl.views.values())
        f["fetch_repairs"] = self.stats["fetches"]
        f["resyncs_after_error"] = self.stats["resyncs"]
        f["reconnects"] = self.stats["reconnects"]
        f["connect_failures"] = self.stats["connect_failures"]
        f["chats_rotated"] = self.stats["chats_rotated"]
        f["errors"] = {f"{code}{'' if r else ' (final)'}": n
                       for (code, r), n in sorted(self.errors.items())}
        f["errors_during_outage"] = {code: n for (code, _r), n in
                                     sorted(self.errors_in_outage.items())}
        f["acks_during_outage"] = self.acks_in_outage
        f["ack_latency_p50_s"] = round(statistics.median(latencies), 3) if latencies else None
        f["ack_latency_p99_s"] = round(latencies[int(len(latencies) * 0.99)], 3) \
            if latencies else None
        f["max_ack_delay_after_last_fault_s"] = round(max_after_fault, 2)
        f["unacked"] = len(unacked)
        f["false_acks"] = len(false_acks)
        f["views_mismatched"] = mismatched
        f["server_log_warnings"] = sum(1 for ln in logs.splitlines() if " WARNING " in ln)

    async def teardown(self) -> None:
        self.stopping = True
        self.writing_stopped = True
        for client in [*self.agents, *self.visitors.values()]:
            client.gone = True
            client.reconnect()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.http is not None:
            await self.http.aclose()
        if self.proxy is not None:
            await self.proxy.stop()
        if self.server is not None:
            await asyncio.to_thread(self.server.kill)
        with contextlib.suppress(OSError):  # keep MariaDB's log beside the server's
            (self.workdir / "mariadb-error.log").write_bytes(self.db.error_log.read_bytes())
        await asyncio.to_thread(self.db.close)


def run(config: Config, workdir: Path) -> Report:
    return asyncio.run(Harness(config, workdir).run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the issue's full run (~5 min)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (server logs)")
    args = parser.parse_args(argv)
    config = Config.full() if args.full else Config.short()
    config.seed = args.seed
    with tempfile.TemporaryDirectory(prefix="parley-rel-") as tmp:
        workdir = Path(args.keep or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        report = run(config, workdir)
        print(report.text())
    return 1 if report.violations else 0


if __name__ == "__main__":
    raise SystemExit(main())
