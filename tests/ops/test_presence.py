"""Presence: the merged view of one process and the others (plain state), and its sharing
over Redis, where a process that dies stops counting within the TTL."""

from __future__ import annotations

import asyncio

from chatserver.bus import RedisBus
from chatserver.presence import Presence, SharedPresence
from tests.helpers.wait import wait_until_async


def test_one_process_counts_sockets() -> None:
    p = Presence()
    p.connected(1)
    p.connected(1)
    p.set_status(1, "away")
    assert p.status == {1: "away"} and p.online() == set()
    assert p.disconnected(1) is False
    assert p.disconnected(1) is True
    assert p.status == {} and p.sockets == {}
    p.set_status(2, "online")  # no socket: ignored
    assert p.status == {}


def test_remote_agents_merge_and_keep_their_status() -> None:
    p = Presence()
    p.apply_remote("B", 5, "away", version=1)
    assert p.status == {5: "away"}
    p.connected(5)  # a tab here too: the status chosen elsewhere holds
    assert p.local == {5: "away"}
    p.apply_remote("B", 5, "online", version=2)  # chosen again in the other tab
    assert p.local == {5: "online"} and p.online() == {5}
    assert p.disconnected(5) is False  # still online on B
    p.apply_remote("B", 5, "away", version=1)  # older news: ignored
    assert p.status == {5: "online"}
    p.apply_remote("B", 5, None, version=3)
    assert p.status == {}


def test_a_snapshot_drops_dead_processes_and_reports_who_left() -> None:
    p = Presence()
    p.connected(1)
    p.apply_remote("B", 2, "online", version=4)
    p.apply_remote("C", 3, "online", version=1)
    p.apply_remote("C", 1, "online", version=1)
    gone = p.replace_remote({"B": (3, {}), "D": (1, {4: "away"})})
    # B's snapshot is older than what B said (version 4): kept; C is gone; 1 is still here.
    assert gone == {3}
    assert p.status == {1: "online", 2: "online", 4: "away"}


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
