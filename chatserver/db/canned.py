"""SQL for canned responses (saved replies)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, delete, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import canned_responses, widget_configs

_COLUMNS = [*canned_responses.c, widget_configs.c.site_key]


def _select() -> Any:
    return select(*_COLUMNS).select_from(canned_responses.outerjoin(
        widget_configs, widget_configs.c.id == canned_responses.c.widget_id))


async def insert_canned(conn: AsyncConnection, **values: Any) -> int:
    result = await conn.execute(insert(canned_responses).values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


async def get(conn: AsyncConnection, canned_id: int) -> RowMapping | None:
    stmt = _select().where(canned_responses.c.id == canned_id)
    return (await conn.execute(stmt)).mappings().first()


async def visible(conn: AsyncConnection, widget_ids: list[int] | None,
                  owner_id: int | None) -> list[RowMapping]:
    """Global ones, those of these widgets (None: every widget) and `owner_id`'s own, by
    shortcut (nobody else's own ones: those are private)."""
    c = canned_responses.c
    team: ColumnElement[bool] = c.owner_id.is_(None)
    if widget_ids is not None:
        team = and_(team, or_(c.widget_id.is_(None), c.widget_id.in_(widget_ids)))
    stmt = _select().where(team if owner_id is None else or_(team, c.owner_id == owner_id))
    stmt = stmt.order_by(c.shortcut, c.id)
    return list((await conn.execute(stmt)).mappings())


async def shortcut_taken(conn: AsyncConnection, widget_id: int | None, shortcut: str,
                         except_id: int | None = None, owner_id: int | None = None) -> bool:
    """Is the shortcut used in the same place: the widget, the global ones, or the owner's
    own ones."""
    c = canned_responses.c
    if owner_id is not None:
        cond = c.owner_id == owner_id
    elif widget_id is None:
        cond = and_(c.widget_id.is_(None), c.owner_id.is_(None))
    else:
        cond = c.widget_id == widget_id
    stmt = select(canned_responses.c.id).where(cond, canned_responses.c.shortcut == shortcut)
    if except_id is not None:
        stmt = stmt.where(canned_responses.c.id != except_id)
    return (await conn.execute(stmt)).first() is not None


async def update_canned(conn: AsyncConnection, canned_id: int, **values: Any) -> None:
    await conn.execute(update(canned_responses).where(canned_responses.c.id == canned_id)
                       .values(**values))


async def delete_canned(conn: AsyncConnection, canned_id: int) -> None:
    await conn.execute(delete(canned_responses).where(canned_responses.c.id == canned_id))
