"""Counting queries shared by `chatctl stats`, the REST overview and analytics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, case, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import messages, sessions, users, widget_configs
from chatserver.domain import OPEN


def _count_if(cond: Any) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


async def per_widget(conn: AsyncConnection, widget_ids: list[int] | None = None,
                     since: datetime | None = None,
                     until: datetime | None = None) -> list[dict[str, Any]]:
    """Sessions, escalations and outcomes per widget (every visible widget, zeros included)."""
    s = sessions.c
    conds = [s.widget_id == widget_configs.c.id]
    if since is not None:
        conds.append(s.created_at >= since)
    if until is not None:
        conds.append(s.created_at < until)
    sess = (select(
        widget_configs.c.id, widget_configs.c.site_key, widget_configs.c.business_name,
        func.count(s.id).label("sessions"),
        _count_if(s.escalated_at.is_not(None)).label("escalations"),
        _count_if(s.status == "waiting").label("waiting"),
        _count_if(s.status == "assigned").label("assigned"),
        _count_if(s.status == "active").label("active"),
        _count_if(s.status == "closed").label("closed"),
        _count_if(s.resolution == "ai_resolved").label("ai_resolved"),
        _count_if(s.resolution == "agent_resolved").label("agent_resolved"),
        _count_if(s.resolution == "abandoned").label("abandoned"),
    ).select_from(widget_configs.outerjoin(sessions, and_(*conds)))
        .group_by(widget_configs.c.id, widget_configs.c.site_key,
                  widget_configs.c.business_name).order_by(widget_configs.c.id))
    if widget_ids is not None:
        sess = sess.where(widget_configs.c.id.in_(widget_ids))
    rows = [dict(r) for r in (await conn.execute(sess)).mappings()]

    m = messages.c
    msg = (select(s.widget_id, func.count(m.id)).select_from(
        messages.join(sessions, m.session_id == s.id)).group_by(s.widget_id))
    if since is not None:
        msg = msg.where(m.created_at >= since)
    if until is not None:
        msg = msg.where(m.created_at < until)
    if widget_ids is not None:
        msg = msg.where(s.widget_id.in_(widget_ids))
    counts = {wid: int(n) for wid, n in (await conn.execute(msg)).all()}
    for row in rows:
        row["messages"] = counts.get(row["id"], 0)
        for key, value in row.items():
            if key not in ("site_key", "business_name"):
                row[key] = int(value)
    return rows


def totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    keys = [k for k in (rows[0] if rows else {}) if k not in ("id", "site_key", "business_name")]
    return {k: sum(r[k] for r in rows) for k in keys} if rows else {
        k: 0 for k in ("sessions", "escalations", "waiting", "assigned", "active", "closed",
                       "ai_resolved", "agent_resolved", "abandoned", "messages")}


# --- analytics: the admin UI's charts and `chatctl stats` read these -----------------------

# Sessions are counted in quarter-hour buckets of their start (UTC): every time zone's offset
# from UTC is a whole number of quarter hours, so the service can put each bucket in the right
# local day and hour of any zone without reading one row per session.
BUCKET_S = 900


def _bucket(conn: AsyncConnection, column: Any) -> Any:
    """The quarter hour since the epoch that a naive UTC timestamp falls in."""
    seconds: Any
    if conn.dialect.name == "sqlite":
        seconds = func.cast(func.strftime("%s", column), Integer)
    else:  # arithmetic, so the connection's time_zone setting cannot shift it
        seconds = func.timestampdiff(literal_column("SECOND"),
                                     literal_column("'1970-01-01 00:00:00'"), column)
    return seconds // BUCKET_S


def _in_range(widget_ids: list[int] | None, since: datetime, until: datetime) -> list[Any]:
    s = sessions.c
    conds = [s.created_at >= since, s.created_at < until]
    if widget_ids is not None:
        conds.append(s.widget_id.in_(widget_ids))
    return conds


async def outcome_buckets(conn: AsyncConnection, widget_ids: list[int] | None,
                          since: datetime, until: datetime) -> list[dict[str, Any]]:
    """Sessions started in [since, until), counted per quarter hour, resolution (None while
    open) and whether they were escalated."""
    s = sessions.c
    bucket = _bucket(conn, s.created_at)
    escalated = case((s.escalated_at.is_not(None), 1), else_=0)
    stmt = (select(bucket.label("bucket"), s.resolution, escalated.label("escalated"),
                   func.count().label("n"))
            .where(*_in_range(widget_ids, since, until))
            .group_by(bucket, s.resolution, escalated))
    return [{"bucket": int(r.bucket), "resolution": r.resolution,
             "escalated": bool(r.escalated), "n": int(r.n)}
            for r in (await conn.execute(stmt)).all()]


async def escalation_reasons(conn: AsyncConnection, widget_ids: list[int] | None,
                             since: datetime, until: datetime) -> dict[str, int]:
    """Escalated sessions started in [since, until), by escalation reason."""
    s = sessions.c
    stmt = (select(s.escalation_reason, func.count())
            .where(*_in_range(widget_ids, since, until), s.escalated_at.is_not(None))
            .group_by(s.escalation_reason))
    return {reason or "unknown": int(n) for reason, n in (await conn.execute(stmt)).all()}


async def ratings(conn: AsyncConnection, widget_ids: list[int] | None,
                  since: datetime, until: datetime) -> dict[int, int]:
    """Rated sessions started in [since, until), by rating (1-5)."""
    s = sessions.c
    stmt = (select(s.rating, func.count())
            .where(*_in_range(widget_ids, since, until), s.rating.is_not(None))
            .group_by(s.rating))
    return {int(rating): int(n) for rating, n in (await conn.execute(stmt)).all()}


async def handled(conn: AsyncConnection, widget_ids: list[int] | None,
                  since: datetime, until: datetime) -> list[dict[str, Any]]:
    """One row per session started in [since, until) that an agent accepted: the times the
    wait and first-response medians are computed from, its agent and rating."""
    s = sessions.c
    stmt = (select(s.created_at, s.escalated_at, s.accepted_at, s.first_agent_reply_at,
                   s.assigned_agent_id, s.rating, users.c.display_name)
            .select_from(sessions.outerjoin(users, users.c.id == s.assigned_agent_id))
            .where(*_in_range(widget_ids, since, until), s.accepted_at.is_not(None))
            .order_by(s.created_at))
    return [dict(r) for r in (await conn.execute(stmt)).mappings()]


async def open_counts(conn: AsyncConnection, widget_ids: list[int] | None) -> dict[str, int]:
    """Sessions not yet closed, by status (active: with the AI; waiting; assigned)."""
    s = sessions.c
    stmt = (select(s.status, func.count()).where(s.status.in_(OPEN))
            .group_by(s.status))
    if widget_ids is not None:
        stmt = stmt.where(s.widget_id.in_(widget_ids))
    counts = {"active": 0, "waiting": 0, "assigned": 0}
    counts.update({status: int(n) for status, n in (await conn.execute(stmt)).all()})
    return counts


async def oldest_waiting(conn: AsyncConnection, widget_ids: list[int] | None) -> datetime | None:
    """When the longest-waiting session was escalated."""
    s = sessions.c
    stmt = select(func.min(s.escalated_at)).where(s.status == "waiting")
    if widget_ids is not None:
        stmt = stmt.where(s.widget_id.in_(widget_ids))
    value: datetime | None = (await conn.execute(stmt)).scalar()
    return value
