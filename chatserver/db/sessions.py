"""SQL for visitor sessions and the waiting queue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.messages import preview
from chatserver.db.schema import messages, session_tokens, sessions, users, widget_configs
from chatserver.domain import OPEN, UNANSWERED
from chatserver.errors import Conflict

# Columns agents see (never the visitor token hash).
_AGENT_COLUMNS = [c for c in sessions.c if c.name != "visitor_token_hash"]


async def insert_session(conn: AsyncConnection, **values: Any) -> None:
    await conn.execute(insert(sessions).values(**values))


async def open_of_visitor(conn: AsyncConnection, visitor_id: str) -> RowMapping | None:
    """The visitor's open conversation (at most one: ix_sessions_open_visitor_id)."""
    found = await conn.scalar(select(sessions.c.id).where(sessions.c.open_visitor_id == visitor_id))
    return None if found is None else await get(conn, found)


async def get(conn: AsyncConnection, session_id: str, *,
              for_update: bool = False) -> RowMapping | None:
    """A session with its widget's site key; for_update locks the session row only (MariaDB
    has no FOR UPDATE OF: a locking join would lock the widget and serialise its sessions)."""
    if for_update:
        await conn.execute(select(sessions.c.id).where(sessions.c.id == session_id)
                           .with_for_update())
    stmt = (select(sessions, widget_configs.c.site_key,
                   users.c.display_name.label("agent_name"),
                   users.c.avatar_id.label("agent_avatar"))
            .join(widget_configs, widget_configs.c.id == sessions.c.widget_id)
            .outerjoin(users, users.c.id == sessions.c.assigned_agent_id)
            .where(sessions.c.id == session_id))
    return (await conn.execute(stmt)).mappings().first()


async def for_visitor_sockets(conn: AsyncConnection,
                              session_ids: list[str]) -> dict[str, RowMapping]:
    """What visitor sockets read when they open, by session id (services/socket_reads.py):
    the token check's columns, what `visitor_view` shows, and the widget's site key and
    allowed origins. One session (the common case) takes the statement built for it."""
    if len(session_ids) == 1:
        result = await conn.execute(_FOR_VISITOR_SOCKET, {"sid": session_ids[0]})
    else:
        result = await conn.execute(_FOR_VISITOR_SOCKETS, {"sids": session_ids})
    return {r["id"]: r for r in result.mappings()}


# Narrow and built once: MySQL's protocol describes every column of a result, and parsing
# the descriptions of the whole session row (35 columns) was a quarter of a visitor's auth.
_VISITOR_SOCKET_ROW = (
    select(sessions.c.id, sessions.c.widget_id, sessions.c.visitor_token_hash,
           sessions.c.visitor_id, sessions.c.visitor_name, sessions.c.visitor_email,
           sessions.c.status, sessions.c.ai_mode, sessions.c.escalated_at, sessions.c.last_seq,
           sessions.c.created_at, sessions.c.assigned_agent_id, widget_configs.c.site_key,
           widget_configs.c.allowed_origins, users.c.display_name.label("agent_name"),
           users.c.avatar_id.label("agent_avatar"))
    .join(widget_configs, widget_configs.c.id == sessions.c.widget_id)
    .outerjoin(users, users.c.id == sessions.c.assigned_agent_id))
_FOR_VISITOR_SOCKET = _VISITOR_SOCKET_ROW.where(sessions.c.id == bindparam("sid"))
_FOR_VISITOR_SOCKETS = _VISITOR_SOCKET_ROW.where(
    sessions.c.id.in_(bindparam("sids", expanding=True)))


async def last_seq(conn: AsyncConnection, session_id: str) -> int:
    """The session's highest seq (0: none, or no such session)."""
    value = await conn.scalar(select(sessions.c.last_seq).where(sessions.c.id == session_id))
    return int(value or 0)


async def update_session(conn: AsyncConnection, session_id: str, *,
                         only_status: tuple[str, ...] | None = None, **values: Any) -> bool:
    """Update a session; with only_status, only while its status is one of those. Reopening a
    conversation while its visitor has another open is refused by the database
    (ix_sessions_open_visitor_id): Conflict `visitor_has_open_conversation`."""
    stmt = update(sessions).where(sessions.c.id == session_id)
    if only_status is not None:
        stmt = stmt.where(sessions.c.status.in_(only_status))
    try:
        return (await conn.execute(stmt.values(**values))).rowcount > 0
    except IntegrityError:
        raise Conflict("the visitor has another open conversation",
                       code="visitor_has_open_conversation") from None


# The queue's one order, used by the REST position and the real-time queue alike.
QUEUE_ORDER = (sessions.c.escalated_at, sessions.c.id)


async def waiting_ids(conn: AsyncConnection, widget_id: int) -> list[str]:
    """The widget's waiting queue in order (position = index + 1)."""
    stmt = (select(sessions.c.id).where(sessions.c.widget_id == widget_id,
                                        sessions.c.status == "waiting").order_by(*QUEUE_ORDER))
    return list((await conn.execute(stmt)).scalars())


async def recent_waits_s(conn: AsyncConnection, widget_id: int, limit: int = 50) -> list[float]:
    """Seconds from escalation to acceptance of the widget's most recently accepted sessions."""
    s = sessions.c
    rows = (await conn.execute(select(s.escalated_at, s.accepted_at).where(
        s.widget_id == widget_id, s.accepted_at.is_not(None), s.escalated_at.is_not(None))
        .order_by(s.accepted_at.desc()).limit(limit))).all()
    return [max(0.0, (a - e).total_seconds()) for e, a in rows]


async def active_counts(conn: AsyncConnection, agent_ids: list[int]) -> dict[int, int]:
    """Assigned (open) chats per agent."""
    if not agent_ids:
        return {}
    s = sessions.c
    rows = (await conn.execute(select(s.assigned_agent_id, func.count()).where(
        s.assigned_agent_id.in_(agent_ids), s.status == "assigned")
        .group_by(s.assigned_agent_id))).all()
    return {int(a): int(n) for a, n in rows}


def with_last_message() -> Any:
    # The last thing a person (or the AI) said: system lines ("handed to a person") say
    # nothing about what the visitor needs.
    last = (select(preview()).where(messages.c.session_id == sessions.c.id,
                                          messages.c.sender_type != "system")
            .order_by(messages.c.seq.desc()).limit(1).correlate(sessions).scalar_subquery())
    # The visitor's own last words: what a waiting card shows (the question, not the AI's line).
    asked = (select(preview()).where(messages.c.session_id == sessions.c.id,
                                     messages.c.sender_type == "visitor")
             .order_by(messages.c.seq.desc()).limit(1).correlate(sessions).scalar_subquery())
    return select(*_AGENT_COLUMNS, widget_configs.c.site_key,
                  widget_configs.c.business_name.label("widget_name"),
                  last.label("last_message"), asked.label("last_visitor_message")).join(
        widget_configs, widget_configs.c.id == sessions.c.widget_id)


async def get_listed(conn: AsyncConnection, session_id: str) -> RowMapping | None:
    """A session as the inbox lists it (its widget's name, its last line)."""
    stmt = with_last_message().where(sessions.c.id == session_id)
    return (await conn.execute(stmt)).mappings().first()


async def waiting_in(conn: AsyncConnection, widget_ids: list[int],
                     where: Sequence[Any] = ()) -> list[RowMapping]:
    """The waiting sessions of these widgets in queue order (meeting `where`, if given:
    db/history_filters.py)."""
    if not widget_ids:
        return []
    stmt = (with_last_message().where(sessions.c.widget_id.in_(widget_ids),
                                      sessions.c.status == "waiting", *where)
            .order_by(*QUEUE_ORDER))
    return list((await conn.execute(stmt)).mappings())


async def assigned_to(conn: AsyncConnection, agent_id: int,
                      where: Sequence[Any] = ()) -> list[RowMapping]:
    stmt = (with_last_message().where(sessions.c.assigned_agent_id == agent_id,
                                      sessions.c.status == "assigned", *where)
            .order_by(sessions.c.last_activity_at.desc()))
    return list((await conn.execute(stmt)).mappings())


async def count_closed_by(conn: AsyncConnection, agent_id: int, since: datetime) -> int:
    s = sessions.c
    stmt = select(func.count()).select_from(sessions).where(
        s.assigned_agent_id == agent_id, s.status == "closed", s.closed_at >= since)
    return int((await conn.execute(stmt)).scalar_one())


async def touch(conn: AsyncConnection, session_ids: list[str], now: datetime) -> None:
    """Mark sessions with an open visitor socket as active now (keeps them from abandonment)."""
    for i in range(0, len(session_ids), 500):
        await conn.execute(update(sessions).where(
            sessions.c.id.in_(session_ids[i:i + 500]),
            sessions.c.status.in_(OPEN)).values(last_activity_at=now))


async def stale(conn: AsyncConnection, before: datetime, limit: int) -> list[RowMapping]:
    """Unattended sessions (with the AI or waiting) idle since before `before`, whose visitor
    left no email: a visitor who did can still be answered, so theirs is never abandoned."""
    s = sessions.c
    stmt = (select(s.id, s.widget_id, s.status).where(
        s.status.in_(UNANSWERED), s.last_activity_at < before,
        s.offline_email.is_(None), s.visitor_email.is_(None))
        .limit(limit))
    return list((await conn.execute(stmt)).mappings())


async def device_token_hashes(conn: AsyncConnection, session_id: str) -> list[str]:
    """The hashes of the session's further visitor tokens (one per device it was opened on)."""
    stmt = select(session_tokens.c.token_hash).where(session_tokens.c.session_id == session_id)
    return list((await conn.execute(stmt)).scalars())


async def insert_device_token(conn: AsyncConnection, session_id: str, token_hash: str,
                              now: datetime) -> None:
    await conn.execute(insert(session_tokens).values(session_id=session_id,
                                                     token_hash=token_hash, created_at=now))
