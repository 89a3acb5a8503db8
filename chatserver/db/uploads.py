"""SQL for uploaded files (chatserver/services/uploads.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import uploads, widget_configs


def summary(row: RowMapping | dict[str, Any]) -> dict[str, Any]:
    """An upload as the API and a message's ``files`` show it."""
    return {"id": row["id"], "name": row["name"], "type": row["content_type"],
            "size": row["size"], "width": row["width"], "height": row["height"],
            "thumb": row["thumb_key"] is not None}

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


async def session_bytes(conn: AsyncConnection, session_id: str) -> int:
    """The bytes all the uploads of a session add up to."""
    total = (await conn.execute(select(func.coalesce(func.sum(uploads.c.size), 0))
                                .where(uploads.c.session_id == session_id))).scalar_one()
    return int(total)


def keys(rows: list[RowMapping]) -> list[str]:
    """The stored objects of these uploads (files and thumbnails)."""
    return [k for r in rows for k in (r["storage_key"], r["thumb_key"]) if k]


async def of_sessions(conn: AsyncConnection, session_ids: list[str]) -> list[RowMapping]:
    if not session_ids:
        return []
    stmt = select(uploads).where(uploads.c.session_id.in_(session_ids))
    return list((await conn.execute(stmt)).mappings())


async def of_widget(conn: AsyncConnection, widget_id: int) -> list[RowMapping]:
    stmt = select(uploads).where(uploads.c.widget_id == widget_id)
    return list((await conn.execute(stmt)).mappings())


async def find(conn: AsyncConnection, *, widget_id: int | None = None, orphans: bool = False,
               before: datetime | None = None, limit: int = 500,
               for_update: bool = False) -> list[RowMapping]:
    """Uploads, oldest first: of a widget, never sent in a message, created before a time."""
    stmt = select(uploads).order_by(uploads.c.created_at, uploads.c.id).limit(limit)
    if widget_id is not None:
        stmt = stmt.where(uploads.c.widget_id == widget_id)
    if orphans:
        stmt = stmt.where(uploads.c.message_id.is_(None))
    if before is not None:
        stmt = stmt.where(uploads.c.created_at < before)
    if for_update:
        stmt = stmt.with_for_update()
    return list((await conn.execute(stmt)).mappings())


async def delete_ids(conn: AsyncConnection, upload_ids: list[str]) -> None:
    if upload_ids:
        await conn.execute(delete(uploads).where(uploads.c.id.in_(upload_ids)))


async def usage(conn: AsyncConnection, widget_ids: list[int] | None) -> list[dict[str, Any]]:
    """Per widget with files: site key, business name, bytes and files of its uploads, the
    largest first (every widget when ``widget_ids`` is None)."""
    w = widget_configs
    stmt = (select(w.c.site_key, w.c.business_name,
                   func.coalesce(func.sum(uploads.c.size), 0).label("bytes"),
                   func.count().label("files"))
            .select_from(uploads.join(w, w.c.id == uploads.c.widget_id))
            .group_by(w.c.id, w.c.site_key, w.c.business_name))
    if widget_ids is not None:
        stmt = stmt.where(uploads.c.widget_id.in_(widget_ids))
    rows = [{"site_key": r.site_key, "business_name": r.business_name, "bytes": int(r.bytes),
             "files": int(r.files)} for r in (await conn.execute(stmt)).all()]
    return sorted(rows, key=lambda r: (-r["bytes"], r["site_key"]))
