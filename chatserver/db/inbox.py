"""SQL for the agent inbox: the history of ended conversations, a visitor's earlier ones, the team."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, exists, false, func, null, or_, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.messages import preview
from chatserver.db.schema import (
    messages,
    sessions,
    uploads,
    users,
    widget_agents,
    widget_configs,
)
from chatserver.domain import ENDED

_AGENT_COLUMNS = [c for c in sessions.c if c.name != "visitor_token_hash"]


def like_pattern(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def _base(match: Any) -> Any:
    last = (select(preview()).where(messages.c.session_id == sessions.c.id,
                                          messages.c.sender_type != "system")
            .order_by(messages.c.seq.desc()).limit(1).correlate(sessions).scalar_subquery())
    return select(*_AGENT_COLUMNS, widget_configs.c.site_key,
                  widget_configs.c.business_name.label("widget_name"),
                  users.c.display_name.label("agent_name"),
                  last.label("last_message"), match.label("match")).select_from(
        sessions.join(widget_configs, widget_configs.c.id == sessions.c.widget_id)
        .outerjoin(users, users.c.id == sessions.c.assigned_agent_id))


async def search_ended(conn: AsyncConnection, widget_ids: list[int], *, query: str | None,
                       limit: int, offset: int, where: Sequence[Any] = ()) -> list[RowMapping]:
    """Ended sessions of these widgets, newest first; with a query, those whose visitor name
    or email, any message's text, or the name of a file sent in it contains it
    (case-insensitively), and that meet the conditions `where` (db/history_filters.py).
    `match` is the first message text that matched, else the first file name, when one did."""
    if not widget_ids:
        return []
    # An erased conversation (services/privacy.py) has nothing left to read: not listed.
    conds: list[Any] = [sessions.c.widget_id.in_(widget_ids), sessions.c.status.in_(ENDED),
                        sessions.c.erased_at.is_(None), *where]
    match: Any = null()
    if query:
        pattern = like_pattern(query)
        in_text = and_(messages.c.session_id == sessions.c.id,
                       func.lower(messages.c.text).like(pattern, escape="\\"),
                       messages.c.sender_type != "system")
        # Files sent with a message (not uploads still unsent or orphaned).
        in_files = and_(uploads.c.session_id == sessions.c.id, uploads.c.message_id.is_not(None),
                        func.lower(uploads.c.name).like(pattern, escape="\\"))
        match = func.coalesce(
            select(messages.c.text).where(in_text).order_by(messages.c.seq).limit(1)
            .correlate(sessions).scalar_subquery(),
            select(uploads.c.name).where(in_files).order_by(uploads.c.message_id, uploads.c.id)
            .limit(1).correlate(sessions).scalar_subquery())
        conds.append(or_(func.lower(sessions.c.visitor_name).like(pattern, escape="\\"),
                         func.lower(sessions.c.visitor_email).like(pattern, escape="\\"),
                         exists().where(in_text).correlate(sessions),
                         exists().where(in_files).correlate(sessions)))
    stmt = (_base(match).where(*conds)
            .order_by(sessions.c.closed_at.desc(), sessions.c.id.desc())
            .limit(limit).offset(offset))
    return list((await conn.execute(stmt)).mappings())


async def earlier_of_visitor(conn: AsyncConnection, row: RowMapping,
                             limit: int) -> list[RowMapping]:
    """The visitor's other conversations on this widget, newest first: those of their visitor
    record (services/visitors.py) and, for an unverified visitor, the unverified ones that
    gave the same email. An unverified claim never reaches a verified visitor's, nor the
    reverse (docs/privacy.md)."""
    same = []
    if row["visitor_id"] is not None:
        same.append(sessions.c.visitor_id == row["visitor_id"])
    if row["visitor_email"] and not row["visitor_verified"]:
        same.append(and_(sessions.c.visitor_email == row["visitor_email"],
                         sessions.c.visitor_verified == false()))
    if not same:
        return []
    stmt = (_base(null()).where(sessions.c.widget_id == row["widget_id"], or_(*same),
                                sessions.c.id != row["id"])
            .order_by(sessions.c.created_at.desc(), sessions.c.id.desc()).limit(limit))
    return list((await conn.execute(stmt)).mappings())


async def team(conn: AsyncConnection, widget_ids: list[int]) -> list[tuple[RowMapping, list[str]]]:
    """The agents of these widgets and every admin, each with the site keys they work on
    (an admin works on every widget)."""
    if not widget_ids:
        return []
    rows = (await conn.execute(
        select(users.c.id, widget_configs.c.site_key)
        .join(widget_agents, widget_agents.c.user_id == users.c.id)
        .join(widget_configs, widget_configs.c.id == widget_agents.c.widget_id)
        .where(widget_agents.c.widget_id.in_(widget_ids)))).all()
    keys: dict[int, list[str]] = {}
    for user_id, site_key in rows:
        keys.setdefault(int(user_id), []).append(site_key)
    stmt = (select(users).where(or_(users.c.id.in_(list(keys)), users.c.role == "admin"))
            .order_by(users.c.display_name, users.c.id))
    return [(u, sorted(keys.get(u["id"], []))) for u in (await conn.execute(stmt)).mappings()]
