"""SQL for the gap loop: the AI's replies that did not answer (declined or hedged), the
visitor messages before them, and the drafts saved from agents' replies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import kb_entries, messages, sessions


async def unanswered(conn: AsyncConnection, widget_id: int, since: datetime,
                     limit: int) -> list[RowMapping]:
    """The widget's newest AI replies since `since` that offered a person (declined or hedged),
    but not because the AI provider failed: those are not gaps in the knowledge. Conversations
    erased are left out (their messages are deleted anyway)."""
    offer = messages.c.meta["offer"].as_string()
    reason = messages.c.meta["offer_reason"].as_string()
    stmt = (select(messages.c.id, messages.c.session_id, messages.c.seq, messages.c.meta,
                   messages.c.created_at)
            .join(sessions, sessions.c.id == messages.c.session_id)
            .where(sessions.c.widget_id == widget_id, sessions.c.erased_at.is_(None),
                   messages.c.sender_type == "ai", messages.c.created_at >= since,
                   offer == "person", or_(reason.is_(None), reason != "ai_error"))
            .order_by(messages.c.created_at.desc(), messages.c.id.desc()).limit(limit))
    return list((await conn.execute(stmt)).mappings())


async def before(conn: AsyncConnection, at: list[tuple[str, int]],
                 depth: int) -> dict[str, list[RowMapping]]:
    """Session id -> its messages in the `depth` seqs before each (session, seq) of `at`,
    oldest first (what the visitor said just before each of those replies)."""
    out: dict[str, list[RowMapping]] = {}
    for i in range(0, len(at), 100):
        chunk = at[i:i + 100]
        stmt = (select(messages.c.session_id, messages.c.seq, messages.c.sender_type,
                       messages.c.text, messages.c.created_at)
                .where(or_(*(and_(messages.c.session_id == sid, messages.c.seq < seq,
                                  messages.c.seq >= seq - depth) for sid, seq in chunk)))
                .order_by(messages.c.session_id, messages.c.seq))
        for row in (await conn.execute(stmt)).mappings():
            out.setdefault(row["session_id"], []).append(row)
    for rows in out.values():  # overlapping windows of one session repeat a row
        unique = {r["seq"]: r for r in rows}
        rows[:] = [unique[s] for s in sorted(unique)]
    return out


async def message(conn: AsyncConnection, session_id: str, message_id: int) -> RowMapping | None:
    stmt = select(messages).where(messages.c.session_id == session_id,
                                  messages.c.id == message_id)
    return (await conn.execute(stmt)).mappings().first()


async def visitor_texts_before(conn: AsyncConnection, session_id: str, seq: int,
                               limit: int) -> list[str]:
    """The visitor's last `limit` messages before `seq` in the session, newest first."""
    stmt = (select(messages.c.text)
            .where(messages.c.session_id == session_id, messages.c.seq < seq,
                   messages.c.sender_type == "visitor")
            .order_by(messages.c.seq.desc()).limit(limit))
    return [t for (t,) in (await conn.execute(stmt)).all()]


async def draft_from(conn: AsyncConnection, widget_id: int, session_id: str,
                     body: str) -> int | None:
    """The entry already saved from this reply of this conversation, if any."""
    stmt = select(kb_entries.c.id).where(kb_entries.c.widget_id == widget_id,
                                         kb_entries.c.origin_session_id == session_id,
                                         kb_entries.c.body == body).limit(1)
    value: Any = (await conn.execute(stmt)).scalar()
    return None if value is None else int(value)
