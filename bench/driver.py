"""CPU per statement of the message writer's session lock, through each layer: SQLAlchemy
Core on asyncmy, four statements in one `run_sync` (one greenlet for all), SQLAlchemy's
`exec_driver_sql` (no compilation), asyncmy alone (what db/driver.py runs the writer's
statements on), and the same on aiomysql (the pure-Python driver Parley ran on before) when it
is importable. Where a message's server CPU
goes on MariaDB (docs/performance.md).

    PARLEY_BENCH_DATABASE_URL=mysql+asyncmy://parley:parley@127.0.0.1/parley_bench_test \\
        .venv/bin/python -m bench.driver [--statements 2000]
    # aiomysql is not a dependency: pip install --target build/aiomysql aiomysql, then
    # PYTHONPATH=build/aiomysql

Process CPU time (time.process_time) of N executions on one connection, the same query and
one row id (no row: the cost is the round trip, the parameters and the result's columns).
Each layer is measured twice, interleaved, and the lower figure kept.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from bench.run import fresh_mariadb_bench
from chatserver.db.engine import create_engine
from chatserver.db.messages import _lock
from tests.helpers.settings import make_settings

SID = "x" * 36


async def cpu_us(run: Callable[[], Awaitable[object]], n: int) -> float:
    for _ in range(min(100, n)):
        await run()
    started = time.process_time()
    for _ in range(n):
        await run()
    return round((time.process_time() - started) / n * 1e6, 1)


def on_driver(conn: Any, sql: str) -> Callable[[], Awaitable[object]]:
    """The lock's SQL run on a DB-API driver connection (aiomysql's or asyncmy's)."""
    async def run() -> object:
        async with conn.cursor() as cur:
            await cur.execute(sql, (SID,))
            return await cur.fetchall()
    return run


async def measure(url: str, n: int) -> dict[str, float]:
    drivers = ["asyncmy"] + (["aiomysql"] if importlib.util.find_spec("aiomysql") else [])
    out: dict[str, float] = {}
    with TemporaryDirectory() as tmp:
        settings = make_settings(url, Path(tmp))
        for _ in range(2):
            for driver in drivers:
                engine = create_engine(settings, url)
                if driver != "asyncmy":  # the server runs on asyncmy whatever the URL names
                    engine = create_engine_on(engine, driver)
                lock = _lock(engine.dialect, 1)  # the writer's, for one session
                sql = lock.sql
                try:
                    async with engine.connect() as conn:
                        async def core(conn: Any = conn) -> object:
                            result = await conn.execute(lock.statement, {"id0": SID})
                            return result.mappings().all()
                        async def driver_sql(conn: Any = conn, sql: str = sql) -> object:
                            return (await conn.exec_driver_sql(sql, (SID,))).all()

                        def four(sync: Any) -> object:
                            for _ in range(4):
                                sync.execute(lock.statement, {"id0": SID}).mappings().all()
                            return None

                        async def in_one_greenlet(conn: Any = conn) -> object:
                            return await conn.run_sync(four)
                        raw = (await conn.get_raw_connection()).driver_connection
                        for name, run, per in ((f"sqlalchemy+{driver}", core, 1),
                                               (f"run_sync(4)+{driver}", in_one_greenlet, 4),
                                               (f"exec_driver_sql+{driver}", driver_sql, 1),
                                               (driver, on_driver(raw, sql), 1)):
                            us = round(await cpu_us(run, n) / per, 1)
                            out[name] = min(us, out.get(name, us))
                finally:
                    await engine.dispose()
    return out


def create_engine_on(engine: Any, driver: str) -> Any:
    """An engine like `engine` on another driver (no statement-timeout watchdog)."""
    from sqlalchemy.ext.asyncio import create_async_engine
    url = engine.url.set(drivername=f"mysql+{driver}")
    return create_async_engine(url, connect_args={"charset": "utf8mb4"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=2000)
    args = parser.parse_args()
    url = fresh_mariadb_bench()
    for name, us in asyncio.run(measure(url, args.statements)).items():
        print(f"{name:22} {us:7.1f} us CPU per statement")


if __name__ == "__main__":
    main()
