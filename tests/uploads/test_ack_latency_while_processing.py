"""Image processing never stalls the chat: while one visitor uploads large images (decoded,
re-encoded and thumbnailed in the bounded executor), another conversation's messages are
still acknowledged within 50 ms.

The uploading clients are curl processes, as remote clients would be: a client in the test's
process (on the server's loop, or in its threads) would measure its own work."""

from __future__ import annotations

import asyncio
import io
import json
import os
import statistics
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from chatserver.context import FILE_WORKER_NICE, Context
from tests.helpers.sockets import WS

# Large photos: 4000 x 3000 JPEGs of about 4 MB, each a few tenths of a second of Pillow work.
SIZE = (4000, 3000)
IMAGES = 8
ACK_MEDIAN_MAX_S = 0.050
PROBE_INTERVAL_S = 0.02

pytestmark = pytest.mark.usefixtures("backend")  # local disk and S3 (tests/uploads/conftest.py)


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any]) -> dict[str, Any]:
    """No visitor rate limit in the way of the probe."""
    return {**settings_overrides, "visitor_burst": 100_000, "visitor_per_minute": 100_000}


def photo(seed: int) -> bytes:
    gradient = Image.linear_gradient("L").resize(SIZE)
    noise = Image.effect_noise(SIZE, 20 + seed)
    img = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.ROTATE_180)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


async def post_file(url: str, token: str, path: Path) -> dict[str, Any]:
    """One upload by curl."""
    proc = await asyncio.create_subprocess_exec(
        "curl", "-sS", "--fail-with-body", "-H", f"Authorization: Bearer {token}",
        "-H", "Content-Type: application/octet-stream", "--data-binary", f"@{path}", url,
        stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    assert proc.returncode == 0, out
    return json.loads(out)["upload"]  # type: ignore[no-any-return]


async def probe(visitor: WS, until: asyncio.Future[Any]) -> list[float]:
    """Send a message every PROBE_INTERVAL_S until `until` is done, and return each ack's
    latency from the moment its message was due: a stalled loop delays the sending too, and
    that delay counts (a probe that waited for each ack would sample a stall only once)."""
    loop = asyncio.get_running_loop()
    due: dict[str, float] = {}
    latencies: list[float] = []

    async def send() -> None:
        start = loop.time()
        while not until.done():
            at = start + len(due) * PROBE_INTERVAL_S
            if at > loop.time():
                await asyncio.sleep(at - loop.time())
            cid = f"probe-{len(due)}"
            due[cid] = at
            await visitor.send({"type": "message", "client_msg_id": cid, "text": "ping"})

    sender = asyncio.ensure_future(send())
    while not sender.done() or len(latencies) < len(due):
        frame = await visitor.recv(timeout=10)
        assert frame is not None and frame["type"] != "error", frame
        if frame["type"] == "ack":
            latencies.append(loop.time() - due[frame["client_msg_id"]])
    await sender
    return latencies


async def test_other_conversations_acks_stay_fast_while_images_are_processed(
        make_world: Any, tmp_path: Path) -> None:
    world = await make_world()
    uploader, chatter = await world.session(), await world.session()
    loop = asyncio.get_running_loop()
    photos = [tmp_path / f"photo-{i}.jpg" for i in range(2)]
    for path, data in zip(photos, await asyncio.gather(
            *(loop.run_in_executor(None, photo, i) for i in range(2))), strict=True):
        path.write_bytes(data)
    visitor, _ = await world.visitor(chatter)
    await visitor.say("warm up")
    url = world.api.url(f"/api/widgets/{world.key}/sessions/{uploader['session_id']}/uploads")

    async def upload_lane(lane: int) -> list[dict[str, Any]]:
        return [await post_file(f"{url}?name=photo-{i}.jpg", uploader["visitor_token"],
                                photos[i % 2]) for i in range(lane, IMAGES, 2)]

    # Two uploading clients: the executor always has an image queued.
    uploads = asyncio.gather(upload_lane(0), upload_lane(1))
    acks = await probe(visitor, until=uploads)
    done = [u for lane in await uploads for u in lane]
    assert len(done) == IMAGES
    assert all(u["type"] == "image/jpeg" and (u["width"], u["height"]) == SIZE and u["thumb"]
               for u in done)
    # Many acks fell inside the processing, and their median stays under 50 ms.
    assert len(acks) >= 25, acks
    acks.sort()
    p90 = acks[int(len(acks) * 0.9)]
    assert statistics.median(acks) < ACK_MEDIAN_MAX_S, \
        f"median {statistics.median(acks) * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms"


async def test_the_image_threads_yield_the_cpu_to_the_loop(ctx: Context) -> None:
    if os.uname().sysname != "Linux":
        pytest.skip("thread priorities are set on Linux only")
    loop = asyncio.get_running_loop()
    mine = os.getpriority(os.PRIO_PROCESS, 0)
    theirs = await loop.run_in_executor(ctx.file_workers, os.getpriority, os.PRIO_PROCESS, 0)
    assert theirs == min(19, mine + FILE_WORKER_NICE)
    assert os.getpriority(os.PRIO_PROCESS, 0) == mine  # the loop's own is unchanged
