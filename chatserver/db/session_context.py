"""SQL for a conversation's visitor context (services/visitor_context.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import session_context


async def get(conn: AsyncConnection, session_id: str) -> RowMapping | None:
    stmt = select(session_context).where(session_context.c.session_id == session_id)
    return (await conn.execute(stmt)).mappings().first()


async def save(conn: AsyncConnection, session_id: str, *, exists: bool,
               **values: Any) -> None:
    """Write the row: an insert the first time (`exists` False), else an update. The caller
    holds the session's row lock, so two writers never both insert."""
    if exists:
        await conn.execute(update(session_context)
                           .where(session_context.c.session_id == session_id).values(**values))
    else:
        await conn.execute(insert(session_context).values(session_id=session_id, **values))
