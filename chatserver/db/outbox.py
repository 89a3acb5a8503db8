"""SQL for the durable outbox (chatserver/services/outbox.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import outbox


async def insert_once(conn: AsyncConnection, **values: Any) -> bool:
    """Add a row unless one with its key exists (then nothing, and no error: the caller's
    transaction goes on). True when added."""
    if conn.dialect.name == "sqlite":
        stmt: Any = sqlite.insert(outbox).values(**values).on_conflict_do_nothing(
            index_elements=["key"])
    else:
        stmt = insert(outbox).values(**values).prefix_with("IGNORE")
    result = await conn.execute(stmt)
    return bool(result.rowcount)
