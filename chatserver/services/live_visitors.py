"""Where the live visitors of tracking widgets are kept (services/tracking.py): in this
process's memory, or in Redis when PARLEY_REDIS_URL is set (several processes see the same
visitors). Nothing here is written to the database: a visitor is a record that expires.

A record (a JSON object) is one browser's visit to one widget's site, keyed by the widget's
site key and the tracking id the widget keeps in localStorage. It expires VISIT_TTL_S after
its last heartbeat; the live list shows the records seen in the last ONLINE_S. An agent's
invitation to chat is a record of its own (the visitor's heartbeats rewrite theirs), taken
at most once, expiring INVITE_TTL_S after it was made.

Once the visitor starts a conversation, the record names its session, and the session
leads back to the record (`forget_session`: the conversation's erasure forgets the visit
too, rather than leaving its pages live until it expires).

Redis keys, under the configured prefix, every one with an expiry:
  track:v:<site_key>:<tid>   the visitor's record (JSON), VISIT_TTL_S
  track:i:<site_key>:<tid>   an invitation waiting for the visitor (JSON), INVITE_TTL_S
  track:s:<site_key>         a sorted set of the site's tracking ids scored by last heartbeat
  track:c:<session_id>       "<site_key> <tid>" of the visit that started the conversation,
                             VISIT_TTL_S
"""

from __future__ import annotations

import json
import time
from typing import Any, Protocol

from redis.asyncio import Redis

# A visit is forgotten this long after its last heartbeat (its pre-chat pages with it).
VISIT_TTL_S = 30 * 60
# Listed as on the site when a heartbeat came this recently (the widget sends one every
# HEARTBEAT_S, and on each page).
ONLINE_S = 60
HEARTBEAT_S = 20
# An invitation the visitor neither answered nor dismissed is withdrawn after this.
INVITE_TTL_S = 10 * 60
# How often the memory store forgets expired visits.
SWEEP_S = 60
# At most this many live visitors are listed per site (the most recent).
LIST_MAX = 500


class LiveStore(Protocol):
    async def get(self, site_key: str, tid: str) -> dict[str, Any] | None: ...
    async def put(self, site_key: str, tid: str, record: dict[str, Any]) -> None: ...
    async def forget(self, site_key: str, tid: str) -> None: ...
    async def forget_session(self, session_id: str) -> None: ...
    async def online(self, site_key: str, now: float) -> list[dict[str, Any]]: ...
    async def invite(self, site_key: str, tid: str) -> dict[str, Any] | None: ...
    async def invites(self, site_key: str, tids: list[str]) -> list[dict[str, Any] | None]: ...
    async def set_invite(self, site_key: str, tid: str, invite: dict[str, Any]) -> None: ...
    async def take_invite(self, site_key: str, tid: str) -> dict[str, Any] | None: ...


class MemoryStore:
    """One process: dicts with expiry times, swept as they are read."""

    def __init__(self) -> None:
        self.visits: dict[str, dict[str, tuple[float, dict[str, Any]]]] = {}
        self.waiting: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}
        self.sessions: dict[str, tuple[float, str, str]] = {}  # session -> its visit
        self.swept_at = time.time()

    async def get(self, site_key: str, tid: str) -> dict[str, Any] | None:
        hit = self.visits.get(site_key, {}).get(tid)
        if hit is None or hit[0] <= time.time():
            return None
        return dict(hit[1])

    async def put(self, site_key: str, tid: str, record: dict[str, Any]) -> None:
        now = time.time()
        if now - self.swept_at >= SWEEP_S:
            self._sweep(now)
        self.visits.setdefault(site_key, {})[tid] = (now + VISIT_TTL_S, dict(record))
        if record.get("session_id"):
            self.sessions[record["session_id"]] = (now + VISIT_TTL_S, site_key, tid)

    def _sweep(self, now: float) -> None:
        """Forget expired visits and invitations (memory stays bounded by the live ones)."""
        self.swept_at = now
        for site_key in list(self.visits):
            site = self.visits[site_key]
            for tid in [t for t, (until, _) in site.items() if until <= now]:
                del site[tid]
            if not site:
                del self.visits[site_key]
        for key in [k for k, (until, _) in self.waiting.items() if until <= now]:
            del self.waiting[key]
        for sid in [k for k, (until, _, _) in self.sessions.items() if until <= now]:
            del self.sessions[sid]

    async def forget(self, site_key: str, tid: str) -> None:
        self.visits.get(site_key, {}).pop(tid, None)
        self.waiting.pop((site_key, tid), None)

    async def forget_session(self, session_id: str) -> None:
        link = self.sessions.pop(session_id, None)
        if link is not None:
            await self.forget(link[1], link[2])

    async def online(self, site_key: str, now: float) -> list[dict[str, Any]]:
        site = self.visits.get(site_key, {})
        for tid in [t for t, (until, _) in site.items() if until <= now]:
            del site[tid]
        live = [dict(r) for _, r in site.values() if r["last_seen"] > now - ONLINE_S]
        live.sort(key=lambda r: -r["last_seen"])
        return live[:LIST_MAX]

    async def invite(self, site_key: str, tid: str) -> dict[str, Any] | None:
        hit = self.waiting.get((site_key, tid))
        if hit is None:
            return None
        if hit[0] <= time.time():
            self.waiting.pop((site_key, tid), None)
            return None
        return dict(hit[1])

    async def invites(self, site_key: str, tids: list[str]) -> list[dict[str, Any] | None]:
        return [await self.invite(site_key, tid) for tid in tids]

    async def set_invite(self, site_key: str, tid: str, invite: dict[str, Any]) -> None:
        self.waiting[(site_key, tid)] = (time.time() + INVITE_TTL_S, dict(invite))

    async def take_invite(self, site_key: str, tid: str) -> dict[str, Any] | None:
        found = await self.invite(site_key, tid)
        self.waiting.pop((site_key, tid), None)
        return found


class RedisStore:
    """Several processes: the keys of the module's docstring, each with an expiry."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.prefix = prefix + "track:"

    def _visit(self, site_key: str, tid: str) -> str:
        return f"{self.prefix}v:{site_key}:{tid}"

    def _invite(self, site_key: str, tid: str) -> str:
        return f"{self.prefix}i:{site_key}:{tid}"

    def _site(self, site_key: str) -> str:
        return f"{self.prefix}s:{site_key}"

    def _session(self, session_id: str) -> str:
        return f"{self.prefix}c:{session_id}"

    async def get(self, site_key: str, tid: str) -> dict[str, Any] | None:
        raw = await self.redis.get(self._visit(site_key, tid))
        return _loads(raw)

    async def put(self, site_key: str, tid: str, record: dict[str, Any]) -> None:
        site = self._site(site_key)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._visit(site_key, tid), json.dumps(record, separators=(",", ":")),
                     ex=VISIT_TTL_S)
            pipe.zadd(site, {tid: record["last_seen"]})
            pipe.zremrangebyscore(site, "-inf", record["last_seen"] - VISIT_TTL_S)
            pipe.expire(site, VISIT_TTL_S)
            if record.get("session_id"):
                pipe.set(self._session(record["session_id"]), f"{site_key} {tid}",
                         ex=VISIT_TTL_S)
            await pipe.execute()

    async def forget(self, site_key: str, tid: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._visit(site_key, tid), self._invite(site_key, tid))
            pipe.zrem(self._site(site_key), tid)
            await pipe.execute()

    async def forget_session(self, session_id: str) -> None:
        link = await self.redis.getdel(self._session(session_id))
        if isinstance(link, bytes | str):
            site_key, _, tid = _text(link).partition(" ")
            await self.forget(site_key, tid)

    async def online(self, site_key: str, now: float) -> list[dict[str, Any]]:
        tids = await self.redis.zrevrangebyscore(self._site(site_key), "+inf", now - ONLINE_S,
                                                 start=0, num=LIST_MAX)
        if not tids:
            return []
        raws = await self.redis.mget([self._visit(site_key, _text(t)) for t in tids
                                      if isinstance(t, bytes | str)])
        return [r for r in (_loads(raw) for raw in raws) if r is not None]

    async def invite(self, site_key: str, tid: str) -> dict[str, Any] | None:
        return _loads(await self.redis.get(self._invite(site_key, tid)))

    async def invites(self, site_key: str, tids: list[str]) -> list[dict[str, Any] | None]:
        if not tids:
            return []
        raws = await self.redis.mget([self._invite(site_key, tid) for tid in tids])
        return [_loads(raw) for raw in raws]

    async def set_invite(self, site_key: str, tid: str, invite: dict[str, Any]) -> None:
        await self.redis.set(self._invite(site_key, tid),
                             json.dumps(invite, separators=(",", ":")), ex=INVITE_TTL_S)

    async def take_invite(self, site_key: str, tid: str) -> dict[str, Any] | None:
        # GETDEL: of two processes taking it at once, one gets it.
        return _loads(await self.redis.getdel(self._invite(site_key, tid)))


def _text(raw: bytes | str) -> str:
    return raw.decode() if isinstance(raw, bytes) else raw


def _loads(raw: bytes | str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
