"""The garbage collector: what has survived a full collection is frozen out of later ones.

CPython's full collection walks every object it tracks, and nothing else runs meanwhile. An
open socket holds about 105 of them (Tornado's connection, stream and handler, Parley's
socket state), so with 3,000 sockets a full collection took 200 ms and with 5,000 about
330 ms: every visitor's message waits that long. While visitors come and go, the collector
makes one each time a quarter again as many objects have been promoted as the last one
kept: at 5,000 sockets, every ~1,250 new sockets.

Those objects live as long as their socket and are freed by their reference counts when it
closes (measured: closing 3,000 sockets left no cyclic garbage, and 15,000 messages about a
hundred objects). So the survivors of each full collection are frozen (``gc.freeze``: moved
to the permanent generation, which collections skip), and each object is walked by about
one full collection rather than by all of them. Start-up's heap is frozen the same way.
Reference cycles among frozen objects are only freed when they are unfrozen: every
``PARLEY_GC_FULL_INTERVAL_S`` one full collection walks everything (the old pause, once an
hour rather than every minute or two) and freezes the survivors again.
"""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

import tornado.ioloop

from chatserver import metrics

FULL = 2  # the oldest generation: a full collection


class Collector:
    """The policy for one process, started once it serves (``chatserver.server.serve``)."""

    def __init__(self, freeze: bool, full_interval_s: float) -> None:
        self.freeze = freeze
        self.full_interval_s = full_interval_s
        self._started = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._timer: tornado.ioloop.PeriodicCallback | None = None

    def start(self) -> None:
        gc.callbacks.append(self._observe)
        if not self.freeze:
            return
        self._loop = asyncio.get_running_loop()
        self.full_collection()  # start-up's heap
        if self.full_interval_s > 0:
            self._timer = tornado.ioloop.PeriodicCallback(self.full_collection,
                                                          1000 * self.full_interval_s)
            self._timer.start()

    def stop(self) -> None:
        if self._observe in gc.callbacks:
            gc.callbacks.remove(self._observe)
        if self._timer is not None:
            self._timer.stop()
        self._loop = None

    def full_collection(self) -> None:
        """Unfreeze, collect everything (freeing cycles among what was frozen), freeze."""
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def _observe(self, phase: str, info: dict[str, Any]) -> None:
        # Called by the collector, in whichever thread's allocation started the collection.
        if phase == "start":
            self._started = time.perf_counter()
            return
        generation = info["generation"]
        metrics.GC_PAUSE[generation].observe(time.perf_counter() - self._started)
        loop = self._loop
        if generation == FULL and loop is not None:
            # Not from inside the collector's callback: once it has returned, on the loop.
            try:
                loop.call_soon_threadsafe(gc.freeze)
            except RuntimeError:  # the loop has closed
                pass
