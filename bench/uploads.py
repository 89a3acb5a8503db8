"""Uploads (docs/attachments.md): the throughput of a 5 MB file through the streamed upload
route, the server's RSS growth while 50 visitors upload at once, the time to process an
image (decode, re-encode without metadata, thumbnail) off the event loop, and another
conversation's ack latency while 4000 x 3000 photos are being processed (target: median
under 50 ms; image work runs in the bounded executor, at a lower thread priority).

    .venv/bin/python -m bench.uploads [--runs 7] [--visitors 50] [--size-mb 5] [--backend s3]

A real `chatctl serve` on SQLite (or PARLEY_BENCH_DATABASE_URL) with local storage in a
temporary directory (`--backend s3`: in a moto_server on loopback, as the tests use). The
RSS is the server process's VmRSS (/proc), sampled every 10 ms while every visitor's body is
in flight; the target is at most visitors × 64 KiB (Tornado's read chunk) + 32 MiB: bodies
are streamed to a spool file, never held whole. Not part of `make test`; prints the figures
and writes bench/results/uploads.json (uploads-s3.json).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import random
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import websockets
from PIL import Image

from bench.common import (
    database_url,
    new_session,
    setup_widget,
    start_server,
    summary_ms,
    workdir,
    write_result,
)
from chatserver.storage.images import process

ACK_P50_TARGET_MS = 50
PHOTO_SIZE = (4000, 3000)  # a phone's photo: about 4 MB of JPEG, a few tenths of a second of work
PROBE_INTERVAL_S = 0.02
CHUNK = 64 * 1024  # Tornado's HTTP/1 read chunk (HTTP1ConnectionParameters.chunk_size)
MiB = 1024 * 1024


def text_file(size: int) -> bytes:
    """``size`` bytes of plain UTF-8 text (stored as is: the route's own cost)."""
    line = b"Order 12345: the part arrived broken, photo and invoice attached. \xc3\xa9\n"
    return (line * (size // len(line) + 1))[:size]


def noisy_image(width: int, height: int, fmt: str) -> bytes:
    """A photo-like image (a gradient with noise): hard to compress, like a real photo."""
    rng = random.Random(7)
    base = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    noise = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    out = io.BytesIO()
    Image.blend(base, noise, 0.3).save(out, fmt, quality=90) if fmt == "JPEG" \
        else Image.blend(base, noise, 0.3).save(out, fmt)
    return out.getvalue()


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


async def upload(http: httpx.AsyncClient, site_key: str, session: dict[str, Any], body: Any,
                 name: str) -> dict[str, Any]:
    resp = await http.post(f"/api/widgets/{site_key}/sessions/{session['session_id']}/uploads",
                           params={"name": name}, content=body,
                           headers={"Authorization": f"Bearer {session['visitor_token']}",
                                    "Content-Type": "application/octet-stream"})
    if resp.status_code != 201:
        raise SystemExit(f"upload failed: {resp.status_code} {resp.text[:300]}")
    return dict(resp.json()["upload"])


async def throughput(base: str, site_key: str, data: bytes, name: str, runs: int) -> list[float]:
    """MB/s of each upload (10^6 bytes), one at a time, each in a new conversation."""
    rates = []
    async with httpx.AsyncClient(base_url=base, timeout=120) as http:
        for _ in range(runs):
            session = new_session(base, site_key)
            start = time.perf_counter()
            await upload(http, site_key, session, data, name)
            rates.append(len(data) / 1e6 / (time.perf_counter() - start))
    return rates


async def concurrent(base: str, site_key: str, pid: int, visitors: int,
                     size: int) -> dict[str, Any]:
    """Every visitor uploads ``size`` bytes at once, each body sent in 64 KiB pieces so that
    all are in flight together; the server's peak RSS over its RSS before."""
    sessions = [new_session(base, site_key) for _ in range(visitors)]
    data = text_file(size)
    before = rss(pid)
    peak = [before]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], rss(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()

    async def body() -> Any:
        for i in range(0, len(data), CHUNK):
            yield data[i:i + CHUNK]
            await asyncio.sleep(0)

    limits = httpx.Limits(max_connections=visitors + 5)
    start = time.perf_counter()
    try:
        async with httpx.AsyncClient(base_url=base, timeout=300, limits=limits) as http:
            await asyncio.gather(*(upload(http, site_key, s, body(), f"v{i}.txt")
                                   for i, s in enumerate(sessions)))
    finally:
        stop.set()
        sampler.join()
    elapsed = time.perf_counter() - start
    growth = peak[0] - before
    target = visitors * CHUNK + 32 * MiB
    return {"visitors": visitors, "file_mb": size / 1e6, "rss_before_mib": round(before / MiB, 1),
            "rss_peak_mib": round(peak[0] / MiB, 1), "growth_mib": round(growth / MiB, 1),
            "target_mib": round(target / MiB, 1), "within_target": growth <= target,
            "seconds": round(elapsed, 2),
            "aggregate_mb_s": round(visitors * size / 1e6 / elapsed, 1)}


def image_times(runs: int) -> dict[str, Any]:
    """Median ms of ``process`` (decode, re-encode, thumbnail) per image, in this process."""
    out: dict[str, Any] = {}
    cases = [("jpeg 1920x1080", "JPEG", "image/jpeg", 1920, 1080),
             ("jpeg 4000x3000", "JPEG", "image/jpeg", 4000, 3000),
             ("png 1280x800", "PNG", "image/png", 1280, 800)]
    with tempfile.TemporaryDirectory() as tmp:
        for label, fmt, ctype, w, h in cases:
            src = Path(tmp) / "src"
            src.write_bytes(noisy_image(w, h, fmt))
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                process(src, ctype, 40_000_000, Path(tmp) / "out", Path(tmp) / "thumb")
                times.append((time.perf_counter() - start) * 1000)
            out[label] = {"input_kb": src.stat().st_size // 1024,
                          "median_ms": round(statistics.median(times), 1),
                          "min_ms": round(min(times), 1)}
    return out


def photo(seed: int) -> bytes:
    gradient = Image.linear_gradient("L").resize(PHOTO_SIZE)
    noise = Image.effect_noise(PHOTO_SIZE, 20 + seed)
    img = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.ROTATE_180)))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


async def acks_while_processing(base: str, site_key: str, images: int = 8) -> dict[str, Any]:
    """Two clients upload `images` large photos (so the executor always has one queued) while a
    visitor of another conversation sends a message every PROBE_INTERVAL_S; each ack's latency
    counts from the moment its message was due (a stalled loop delays the sending too)."""
    photos = await asyncio.gather(*(asyncio.to_thread(photo, i) for i in range(2)))
    uploader, chatter = new_session(base, site_key), new_session(base, site_key)
    loop = asyncio.get_running_loop()
    ws_url = base.replace("http", "ws", 1) + f"/ws/{chatter['session_id']}"
    async with httpx.AsyncClient(base_url=base, timeout=300) as http, \
            websockets.connect(ws_url, origin=base) as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"type": "auth", "token": chatter["visitor_token"]}))

        async def lane(first: int) -> None:
            for i in range(first, images, 2):
                await upload(http, site_key, uploader, photos[i % 2], f"photo-{i}.jpg")

        uploads = asyncio.gather(lane(0), lane(1))
        due: dict[str, float] = {}
        latencies: list[float] = []

        async def send() -> None:
            start = loop.time()
            while not uploads.done():
                at = start + len(due) * PROBE_INTERVAL_S
                if at > loop.time():
                    await asyncio.sleep(at - loop.time())
                cid = f"probe-{len(due)}"
                due[cid] = at
                await ws.send(json.dumps({"type": "message", "client_msg_id": cid,
                                          "text": "ping"}))

        sender = asyncio.ensure_future(send())
        while not sender.done() or len(latencies) < len(due):
            frame = json.loads(await asyncio.wait_for(ws.recv(), 30))
            if frame["type"] == "error":
                raise SystemExit(f"probe refused: {frame}")
            if frame["type"] == "ack":
                latencies.append(loop.time() - due[frame["client_msg_id"]])
        await sender
        await uploads
    return {"images": images, **summary_ms(latencies)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--backend", choices=("local", "s3"), default="local")
    args = parser.parse_args()
    size = int(args.size_mb * 1e6)
    storage: dict[str, str] = {}
    moto = None
    if args.backend == "s3":
        from chatserver.config import env_name
        from tests.helpers.s3 import MotoServer

        moto = MotoServer()
        moto.start()
        storage = {env_name(k): v for k, v in moto.settings().items()}
    try:
        result = measure(args, size, storage)
    finally:
        if moto is not None:
            moto.stop()
    report(args, result)
    name = "uploads" if args.backend == "local" else "uploads-s3"
    print(f"wrote {write_result(name, {'backend': args.backend, **result})}")


def measure(args: argparse.Namespace, size: int, storage: dict[str, str]) -> dict[str, Any]:
    with workdir() as tmp:
        work = Path(tmp)
        url = database_url(work)
        env = {"PARLEY_DATABASE_URL": url, "PARLEY_AI_PROVIDER": "none",
               "PARLEY_UPLOADS_PER_IP_PER_HOUR": "1000000",
               "PARLEY_MAX_UPLOAD_BYTES": str(max(size, 10 * MiB)), **storage}
        with start_server(work, env) as server:
            assert server.proc is not None
            w = setup_widget(server.url, {"business_name": "Bench", "ai_enabled": False})
            text = asyncio.run(throughput(server.url, w["site_key"], text_file(size),
                                          "notes.txt", args.runs))
            photo = noisy_image(1600, 1200, "PNG")
            png = asyncio.run(throughput(server.url, w["site_key"], photo, "photo.png",
                                         args.runs))
            crowd = asyncio.run(concurrent(server.url, w["site_key"], server.proc.pid,
                                           args.visitors, size))
            acks = asyncio.run(acks_while_processing(server.url, w["site_key"]))
    images = image_times(args.runs)
    return {
        "throughput": {
            f"text {args.size_mb:g} MB": {"median_mb_s": round(statistics.median(text), 1),
                                          "runs": [round(r, 1) for r in text]},
            f"png {len(photo) / 1e6:.1f} MB (decode, re-encode, thumbnail)": {
                "median_mb_s": round(statistics.median(png), 1),
                "runs": [round(r, 1) for r in png]},
        },
        "concurrent": crowd,
        "image_processing": images,
        "acks_while_processing": acks,
    }


def report(args: argparse.Namespace, result: dict[str, Any]) -> None:
    crowd, images = result["concurrent"], result["image_processing"]
    print(f"storage: {args.backend}")
    for name, t in result["throughput"].items():
        print(f"upload {name}: {t['median_mb_s']} MB/s (median of {args.runs})")
    print(f"{crowd['visitors']} visitors x {crowd['file_mb']:g} MB at once: RSS "
          f"{crowd['rss_before_mib']} -> {crowd['rss_peak_mib']} MiB, growth "
          f"{crowd['growth_mib']} MiB (target <= {crowd['target_mib']} MiB: "
          f"{'ok' if crowd['within_target'] else 'OVER'}), {crowd['seconds']} s, "
          f"{crowd['aggregate_mb_s']} MB/s in all")
    for label, t in images.items():
        print(f"image {label} ({t['input_kb']} KiB): {t['median_ms']} ms median "
              "(decode, re-encode, thumbnail)")
    a = result["acks_while_processing"]
    print(f"acks of another conversation while {a['images']} photos are processed: "
          f"p50 {a['p50']} ms, p95 {a['p95']} ms, p99 {a['p99']} ms over {a['n']} acks "
          f"(target p50 < {ACK_P50_TARGET_MS} ms: {'ok' if a['p50'] < ACK_P50_TARGET_MS else 'MISSED'})")


if __name__ == "__main__":
    main()
