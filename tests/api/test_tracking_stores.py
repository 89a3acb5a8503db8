"""Visitor tracking's parts without the database: the country from a GeoIP database file
(a small .mmdb built here with mmdb-writer), and the live store in Redis seen by two
processes' stores (two clients, as two processes would have)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from chatserver.geoip import GeoIP
from chatserver.services.live_visitors import INVITE_TTL_S, VISIT_TTL_S, RedisStore
from tests.helpers.geoip import country_mmdb as _mmdb
from tests.helpers.redis_servers import delete_prefix, shared_redis_or_skip, unique_prefix

pytestmark = pytest.mark.once


def test_a_country_comes_from_the_database_file(tmp_path: Path) -> None:
    geo = GeoIP(str(_mmdb(tmp_path / "country.mmdb")))
    assert geo.country("81.2.69.160") == {"code": "GB", "name": "United Kingdom"}
    assert geo.country("89.160.20.112") == {"code": "SE", "name": "Sweden"}
    assert geo.country("2001:db8:1::5") is None  # documentation range: not a global address
    assert geo.country("8.8.8.8") is None  # not in the file
    assert geo.country("127.0.0.1") is None and geo.country("10.1.2.3") is None
    assert geo.country("not an address") is None
    geo.close()


def test_without_a_database_there_is_no_country_and_nothing_fails(tmp_path: Path) -> None:
    assert GeoIP("").country("81.2.69.160") is None
    missing = GeoIP(str(tmp_path / "missing.mmdb"))
    assert missing.country("81.2.69.160") is None
    junk = tmp_path / "junk.mmdb"
    junk.write_bytes(b"this is not a MaxMind database" * 10)
    assert GeoIP(str(junk)).country("81.2.69.160") is None


async def test_two_processes_share_the_live_visitors_in_redis() -> None:
    from redis.asyncio import Redis

    url = shared_redis_or_skip()
    prefix = unique_prefix()
    one, two = Redis.from_url(url), Redis.from_url(url)
    a, b = RedisStore(one, prefix), RedisStore(two, prefix)
    try:
        now = time.time()
        record = {"tracking_id": "t" * 20, "site_key": "k", "first_seen": now - 30,
                  "last_seen": now, "pages": [{"url": "https://x.example/", "title": "X"}],
                  "referrer": None, "country": None, "chatting": False, "left": False}
        await a.put("k", "t" * 20, record)
        assert await b.get("k", "t" * 20) == record
        assert [r["tracking_id"] for r in await b.online("k", time.time())] == ["t" * 20]
        # Not seen for a while: not listed, still known (its pages wait for a chat).
        assert await b.online("k", time.time() + 120) == []
        # Every key has an expiry.
        keys = [k async for k in one.scan_iter(match=prefix + "*")]
        assert keys
        for key in keys:
            assert 0 < await one.ttl(key) <= VISIT_TTL_S
        # An invitation made in one process is taken once, by either.
        await a.set_invite("k", "t" * 20, {"id": "i1", "text": "Hi"})
        assert 0 < await one.ttl(f"{prefix}track:i:k:{'t' * 20}") <= INVITE_TTL_S
        assert (await b.invite("k", "t" * 20) or {})["id"] == "i1"
        assert (await b.take_invite("k", "t" * 20) or {})["id"] == "i1"
        assert await a.take_invite("k", "t" * 20) is None
        await b.forget("k", "t" * 20)
        assert await a.get("k", "t" * 20) is None
    finally:
        await one.aclose()
        await two.aclose()
        delete_prefix(url, prefix)


async def test_the_memory_store_forgets_expired_visits() -> None:
    from chatserver.services.live_visitors import MemoryStore

    store = MemoryStore()
    now = time.time()
    record = {"tracking_id": "a" * 20, "last_seen": now, "pages": []}
    await store.put("k", "a" * 20, record)
    await store.set_invite("k", "a" * 20, {"id": "i"})
    assert [r["tracking_id"] for r in await store.online("k", now)] == ["a" * 20]
    store._sweep(now + VISIT_TTL_S + 1)  # half an hour later
    assert store.visits == {} and store.waiting == {}
    assert await store.get("k", "a" * 20) is None
