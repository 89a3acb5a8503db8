"""Latency the server adds to each streamed AI chunk: from the fake upstream writing the chunk
to the visitor's socket receiving its `ai_delta` (one machine clock). First chunks and later
chunks are reported apart.

    .venv/bin/python -m bench.ai_latency [--replies 40] [--words 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid
from pathlib import Path
from typing import Any

import websockets

from bench.common import (
    database_url,
    new_session,
    setup_widget,
    start_server,
    summary_ms,
    workdir,
    write_result,
)
from tests.helpers.fake_openai import FakeOpenAIThread


async def visitor(ws_url: str, token: str, replies: int) -> list[list[float]]:
    """Ask `replies` questions one after another; receive times of each reply's deltas."""
    got: list[list[float]] = []
    async with websockets.connect(ws_url, max_size=None, compression=None) as ws:
        await ws.send(json.dumps({"type": "auth", "token": token, "last_seq": 0}))
        while json.loads(await ws.recv())["type"] != "ready":
            pass
        for _ in range(replies):
            # Distinct questions: a repeated one would (rightly) be escalated as frustration.
            topic = uuid.uuid4().hex[:8]
            await ws.send(json.dumps({"type": "message", "client_msg_id": str(uuid.uuid4()),
                                      "text": f"Tell me about product {topic}"}))
            times: list[float] = []
            while True:
                raw = await asyncio.wait_for(ws.recv(), 30)
                t = time.time()
                frame = json.loads(raw)
                if frame["type"] == "ai_delta":
                    assert frame["index"] == len(times), frame
                    times.append(t)
                elif frame["type"] == "message" and frame["sender_type"] == "ai":
                    break
                elif frame["type"] == "escalated":
                    raise RuntimeError(f"the AI handed over unexpectedly: {frame}")
            got.append(times)
    return got


def run(replies: int, words: int, delay: float) -> dict[str, Any]:
    with workdir() as tmp, FakeOpenAIThread() as fake:
        work = Path(tmp)
        fake.behaviour.reply = " ".join(f"word{i}" for i in range(words))
        fake.behaviour.delay = delay
        url = database_url(work)
        with start_server(work, {"PARLEY_DATABASE_URL": url, "PARLEY_AI_PROVIDER": "openai",
                                 "PARLEY_AI_BASE_URL": fake.fake.base_url,
                                 "PARLEY_AI_API_KEY": "sk-bench",
                                 "PARLEY_AI_MODEL": "fake/default"}) as server:
            w = setup_widget(server.url, {"business_name": "Bench", "ai_enabled": True})
            s = new_session(server.url, w["site_key"])
            ws_url = server.url.replace("http", "ws") + f"/ws/{s['session_id']}"
            received = asyncio.run(visitor(ws_url, s["visitor_token"], replies))
        writes: dict[tuple[int, int], float] = {
            (req, chunk): t for req, chunk, t in fake.fake.chunk_times}
        completions = [r.index for r in fake.fake.completions]
    first, later = [], []
    for n, times in enumerate(received):
        req = completions[n]
        for i, t_recv in enumerate(times):
            added = t_recv - writes[(req, i)]
            (first if i == 0 else later).append(added)
    return {"replies": replies, "chunks_per_reply": words, "upstream_delay_s": delay,
            "first_chunk_ms": summary_ms(first), "later_chunks_ms": summary_ms(later),
            "target": {"p50_ms": 1.0, "p99_ms": 5.0}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=40)
    parser.add_argument("--words", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.005,
                        help="seconds between upstream chunks")
    args = parser.parse_args()
    result = run(args.replies, args.words, args.delay)
    f, later = result["first_chunk_ms"], result["later_chunks_ms"]
    print(f"ai: first chunk p50 {f['p50']:.3f} ms p99 {f['p99']:.3f} ms (n={f['n']}); "
          f"later chunks p50 {later['p50']:.3f} ms p99 {later['p99']:.3f} ms "
          f"(n={later['n']}); target p50 <= 1 ms, p99 <= 5 ms")
    print(f"wrote {write_result('ai_latency', result)}")


if __name__ == "__main__":
    main()
