"""SQL for uploaded files (chatserver/services/uploads.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import uploads


async def insert_upload(conn: AsyncConnection, **values: Any) -> None:
    await conn.execute(insert(uploads).values(**values))


async def get(conn: AsyncConnection, upload_id: str) -> RowMapping | None:
    if len(upload_id) > 36:
        return None
    return (await conn.execute(select(uploads).where(uploads.c.id == upload_id))).mappings() \
        .first()


async def of_session(conn: AsyncConnection, session_id: str,
                     upload_ids: list[str]) -> dict[str, RowMapping]:
    """The given uploads that belong to this session, by id (others are simply absent)."""
    stmt = select(uploads).where(uploads.c.session_id == session_id,
                                 uploads.c.id.in_(sorted(set(upload_ids))))
    return {r["id"]: r for r in (await conn.execute(stmt)).mappings()}


async def session_bytes(conn: AsyncConnection, session_id: str) -> int:
    """The bytes all the uploads of a session add up to."""
    total = (await conn.execute(select(func.coalesce(func.sum(uploads.c.size), 0))
                                .where(uploads.c.session_id == session_id))).scalar_one()
    return int(total)
