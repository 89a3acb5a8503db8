"""When agent messages are mailed to the visitor: in batches, at most one pending per session.

The first agent message the visitor has not been mailed queues an `agent_reply` row due
PARLEY_MAIL_BATCH_S later, keyed on the session and its `mailed_seq`; the messages that follow
before it is sent find that key taken and queue nothing (the row's email is built when due,
from what is unseen then: services/mail_replies.py). Sending (or skipping) the batch moves
`mailed_seq` forward, so the next agent message makes a new key, a new batch.

This runs in the message writer's transaction with the session's row locked, and only for
agent messages in sessions that have an email: one INSERT IGNORE, no read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.config import Settings
from chatserver.services.outbox import enqueue

KIND = "agent_reply"


def has_email(session: Any) -> bool:
    return bool(session["offline_email"] or session["visitor_email"])


async def queue_batch(conn: AsyncConnection, settings: Settings, *, session_id: str,
                      widget_id: int, mailed_seq: int, first_at: datetime) -> bool:
    """Queue the session's next batch (nothing if it is queued already). `first_at`: when
    the first agent message not mailed yet was written."""
    return await enqueue(conn, settings, kind=KIND, key=f"reply:{session_id}:{mailed_seq}",
                         session_id=session_id, widget_id=widget_id,
                         due_at=first_at + timedelta(seconds=settings.mail_batch_s))
