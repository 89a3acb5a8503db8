"""The outbox as admins see it (the admin UI's Mail page, `chatctl mail`): counts, the rows
of a status, sending failed emails again, and the test email.

Apart from services/outbox.py, which the chat's hot path imports (it must stay light)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import outbox as db
from chatserver.errors import BadRequest, Conflict, NotFound
from chatserver.mail.smtp import send
from chatserver.services.access import Actor, require_admin
from chatserver.services.audit import record
from chatserver.services.mail_kinds import test_message
from chatserver.services.outbox import enqueue, message_id
from chatserver.timeutil import iso, utcnow
from chatserver.validate import is_email

# What an admin sees of the outbox (the admin UI's Mail page, `chatctl mail queue`).
STATUSES = ("pending", "failed", "sent", "skipped")
LIST_MAX = 500


def view(row: RowMapping) -> dict[str, Any]:
    """A row as the API shows it (never its payload, which may hold conversation text)."""
    return {"id": row["id"], "kind": row["kind"], "recipient": row["recipient"],
            "status": row["status"], "attempts": row["attempts"], "due_at": iso(row["due_at"]),
            "created_at": iso(row["created_at"]), "sent_at": iso(row["sent_at"]),
            "last_error": row["last_error"], "session_id": row["session_id"],
            "leased": row["lease_until"] is not None and row["lease_until"] > utcnow()}


async def counts(ctx: Context, actor: Actor) -> dict[str, int]:
    """Rows per status, every status named (0 when none)."""
    require_admin(actor)
    async with ctx.engine.connect() as conn:
        found = await db.counts(conn)
    return {status: found.get(status, 0) for status in STATUSES}


async def list_rows(ctx: Context, actor: Actor, status: str, limit: int) -> dict[str, Any]:
    require_admin(actor)
    if status not in STATUSES:
        raise BadRequest(f"status must be one of {', '.join(STATUSES)}", code="invalid_status")
    async with ctx.engine.connect() as conn:
        rows = await db.list_rows(conn, status, max(1, min(limit, LIST_MAX)))
        found = await db.counts(conn)
    return {"counts": {s: found.get(s, 0) for s in STATUSES}, "rows": [view(r) for r in rows]}


async def retry(ctx: Context, actor: Actor, row_id: int) -> dict[str, Any]:
    """A failed (or pending) row back to pending, due now, its attempts counted afresh."""
    require_admin(actor)
    async with ctx.engine.begin() as conn:
        row = await db.get(conn, row_id)
        if row is None:
            raise NotFound("no such email in the outbox", code="outbox_not_found")
        if row["status"] not in ("failed", "pending"):
            raise Conflict(f"email {row_id} is {row['status']}: only failed or pending emails "
                           "can be retried", code="outbox_not_retryable")
        await db.retry(conn, [row_id], utcnow())
        await record(conn, actor, "outbox.retry", "outbox", row_id,
                     {"kind": row["kind"], "was": row["status"]})
        row = await db.get(conn, row_id)
    assert row is not None
    return view(row)


async def retry_failed(ctx: Context, actor: Actor) -> int:
    """Every failed row back to pending, due now; how many."""
    require_admin(actor)
    async with ctx.engine.begin() as conn:
        count = await db.retry(conn, None, utcnow())
        if count:
            await record(conn, actor, "outbox.retry_failed", "outbox", None, {"count": count})
    return count


async def send_test(settings: Settings, to: str) -> str:
    """Send the test email now, not through the outbox; the SMTP server's answer, or
    DeliveryError (with its answer or the connection error)."""
    if not settings.mail_enabled:
        raise BadRequest("mail is not configured: set PARLEY_SMTP_HOST (and PARLEY_MAIL_FROM, "
                         "PARLEY_PUBLIC_URL); see docs/email.md", code="mail_disabled")
    if not is_email(to):
        raise BadRequest(f"not an email address: {to!r}", code="invalid_email")
    message = test_message(settings, to)
    message["Message-ID"] = message_id(settings)
    return await send(settings, message)


async def queue_test(ctx: Context, actor: Actor, to: str) -> int:
    """Queue the test email in the outbox (a running server's sender delivers it); its id."""
    require_admin(actor)
    if not ctx.settings.mail_enabled:
        raise BadRequest("mail is not configured: set PARLEY_SMTP_HOST", code="mail_disabled")
    if not is_email(to):
        raise BadRequest(f"not an email address: {to!r}", code="invalid_email")
    key = f"test:{uuid.uuid4().hex}"
    async with ctx.engine.begin() as conn:
        await enqueue(conn, ctx.settings, kind="test", key=key, recipient=to)
        row_id = await db.id_by_key(conn, key)
    assert row_id is not None
    return row_id
