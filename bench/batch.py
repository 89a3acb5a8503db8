"""CPU per message of the message writer's group commits on MariaDB, by batch size and by
path: batches of 1, 2 and 4 messages (each of another session) written one after another by
the writer itself, in process, as process CPU time; each on the connection the writer keeps
(`held`, what the server runs for text messages) and through a transaction of SQLAlchemy's
(`general`, what it runs for files and email batches, and ran for every batch before
8452ff4), interleaved. What a batch costs whatever it holds, against what each message adds
(docs/performance.md, section 11).

    PARLEY_BENCH_DATABASE_URL=mysql+asyncmy://parley:parley@127.0.0.1/parley_bench_test \\
        .venv/bin/python -m bench.batch [--batches 300] [--repeats 5]

Each size and path runs `--repeats` times `--batches` batches; the median and the lowest are
printed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from bench.loadgen import precreate_sessions
from bench.run import fresh_mariadb_bench
from chatserver.db import widgets as widgets_db
from chatserver.db.engine import create_engine
from chatserver.services.widget_form import DEFAULTS
from chatserver.services.sends import Send
from chatserver.services.writer import MessageWriter
from chatserver.timeutil import utcnow
from tests.helpers.settings import make_settings

SIZES = (1, 2, 4)
PATHS = ("held", "general")


async def measure(url: str, sessions: list[str], batches: int,
                  repeats: int) -> dict[tuple[str, int], list[float]]:
    with TemporaryDirectory() as tmp:
        settings = make_settings(url, Path(tmp))
        engine = create_engine(settings, url)
        writer = MessageWriter(engine, settings)
        common = writer._common
        count = 0

        async def batch(size: int) -> None:
            nonlocal count
            sends = []
            for sid in sessions[:size]:
                count += 1
                sends.append(writer.submit(Send(session_id=sid, client_msg_id=f"b-{count}",
                                                sender_type="visitor", text="a question")))
            await asyncio.gather(*sends)  # submitted together: one group commit

        out: dict[tuple[str, int], list[float]] = {
            (path, size): [] for path in PATHS for size in SIZES}
        try:
            for rep in range(repeats):
                for path in PATHS if rep % 2 == 0 else PATHS[::-1]:
                    # The general path for every batch, as for a batch with files.
                    writer._common = common if path == "held" else (  # type: ignore[method-assign]
                        lambda _batch: False)
                    for _ in range(50):  # warm up: the statements compiled, a connection
                        await batch(1)
                    for size in SIZES:
                        started = time.process_time()
                        for _ in range(batches):
                            await batch(size)
                        spent = time.process_time() - started
                        out[path, size].append(spent / (batches * size) * 1e6)
        finally:
            await writer.close()
            await engine.dispose()
    return out


async def make_widget(url: str) -> str:
    with TemporaryDirectory() as tmp:
        engine = create_engine(make_settings(url, Path(tmp)), url)
        try:
            now = utcnow()
            async with engine.begin() as conn:
                await widgets_db.insert_widget(conn, site_key="bench-batch", owner_id=None,
                                               created_at=now, updated_at=now, **DEFAULTS)
        finally:
            await engine.dispose()
    return "bench-batch"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    url = fresh_mariadb_bench()
    site_key = asyncio.run(make_widget(url))
    sessions = [sid for sid, _token in precreate_sessions(url, site_key, max(SIZES))]
    found = asyncio.run(measure(url, sessions, args.batches, args.repeats))
    for (path, size), values in found.items():
        print(f"{path:7} batches of {size}: {statistics.median(values):6.0f} us CPU per message "
              f"(lowest {min(values):.0f}; {args.repeats} x {args.batches} batches)")


if __name__ == "__main__":
    main()
