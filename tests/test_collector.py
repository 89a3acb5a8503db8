"""The garbage collector's policy (chatserver/collector.py): what survives a full collection
is frozen out of later ones, and the periodic full collection frees cycles among it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import weakref
from collections.abc import AsyncIterator, Iterator

import pytest

from chatserver import metrics
from chatserver.collector import Collector
from tests.helpers.wait import wait_until_async

pytestmark = pytest.mark.once


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def pair() -> Node:
    """One of two nodes in a reference cycle."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a


def cycle() -> weakref.ref[Node]:
    """A reference cycle nothing else holds, and a weak reference that tells when it is freed."""
    return weakref.ref(pair())


@contextlib.asynccontextmanager
async def running(collector: Collector) -> AsyncIterator[None]:
    collector.start()
    try:
        yield
    finally:
        collector.stop()


@pytest.fixture(autouse=True)
def _unfrozen() -> Iterator[None]:
    yield
    gc.unfreeze()  # the test process goes on as CPython leaves it


def test_what_survives_a_full_collection_is_frozen_and_its_cycles_wait_for_the_next_sweep() \
        -> None:
    async def go() -> None:
        collector = Collector(freeze=True, full_interval_s=0)
        async with running(collector):
            kept = pair()
            gc.collect()  # a full collection, as the collector makes by itself
            await asyncio.sleep(0)  # the freeze it schedules on the loop
            assert gc.get_freeze_count() > 0
            gone = weakref.ref(kept)
            del kept
            gc.collect()
            assert gone() is not None  # frozen: no collection walks it
            collector.full_collection()
            assert gone() is None
            assert gc.get_freeze_count() > 0  # what survived is frozen again

    asyncio.run(go())


def test_a_young_cycle_is_collected_as_usual() -> None:
    async def go() -> None:
        async with running(Collector(freeze=True, full_interval_s=0)):
            ref = cycle()
            gc.collect(0)
            assert ref() is None

    asyncio.run(go())


def test_the_periodic_full_collection_frees_cycles_among_frozen_objects() -> None:
    async def go() -> None:
        held = pair()
        # Started, it freezes start-up's heap: the cycle with it.
        async with running(Collector(freeze=True, full_interval_s=0.05)):
            ref = weakref.ref(held)
            del held
            gc.collect()
            assert ref() is not None
            await wait_until_async(lambda: ref() is None or None, 5, "the cycle freed")

    asyncio.run(go())


def test_turned_off_nothing_is_frozen_and_pauses_are_still_measured() -> None:
    def count() -> float:
        return sum(s.value for m in metrics.GC_PAUSES.collect() for s in m.samples
                   if s.name.endswith("_count") and s.labels["generation"] == "2")

    async def go() -> None:
        collector = Collector(freeze=False, full_interval_s=0.05)
        async with running(collector):
            before = count()
            ref = cycle()
            gc.collect()
            await asyncio.sleep(0.2)
            assert ref() is None and gc.get_freeze_count() == 0
            assert count() == before + 1
        assert collector._observe not in gc.callbacks

    asyncio.run(go())
