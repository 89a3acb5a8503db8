"""SQL for uploaded files (chatserver/services/uploads.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, insert, select, update
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


async def lock_for_message(conn: AsyncConnection, upload_ids: list[str]) -> dict[str, RowMapping]:
    """The given uploads, locked (a message's transaction links them): by id, the unknown
    ones absent. A locking read sees the latest commit, not the transaction's snapshot."""
    stmt = (select(uploads.c.id, uploads.c.session_id, uploads.c.message_id, uploads.c.name,
                   uploads.c.content_type, uploads.c.size, uploads.c.width, uploads.c.height,
                   uploads.c.thumb_key)
            .where(uploads.c.id.in_(sorted(set(upload_ids)))).order_by(uploads.c.id)
            .with_for_update())
    return {r["id"]: r for r in (await conn.execute(stmt)).mappings()}


async def link(conn: AsyncConnection, message_of: dict[str, int]) -> None:
    """Set each upload's message_id (upload id -> message id) in one statement."""
    if message_of:
        await conn.execute(update(uploads).where(uploads.c.id.in_(sorted(message_of)))
                           .values(message_id=case(message_of, value=uploads.c.id)))
