"""SQL for the team's private notes in a conversation (services/notes.py): stored apart from
messages, deduped by the author's client_msg_id per session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import notes, users


async def by_client_id(conn: AsyncConnection, session_id: str,
                       client_msg_id: str) -> RowMapping | None:
    stmt = select(notes).where(notes.c.session_id == session_id,
                               notes.c.client_msg_id == client_msg_id)
    return (await conn.execute(stmt)).mappings().first()


async def insert_note(conn: AsyncConnection, *, session_id: str, author_id: int | None,
                      author_name: str, text: str, mentions: list[int], client_msg_id: str,
                      now: datetime) -> RowMapping:
    result = await conn.execute(insert(notes).values(
        session_id=session_id, author_id=author_id, author_name=author_name, text=text,
        mentions=mentions, client_msg_id=client_msg_id, created_at=now))
    row = await by_id(conn, int(result.inserted_primary_key[0]))  # type: ignore[index]
    assert row is not None
    return row


async def of_session(conn: AsyncConnection, session_id: str, limit: int) -> list[RowMapping]:
    """A conversation's notes, oldest first (its first `limit`)."""
    stmt = select(notes).where(notes.c.session_id == session_id) \
        .order_by(notes.c.id).limit(limit)
    return list((await conn.execute(stmt)).mappings())


async def after(conn: AsyncConnection, session_ids: Sequence[str], after_id: int,
                limit: int) -> list[RowMapping]:
    """Notes of these conversations with an id above `after_id`, oldest first."""
    if not session_ids:
        return []
    stmt = select(notes).where(notes.c.session_id.in_(list(session_ids)),
                               notes.c.id > after_id).order_by(notes.c.id).limit(limit)
    return list((await conn.execute(stmt)).mappings())


async def users_named(conn: AsyncConnection, usernames: Sequence[str]) -> list[RowMapping]:
    """The users with these usernames (lower-cased: compared without case)."""
    if not usernames:
        return []
    stmt = select(users.c.id, users.c.username, users.c.display_name, users.c.email,
                  users.c.role, users.c.notify_prefs) \
        .where(func.lower(users.c.username).in_(list(usernames)))
    return list((await conn.execute(stmt)).mappings())


async def by_id(conn: AsyncConnection, note_id: int) -> RowMapping | None:
    return (await conn.execute(select(notes).where(notes.c.id == note_id))).mappings().first()
