"""SQL for knowledge sources (services/knowledge_sources.py): the sources, their claims and
the entries they own."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import kb_embeddings, kb_entries, kb_sources, widget_configs


async def insert_source(conn: AsyncConnection, **values: Any) -> int:
    result = await conn.execute(insert(kb_sources).values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


async def sources(conn: AsyncConnection, widget_id: int) -> list[RowMapping]:
    stmt = select(kb_sources).where(kb_sources.c.widget_id == widget_id).order_by(kb_sources.c.id)
    return list((await conn.execute(stmt)).mappings())


async def source(conn: AsyncConnection, source_id: int,
                 widget_id: int | None = None) -> RowMapping | None:
    stmt = select(kb_sources).where(kb_sources.c.id == source_id)
    if widget_id is not None:
        stmt = stmt.where(kb_sources.c.widget_id == widget_id)
    return (await conn.execute(stmt)).mappings().first()


async def update_source(conn: AsyncConnection, source_id: int, **values: Any) -> None:
    await conn.execute(update(kb_sources).where(kb_sources.c.id == source_id).values(**values))


async def delete_source(conn: AsyncConnection, source_id: int) -> None:
    """The source and its entries (their vectors go with them)."""
    await conn.execute(delete(kb_entries).where(kb_entries.c.source_id == source_id))
    await conn.execute(delete(kb_sources).where(kb_sources.c.id == source_id))


async def claim(conn: AsyncConnection, source: RowMapping, now: datetime,
                lease_s: float) -> str:
    """Take the source for a sync: "claimed"; "busy" when it is being synced (a live lease);
    "queued" when another source of its widget is (it is marked queued, for whoever finishes
    that one). The widget's row, locked, makes the check and the claim one step across
    processes."""
    await conn.execute(select(widget_configs.c.id)
                       .where(widget_configs.c.id == source["widget_id"]).with_for_update())
    syncing = list((await conn.execute(
        select(kb_sources.c.id).where(kb_sources.c.widget_id == source["widget_id"],
                                      kb_sources.c.status == "syncing",
                                      kb_sources.c.lease_until > now))).scalars())
    if source["id"] in syncing:
        return "busy"
    if syncing:
        await update_source(conn, source["id"], status="queued", updated_at=now)
        return "queued"
    await update_source(conn, source["id"], status="syncing", done=0, total=0,
                        error=None, error_code=None, updated_at=now,
                        lease_until=now + timedelta(seconds=lease_s))
    return "claimed"


async def due(conn: AsyncConnection, now: datetime, limit: int = 20) -> list[RowMapping]:
    """Sources waiting for a sync: queued, scheduled and due, or syncing with a lapsed lease
    (the process syncing them died)."""
    stmt = (select(kb_sources).where(or_(
        kb_sources.c.status == "queued",
        and_(kb_sources.c.status.in_(("ready", "failed")), kb_sources.c.next_sync_at <= now),
        and_(kb_sources.c.status == "syncing", kb_sources.c.lease_until <= now)))
        .order_by(kb_sources.c.id).limit(limit))
    return list((await conn.execute(stmt)).mappings())


async def source_entries(conn: AsyncConnection, source_id: int) -> list[RowMapping]:
    stmt = (select(kb_entries.c.id, kb_entries.c.title, kb_entries.c.url,
                   kb_entries.c.content_hash)
            .where(kb_entries.c.source_id == source_id).order_by(kb_entries.c.id))
    return list((await conn.execute(stmt)).mappings())


async def delete_entries(conn: AsyncConnection, entry_ids: list[int]) -> None:
    if entry_ids:
        await conn.execute(delete(kb_entries).where(kb_entries.c.id.in_(entry_ids)))


async def counts(conn: AsyncConnection, widget_id: int,
                 model: str | None) -> dict[int, tuple[int, int]]:
    """Source id -> (its entries, those with vectors of `model`)."""
    entries: dict[Any, Any] = dict((await conn.execute(
        select(kb_entries.c.source_id, func.count())
        .where(kb_entries.c.widget_id == widget_id, kb_entries.c.source_id.is_not(None))
        .group_by(kb_entries.c.source_id))).all())
    embedded: dict[Any, Any] = {}
    if model is not None:
        embedded = dict((await conn.execute(
            select(kb_entries.c.source_id, func.count(func.distinct(kb_entries.c.id)))
            .join(kb_embeddings, kb_embeddings.c.entry_id == kb_entries.c.id)
            .where(kb_entries.c.widget_id == widget_id, kb_entries.c.source_id.is_not(None),
                   kb_embeddings.c.model == model)
            .group_by(kb_entries.c.source_id))).all())
    return {int(s): (int(n), int(embedded.get(s, 0))) for s, n in entries.items()}
