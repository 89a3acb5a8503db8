"""CPU per statement of the message writer's session lock, through each layer: SQLAlchemy
Core on aiomysql (what the server runs), aiomysql alone, and asyncmy (a Cython MySQL driver)
when it is importable. Where a message's server CPU goes on MariaDB (docs/performance.md).

    PARLEY_BENCH_DATABASE_URL=mysql+aiomysql://parley:parley@127.0.0.1/parley_bench_test \\
        .venv/bin/python -m bench.driver [--statements 2000]
    # asyncmy is not a dependency: pip install --target build/asyncmy asyncmy, then
    # PYTHONPATH=build/asyncmy

Process CPU time (time.process_time) of N executions on one connection, the same query and
one row id (no row: the cost is the round trip, the parameters and the result's columns).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy.engine import make_url

from bench.run import bench_url, is_mariadb, recreate_mariadb
from chatserver.db import migrate
from chatserver.db.engine import create_engine
from chatserver.db.messages import _LOCK_ONE
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
    u = make_url(url)
    login = {"host": u.host or "127.0.0.1", "port": u.port or 3306, "user": u.username or "",
             "password": u.password or ""}
    out: dict[str, float] = {}
    with TemporaryDirectory() as tmp:
        engine = create_engine(make_settings(url, Path(tmp)))
        sql = str(_LOCK_ONE.compile(dialect=engine.dialect)).replace("%(sid)s", "%s")
        try:
            async with engine.connect() as conn:
                async def core() -> object:
                    return (await conn.execute(_LOCK_ONE, {"sid": SID})).mappings().all()
                out["sqlalchemy+aiomysql"] = await cpu_us(core, n)
                raw = (await conn.get_raw_connection()).driver_connection
                out["aiomysql"] = await cpu_us(on_driver(raw, sql), n)
        finally:
            await engine.dispose()
    try:
        import asyncmy  # type: ignore[import-not-found]
    except ImportError:
        return out
    conn2 = await asyncmy.connect(database=u.database, **login)
    try:
        out["asyncmy"] = await cpu_us(on_driver(conn2, sql), n)
    finally:
        conn2.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=2000)
    args = parser.parse_args()
    url = bench_url()
    if not is_mariadb(url):
        raise SystemExit("set PARLEY_BENCH_DATABASE_URL to the MariaDB bench database")
    recreate_mariadb(url)
    migrate.upgrade(url)
    for name, us in asyncio.run(measure(url, args.statements)).items():
        print(f"{name:22} {us:7.1f} us CPU per statement")


if __name__ == "__main__":
    main()
