"""SQL for visitors (tables_privacy.visitors) and their device tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.messages import preview
from chatserver.db.schema import messages, sessions, visitor_tokens, visitors


async def by_token(conn: AsyncConnection, widget_id: int, token_hash: str) -> RowMapping | None:
    stmt = (select(visitors).join(visitor_tokens, visitor_tokens.c.visitor_id == visitors.c.id)
            .where(visitor_tokens.c.token_hash == token_hash,
                   visitors.c.widget_id == widget_id))
    return (await conn.execute(stmt)).mappings().first()


async def by_user(conn: AsyncConnection, widget_id: int, user_id: str) -> RowMapping | None:
    stmt = select(visitors).where(visitors.c.widget_id == widget_id,
                                  visitors.c.user_id == user_id)
    return (await conn.execute(stmt)).mappings().first()


async def insert_visitor(conn: AsyncConnection, **values: Any) -> None:
    await conn.execute(insert(visitors).values(**values))


async def update_visitor(conn: AsyncConnection, visitor_id: str, **values: Any) -> None:
    await conn.execute(update(visitors).where(visitors.c.id == visitor_id).values(**values))


async def add_token(conn: AsyncConnection, visitor_id: str, token_hash: str,
                    now: datetime) -> None:
    await conn.execute(insert(visitor_tokens).values(visitor_id=visitor_id,
                                                     token_hash=token_hash, created_at=now))


async def opens(conn: AsyncConnection, visitor_id: str, token_hash: str) -> bool:
    """The token is one of the visitor's device tokens."""
    found = await conn.scalar(select(visitor_tokens.c.id).where(
        visitor_tokens.c.token_hash == token_hash, visitor_tokens.c.visitor_id == visitor_id))
    return found is not None


async def open_session_id(conn: AsyncConnection, visitor_id: str) -> str | None:
    """The visitor's open conversation (there is at most one: ix_sessions_open_visitor_id)."""
    return await conn.scalar(select(sessions.c.id)
                             .where(sessions.c.open_visitor_id == visitor_id))


async def conversations(conn: AsyncConnection, visitor_id: str,
                        limit: int) -> list[RowMapping]:
    """The visitor's conversations, newest first, with the last thing said in each."""
    last = (select(preview()).where(messages.c.session_id == sessions.c.id,
                                    messages.c.sender_type != "system")
            .order_by(messages.c.seq.desc()).limit(1).correlate(sessions).scalar_subquery())
    stmt = (select(sessions.c.id, sessions.c.status, sessions.c.created_at,
                   sessions.c.last_activity_at, sessions.c.last_seq,
                   last.label("last_message"))
            .where(sessions.c.visitor_id == visitor_id)
            .order_by(sessions.c.created_at.desc(), sessions.c.id).limit(limit))
    return list((await conn.execute(stmt)).mappings())
