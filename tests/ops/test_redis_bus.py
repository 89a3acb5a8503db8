"""The Redis bus: events cross processes, a process's own events arrive once and in order,
subscriptions are confirmed before subscribe() returns, and the bus survives Redis going away."""

from __future__ import annotations

import asyncio

from chatserver.bus import Event, LocalBus, RedisBus, make_bus
from tests.helpers.redis_servers import PrivateRedis
from tests.helpers.wait import wait_until_async


async def test_events_cross_between_two_buses(redis_url: str, redis_prefix: str) -> None:
    a, b = RedisBus(redis_url, redis_prefix), RedisBus(redis_url, redis_prefix)
    got: list[Event] = []
    try:
        await b.subscribe("session:s1", got.append)
        # subscribe() returned: the subscription is in effect, nothing published now is missed
        for seq in range(1, 51):
            await a.publish("session:s1", {"frame": {"type": "message", "seq": seq}})
        await a.publish("session:other", {"frame": {"type": "message", "seq": 1}})
        await wait_until_async(lambda: len(got) >= 50, timeout=5, what="50 events")
        assert [e["frame"]["seq"] for e in got] == list(range(1, 51))
        await asyncio.sleep(0.05)
        assert len(got) == 50  # nothing from a channel b does not follow
        assert a.published == 51 and b.received == 50
    finally:
        await a.close()
        await b.close()


async def test_a_burst_keeps_its_order_across(redis_url: str, redis_prefix: str) -> None:
    """Thousands of events published at once (group commits publish together) all cross,
    in the order they were published: one connection, pipelined."""
    a, b = RedisBus(redis_url, redis_prefix), RedisBus(redis_url, redis_prefix)
    got: list[Event] = []
    try:
        await b.subscribe("session:burst", got.append)
        await asyncio.gather(*(a.publish("session:burst", {"seq": i}) for i in range(3000)))
        await wait_until_async(lambda: len(got) == 3000, timeout=5, what="3000 events")
        assert [e["seq"] for e in got] == list(range(3000))
        assert a.publish_failures == 0
    finally:
        await a.close()
        await b.close()


async def test_own_events_arrive_once_directly(redis_url: str, redis_prefix: str) -> None:
    bus = RedisBus(redis_url, redis_prefix)
    got: list[Event] = []
    try:
        await bus.subscribe("widget:1", got.append)
        await bus.publish("widget:1", {"frame": {"type": "queue_update", "waiting": []}})
        assert len(got) == 1  # delivered before publish() returned, not round Redis
        await asyncio.sleep(0.1)
        assert len(got) == 1  # the copy that comes back from Redis is skipped
    finally:
        await bus.close()


async def test_unsubscribe_stops_delivery(redis_url: str, redis_prefix: str) -> None:
    a, b = RedisBus(redis_url, redis_prefix), RedisBus(redis_url, redis_prefix)
    got: list[Event] = []
    try:
        await b.subscribe("user:7", got.append)
        await a.publish("user:7", {"kind": "join", "session_id": "x"})
        await wait_until_async(lambda: got, timeout=5, what="the first event")
        await b.unsubscribe("user:7", got.append)
        await a.publish("user:7", {"kind": "join", "session_id": "y"})
        await asyncio.sleep(0.1)
        assert [e["session_id"] for e in got] == ["x"]
    finally:
        await a.close()
        await b.close()


async def test_survives_redis_restarting(private_redis: PrivateRedis) -> None:
    """Redis dies: publishing fails softly (local listeners still get the event), the reader
    reconnects with backoff and re-subscribes, and events cross again."""
    a, b = RedisBus(private_redis.url, "p:"), RedisBus(private_redis.url, "p:")
    remote: list[Event] = []
    local: list[Event] = []
    try:
        await b.subscribe("session:s", remote.append)
        await a.subscribe("session:s", local.append)
        await a.publish("session:s", {"n": 1})
        await wait_until_async(lambda: remote, timeout=5, what="the first event")

        private_redis.kill()
        await wait_until_async(lambda: not b.connected.is_set(), timeout=5, what="b to notice")
        await a.publish("session:s", {"n": 2})
        assert [e["n"] for e in local] == [1, 2]  # this process's listeners still hear it
        await wait_until_async(lambda: a.publish_failures == 1, timeout=5,
                               what="the failed publish to be counted")

        private_redis.start()
        await wait_until_async(lambda: a.connected.is_set() and b.connected.is_set(), timeout=10,
                     what="both to reconnect")
        await a.publish("session:s", {"n": 3})
        await wait_until_async(lambda: len(remote) == 2, timeout=5, what="an event after the restart")
        assert [e["n"] for e in remote] == [1, 3]  # 2 was lost in the outage, as pub/sub does
        assert b.reconnects >= 2
    finally:
        await a.close()
        await b.close()


async def test_make_bus_picks_redis_only_with_a_url() -> None:
    assert isinstance(make_bus("", "parley:"), LocalBus)
    bus = make_bus("redis://127.0.0.1:1/0", "parley:")
    assert isinstance(bus, RedisBus)
    await bus.close()
