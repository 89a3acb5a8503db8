"""SQL for the emails of a conversation (services/mail_replies.py, services/transcripts.py):
the visitor's seen and mailed marks on the session, and the messages an email carries."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import messages, sessions, widget_configs


async def lock_marks(conn: AsyncConnection, session_id: str) -> RowMapping | None:
    """Lock the session's row (as the message writer does) and read its marks as they are."""
    stmt = (select(sessions.c.mailed_seq, sessions.c.visitor_seen_seq)
            .where(sessions.c.id == session_id).with_for_update())
    return (await conn.execute(stmt)).mappings().first()


async def raise_seen(conn: AsyncConnection, session_id: str, seq: int) -> bool:
    """The visitor saw the conversation up to `seq`: only ever moves forward."""
    result = await conn.execute(update(sessions).where(
        sessions.c.id == session_id, sessions.c.visitor_seen_seq < seq)
        .values(visitor_seen_seq=seq))
    return bool(result.rowcount)


async def raise_mailed(conn: AsyncConnection, session_id: str, seq: int) -> bool:
    """Agent messages up to `seq` are dealt with (mailed, or seen before their email was
    due): only ever moves forward."""
    result = await conn.execute(update(sessions).where(
        sessions.c.id == session_id, sessions.c.mailed_seq < seq).values(mailed_seq=seq))
    return bool(result.rowcount)


async def session_for_mail(conn: AsyncConnection, session_id: str) -> RowMapping | None:
    """The session with what an email about it needs of its widget."""
    stmt = (select(sessions.c.id, sessions.c.widget_id, sessions.c.status,
                   sessions.c.visitor_name, sessions.c.visitor_email, sessions.c.offline_email,
                   sessions.c.visitor_seen_seq, sessions.c.mailed_seq, sessions.c.last_seq,
                   sessions.c.created_at, widget_configs.c.business_name,
                   widget_configs.c.primary_color, widget_configs.c.language,
                   widget_configs.c.timezone)
            .join(widget_configs, widget_configs.c.id == sessions.c.widget_id)
            .where(sessions.c.id == session_id))
    return (await conn.execute(stmt)).mappings().first()


async def agent_messages_after(conn: AsyncConnection, session_id: str, after_seq: int,
                               limit: int) -> list[RowMapping]:
    stmt = (select(messages).where(messages.c.session_id == session_id,
                                   messages.c.seq > after_seq,
                                   messages.c.sender_type == "agent")
            .order_by(messages.c.seq).limit(limit))
    return list((await conn.execute(stmt)).mappings())


async def first_agent_message_after(conn: AsyncConnection, session_id: str,
                                    after_seq: int) -> RowMapping | None:
    stmt = (select(messages.c.seq, messages.c.created_at)
            .where(messages.c.session_id == session_id, messages.c.seq > after_seq,
                   messages.c.sender_type == "agent")
            .order_by(messages.c.seq).limit(1))
    return (await conn.execute(stmt)).mappings().first()


async def last_agent_seq(conn: AsyncConnection, session_id: str, up_to: int) -> int:
    """The highest seq of an agent message at or below `up_to` (0: none)."""
    value = await conn.scalar(select(func.max(messages.c.seq)).where(
        messages.c.session_id == session_id, messages.c.seq <= up_to,
        messages.c.sender_type == "agent"))
    return int(value or 0)
