"""Fire-and-forget coroutines that are kept referenced and whose failures are logged."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from chatserver.outage import is_unavailable, outage_log

log = logging.getLogger(__name__)

_running: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    task = asyncio.ensure_future(coro)
    _running.add(task)
    task.add_done_callback(_finished)
    return task


def _finished(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    exc = None if task.cancelled() else task.exception()
    if exc is not None:
        if is_unavailable(exc):  # an outage, not a bug: the task's work is lost, say so
            outage_log("background task", exc)
            return
        log.error("background task failed: %s", exc, exc_info=exc)


async def drain(limit_s: float = 5.0) -> None:
    """Wait (bounded) for background tasks to finish, e.g. before closing the database."""
    deadline = asyncio.get_running_loop().time() + limit_s
    while _running:
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            log.warning("%d background tasks still running at shutdown", len(_running))
            return
        await asyncio.wait(set(_running), timeout=left)
