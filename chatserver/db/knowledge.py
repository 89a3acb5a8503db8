"""SQL for knowledge-base entries and AI usage accounting."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import ai_usage, kb_embeddings, kb_entries, messages


async def insert_entries(conn: AsyncConnection, rows: list[dict[str, Any]]) -> list[int]:
    ids = []
    for row in rows:
        result = await conn.execute(insert(kb_entries).values(**row))
        ids.append(int(result.inserted_primary_key[0]))  # type: ignore[index]
    return ids


async def entries(conn: AsyncConnection, widget_id: int, *,
                  published_only: bool = False) -> list[RowMapping]:
    """The widget's entries; `published_only`: those the AI uses (not the drafts)."""
    stmt = select(kb_entries).where(kb_entries.c.widget_id == widget_id).order_by(kb_entries.c.id)
    if published_only:
        stmt = stmt.where(kb_entries.c.status == "published")
    return list((await conn.execute(stmt)).mappings())


async def entry(conn: AsyncConnection, widget_id: int, entry_id: int) -> RowMapping | None:
    stmt = select(kb_entries).where(kb_entries.c.widget_id == widget_id,
                                    kb_entries.c.id == entry_id)
    return (await conn.execute(stmt)).mappings().first()


async def update_entry(conn: AsyncConnection, entry_id: int, **values: Any) -> None:
    await conn.execute(update(kb_entries).where(kb_entries.c.id == entry_id).values(**values))


async def delete_entry(conn: AsyncConnection, widget_id: int, entry_id: int) -> bool:
    result = await conn.execute(delete(kb_entries).where(kb_entries.c.widget_id == widget_id,
                                                         kb_entries.c.id == entry_id))
    return result.rowcount > 0


async def vectors(conn: AsyncConnection, widget_id: int, model: str) -> dict[int, list[bytes]]:
    """Entry id -> its stored vectors of `model`, in passage order (another model's are not
    returned: to the caller they are missing)."""
    stmt = (select(kb_embeddings.c.entry_id, kb_embeddings.c.vector)
            .join(kb_entries, kb_entries.c.id == kb_embeddings.c.entry_id)
            .where(kb_entries.c.widget_id == widget_id, kb_embeddings.c.model == model)
            .order_by(kb_embeddings.c.entry_id, kb_embeddings.c.passage))
    out: dict[int, list[bytes]] = {}
    for entry_id, blob in (await conn.execute(stmt)).all():
        out.setdefault(int(entry_id), []).append(bytes(blob))
    return out


async def delete_vectors(conn: AsyncConnection, entry_id: int) -> None:
    await conn.execute(delete(kb_embeddings).where(kb_embeddings.c.entry_id == entry_id))


async def store_vectors(conn: AsyncConnection, entry_id: int, updated_at: datetime, model: str,
                        blobs: list[bytes], now: datetime) -> bool:
    """Replace an entry's vectors, unless it changed (or went) since `updated_at`, when they
    were computed: then they are stale and dropped (False)."""
    current = (await conn.execute(select(kb_entries.c.updated_at)
                                  .where(kb_entries.c.id == entry_id).with_for_update())).first()
    if current is None or current[0] != updated_at:
        return False
    await delete_vectors(conn, entry_id)
    if blobs:
        await conn.execute(insert(kb_embeddings), [
            {"entry_id": entry_id, "passage": i, "model": model, "vector": blob,
             "created_at": now} for i, blob in enumerate(blobs)])
    return True


async def usage_today(conn: AsyncConnection, widget_id: int, day: date) -> RowMapping | None:
    stmt = select(ai_usage).where(ai_usage.c.widget_id == widget_id, ai_usage.c.day == day)
    return (await conn.execute(stmt)).mappings().first()


async def add_usage(conn: AsyncConnection, widget_id: int, day: date, *, tokens_in: int,
                    tokens_out: int) -> None:
    """Add one request's tokens to the widget's day (insert the row the first time)."""
    values = {"requests": ai_usage.c.requests + 1,
              "tokens_in": ai_usage.c.tokens_in + tokens_in,
              "tokens_out": ai_usage.c.tokens_out + tokens_out}
    result = await conn.execute(update(ai_usage).where(
        ai_usage.c.widget_id == widget_id, ai_usage.c.day == day).values(**values))
    if result.rowcount:
        return
    try:
        async with conn.begin_nested():
            await conn.execute(insert(ai_usage).values(
                widget_id=widget_id, day=day, requests=1, tokens_in=tokens_in,
                tokens_out=tokens_out))
    except IntegrityError:  # another process inserted the day's row first
        await conn.execute(update(ai_usage).where(
            ai_usage.c.widget_id == widget_id, ai_usage.c.day == day).values(**values))


async def usage_range(conn: AsyncConnection, widget_ids: list[int], since: date,
                      until: date) -> list[RowMapping]:
    stmt = select(ai_usage).where(ai_usage.c.widget_id.in_(widget_ids), ai_usage.c.day >= since,
                                  ai_usage.c.day <= until).order_by(ai_usage.c.day)
    return list((await conn.execute(stmt)).mappings())


async def ai_messages_in(conn: AsyncConnection, session_id: str) -> int:
    stmt = select(func.count()).select_from(messages).where(
        messages.c.session_id == session_id, messages.c.sender_type == "ai")
    return int((await conn.execute(stmt)).scalar_one())


async def history(conn: AsyncConnection, session_id: str, limit: int) -> list[RowMapping]:
    """The last `limit` messages of a session, oldest first."""
    stmt = (select(messages.c.seq, messages.c.sender_type, messages.c.sender_name,
                   messages.c.text, messages.c.meta)
            .where(messages.c.session_id == session_id)
            .order_by(messages.c.seq.desc()).limit(limit))
    return list(reversed(list((await conn.execute(stmt)).mappings())))
