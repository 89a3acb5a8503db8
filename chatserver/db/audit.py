"""SQL for the audit log of admin actions (services/audit.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from chatserver.db.schema import audit_log


@dataclass(frozen=True)
class AuditFilter:
    """What a page of the log is narrowed to; None = any."""

    actor_type: str | None = None
    actor_id: int | None = None
    actor_name: str | None = None
    action_prefix: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive
    before_id: int | None = None  # the cursor: entries older than this one


async def insert_entry(conn: AsyncConnection, **values: Any) -> int:
    result = await conn.execute(insert(audit_log).values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def _like_prefix(prefix: str) -> str:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _conditions(f: AuditFilter) -> list[ColumnElement[bool]]:
    c = audit_log.c
    found: list[ColumnElement[bool]] = []
    if f.actor_type is not None:
        found.append(c.actor_type == f.actor_type)
    if f.actor_id is not None:
        found.append(c.actor_id == f.actor_id)
    if f.actor_name is not None:
        found.append(c.actor_name == f.actor_name)
    if f.action_prefix:
        found.append(c.action.like(_like_prefix(f.action_prefix), escape="\\"))
    if f.target_type is not None:
        found.append(c.target_type == f.target_type)
    if f.target_id is not None:
        found.append(c.target_id == f.target_id)
    if f.since is not None:
        found.append(c.created_at >= f.since)
    if f.until is not None:
        found.append(c.created_at < f.until)
    if f.before_id is not None:
        found.append(c.id < f.before_id)
    return found


async def page(conn: AsyncConnection, f: AuditFilter, limit: int) -> list[RowMapping]:
    """Up to `limit` entries matching `f`, newest (highest id) first."""
    stmt = (select(audit_log).where(*_conditions(f))
            .order_by(audit_log.c.id.desc()).limit(limit))
    return list((await conn.execute(stmt)).mappings())
