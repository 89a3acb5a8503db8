"""SQL for labels and the labels of conversations."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import labels, session_labels, sessions
from chatserver.domain import ENDED


async def all_labels(conn: AsyncConnection) -> list[RowMapping]:
    stmt = select(labels).order_by(labels.c.name_key, labels.c.id)
    return list((await conn.execute(stmt)).mappings())


async def get(conn: AsyncConnection, label_id: int) -> RowMapping | None:
    return (await conn.execute(select(labels).where(labels.c.id == label_id))).mappings().first()


async def by_ids(conn: AsyncConnection, label_ids: Iterable[int]) -> list[RowMapping]:
    ids = list(set(label_ids))
    if not ids:
        return []
    return list((await conn.execute(select(labels).where(labels.c.id.in_(ids)))).mappings())


async def name_taken(conn: AsyncConnection, name_key: str, except_id: int | None = None) -> bool:
    stmt = select(labels.c.id).where(labels.c.name_key == name_key)
    if except_id is not None:
        stmt = stmt.where(labels.c.id != except_id)
    return (await conn.execute(stmt)).first() is not None


async def insert_label(conn: AsyncConnection, **values: Any) -> int:
    result = await conn.execute(insert(labels).values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


async def update_label(conn: AsyncConnection, label_id: int, **values: Any) -> None:
    await conn.execute(update(labels).where(labels.c.id == label_id).values(**values))


async def delete_label(conn: AsyncConnection, label_id: int) -> None:
    """The label and its place on every conversation (explicitly, not only by the foreign
    key's cascade)."""
    await conn.execute(delete(session_labels).where(session_labels.c.label_id == label_id))
    await conn.execute(delete(labels).where(labels.c.id == label_id))


async def usage_counts(conn: AsyncConnection) -> dict[int, int]:
    """How many conversations carry each label (labels on none are left out)."""
    stmt = (select(session_labels.c.label_id, func.count())
            .group_by(session_labels.c.label_id))
    return {int(lid): int(n) for lid, n in (await conn.execute(stmt)).all()}


async def open_sessions_with(conn: AsyncConnection, label_id: int) -> list[RowMapping]:
    """The conversations not ended yet that carry the label: id and widget (what an open
    inbox shows live)."""
    stmt = (select(sessions.c.id, sessions.c.widget_id)
            .join(session_labels, session_labels.c.session_id == sessions.c.id)
            .where(session_labels.c.label_id == label_id, sessions.c.status.not_in(ENDED)))
    return list((await conn.execute(stmt)).mappings())


async def of_sessions(conn: AsyncConnection, session_ids: Iterable[str]) -> dict[str, list[RowMapping]]:
    """Each session's labels, by name (sessions without any are left out)."""
    ids = list(set(session_ids))
    out: dict[str, list[RowMapping]] = {}
    if not ids:
        return out
    stmt = (select(session_labels.c.session_id, labels)
            .join(labels, labels.c.id == session_labels.c.label_id)
            .where(session_labels.c.session_id.in_(ids))
            .order_by(labels.c.name_key, labels.c.id))
    for row in (await conn.execute(stmt)).mappings():
        out.setdefault(row["session_id"], []).append(row)
    return out


async def add(conn: AsyncConnection, session_id: str, label_id: int, now: datetime) -> bool:
    """Put the label on the session; False when it was already there. The caller holds the
    session's row lock, so two agents adding the same label do not both insert."""
    found = await conn.execute(select(session_labels.c.label_id).where(
        session_labels.c.session_id == session_id, session_labels.c.label_id == label_id))
    if found.first() is not None:
        return False
    await conn.execute(insert(session_labels).values(
        session_id=session_id, label_id=label_id, created_at=now))
    return True


async def remove(conn: AsyncConnection, session_id: str, label_id: int) -> bool:
    result = await conn.execute(delete(session_labels).where(
        session_labels.c.session_id == session_id, session_labels.c.label_id == label_id))
    return bool(result.rowcount)
