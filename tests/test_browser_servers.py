"""The browser tests' servers stop cleanly: a task still holding a database connection when
they close is cancelled and its connection closed while the loop runs, not left to the
garbage collector (which reported the socket unclosed in the middle of a later test)."""

from __future__ import annotations

import asyncio
import gc
import warnings
from pathlib import Path

from sqlalchemy import text

from tests.helpers.browser_servers import Servers
from tests.helpers.settings import make_settings


def _close_while_a_task_holds_a_connection(db_url: str, data_dir: Path) -> None:
    servers = Servers(make_settings(db_url, data_dir)).start()
    ctx = servers.ctx
    assert ctx is not None
    holding = asyncio.Event()
    held: list[asyncio.Task[None]] = []

    async def hold() -> None:
        async with ctx.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            holding.set()
            await asyncio.sleep(3600)

    async def start() -> None:
        held.append(asyncio.ensure_future(hold()))
        await asyncio.wait_for(holding.wait(), 10)

    servers.call(start)
    servers.close()


def test_a_task_holding_a_connection_at_close_leaves_no_socket_behind(
        db_url: str, tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _close_while_a_task_holds_a_connection(db_url, tmp_path / "data")
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == []
