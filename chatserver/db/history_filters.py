"""The history's filters as SQL conditions on `sessions` (services/history_filters.py reads
them from a request or a saved view; db/inbox.py's search applies them).

Each condition is either on a column of `sessions` covered by an index (widget and status,
the agent, the closing time) or a correlated EXISTS on a table keyed by the session (a label:
session_labels' primary key; a file: uploads' session_id index), so a filter narrows the rows
read rather than the rows returned.

Plans seen on MariaDB 10.11 (40,000 sessions, 5 widgets, a label on one in five): a label reads
session_labels by (label_id, session_id) and then sessions by primary key; a widget walks
closed_at's index newest first; an agent reads (assigned_agent_id, status); dates read a range
of closed_at; "has attachments" reads uploads by message_id and joins sessions by key. Rating
alone has no index: it filters the rows the widget and status index reads, as the unfiltered
history does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, false, or_, select

from chatserver.db.schema import session_labels, sessions, uploads, widget_configs


@dataclass(frozen=True)
class HistoryFilter:
    """What the history is narrowed to; every part left empty matches everything."""

    q: str | None = None
    # Conversations carrying every one of these labels.
    labels: tuple[int, ...] = ()
    status: str | None = None
    widget: str | None = None  # a site key
    agent: int | None = None
    no_agent: bool = False  # handled by the AI alone (never assigned)
    ratings: tuple[int, ...] = ()
    unrated: bool = False
    # Closed at or after `since`, before `until` (UTC).
    since: datetime | None = None
    until: datetime | None = None
    has_attachments: bool | None = None


def conditions(flt: HistoryFilter) -> list[Any]:
    out: list[Any] = []
    for label_id in flt.labels:
        out.append(exists().where(session_labels.c.session_id == sessions.c.id,
                                  session_labels.c.label_id == label_id).correlate(sessions))
    if flt.status is not None:
        out.append(sessions.c.status == flt.status)
    if flt.widget is not None:
        out.append(sessions.c.widget_id.in_(
            select(widget_configs.c.id).where(widget_configs.c.site_key == flt.widget)
            .scalar_subquery()))
    if flt.no_agent:
        out.append(sessions.c.assigned_agent_id.is_(None))
    elif flt.agent is not None:
        out.append(sessions.c.assigned_agent_id == flt.agent)
    if flt.ratings or flt.unrated:
        rated = sessions.c.rating.in_(flt.ratings) if flt.ratings else false()
        out.append(or_(rated, sessions.c.rating.is_(None)) if flt.unrated else rated)
    if flt.since is not None:
        out.append(sessions.c.closed_at >= flt.since)
    if flt.until is not None:
        out.append(sessions.c.closed_at < flt.until)
    if flt.has_attachments is not None:
        # Files sent with a message (not uploads still unsent or orphaned).
        sent = exists().where(and_(uploads.c.session_id == sessions.c.id,
                                   uploads.c.message_id.is_not(None))).correlate(sessions)
        out.append(sent if flt.has_attachments else ~sent)
    return out
