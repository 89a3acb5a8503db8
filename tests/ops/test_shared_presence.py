"""Presence shared over Redis: each process sees the others' agents, and a process that dies
stops counting within the TTL."""

from __future__ import annotations

import asyncio

from chatserver.bus import RedisBus
from chatserver.presence import SharedPresence
from tests.helpers.wait import wait_until_async


async def test_presence_crosses_processes_and_expires_when_one_dies(
        redis_url: str, redis_prefix: str) -> None:
    buses = [RedisBus(redis_url, redis_prefix) for _ in range(3)]
    a, b, c = (SharedPresence(bus, ttl_s=1.0, refresh_s=0.2) for bus in buses)
    reported: list[set[int]] = []

    async def gone(agents: set[int]) -> None:
        reported.append(agents)

    b.on_gone = c.on_gone = gone
    try:
        for p in (a, b, c):
            await p.start()
        a.connected(10)
        await wait_until_async(lambda: b.online() == {10} and c.online() == {10}, timeout=5,
                               what="10 online on b, c")
        a.set_status(10, "away")
        await wait_until_async(lambda: b.status == {10: "away"}, timeout=5, what="away on b")
        b.connected(10)  # a second tab on b keeps the status chosen on a
        assert b.local == {10: "away"}
        b.set_status(10, "online")
        await wait_until_async(lambda: a.status == {10: "online"}, timeout=5, what="the new status on a")
        assert b.disconnected(10) is False  # still on a
        await wait_until_async(lambda: 10 not in b.remote.get(b.proc, {}), timeout=5, what="b's report")

        a.connected(11)
        await wait_until_async(lambda: 11 in b.status, timeout=5, what="11 on b")
        # a dies: it stops refreshing and says nothing; its entry expires within the TTL
        assert a.task is not None
        a.task.cancel()
        await wait_until_async(lambda: not b.status and not c.status, timeout=5, what="a's agents to expire")
        await wait_until_async(lambda: reported, timeout=5, what="the departure to be reported")
        await asyncio.sleep(0.5)
        assert reported == [{10, 11}]  # by b or c, once
    finally:
        for p in (b, c):
            await p.close()
        for bus in buses:
            await bus.close()


async def test_closing_says_goodbye_at_once(redis_url: str, redis_prefix: str) -> None:
    buses = [RedisBus(redis_url, redis_prefix) for _ in range(2)]
    a, b = (SharedPresence(bus, ttl_s=30.0, refresh_s=10.0) for bus in buses)
    try:
        await a.start()
        await b.start()
        a.connected(3)
        await wait_until_async(lambda: b.online() == {3}, timeout=5, what="3 online on b")
        await a.close()
        await wait_until_async(lambda: b.online() == set(), timeout=2, what="3 gone on b")
        await b.refresh()
        assert b.status == {}
    finally:
        await b.close()
        for bus in buses:
            await bus.close()
