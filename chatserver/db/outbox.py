"""SQL for the durable outbox (chatserver/services/outbox.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import RowMapping
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


async def due_ids(conn: AsyncConnection, now: datetime, limit: int) -> list[int]:
    """Pending rows that are due and not leased by a live sender, oldest first."""
    stmt = (select(outbox.c.id).where(
        outbox.c.status == "pending", outbox.c.due_at <= now,
        or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now))
        .order_by(outbox.c.due_at, outbox.c.id).limit(limit))
    return list((await conn.execute(stmt)).scalars())


async def claim(conn: AsyncConnection, row_id: int, owner: str, now: datetime,
                until: datetime) -> bool:
    """Lease a row to `owner` if nobody holds a live lease: of several processes that try at
    once, exactly one gets True."""
    result = await conn.execute(update(outbox).where(
        outbox.c.id == row_id, outbox.c.status == "pending",
        or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now))
        .values(lease_owner=owner, lease_until=until))
    return bool(result.rowcount)


async def claim_many(conn: AsyncConnection, ids: list[int], owner: str, now: datetime,
                     until: datetime) -> list[RowMapping]:
    """`claim` for several rows in one statement; the rows `owner` got, in order. `owner`
    names this one claim (the sender adds a counter), so a row an earlier claim of the same
    process still holds is never taken for this one's."""
    await conn.execute(update(outbox).where(
        outbox.c.id.in_(ids), outbox.c.status == "pending",
        or_(outbox.c.lease_until.is_(None), outbox.c.lease_until < now))
        .values(lease_owner=owner, lease_until=until))
    stmt = select(outbox).where(outbox.c.id.in_(ids), outbox.c.status == "pending",
                                outbox.c.lease_owner == owner).order_by(outbox.c.id)
    return list((await conn.execute(stmt)).mappings())


async def get(conn: AsyncConnection, row_id: int) -> RowMapping | None:
    return (await conn.execute(select(outbox).where(outbox.c.id == row_id))).mappings().first()


async def finish(conn: AsyncConnection, row_id: int, owner: str, **values: Any) -> bool:
    """Update a row this owner holds and release the lease; False if the lease was lost."""
    result = await conn.execute(update(outbox).where(
        outbox.c.id == row_id, outbox.c.lease_owner == owner)
        .values(lease_owner=None, lease_until=None, **values))
    return bool(result.rowcount)


async def counts(conn: AsyncConnection) -> dict[str, int]:
    """How many rows have each status."""
    stmt = select(outbox.c.status, func.count()).group_by(outbox.c.status)
    return {status: int(n) for status, n in (await conn.execute(stmt)).all()}


async def list_rows(conn: AsyncConnection, status: str, limit: int) -> list[RowMapping]:
    """Rows of one status: pending by when they are due, the others newest first."""
    order = (outbox.c.due_at, outbox.c.id) if status == "pending" \
        else (outbox.c.due_at.desc(), outbox.c.id.desc())
    stmt = select(outbox).where(outbox.c.status == status).order_by(*order).limit(limit)
    return list((await conn.execute(stmt)).mappings())


async def retry(conn: AsyncConnection, row_ids: list[int] | None, now: datetime) -> int:
    """Failed rows (those of `row_ids`, or all when None) and pending ones of `row_ids` back
    to pending, due now, with their attempts counted afresh; how many."""
    where = [outbox.c.status == "failed"] if row_ids is None else \
        [outbox.c.id.in_(row_ids), outbox.c.status.in_(("failed", "pending"))]
    result = await conn.execute(update(outbox).where(*where).values(
        status="pending", due_at=now, attempts=0))
    return int(result.rowcount)

async def id_by_key(conn: AsyncConnection, key: str) -> int | None:
    value = await conn.scalar(select(outbox.c.id).where(outbox.c.key == key))
    return int(value) if value is not None else None
