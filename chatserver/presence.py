"""Which agents are online: plain state (no Tornado, no I/O), and its sharing over Redis.

``Presence`` knows the agents with a socket in this process (``sockets``, ``local``) and,
when there are several processes, what the others report (``remote``, by process id).
``status`` is the merged view every caller reads: an agent is online while any process has a
socket of theirs, with the status they last chose.

``SharedPresence`` keeps that view true across processes through Redis: each process writes
its own agents to a hash that expires unless the process keeps refreshing it, announces every
change on the bus at once, and re-reads every process's hash periodically. So presence
appears on every process within a bus hop, and disappears within ``ttl_s`` when a process
dies without saying goodbye.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError

if TYPE_CHECKING:
    from chatserver.bus import Event, RedisBus

log = logging.getLogger(__name__)

STATUSES = ("online", "away")
# The bus channel on which processes announce presence changes to each other.
PRESENCE_CHANNEL = "presence"


@dataclass
class Presence:
    # agent id -> status, for agents online in any process (the merged view)
    status: dict[int, str] = field(default_factory=dict)
    # agent id -> sockets open in this process
    sockets: dict[int, int] = field(default_factory=dict)
    # agent id -> status, for agents with a socket in this process
    local: dict[int, str] = field(default_factory=dict)
    # process id -> (agent id -> status), as the other processes report
    remote: dict[str, dict[int, str]] = field(default_factory=dict)
    # process id -> the version of its report applied last
    versions: dict[str, int] = field(default_factory=dict)
    # called with an agent id when this process's view of that agent changed
    changed: Callable[[int], None] | None = None

    async def start(self) -> None:
        """Nothing to do in one process."""

    async def close(self) -> None:
        """Nothing to do in one process."""

    def connected(self, agent_id: int, status: str = "online") -> None:
        self.sockets[agent_id] = self.sockets.get(agent_id, 0) + 1
        if agent_id not in self.local:
            # An agent online elsewhere keeps the status they chose there.
            self.local[agent_id] = self.status.get(agent_id, status)
            self._merge(agent_id)
            self._notify(agent_id)

    def disconnected(self, agent_id: int) -> bool:
        """Returns True when the agent's last socket closed (they are now offline)."""
        left = self.sockets.get(agent_id, 0) - 1
        if left > 0:
            self.sockets[agent_id] = left
            return False
        self.sockets.pop(agent_id, None)
        if self.local.pop(agent_id, None) is not None:
            self._merge(agent_id)
            self._notify(agent_id)
        return agent_id not in self.status

    def set_status(self, agent_id: int, status: str) -> None:
        if agent_id in self.sockets and self.local.get(agent_id) != status:
            self.local[agent_id] = status
            self._merge(agent_id)
            self._notify(agent_id)

    def online(self) -> set[int]:
        return {a for a, s in self.status.items() if s == "online"}

    # -- what other processes report --------------------------------------------------------

    def apply_remote(self, proc: str, agent_id: int, status: str | None,
                     version: int = 0) -> None:
        """Process ``proc`` says the agent has ``status`` there (None: no socket there now).
        ``version`` orders what one process says: older news than already applied is ignored."""
        if version < self.versions.get(proc, 0):
            return
        self.versions[proc] = version
        agents = self.remote.setdefault(proc, {})
        if status is None:
            agents.pop(agent_id, None)
        else:
            agents[agent_id] = status
            # The agent chose a status in a tab on another process: it is theirs everywhere.
            if agent_id in self.local and self.local[agent_id] != status:
                self.local[agent_id] = status
                self._notify(agent_id)
        self._merge(agent_id)

    def replace_remote(self, snapshot: dict[str, tuple[int, dict[int, str]]]) -> set[int]:
        """Replace what the other processes report by a fresh read of all of them (process id
        → (version, agents)); a process missing from it is gone. Returns the agents who were
        online only on processes that are gone."""
        before = set(self.status)
        touched: set[int] = set()
        for proc in list(self.remote):
            if proc not in snapshot:
                touched |= set(self.remote.pop(proc))
                self.versions.pop(proc, None)
        for proc, (version, agents) in snapshot.items():
            if version >= self.versions.get(proc, 0):
                touched |= set(self.remote.get(proc, {})) | set(agents)
                self.remote[proc] = dict(agents)
                self.versions[proc] = version
        for agent_id in touched:
            self._merge(agent_id)
        return before - set(self.status)

    def _merge(self, agent_id: int) -> None:
        status = self.local.get(agent_id)
        if status is None:
            status = next((agents[agent_id] for agents in self.remote.values()
                           if agent_id in agents), None)
        if status is None:
            self.status.pop(agent_id, None)
        else:
            self.status[agent_id] = status

    def _notify(self, agent_id: int) -> None:
        if self.changed is not None:
            self.changed(agent_id)


# Seconds a process's presence lives in Redis unless it refreshes it, and how often it
# does: a process that dies stops counting within PRESENCE_TTL_S.
PRESENCE_TTL_S = 30.0
PRESENCE_REFRESH_S = 10.0


class SharedPresence(Presence):
    """Presence shared by several processes over Redis (see the module's docstring).

    Keys (under the bus's prefix): ``presence:procs``, a sorted set of process ids scored by
    when their entry expires, and ``presence:proc:<id>``, a hash agent id → status with a TTL.
    """

    def __init__(self, bus: RedisBus, ttl_s: float = PRESENCE_TTL_S,
                 refresh_s: float = PRESENCE_REFRESH_S) -> None:
        super().__init__()
        self.bus = bus
        self.proc = bus.proc_id
        self.ttl_s = ttl_s
        self.refresh_s = refresh_s
        self.procs_key = f"{bus.prefix}presence:procs"
        self.changed = self._dirty
        self.dirty: set[int] = set()
        self.wake = asyncio.Event()
        self.task: asyncio.Task[None] | None = None
        self.version = 0
        # Called with the agents who went offline because their process went away.
        self.on_gone: Callable[[set[int]], Awaitable[None]] | None = None

    def key(self, proc: str) -> str:
        return f"{self.bus.prefix}presence:proc:{proc}"

    async def start(self) -> None:
        if self.task is None:
            await self.bus.subscribe(PRESENCE_CHANNEL, self._on_event)
            self.task = asyncio.ensure_future(self._run())

    async def close(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        await self.bus.unsubscribe(PRESENCE_CHANNEL, self._on_event)
        # Say goodbye: the others drop this process's agents now, not at the TTL.
        for agent_id in list(self.local):
            await self._announce(agent_id, None)
        try:
            redis = self.bus.client()
            await redis.delete(self.key(self.proc))
            await redis.zrem(self.procs_key, self.proc)
        except (RedisError, OSError) as exc:
            log.warning("could not remove this process's presence: %s", type(exc).__name__)

    def _dirty(self, agent_id: int) -> None:
        self.dirty.add(agent_id)
        self.wake.set()

    def _on_event(self, event: Event) -> None:
        proc, agent_id = event.get("proc"), event.get("agent_id")
        version = event.get("v")
        if event.get("kind") != "presence_sync" or proc == self.proc \
                or not isinstance(proc, str) or not isinstance(agent_id, int) \
                or not isinstance(version, int):
            return
        status = event.get("status")
        self.apply_remote(proc, agent_id, status if isinstance(status, str) else None, version)

    async def _announce(self, agent_id: int, status: str | None) -> None:
        await self.bus.publish(PRESENCE_CHANNEL, {"kind": "presence_sync", "proc": self.proc,
                                                  "agent_id": agent_id, "status": status,
                                                  "v": self.version})

    async def _run(self) -> None:
        next_refresh = 0.0
        while True:
            timeout = max(0.0, next_refresh - time.monotonic())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout)
            self.wake.clear()
            try:
                await self._flush()
                if time.monotonic() >= next_refresh:
                    await self.refresh()
                    next_refresh = time.monotonic() + self.refresh_s
            except (RedisError, OSError) as exc:
                log.warning("presence sync failed: %s; retrying", type(exc).__name__)
                next_refresh = time.monotonic() + min(self.refresh_s, 1.0)
            except Exception:
                log.exception("presence sync failed; retrying")
                next_refresh = time.monotonic() + min(self.refresh_s, 1.0)

    async def _flush(self) -> None:
        """Store, then announce, the agents whose status changed here (stored first, so a
        process that hears the news and then re-reads Redis finds it there)."""
        dirty, self.dirty = self.dirty, set()
        if not dirty:
            return
        await self._write_own()
        for agent_id in sorted(dirty):
            await self._announce(agent_id, self.local.get(agent_id))

    async def _write_own(self) -> None:
        redis = self.bus.client()
        key = self.key(self.proc)
        self.version += 1
        async with redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            pipe.hset(key, mapping={VERSION_FIELD: str(self.version),
                                    **{str(a): s for a, s in self.local.items()}})
            pipe.expire(key, int(self.ttl_s))
            pipe.zadd(self.procs_key, {self.proc: time.time() + self.ttl_s})
            await pipe.execute()

    async def refresh(self) -> None:
        """Rewrite this process's entry (renewing its TTL), then re-read every other one."""
        await self._write_own()
        redis = self.bus.client()
        now = time.time()
        await redis.zremrangebyscore(self.procs_key, "-inf", now)
        procs = [_text(p) for p in await redis.zrange(self.procs_key, 0, -1)]
        others = [p for p in procs if p != self.proc]
        snapshot: dict[str, tuple[int, dict[int, str]]] = {}
        if others:
            async with redis.pipeline(transaction=False) as pipe:
                for proc in others:
                    pipe.hgetall(self.key(proc))
                found: list[dict[Any, Any]] = await pipe.execute()
            for proc, fields in zip(others, found, strict=True):
                if fields:  # an empty hash: the process's entry expired before its score
                    snapshot[proc] = _parse(fields)
        gone_procs = set(self.remote) - set(snapshot)
        gone = self.replace_remote(snapshot)
        if gone and self.on_gone is not None and await self._claim(gone_procs):
            await self.on_gone(gone)

    async def _claim(self, procs: set[str]) -> bool:
        """One process, not all of them, announces that a dead process's agents left."""
        redis = self.bus.client()
        won = False
        for proc in procs:
            key = f"{self.bus.prefix}presence:gone:{proc}"
            won = bool(await redis.set(key, self.proc, nx=True, ex=3600)) or won
        return won


VERSION_FIELD = "_v"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _parse(fields: dict[Any, Any]) -> tuple[int, dict[int, str]]:
    decoded = {_text(k): _text(v) for k, v in fields.items()}
    version = int(decoded.pop(VERSION_FIELD, "0"))
    return version, {int(a): s for a, s in decoded.items() if a.isdigit()}
