"""SQL for widgets and their agents."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, exists, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import users, widget_agents, widget_configs


async def insert_widget(conn: AsyncConnection, **values: Any) -> int:
    result = await conn.execute(insert(widget_configs).values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


async def by_site_key(conn: AsyncConnection, site_key: str) -> RowMapping | None:
    stmt = select(widget_configs).where(widget_configs.c.site_key == site_key)
    return (await conn.execute(stmt)).mappings().first()


async def by_id(conn: AsyncConnection, widget_id: int) -> RowMapping | None:
    stmt = select(widget_configs).where(widget_configs.c.id == widget_id)
    return (await conn.execute(stmt)).mappings().first()


def _visible_to(user_id: int) -> Any:
    member = exists().where(widget_agents.c.widget_id == widget_configs.c.id,
                            widget_agents.c.user_id == user_id)
    return or_(widget_configs.c.owner_id == user_id, member)


async def list_widgets(conn: AsyncConnection, *, user_id: int | None = None) -> list[RowMapping]:
    """All widgets (user_id None) or those a user owns or is an agent of."""
    stmt = select(widget_configs).order_by(widget_configs.c.id)
    if user_id is not None:
        stmt = stmt.where(_visible_to(user_id))
    return list((await conn.execute(stmt)).mappings())


async def visible_widget_ids(conn: AsyncConnection, user_id: int | None) -> list[int]:
    stmt = select(widget_configs.c.id)
    if user_id is not None:
        stmt = stmt.where(_visible_to(user_id))
    return list((await conn.execute(stmt)).scalars())


async def update_widget(conn: AsyncConnection, widget_id: int, **values: Any) -> None:
    await conn.execute(update(widget_configs).where(widget_configs.c.id == widget_id)
                       .values(**values))


async def delete_widget(conn: AsyncConnection, widget_id: int) -> None:
    await conn.execute(delete(widget_configs).where(widget_configs.c.id == widget_id))


async def is_member(conn: AsyncConnection, widget_id: int, user_id: int) -> bool:
    stmt = select(widget_agents.c.user_id).where(widget_agents.c.widget_id == widget_id,
                                                  widget_agents.c.user_id == user_id)
    return (await conn.execute(stmt)).first() is not None


async def members(conn: AsyncConnection, widget_id: int) -> list[RowMapping]:
    stmt = (select(users).join(widget_agents, widget_agents.c.user_id == users.c.id)
            .where(widget_agents.c.widget_id == widget_id).order_by(users.c.id))
    return list((await conn.execute(stmt)).mappings())


async def add_member(conn: AsyncConnection, widget_id: int, user_id: int) -> bool:
    """Add an agent to a widget; False when they already were one."""
    try:
        async with conn.begin_nested():
            await conn.execute(insert(widget_agents).values(widget_id=widget_id, user_id=user_id))
    except IntegrityError:
        return False
    return True


async def remove_member(conn: AsyncConnection, widget_id: int, user_id: int) -> bool:
    result = await conn.execute(delete(widget_agents).where(
        widget_agents.c.widget_id == widget_id, widget_agents.c.user_id == user_id))
    return result.rowcount > 0
