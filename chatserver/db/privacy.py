"""The SQL of a visitor's export and erasure (services/privacy.py) and of retention
(services/retention.py).

The erasure walks the schema instead of naming tables: every table with a foreign key to
``sessions.id`` loses the erased conversations' rows (but the ones in KEPT_TABLES), and every
text or JSON column of ``sessions`` is blanked but the ones in SESSION_KEPT. A table or a column
added later is erased without a change here; one that must survive says so below.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    String,
    Table,
    Text,
    cast,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db import uploads as uploads_db
from chatserver.db.schema import metadata, outbox, sessions, uploads, visitors, widget_configs
from chatserver.domain import ENDED

# Rows about a conversation that hold nothing personal and that the figures use: kept.
KEPT_TABLES = {"session_labels"}
# The columns of sessions that say what happened, not who it was: kept on erasure, so the
# analytics (services/analytics.py reads only sessions rows) count the same afterwards.
SESSION_KEPT = {"id", "status", "escalation_reason", "resolution", "closed_by"}


@dataclass(frozen=True)
class VisitorQuery:
    """Who to find: ``kind`` is email, user_id or session_id (later: visitor_id); a user id is
    one widget's (``widget_id``), an email or a session may be narrowed to one widget."""

    kind: str
    value: str
    widget_id: int | None = None


def session_references() -> list[Column[Any]]:
    """Every column of the schema that refers to a session, in table creation order."""
    out = []
    for table in metadata.sorted_tables:
        for col in table.c:
            if any(fk.column is sessions.c.id for fk in col.foreign_keys):
                out.append(col)
    return out


def _prechat_holds(info: Any, email: str) -> bool:
    answers = (info or {}).get("prechat") if isinstance(info, dict) else None
    return isinstance(answers, dict) and any(
        isinstance(v, str) and v.strip().lower() == email for v in answers.values())


async def session_ids_for(conn: AsyncConnection, q: VisitorQuery) -> list[str]:
    """The conversations a query names, oldest first (the one place to teach a new kind)."""
    s = sessions.c
    conds: list[Any] = [s.erased_at.is_(None)]
    if q.widget_id is not None:
        conds.append(s.widget_id == q.widget_id)
    if q.kind == "session_id":
        conds.append(s.id == q.value)
    elif q.kind == "user_id":
        conds.append(s.visitor_user_id == q.value)
    elif q.kind == "email":
        email = q.value.lower()
        # The JSON text holds the answer as json.dumps wrote it (non-ASCII escaped).
        needle = json.dumps(email)[1:-1].replace("\\", "\\\\").replace("%", "\\%") \
            .replace("_", "\\_")
        in_info = func.lower(cast(s.visitor_info, Text)).like(f"%{needle}%", escape="\\")
        conds.append(or_(func.lower(s.visitor_email) == email,
                         func.lower(s.offline_email) == email, in_info))
    else:
        raise ValueError(q.kind)
    rows = (await conn.execute(select(s.id, s.visitor_email, s.offline_email, s.visitor_info)
                               .where(*conds).order_by(s.created_at, s.id))).all()
    email = q.value.lower()
    found = [r.id for r in rows if q.kind != "email"
             or (r.visitor_email or "").lower() == email or (r.offline_email or "").lower() == email
             or _prechat_holds(r.visitor_info, email)]
    return await _with_their_visitors(conn, found)


async def _with_their_visitors(conn: AsyncConnection, ids: list[str]) -> list[str]:
    """The conversations and every other conversation of the same visitors (their visitor
    records: services/visitors.py), oldest first."""
    if not ids:
        return []
    s = sessions.c
    of = select(s.visitor_id).where(s.id.in_(ids), s.visitor_id.is_not(None))
    rows = (await conn.execute(select(s.id).where(
        s.erased_at.is_(None), or_(s.id.in_(ids), s.visitor_id.in_(of)))
        .order_by(s.created_at, s.id))).all()
    return [r.id for r in rows]


async def session_rows(conn: AsyncConnection, ids: list[str]) -> list[RowMapping]:
    if not ids:
        return []
    stmt = (select(sessions, widget_configs.c.site_key, widget_configs.c.business_name)
            .join(widget_configs, widget_configs.c.id == sessions.c.widget_id)
            .where(sessions.c.id.in_(ids)).order_by(sessions.c.created_at, sessions.c.id))
    return list((await conn.execute(stmt)).mappings())


async def rows_of(conn: AsyncConnection, table: Table, ids: list[str],
                  order: str = "id") -> list[RowMapping]:
    """The rows of `table` about these sessions (by its session_id column)."""
    if not ids:
        return []
    stmt = select(table).where(table.c.session_id.in_(ids))
    if order in table.c:
        stmt = stmt.order_by(table.c.session_id, table.c[order])
    return list((await conn.execute(stmt)).mappings())


def emails_of(rows: list[RowMapping]) -> set[str]:
    """Every email address these sessions hold (visitor, offline, pre-chat answers)."""
    out: set[str] = set()
    for r in rows:
        for value in (r["visitor_email"], r["offline_email"]):
            if value:
                out.add(value.strip().lower())
        answers = (r["visitor_info"] or {}).get("prechat") \
            if isinstance(r["visitor_info"], dict) else None
        for value in (answers or {}).values():
            if isinstance(value, str) and "@" in value and len(value) <= 255:
                out.add(value.strip().lower())
    return out


def _blank(col: Column[Any]) -> Any:
    """What an erased column of sessions holds."""
    if col.name == "visitor_token_hash":  # nobody holds the token of a random hash
        return secrets.token_hex(32)
    if col.nullable:
        return None
    return {} if isinstance(col.type, JSON) else ""


def _personal_session_values(now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {
        col.name: _blank(col) for col in sessions.c
        if col.name not in SESSION_KEPT and col.computed is None
        and isinstance(col.type, String | Text | JSON)}
    values["visitor_verified"] = False
    values["erased_at"] = now
    return values


async def claim(conn: AsyncConnection, ids: list[str], now: datetime) -> list[str]:
    """Mark these sessions erased, one by one; the ones not erased before (by another process
    or an earlier run) are this transaction's to erase. The row locks (MariaDB) or the write
    lock (SQLite) make two erasures of one session take turns."""
    mine = []
    for sid in ids:
        done = await conn.execute(update(sessions).where(sessions.c.id == sid,
                                                         sessions.c.erased_at.is_(None))
                                  .values(erased_at=now))
        if done.rowcount:
            mine.append(sid)
    return mine


async def erase(conn: AsyncConnection, ids: list[str], emails: set[str],
                now: datetime) -> tuple[dict[str, int], list[str]]:
    """Erase claimed sessions: delete every row that refers to them (files' rows first), the
    outbox rows addressed to `emails`, and blank the sessions' personal fields. Returns the
    counts per table and the stored objects to delete once committed."""
    counts: dict[str, int] = {}
    files = await uploads_db.of_sessions(conn, ids)
    keys = uploads_db.keys(files)
    if ids:
        await uploads_db.delete_ids(conn, [f["id"] for f in files])
        counts["uploads"] = len(files)
        for col in session_references():
            table = col.table
            if table.name in KEPT_TABLES or table is uploads:
                continue
            n = (await conn.execute(delete(table).where(col.in_(ids)))).rowcount
            counts[table.name] = counts.get(table.name, 0) + max(n, 0)
        their = {v for (v,) in (await conn.execute(
            select(sessions.c.visitor_id).where(sessions.c.id.in_(ids),
                                                sessions.c.visitor_id.is_not(None)))).all()}
        await conn.execute(update(sessions).where(sessions.c.id.in_(ids))
                           .values(**_personal_session_values(now)))
        # A visitor record left with no conversation goes, with its device tokens (retention
        # may erase a visitor's old conversations only: then the record stays).
        if their:
            n = (await conn.execute(delete(visitors).where(
                visitors.c.id.in_(sorted(their)),
                ~exists().where(sessions.c.visitor_id == visitors.c.id)))).rowcount
            counts["visitors"] = max(n, 0)
    if emails:
        n = (await conn.execute(delete(outbox).where(
            func.lower(outbox.c.recipient).in_(sorted(emails))))).rowcount
        counts["outbox"] = counts.get("outbox", 0) + max(n, 0)
    counts["sessions"] = len(ids)
    return counts, keys


async def retention_widgets(conn: AsyncConnection) -> list[RowMapping]:
    stmt = (select(widget_configs.c.id, widget_configs.c.site_key,
                   widget_configs.c.retention_days)
            .where(widget_configs.c.retention_days.is_not(None)).order_by(widget_configs.c.id))
    return list((await conn.execute(stmt)).mappings())


def _expired(widget_id: int, cutoff: datetime) -> list[Any]:
    s = sessions.c
    return [s.widget_id == widget_id, s.status.in_(ENDED), s.erased_at.is_(None),
            or_(s.closed_at < cutoff, s.closed_at.is_(None) & (s.last_activity_at < cutoff))]


async def expired_ids(conn: AsyncConnection, widget_id: int, cutoff: datetime,
                      limit: int) -> list[str]:
    """Ended conversations of a widget whose end is before `cutoff`, not yet erased."""
    stmt = (select(sessions.c.id).where(*_expired(widget_id, cutoff))
            .order_by(sessions.c.closed_at, sessions.c.id).limit(limit))
    return list((await conn.execute(stmt)).scalars())


async def count_expired(conn: AsyncConnection, widget_id: int, cutoff: datetime) -> int:
    stmt = select(func.count()).select_from(sessions).where(*_expired(widget_id, cutoff))
    return int((await conn.execute(stmt)).scalar() or 0)

