"""Counting queries shared by `chatctl stats`, the REST overview and analytics."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import messages, sessions, widget_configs


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
