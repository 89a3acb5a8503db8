"""The durable outbox: what Parley sends to another system leaves from here.

A cause (a visitor leaving an email, an agent's message, a conversation closing) calls
`enqueue` inside its own transaction, so the row exists exactly when the cause does. A row's
`key` names its cause, so doing the same thing twice queues one email. The sender
(services/outbox_sender.py) claims due rows, builds each one's email from the database at
that moment (services/mail_kinds.py) and delivers it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.config import Settings
from chatserver.db import outbox as db
from chatserver.timeutil import utcnow


def message_id(settings: Settings) -> str:
    """A Message-ID for a new row, kept with it: every attempt sends the same one."""
    domain = settings.mail_from.rpartition("@")[2].strip("> ") or "parley.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


async def enqueue(conn: AsyncConnection, settings: Settings, *, kind: str, key: str,
                  session_id: str | None = None, widget_id: int | None = None,
                  recipient: str | None = None, payload: dict[str, Any] | None = None,
                  due_at: datetime | None = None) -> bool:
    """Queue an email in the caller's transaction; nothing when mail is off. True when a
    row was added (False: mail is off, or this key is queued already)."""
    if not settings.mail_enabled:
        return False
    now = utcnow()
    return await db.insert_once(
        conn, kind=kind, key=key[:191], session_id=session_id, widget_id=widget_id,
        recipient=recipient, payload=payload or {}, status="pending", attempts=0,
        due_at=due_at or now, message_id=message_id(settings), created_at=now)
