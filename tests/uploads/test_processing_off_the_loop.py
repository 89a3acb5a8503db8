"""Image processing never stalls the chat: images are decoded, re-encoded and thumbnailed in
the bounded executor's threads (at a lower priority), never on the event loop. How fast
another conversation's acks stay meanwhile is a figure of bench/uploads.py (a timed test
would fail on a loaded machine, not on a regression)."""

from __future__ import annotations

import asyncio
import io
import os
import threading
from typing import Any

import pytest
from PIL import Image

from chatserver.context import FILE_WORKER_NICE, Context
from chatserver.services import uploads as uploads_service

pytestmark = pytest.mark.usefixtures("backend")  # local disk and S3 (tests/uploads/conftest.py)


def png() -> bytes:
    out = io.BytesIO()
    Image.linear_gradient("L").resize((300, 200)).convert("RGB").save(out, "PNG")
    return out.getvalue()


async def test_an_image_is_processed_in_a_worker_thread_not_on_the_loop(
        make_world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    world = await make_world()
    session = await world.session()
    threads: list[str] = []
    real = uploads_service.process

    def process(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(uploads_service, "process", process)
    resp = await world.api.request(
        "POST", f"/api/widgets/{world.key}/sessions/{session['session_id']}/uploads?name=a.png",
        body=png(), token=session["visitor_token"],
        headers={"Content-Type": "application/octet-stream"})
    assert resp.code == 201, resp
    assert resp.json["upload"]["thumb"]
    loop_thread = threading.current_thread().name
    assert threads and all(name != loop_thread for name in threads), threads
    assert all(name.startswith("files") for name in threads), threads


async def test_the_image_threads_yield_the_cpu_to_the_loop(ctx: Context) -> None:
    if os.uname().sysname != "Linux":
        pytest.skip("thread priorities are set on Linux only")
    loop = asyncio.get_running_loop()
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    theirs = await loop.run_in_executor(ctx.file_workers, os.getpriority, os.PRIO_PROCESS, 0)
    assert theirs == min(19, mine + FILE_WORKER_NICE)
    assert os.getpriority(os.PRIO_PROCESS, 0) == mine  # the loop's own is unchanged
