"""SQL for a widget's proactive-message triggers and their daily counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import trigger_counts, widget_triggers

COUNTS = ("shown", "opened", "answered")


async def of_widget(conn: AsyncConnection, widget_id: int, *,
                    enabled_only: bool = False) -> list[RowMapping]:
    stmt = select(widget_triggers).where(widget_triggers.c.widget_id == widget_id)
    if enabled_only:
        stmt = stmt.where(widget_triggers.c.enabled.is_(True))
    return list((await conn.execute(stmt.order_by(widget_triggers.c.id))).mappings())


async def get(conn: AsyncConnection, widget_id: int, trigger_id: int) -> RowMapping | None:
    stmt = select(widget_triggers).where(widget_triggers.c.widget_id == widget_id,
                                         widget_triggers.c.id == trigger_id)
    return (await conn.execute(stmt)).mappings().first()


async def name_taken(conn: AsyncConnection, widget_id: int, name: str,
                     except_id: int | None = None) -> bool:
    stmt = select(widget_triggers.c.id).where(widget_triggers.c.widget_id == widget_id,
                                              widget_triggers.c.name == name)
    if except_id is not None:
        stmt = stmt.where(widget_triggers.c.id != except_id)
    return (await conn.execute(stmt)).first() is not None


async def count_of_widget(conn: AsyncConnection, widget_id: int) -> int:
    stmt = select(func.count()).select_from(widget_triggers).where(
        widget_triggers.c.widget_id == widget_id)
    return int((await conn.execute(stmt)).scalar_one())


async def insert_trigger(conn: AsyncConnection, **values: Any) -> int:
    result = await conn.execute(insert(widget_triggers).values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


async def update_trigger(conn: AsyncConnection, trigger_id: int, **values: Any) -> None:
    await conn.execute(update(widget_triggers).where(widget_triggers.c.id == trigger_id)
                       .values(**values))


async def delete_trigger(conn: AsyncConnection, trigger_id: int) -> None:
    await conn.execute(delete(widget_triggers).where(widget_triggers.c.id == trigger_id))


async def bump(conn: AsyncConnection, trigger_id: int, day: date, event: str) -> None:
    """Add one to the trigger's count of `event` (shown, opened, answered) for the day."""
    assert event in COUNTS
    col = trigger_counts.c[event]
    where = (trigger_counts.c.trigger_id == trigger_id, trigger_counts.c.day == day)
    result = await conn.execute(update(trigger_counts).where(*where).values({col: col + 1}))
    if result.rowcount:
        return
    try:
        async with conn.begin_nested():
            await conn.execute(insert(trigger_counts).values(
                trigger_id=trigger_id, day=day, **{e: int(e == event) for e in COUNTS}))
    except IntegrityError:  # another process inserted the day's row first
        await conn.execute(update(trigger_counts).where(*where).values({col: col + 1}))


async def totals(conn: AsyncConnection, trigger_ids: list[int],
                 since: date | None = None) -> dict[int, dict[str, int]]:
    """Each trigger's counts summed over the days (from `since` when given)."""
    if not trigger_ids:
        return {}
    c = trigger_counts.c
    stmt = select(c.trigger_id, func.sum(c.shown), func.sum(c.opened), func.sum(c.answered)) \
        .where(c.trigger_id.in_(trigger_ids)).group_by(c.trigger_id)
    if since is not None:
        stmt = stmt.where(c.day >= since)
    out = {}
    for tid, shown, opened, answered in (await conn.execute(stmt)).all():
        out[int(tid)] = {"shown": int(shown or 0), "opened": int(opened or 0),
                         "answered": int(answered or 0)}
    return out
