"""Housekeeping SQL: pruning old conversations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from chatserver.db import uploads as uploads_db
from chatserver.db.schema import messages, sessions
from chatserver.domain import ENDED


def _old_finished(cutoff: datetime) -> list[ColumnElement[bool]]:
    return [sessions.c.status.in_(ENDED),
            or_(sessions.c.closed_at < cutoff,
                (sessions.c.closed_at.is_(None)) & (sessions.c.last_activity_at < cutoff))]


async def count_prunable(conn: AsyncConnection, cutoff: datetime) -> tuple[int, int]:
    """(sessions, messages) that a prune with this cutoff would delete."""
    ids = select(sessions.c.id).where(*_old_finished(cutoff))
    n_sessions = (await conn.execute(select(func.count()).select_from(ids.subquery()))).scalar()
    n_messages = (await conn.execute(select(func.count()).select_from(messages)
                                     .where(messages.c.session_id.in_(ids)))).scalar()
    return int(n_sessions or 0), int(n_messages or 0)


async def prune_batch(conn: AsyncConnection, cutoff: datetime,
                      batch: int) -> tuple[int, int, list[str]]:
    """Delete up to `batch` old finished sessions with their messages and uploads;
    (sessions, messages, the uploads' stored objects to delete once committed)."""
    ids = list((await conn.execute(select(sessions.c.id).where(*_old_finished(cutoff))
                                   .limit(batch))).scalars())
    if not ids:
        return 0, 0, []
    files = await uploads_db.of_sessions(conn, ids)
    await uploads_db.delete_ids(conn, [f["id"] for f in files])
    n_messages = (await conn.execute(delete(messages).where(messages.c.session_id.in_(ids))))
    n_sessions = (await conn.execute(delete(sessions).where(sessions.c.id.in_(ids))))
    return n_sessions.rowcount, n_messages.rowcount, uploads_db.keys(files)
