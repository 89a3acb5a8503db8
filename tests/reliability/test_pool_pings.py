"""The MariaDB pool pings a connection only when it comes back from being idle (engine.py,
PING_IDLE_S): no round trip per checkout on a busy pool, and a dead idle connection is
replaced before anyone uses it."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from chatserver.db import engine as engine_module
from chatserver.db.engine import PING_IDLE_S, create_engine
from tests.helpers.settings import make_settings


def test_pings_only_connections_back_from_idle_and_replaces_a_dead_one(
        db_url: str, is_mariadb: bool, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    if not is_mariadb:
        pytest.skip("the MariaDB pool's checkout (SQLite has no server to lose)")
    engine = create_engine(make_settings(db_url, tmp_path / "data", db_pool_size=1))
    dialect = engine.sync_engine.dialect
    pings: list[bool] = []
    real_ping = dialect.do_ping

    def counted(dbapi_conn: Any) -> bool:
        try:
            result: bool = real_ping(dbapi_conn)
        except Exception:
            pings.append(False)
            raise
        pings.append(True)
        return result

    monkeypatch.setattr(dialect, "do_ping", counted)
    later = [0.0]  # the pool's clock runs ahead by this much
    monkeypatch.setattr(engine_module, "time",
                        SimpleNamespace(monotonic=lambda: time.monotonic() + later[0]))

    def age() -> None:
        """The pooled connection has been idle for longer than PING_IDLE_S."""
        later[0] += PING_IDLE_S + 1

    async def connection_id() -> int:
        async with engine.connect() as conn:
            return int(await conn.scalar(text("SELECT CONNECTION_ID()")))

    async def scenario() -> None:
        try:
            first = await connection_id()
            for _ in range(5):  # busy: the same connection, never pinged
                assert await connection_id() == first
            assert pings == []

            age()  # idle: pinged once, alive, kept
            assert await connection_id() == first
            assert pings == [True]

            killer = create_async_engine(db_url)  # killed while idle, by another client
            try:
                async with killer.connect() as other:
                    await other.execute(text(f"KILL {first}"))
            finally:
                await killer.dispose()
            age()
            replaced = await connection_id()
            assert replaced != first and pings[1:] == [False], pings
        finally:
            await engine.dispose()

    asyncio.run(scenario())
