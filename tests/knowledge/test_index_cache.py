"""A widget's knowledge index is built in a worker thread, never on the event loop (a large
knowledge base takes hundreds of ms to tokenize and index), once for everyone who asks
meanwhile, and not kept when the entries changed while it was built."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from chatserver.ai import knowledge as knowledge_module
from chatserver.ai.knowledge import KnowledgeCache, KnowledgeIndex

pytestmark = pytest.mark.once

ENTRY = {"id": 1, "kind": "qa", "title": "When are you open?", "body": "From 9 to 5.",
         "url": None}


class SlowIndex(KnowledgeIndex):
    """Records where it is built, and takes `delay` seconds of CPU-like blocking to build."""

    threads: list[threading.Thread] = []
    release: threading.Event | None = None
    delay = 0.3

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        SlowIndex.threads.append(threading.current_thread())
        if SlowIndex.release is not None:
            SlowIndex.release.wait(5)
        else:
            time.sleep(SlowIndex.delay)  # stands for tokenizing: holds this thread only
        super().__init__(*args, **kwargs)


@pytest.fixture(autouse=True)
def slow_index(monkeypatch: pytest.MonkeyPatch) -> None:
    SlowIndex.threads, SlowIndex.release = [], None
    monkeypatch.setattr(knowledge_module, "KnowledgeIndex", SlowIndex)


def test_built_once_in_a_thread_while_the_loop_keeps_running() -> None:
    loads = 0

    async def load() -> tuple[list[dict[str, Any]], None]:
        nonlocal loads
        loads += 1
        return [dict(ENTRY)], None

    async def scenario() -> tuple[list[KnowledgeIndex], float]:
        cache = KnowledgeCache()
        gaps: list[float] = []
        done = False

        async def heartbeat() -> None:
            last = time.monotonic()
            while not done:
                await asyncio.sleep(0.01)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        beat = asyncio.ensure_future(heartbeat())
        got = await asyncio.gather(*(cache.build(7, load) for _ in range(5)))
        done = True
        await beat
        assert cache.get(7) is got[0]
        return got, max(gaps)

    got, longest_gap = asyncio.run(scenario())
    assert loads == 1 and len(SlowIndex.threads) == 1  # one build for the five callers
    assert SlowIndex.threads[0] is not threading.main_thread()
    assert all(index is got[0] for index in got)
    assert got[0].entries == 1 and got[0].search("open", 1)
    assert longest_gap < SlowIndex.delay / 2  # the loop ran during the build


def test_a_change_during_the_build_is_not_hidden_by_it() -> None:
    SlowIndex.release = threading.Event()
    versions = iter([[dict(ENTRY)], [dict(ENTRY), {**ENTRY, "id": 2, "title": "Prices?",
                                                   "body": "See the shop."}]])

    async def load() -> tuple[list[dict[str, Any]], None]:
        return next(versions), None

    async def scenario() -> None:
        cache = KnowledgeCache()
        first = asyncio.ensure_future(cache.build(7, load))
        while not SlowIndex.threads:  # the first build is under way in its thread
            await asyncio.sleep(0.01)
        cache.invalidate(7)  # an entry was added meanwhile
        second = asyncio.ensure_future(cache.build(7, load))
        await asyncio.sleep(0.05)
        assert SlowIndex.release is not None
        SlowIndex.release.set()
        old, new = await first, await second
        assert old.entries == 1 and new.entries == 2  # the later caller waited for a new one
        assert cache.get(7) is new  # the stale one was not kept

    asyncio.run(scenario())
