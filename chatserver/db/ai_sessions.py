"""SQL for the conversations the AI is handling: open, answered by the AI (`ai_mode`), no
person in them, and with at least one visitor message (a widget opened and never written in
is nobody's business)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import messages, sessions
from chatserver.db.sessions import with_last_message


def _handled() -> Any:
    spoke = exists(select(messages.c.id).where(messages.c.session_id == sessions.c.id,
                                               messages.c.sender_type == "visitor"))
    return (with_last_message().where(sessions.c.status == "active",
                                      sessions.c.ai_mode.is_(True), spoke))


async def handled_in(conn: AsyncConnection, widget_ids: list[int]) -> list[RowMapping]:
    """The widgets' AI-handled conversations, most recently active first."""
    if not widget_ids:
        return []
    stmt = (_handled().where(sessions.c.widget_id.in_(widget_ids))
            .order_by(sessions.c.last_activity_at.desc(), sessions.c.id))
    return list((await conn.execute(stmt)).mappings())


async def handled(conn: AsyncConnection, session_id: str) -> RowMapping | None:
    """The session in the list's shape if the AI is handling it, else None."""
    stmt = _handled().where(sessions.c.id == session_id)
    return (await conn.execute(stmt)).mappings().first()


async def list_row(conn: AsyncConnection, session_id: str) -> RowMapping | None:
    """Any session in the lists' shape (with its last messages and widget name)."""
    stmt = with_last_message().where(sessions.c.id == session_id)
    return (await conn.execute(stmt)).mappings().first()
