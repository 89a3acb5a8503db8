"""Load generator: drives a server through the real WebSocket protocol (docs/protocol.md).

V visitors and A agents in paired conversations (each visitor's session escalated with an
``escalate`` frame and taken by one agent with an ``accept`` frame), plus I idle visitor
sockets (authenticated, then silent). Visitor -> agent messages are sent **open-loop** at a
fixed total rate: send *i* is scheduled at ``start + i / rate`` and goes out then whether or
not earlier ones were acknowledged, so a slow server shows as latency, not as a lower
offered rate (no coordinated omission). For every message it records:

- send -> ``ack`` (the server committed it) at the sending visitor socket,
- send -> ``message`` frame at the agent socket (delivery),
- how late the client itself sent it against its schedule (client lag),

and counts every delivery per ``client_msg_id``, so lost, duplicated or reordered messages
are found. The acked count per session is checked against the database at the end.

The load runs in several client processes (``--workers``): one Python process cannot drive
thousands of sockets at thousands of messages/s. A visitor and its agent live in the same
worker, so both ends of a message are timed on one clock (``time.monotonic``, which is the
same clock in every process of the machine). Each worker reports its own CPU time, so a
client that is the bottleneck shows.

Used by ``bench/run.py``; on its own, against a server it starts:

    .venv/bin/python -m bench.loadgen --target parley --visitors 200 --agents 20 \
        --idle 1000 --rates 250,500,1000 --duration 5
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import multiprocessing as mp
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.protocol import State

from bench.common import PASSWORD, percentile, pin_clients, sync_url

# ---------------------------------------------------------------------------------------
# In the worker processes
# ---------------------------------------------------------------------------------------


class Msg:
    __slots__ = ("ack", "delivered", "deliveries", "error", "sched", "sent", "settled", "sid",
                 "step")

    def __init__(self, sched: float, sid: str, step: int) -> None:
        self.sched = sched
        self.sent = 0.0
        self.ack = 0.0
        self.delivered = 0.0
        self.deliveries = 0
        self.error = ""
        self.sid = sid
        self.step = step
        self.settled = False  # acked (or refused) and delivered (or refused)

    def done(self) -> bool:
        return bool(self.error) or bool(self.ack and self.deliveries)


@dataclass
class Visitor:
    sid: str
    token: str
    ws: ClientConnection | None = None
    escalated: asyncio.Future[dict[str, Any]] | None = None


@dataclass
class Agent:
    id: int
    token: str
    ws: ClientConnection | None = None
    accepted: asyncio.Future[dict[str, Any]] | None = None


def _ws_connect(url: str) -> Any:
    # No client pings (the server pings; the library answers), no compression (the server
    # offers none), a generous timeout: thousands of handshakes queue behind each other.
    return connect(url, compression=None, ping_interval=None, open_timeout=60,
                   close_timeout=2, max_queue=None, user_agent_header=None)


# The widget's reconnect policy (packages/protocol/src/socket.ts): after a "restarting" close
# (1012) the first try comes 250-1,250 ms later; then "equal jitter" back-off from 0.5 s,
# doubling to 15 s; a try that has not said `ready` in 10 s is given up and retried.
CLOSE_RESTART = 1012
BACKOFF_BASE_S, BACKOFF_CAP_S, CONNECT_TIMEOUT_S = 0.5, 15.0, 10.0


def widget_delay(attempt: int, restart: bool) -> float:
    if restart and attempt == 0:
        return 0.25 + random.random()
    step = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** min(attempt, 20))
    return step / 2 + random.random() * step / 2


class StormVisitor:
    """One visitor's socket that stays connected as the widget keeps it: reconnects with the
    widget's back-off, resumes from the last seq it saw, and counts what it was sent."""

    def __init__(self, ws_base: str, sid: str, token: str) -> None:
        self.url = f"{ws_base}/ws/{sid}"
        self.token = token
        self.ws: ClientConnection | None = None
        self.last_seq = 0
        self.ready_at = 0.0  # epoch seconds of the last `ready`
        self.message_at = 0.0  # epoch seconds of the last message received
        self.duplicates = self.gaps = self.attempts = 0
        self.failures: Counter[str] = Counter()
        self.stopped = False

    async def run(self, gate: asyncio.Semaphore) -> None:
        ready = await self.session(gate)
        attempt = 0
        while not self.stopped:
            attempt = 0 if ready else attempt
            restart = self.ws is not None and self.ws.close_code == CLOSE_RESTART
            await asyncio.sleep(widget_delay(attempt, restart))
            attempt += 1
            ready = await self.session()

    async def session(self, gate: asyncio.Semaphore | None = None) -> bool:
        """Connect and authenticate (`gate` held meanwhile, if given), then read until the
        socket closes. Was it ever ready?"""
        self.attempts += 1
        self.ws, ready = None, False
        try:
            async with gate or contextlib.nullcontext(), asyncio.timeout(CONNECT_TIMEOUT_S):
                self.ws = await _ws_connect(self.url)
                await self.ws.send(json.dumps({"type": "auth", "token": self.token,
                                               "last_seq": self.last_seq}))
                while not ready:
                    ready = self.frame(json.loads(await self.ws.recv()))
            async for raw in self.ws:
                self.frame(json.loads(raw))
        except Exception as exc:
            if not ready:
                self.failures[type(exc).__name__] += 1
            if self.ws is not None:
                await self.ws.close()
        return ready

    def frame(self, frame: dict[str, Any]) -> bool:
        kind = frame["type"]
        if kind == "ready":
            self.ready_at = time.time()
            return True
        if kind == "message":
            seq = frame["seq"]
            if seq <= self.last_seq:
                self.duplicates += 1
            else:
                self.gaps += seq - self.last_seq - 1
                self.last_seq = seq
                self.message_at = time.time()
        elif kind == "error":
            self.failures[f"error {frame.get('code')}"] += 1
        return False


class Worker:
    """One client process: its share of idle sockets, visitors and agents."""

    def __init__(self, index: int, target: dict[str, Any]) -> None:
        self.index = index
        self.target = target
        self.http_base = target["url"]
        self.ws_base = target["url"].replace("http://", "ws://", 1)
        # Agents may sit on another process than their visitors (relay-redis: fan-out
        # between processes through Redis).
        self.agent_ws_base = target.get("agent_url", target["url"]).replace("http://", "ws://", 1)
        self.parley = target["kind"] == "parley"
        self.idle_sessions: list[tuple[str, str]] = []
        self.idle: list[ClientConnection] = []
        self.visitors: list[Visitor] = []
        self.agents: list[Agent] = []
        self.msgs: dict[str, Msg] = {}
        self.outstanding = 0  # sent, neither acked nor refused
        self.pending = 0  # sent, not settled
        self.quiet = asyncio.Event()
        self.quiet.set()
        self.errors: Counter[str] = Counter()
        self.unexpected: Counter[str] = Counter()
        self.last_seq: dict[str, int] = {}
        self.out_of_order = 0
        self.readers: list[asyncio.Task[None]] = []
        self.closed_early: Counter[str] = Counter()
        self.storm: list[StormVisitor] = []

    # --- set-up ---------------------------------------------------------------------------

    async def create_sessions(self, n: int, concurrency: int) -> list[tuple[str, str]]:
        if not self.parley:
            import uuid
            return [(str(uuid.uuid4()), "pv_bare") for _ in range(n)]
        out: list[tuple[str, str]] = []
        site_key = self.target["site_key"]
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        with_email = os.environ.get("PARLEY_BENCH_VISITOR_EMAIL") == "1"

        def body() -> dict[str, Any]:
            """PARLEY_BENCH_VISITOR_EMAIL=1: each visitor gives an email (a conversation
            that can be followed up by email)."""
            return {"visitor_email": f"v{left}w{self.index}@bench.test"} if with_email else {}

        async with httpx.AsyncClient(base_url=self.http_base, timeout=120, limits=limits) as http:
            left = n

            async def one() -> None:
                nonlocal left
                while left > 0:
                    left -= 1
                    resp = await http.post(f"/api/widgets/{site_key}/sessions", json=body())
                    resp.raise_for_status()
                    data = resp.json()
                    out.append((data["session_id"], data["visitor_token"]))

            await asyncio.gather(*(one() for _ in range(min(concurrency, n))))
        return out

    async def open_visitor(self, sid: str, token: str) -> ClientConnection:
        ws = await _ws_connect(f"{self.ws_base}/ws/{sid}")
        await ws.send(json.dumps({"type": "auth", "token": token, "last_seq": 0}))
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "ready":
                opened: ClientConnection = ws
                return opened
            if frame["type"] == "error":
                raise RuntimeError(f"visitor auth failed: {frame}")

    async def cmd_sessions(self, n: int, concurrency: int,
                           given: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        t0 = time.monotonic()
        self.idle_sessions = list(given) if given is not None else \
            await self.create_sessions(n, concurrency)
        return {"created": len(self.idle_sessions), "seconds": time.monotonic() - t0}

    async def cmd_connect_idle(self, concurrency: int) -> dict[str, Any]:
        """Open and authenticate every idle session's socket, `concurrency` at a time."""
        times: list[float] = []
        failed: Counter[str] = Counter()
        queue = list(self.idle_sessions)
        t0 = time.monotonic()
        cpu0 = _cpu_seconds()

        give_up = max(10, len(queue) // 100)

        async def one() -> None:
            while queue:
                sid, token = queue.pop()
                start = time.monotonic()
                try:
                    self.idle.append(await self.open_visitor(sid, token))
                    times.append(time.monotonic() - start)
                except Exception as exc:
                    failed[f"{type(exc).__name__}: {str(exc)[:80]}"] += 1
                    if sum(failed.values()) >= give_up:
                        queue.clear()  # the server is refusing: report, do not wait on

        await asyncio.gather(*(one() for _ in range(concurrency)))
        return {"connected": len(times), "failed": dict(failed),
                "seconds": time.monotonic() - t0, "times": times,
                "cpu_s": _cpu_seconds() - cpu0}

    # --- reconnect storm: visitors that come back as the widget does ---------------------

    async def cmd_storm_connect(self, concurrency: int) -> dict[str, Any]:
        """Open every idle session as a `StormVisitor` (`concurrency` at a time at first;
        their reconnects later are not throttled, as real widgets' are not)."""
        gate = asyncio.Semaphore(concurrency)
        self.storm = [StormVisitor(self.ws_base, sid, token) for sid, token in self.idle_sessions]
        self.readers += [asyncio.ensure_future(v.run(gate)) for v in self.storm]
        return {"visitors": len(self.storm)}

    async def cmd_storm_status(self, since: float) -> dict[str, Any]:
        """Since `since` (epoch seconds): how many visitors said `ready` again, when the last
        did, and the messages they were sent while away."""
        back = [v.ready_at for v in self.storm if v.ready_at >= since]
        got = [v.message_at for v in self.storm if v.message_at >= since]
        return {"visitors": len(self.storm), "ready": len(back),
                "last_ready": max(back, default=0.0), "messages": len(got),
                "last_message": max(got, default=0.0),
                "duplicates": sum(v.duplicates for v in self.storm),
                "gaps": sum(v.gaps for v in self.storm),
                "attempts": sum(v.attempts for v in self.storm),
                "failures": dict(sum((v.failures for v in self.storm), Counter()))}

    async def cmd_storm_close(self) -> dict[str, Any]:
        for v in self.storm:
            v.stopped = True
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)
        self.readers = []
        socks = [v.ws for v in self.storm if v.ws is not None]
        for i in range(0, len(socks), 500):
            await asyncio.gather(*(ws.close() for ws in socks[i:i + 500]),
                                 return_exceptions=True)
        return {"closed": len(socks)}

    async def cmd_pairs(self, agents: list[tuple[int, str]], n_visitors: int,
                        concurrency: int) -> dict[str, Any]:
        """Connect agents and visitors; each visitor escalates and one agent accepts it."""
        t0 = time.monotonic()
        sessions = await self.create_sessions(n_visitors, concurrency)
        sessions_s = time.monotonic() - t0
        self.agents = [Agent(id=a, token=t) for a, t in agents]
        for agent in self.agents:
            agent.ws = await _ws_connect(f"{self.agent_ws_base}/ws/agent/{agent.id}")
            await agent.ws.send(json.dumps({"type": "auth", "token": agent.token,
                                            "last_seq": {}}))
            while True:
                frame = json.loads(await agent.ws.recv())
                if frame["type"] == "ready":
                    break
                if frame["type"] == "error":
                    raise RuntimeError(f"agent auth failed: {frame}")
            self.readers.append(asyncio.ensure_future(self.agent_reader(agent)))
        sem = asyncio.Semaphore(concurrency)

        async def visitor(sid: str, token: str) -> Visitor:
            async with sem:
                v = Visitor(sid=sid, token=token, ws=await self.open_visitor(sid, token))
            self.readers.append(asyncio.ensure_future(self.visitor_reader(v)))
            return v

        self.visitors = list(await asyncio.gather(*(visitor(s, t) for s, t in sessions)))
        t_connected = time.monotonic()
        loop = asyncio.get_running_loop()

        async def take(agent: Agent, mine: list[Visitor]) -> None:
            # One at a time per agent: the queue stays as short as the number of agents.
            assert agent.ws is not None
            for v in mine:
                assert v.ws is not None
                if self.parley:
                    v.escalated = loop.create_future()
                    await v.ws.send(json.dumps({"type": "escalate"}))
                    await asyncio.wait_for(v.escalated, 60)
                agent.accepted = loop.create_future()
                await agent.ws.send(json.dumps({"type": "accept", "session_id": v.sid}))
                await asyncio.wait_for(agent.accepted, 60)

        n_agents = len(self.agents)
        await asyncio.gather(*(take(a, self.visitors[i::n_agents])
                               for i, a in enumerate(self.agents)))
        return {"visitors": len(self.visitors), "agents": n_agents, "sessions_s": sessions_s,
                "connect_s": t_connected - t0, "pair_s": time.monotonic() - t_connected}

    # --- readers --------------------------------------------------------------------------

    async def visitor_reader(self, v: Visitor) -> None:
        assert v.ws is not None
        try:
            async for raw in v.ws:
                now = time.monotonic()
                frame = json.loads(raw)
                kind = frame["type"]
                if kind == "ack":
                    m = self.msgs.get(frame["client_msg_id"])
                    if m is not None and not m.ack:
                        m.ack = now
                        if not m.error:
                            self.outstanding -= 1
                        self.settle(m)
                elif kind == "error":
                    code = frame.get("code", "?")
                    self.errors[code] += 1
                    m = self.msgs.get(frame.get("client_msg_id") or "")
                    if m is not None and not m.error and not m.ack:
                        m.error = code
                        self.outstanding -= 1
                        self.settle(m)
                elif kind == "escalated":
                    if v.escalated is not None and not v.escalated.done():
                        v.escalated.set_result(frame)
                elif kind not in ("message", "queue_position", "agent_joined", "typing", "seen"):
                    self.unexpected[f"visitor:{kind}"] += 1
        except Exception as exc:
            self.closed_early[type(exc).__name__] += 1
        if v.ws.close_code not in (None, 1000, 1001):
            self.closed_early[f"visitor close {v.ws.close_code}"] += 1

    async def agent_reader(self, agent: Agent) -> None:
        assert agent.ws is not None
        try:
            async for raw in agent.ws:
                now = time.monotonic()
                frame = json.loads(raw)
                kind = frame["type"]
                if kind == "message":
                    if frame.get("sender_type") != "visitor":
                        continue
                    m = self.msgs.get(frame["client_msg_id"])
                    if m is None:
                        self.unexpected["agent:unknown message"] += 1
                        continue
                    m.deliveries += 1
                    if m.deliveries == 1:
                        m.delivered = now
                        self.settle(m)
                    sid = frame["session_id"]
                    if frame["seq"] <= self.last_seq.get(sid, 0):
                        self.out_of_order += 1
                    self.last_seq[sid] = frame["seq"]
                elif kind == "accepted":
                    if agent.accepted is not None and not agent.accepted.done():
                        agent.accepted.set_result(frame)
                elif kind == "error":
                    self.errors[f"agent:{frame.get('code')}"] += 1
                    if agent.accepted is not None and not agent.accepted.done():
                        agent.accepted.set_exception(RuntimeError(f"accept failed: {frame}"))
        except Exception as exc:
            self.closed_early[type(exc).__name__] += 1
        if agent.ws.close_code not in (None, 1000, 1001):
            self.closed_early[f"agent close {agent.ws.close_code}"] += 1

    def settle(self, m: Msg) -> None:
        if not m.settled and m.done():
            m.settled = True
            self.pending -= 1
            if self.pending == 0:
                self.quiet.set()

    async def wait_quiet(self, limit_s: float) -> None:
        """Until every message sent is settled, or `limit_s` seconds."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(limit_s):
                await self.quiet.wait()

    # --- load -----------------------------------------------------------------------------

    async def cmd_run(self, step: int, rate: float, duration: float, start_at: float,
                      cap: int, drain_s: float) -> dict[str, Any]:
        """Send rate*duration messages on schedule, then wait for their acks/deliveries."""
        n = round(rate * duration)
        visitors = self.visitors
        cpu0 = _cpu_seconds()
        step_msgs: list[Msg] = []
        skipped = 0
        i = 0
        interval = 1.0 / rate
        pad = "x" * 40
        while i < n:
            now = time.monotonic()
            due = start_at + i * interval
            if due > now:
                await asyncio.sleep(due - now)
                continue
            while i < n and start_at + i * interval <= now:
                sched = start_at + i * interval
                v = visitors[i % len(visitors)]
                i += 1
                if self.outstanding >= cap:
                    skipped += 1  # the server is hopelessly behind: stop piling on
                    continue
                cmid = f"w{self.index}s{step}n{i}"
                m = Msg(sched, v.sid, step)
                self.msgs[cmid] = m
                step_msgs.append(m)
                self.outstanding += 1
                self.pending += 1
                self.quiet.clear()
                assert v.ws is not None
                m.sent = time.monotonic()
                await v.ws.send(f'{{"type":"message","client_msg_id":"{cmid}",'
                                f'"text":"bench {cmid} {pad}"}}')
        sent_done = time.monotonic()
        await self.wait_quiet(drain_s)
        cpu1 = _cpu_seconds()
        acked = [m for m in step_msgs if m.ack]
        delivered = [m for m in step_msgs if m.deliveries]
        return {
            "sent": len(step_msgs), "skipped": skipped,
            "acked": len(acked), "delivered": len(delivered),
            "errored": sum(1 for m in step_msgs if m.error),
            "duplicates": sum(m.deliveries - 1 for m in step_msgs if m.deliveries > 1),
            "ack_s": [m.ack - m.sent for m in acked],
            "delivery_s": [m.delivered - m.sent for m in delivered],
            "lag_s": [m.sent - m.sched for m in step_msgs],
            "first_sent": min((m.sent for m in step_msgs), default=start_at),
            "last_sent": sent_done,
            "last_done": max([m.delivered for m in delivered] + [m.ack for m in acked]
                             + [sent_done]),
            "cpu_s": cpu1 - cpu0,
        }

    async def cmd_settle(self, limit_s: float) -> dict[str, Any]:
        """Wait for what earlier steps left in flight, so steps do not overlap."""
        await self.wait_quiet(limit_s)
        return {"pending": self.pending}

    async def cmd_check(self, wait_s: float = 30.0) -> dict[str, Any]:
        """Totals over the whole run, for the exactly-once check (after waiting up to
        `wait_s` for messages still in flight)."""
        await self.wait_quiet(wait_s)
        await asyncio.sleep(0.5)  # late duplicates
        per_session: Counter[str] = Counter()
        for m in self.msgs.values():
            if m.ack:
                per_session[m.sid] += 1
        return {
            "sent": len(self.msgs),
            "acked": sum(1 for m in self.msgs.values() if m.ack),
            "delivered_once": sum(1 for m in self.msgs.values() if m.deliveries == 1),
            "duplicates": sum(m.deliveries - 1 for m in self.msgs.values() if m.deliveries > 1),
            "acked_not_delivered": sum(1 for m in self.msgs.values()
                                       if m.ack and not m.deliveries),
            "delivered_not_acked": sum(1 for m in self.msgs.values()
                                       if m.deliveries and not m.ack),
            "unanswered": sum(1 for m in self.msgs.values() if not m.ack and not m.error),
            "errors": dict(self.errors),
            "out_of_order": self.out_of_order,
            "unexpected": dict(self.unexpected),
            "closed_early": dict(self.closed_early),
            "idle_open": sum(1 for ws in self.idle if ws.state is State.OPEN),
            "idle_total": len(self.idle),
            "acked_per_session": dict(per_session),
        }

    async def cmd_close(self) -> dict[str, Any]:
        socks = self.idle + [v.ws for v in self.visitors if v.ws] + \
            [a.ws for a in self.agents if a.ws]
        for i in range(0, len(socks), 500):
            await asyncio.gather(*(ws.close() for ws in socks[i:i + 500]),
                                 return_exceptions=True)
        for task in self.readers:
            task.cancel()
        return {"closed": len(socks)}


def _cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def _worker_main(index: int, target: dict[str, Any], conn: Connection) -> None:
    pin_clients()

    async def main() -> None:
        worker = Worker(index, target)
        loop = asyncio.get_running_loop()
        while True:
            cmd, kwargs = await loop.run_in_executor(None, conn.recv)
            if cmd == "exit":
                conn.send(("ok", None))
                return
            # No cyclic garbage collection while a step is timed: a full collection walks
            # every socket object this process holds and would show as client latency.
            # Between commands: collect, then freeze what survives out of later collections.
            gc.disable()
            try:
                result = await getattr(worker, f"cmd_{cmd}")(**kwargs)
                conn.send(("ok", result))
            except Exception as exc:
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
            gc.collect()
            gc.freeze()

    asyncio.run(main())


# ---------------------------------------------------------------------------------------
# In the parent
# ---------------------------------------------------------------------------------------


def split(n: int, parts: int) -> list[int]:
    return [n // parts + (1 if i < n % parts else 0) for i in range(parts)]


class LoadGen:
    """The worker processes for one target (a Parley server or the bare baseline)."""

    def __init__(self, target: dict[str, Any], workers: int) -> None:
        self.target = target
        ctx = mp.get_context("spawn")
        self.conns: list[Connection] = []
        self.procs: list[Any] = []
        for i in range(workers):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_worker_main, args=(i, target, child), daemon=True)
            proc.start()
            self.conns.append(parent)
            self.procs.append(proc)

    @property
    def workers(self) -> int:
        return len(self.conns)

    def call(self, cmd: str, per_worker: list[dict[str, Any]] | dict[str, Any],
             timeout: float = 900) -> list[Any]:
        kwargs = per_worker if isinstance(per_worker, list) else [per_worker] * self.workers
        for conn, kw in zip(self.conns, kwargs, strict=True):
            conn.send((cmd, kw))
        out = []
        for conn in self.conns:
            if not conn.poll(timeout):
                raise TimeoutError(f"worker did not answer {cmd} in {timeout}s")
            status, result = conn.recv()
            if status != "ok":
                raise RuntimeError(f"worker failed on {cmd}: {result}")
            out.append(result)
        return out

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.send(("exit", {}))
            except OSError:
                pass
        for proc in self.procs:
            proc.join(10)
            if proc.is_alive():
                proc.kill()

    def __enter__(self) -> LoadGen:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- phases ---------------------------------------------------------------------------

    def idle(self, n: int, concurrency: int = 50, session_concurrency: int = 16,
             before_connect: Any = None, sessions: list[tuple[str, str]] | None = None,
             server_pid: int | None = None) -> dict[str, Any]:
        """Create n sessions (over REST, unless `sessions` were made already), then open n
        idle sockets. ``before_connect()`` runs between (e.g. to read the server's RSS)."""
        t0 = time.monotonic()
        if sessions is not None:
            shares, start, per = split(len(sessions), self.workers), 0, []
            for k in shares:
                per.append({"n": k, "concurrency": 1, "given": sessions[start:start + k]})
                start += k
        else:
            per = [{"n": k, "concurrency": session_concurrency}
                   for k in split(n, self.workers)]
        made = self.call("sessions", per)
        t_sessions = time.monotonic() - t0
        before = before_connect() if before_connect else None
        t1 = time.monotonic()
        cpu0 = proc_cpu(server_pid)
        res = self.call("connect_idle", {"concurrency": max(1, concurrency // self.workers)})
        wall = time.monotonic() - t1
        server_cpu = cpu_pct(cpu0, proc_cpu(server_pid))
        times = [t for r in res for t in r["times"]]
        connected = sum(r["connected"] for r in res)
        failed: Counter[str] = Counter()
        for r in res:
            failed.update(r["failed"])
        return {"sessions": sum(r["created"] for r in made), "sessions_s": round(t_sessions, 2),
                "sessions_via": "rest" if sessions is None else "database",
                "sessions_per_s": round(n / t_sessions, 1) if t_sessions and sessions is None
                else None,
                "connected": connected, "failed": dict(failed), "connect_s": round(wall, 2),
                "handshakes_per_s": round(connected / wall, 1) if wall else None,
                "handshake_ms": ms_summary(times), "before": before,
                "client_cpu_pct": round(100 * sum(r["cpu_s"] for r in res) / wall, 1)
                if wall else None, "server_cpu_pct": server_cpu}

    def pairs(self, agents: list[tuple[int, str]], visitors: int,
              concurrency: int = 16) -> dict[str, Any]:
        """Agents split over the workers; each worker's visitors are paired with its agents."""
        shares = split(len(agents), self.workers)
        per, start = [], 0
        for w, k in enumerate(shares):
            mine = agents[start:start + k]
            start += k
            per.append({"agents": mine, "n_visitors": split(visitors, self.workers)[w],
                        "concurrency": concurrency})
        t0 = time.monotonic()
        res = self.call("pairs", per)
        made_s = max(r["sessions_s"] for r in res)
        return {"visitors": sum(r["visitors"] for r in res),
                "agents": sum(r["agents"] for r in res),
                "rest_sessions_per_s": round(visitors / made_s, 1) if made_s else None,
                "seconds": round(time.monotonic() - t0, 2)}

    def step(self, step: int, rate: float, duration: float, *, drain_s: float = 10.0,
             cap_s: float = 1.0, server_pid: int | None = None,
             db_pid: int | None = None,
             db_status: Callable[[], dict[str, int]] | None = None) -> dict[str, Any]:
        """One open-loop step at `rate` msg/s in total for `duration` seconds. More than
        `cap_s` seconds' worth of unacknowledged messages and the rest are skipped (counted):
        the server is overloaded and the step failed anyway."""
        left = sum(r["pending"] for r in self.call("settle", {"limit_s": 60.0}))
        start_at = time.monotonic() + 0.3
        cap = max(200, int(rate * cap_s / self.workers))
        before = {"server": proc_cpu(server_pid), "db": proc_cpu(db_pid)}
        status0 = db_status() if db_status else None
        res = self.call("run", {"step": step, "rate": rate / self.workers,
                                "duration": duration, "start_at": start_at, "cap": cap,
                                "drain_s": drain_s})
        end = max(r["last_done"] for r in res)
        wall = max(end - start_at, duration)
        after = {"server": proc_cpu(server_pid), "db": proc_cpu(db_pid)}
        status1 = db_status() if db_status else None
        ack = [x for r in res for x in r["ack_s"]]
        delivery = [x for r in res for x in r["delivery_s"]]
        lag = [x for r in res for x in r["lag_s"]]
        sent = sum(r["sent"] for r in res)
        delivered = sum(r["delivered"] for r in res)
        out = {
            "rate": rate, "duration_s": duration,
            "sent": sent, "skipped": sum(r["skipped"] for r in res),
            "acked": sum(r["acked"] for r in res), "delivered": delivered,
            "errored": sum(r["errored"] for r in res),
            "duplicates": sum(r["duplicates"] for r in res),
            "delivered_per_s": round(delivered / wall, 1),
            "ack_ms": ms_summary(ack), "delivery_ms": ms_summary(delivery),
            "client_lag_ms": ms_summary(lag),
            "client_cpu_pct": round(100 * sum(r["cpu_s"] for r in res) / wall, 1),
            "server_cpu_pct": cpu_pct(before["server"], after["server"], wall),
            # CPU the server spent per message delivered: robust to how much CPU it was given
            "server_cpu_ms_per_msg": round(1000 * (after["server"][0] - before["server"][0])
                                           / delivered, 3)
            if before["server"] and after["server"] and delivered else None,
            "db_cpu_pct": cpu_pct(before["db"], after["db"], wall),
            "server_rss_mib": round(rss_kib(server_pid) / 1024, 1) if server_pid else None,
            "in_flight_before": left,
            # the whole database server's, every client's (the machine is shared)
            "db_per_s": {k: round((status1[k] - status0[k]) / wall, 1) for k in status0}
            if status0 and status1 else None,
            "loadavg": os.getloadavg()[0],
        }
        return out

    def check(self) -> dict[str, Any]:
        res = self.call("check", {})
        total: dict[str, Any] = {}
        per_session: Counter[str] = Counter()
        for r in res:
            per_session.update(r.pop("acked_per_session"))
            for k, v in r.items():
                if isinstance(v, dict):
                    c = Counter(total.get(k, {}))
                    c.update(v)
                    total[k] = dict(c)
                else:
                    total[k] = total.get(k, 0) + v
        total["acked_per_session"] = dict(per_session)
        return total

    def close_sockets(self) -> None:
        self.call("close", {})


def ms_summary(values_s: list[float]) -> dict[str, float | int | None]:
    if not values_s:
        return {"n": 0, "p50": None, "p95": None, "p99": None, "max": None}
    ms = sorted(v * 1000 for v in values_s)
    return {"n": len(ms), "p50": round(percentile(ms, 50), 3),
            "p95": round(percentile(ms, 95), 3), "p99": round(percentile(ms, 99), 3),
            "max": round(ms[-1], 3)}


# --- /proc ---------------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int | None) -> int:
    if not pid:
        return 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def proc_cpu(pid: int | None) -> tuple[float, float] | None:
    """(utime+stime seconds, monotonic time) of a process, from /proc/<pid>/stat."""
    if not pid:
        return None
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK, time.monotonic()


def cpu_pct(before: tuple[float, float] | None, after: tuple[float, float] | None,
            wall: float | None = None) -> float | None:
    if not before or not after:
        return None
    elapsed = after[1] - before[1]
    return round(100 * (after[0] - before[0]) / elapsed, 1) if elapsed > 0 else None


def mariadb_pid() -> int | None:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in ("mariadbd", "mysqld"):
                    return int(entry.name)
            except OSError:
                continue
    return None


# --- Parley set-up over REST ------------------------------------------------------------------


def parley_agents(base: str, admin_token: str, site_key: str, n: int) -> list[tuple[int, str]]:
    """Create n agents, make them members of the widget, sign each in: [(id, token)]."""
    out = []
    auth = {"Authorization": f"Bearer {admin_token}"}
    with httpx.Client(base_url=base, timeout=60) as http:
        for i in range(n):
            user = http.post("/api/auth/register", headers=auth, json={
                "username": f"agent{i}", "email": f"agent{i}@example.com",
                "password": PASSWORD, "role": "agent"})
            user.raise_for_status()
            uid = user.json()["user"]["id"]
            http.put(f"/api/widgets/{site_key}/agents/{uid}", headers=auth).raise_for_status()
            login = http.post("/api/auth/login", json={"email": f"agent{i}@example.com",
                                                       "password": PASSWORD})
            login.raise_for_status()
            out.append((uid, login.json()["token"]))
    return out


def bare_agents(n: int) -> list[tuple[int, str]]:
    return [(i + 1, "bare") for i in range(n)]


def precreate_sessions(url: str, site_key: str, n: int) -> list[tuple[str, str]]:
    """Insert n visitor sessions straight into the database, as
    chatserver.services.sessions.create_session would (a token, its hash, status active; no
    visitor record, which the message path never reads):
    thousands of sessions in a second or two, where REST set-up would dominate the run.
    [(session id, visitor token)]."""
    import uuid

    from sqlalchemy import create_engine, insert, select

    from chatserver.db.schema import sessions, widget_configs
    from chatserver.services.access import hash_token
    from chatserver.services.visitor_records import new_visitor_token
    from chatserver.timeutil import utcnow

    engine = create_engine(sync_url(url))
    out: list[tuple[str, str]] = []
    try:
        with engine.begin() as conn:
            widget_id = conn.execute(select(widget_configs.c.id).where(
                widget_configs.c.site_key == site_key)).scalar_one()
            now = utcnow()
            rows = []
            for _ in range(n):
                sid, token = str(uuid.uuid4()), new_visitor_token()
                out.append((sid, token))
                rows.append({"id": sid, "widget_id": widget_id,
                             "visitor_token_hash": hash_token(token), "visitor_name": None,
                             "visitor_email": None,
                             "visitor_info": {"prechat": {}, "page_url": None,
                                              "user_agent": "bench", "ip": "127.0.0.1"},
                             "status": "active", "ai_mode": False, "created_at": now,
                             "last_activity_at": now})
            for i in range(0, len(rows), 1000):
                conn.execute(insert(sessions), rows[i:i + 1000])
    finally:
        engine.dispose()
    return out


def db_visitor_counts(url: str) -> dict[str, int]:
    """Visitor messages stored per session, read from the database with a sync driver."""
    from sqlalchemy import create_engine, text

    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT session_id, COUNT(*) FROM messages "
                                     "WHERE sender_type = 'visitor' GROUP BY session_id"))
            return {str(sid): int(n) for sid, n in rows}
    finally:
        engine.dispose()


def exactly_once(check: dict[str, Any], db_counts: dict[str, int] | None) -> dict[str, Any]:
    """Every sent message acked, delivered once, in order, and stored once."""
    acked = check["acked_per_session"]
    out = {k: v for k, v in check.items() if k != "acked_per_session"}
    if db_counts is not None:
        sessions = set(acked) | set(db_counts)
        out["db_rows"] = sum(db_counts.values())
        out["db_sessions_mismatched"] = sum(1 for s in sessions
                                            if acked.get(s, 0) != db_counts.get(s, 0))
    out["ok"] = (check["sent"] == check["acked"] == check["delivered_once"]
                 and check["duplicates"] == 0 and check["out_of_order"] == 0
                 and check["acked_not_delivered"] == 0
                 and (db_counts is None or out["db_sessions_mismatched"] == 0))
    return out


def main() -> None:
    from bench import run as scenarios

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=("parley", "baseline"), default="parley")
    parser.add_argument("--visitors", type=int, default=200)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--idle", type=int, default=0)
    parser.add_argument("--rates", default="250,500,1000")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",")]
    result = scenarios.adhoc(args.target, args.visitors, args.agents, args.idle, rates,
                             args.duration, args.workers)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
