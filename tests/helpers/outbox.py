"""Queue emails in the outbox and read its rows, for the tests of the sender."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from chatserver.config import Settings
from chatserver.db.engine import create_engine
from chatserver.db.schema import outbox
from chatserver.services.outbox import enqueue
from chatserver.timeutil import utcnow


async def queue(engine: AsyncEngine, settings: Settings, count: int, *, kind: str = "test",
                prefix: str = "r") -> None:
    """`count` emails (the test email, by default) to <prefix><i>@x.test, in one transaction."""
    async with engine.begin() as conn:
        for i in range(count):
            assert await enqueue(conn, settings, kind=kind, key=f"{prefix}{i}",
                                 recipient=f"{prefix}{i}@x.test")


async def rows(engine: AsyncEngine) -> list[RowMapping]:
    async with engine.connect() as conn:
        return list((await conn.execute(select(outbox).order_by(outbox.c.id))).mappings())


async def expire_leases(engine: AsyncEngine) -> int:
    """Every lease runs out now (what waiting PARLEY_SMTP_TIMEOUT_S x 4 + 30 s would do)."""
    async with engine.begin() as conn:
        result = await conn.execute(update(outbox).where(outbox.c.lease_until.is_not(None))
                                    .values(lease_until=utcnow()))
        return int(result.rowcount)


async def rows_of(settings: Settings) -> list[RowMapping]:
    """The rows, read with an engine of its own (for a test whose server is another process)."""
    engine = create_engine(settings)
    try:
        return await rows(engine)
    finally:
        await engine.dispose()


async def wait_rows(engine: AsyncEngine, test: Callable[[RowMapping], bool],
                    timeout: float = 10.0) -> list[RowMapping]:
    """The rows, once there are some and `test` holds for each (for a sender that runs)."""
    deadline = time.monotonic() + timeout
    while True:
        found = await rows(engine)
        if found and all(test(r) for r in found):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for the outbox: "
                                 f"{[dict(r) for r in found]}")
        await asyncio.sleep(0.02)
