"""SQL for agents' saved views (named history filters)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import saved_views


async def of_user(conn: AsyncConnection, user_id: int) -> list[RowMapping]:
    stmt = (select(saved_views).where(saved_views.c.user_id == user_id)
            .order_by(saved_views.c.name, saved_views.c.id))
    return list((await conn.execute(stmt)).mappings())


async def get(conn: AsyncConnection, user_id: int, view_id: int) -> RowMapping | None:
    """The user's view (another user's is None, as a missing one)."""
    stmt = select(saved_views).where(saved_views.c.id == view_id,
                                     saved_views.c.user_id == user_id)
    return (await conn.execute(stmt)).mappings().first()


async def insert_view(conn: AsyncConnection, **values: Any) -> int:
    result = await conn.execute(insert(saved_views).values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


async def update_view(conn: AsyncConnection, view_id: int, **values: Any) -> None:
    await conn.execute(update(saved_views).where(saved_views.c.id == view_id).values(**values))


async def delete_view(conn: AsyncConnection, view_id: int) -> None:
    await conn.execute(delete(saved_views).where(saved_views.c.id == view_id))
