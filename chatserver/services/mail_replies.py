"""The `agent_reply` email: the agents' messages the visitor has not seen, mailed together
when their batch is due (services/reply_batch.py queues it).

Built when due, from the database as it is then (so across processes): the agent messages
above both the visitor's seen mark (`visitor_seen_seq`, moved by their `seen` frames) and
what was mailed before (`mailed_seq`). None left: the visitor read them in the widget, the
row is skipped. Either way `mailed_seq` moves past the messages dealt with, and an agent
message written meanwhile (it found this batch's key taken) gets the next batch at once.

A person wrote these messages, so the email has no Auto-Submitted header (the visitor's
auto-responder may answer it, and the answer lands in the conversation like any reply), and
no List-Unsubscribe: it is the conversation itself, which the visitor started.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import replies as db
from chatserver.mail.outgoing import Outgoing
from chatserver.mail.render import compose, render
from chatserver.services.mail_common import (
    brand_of,
    conversation_link,
    files_of,
    local_time,
    recipient_of,
    reply_to,
    sender,
    thread_headers,
)
from chatserver.services.reply_batch import KIND, queue_batch

__all__ = ["KIND", "build"]

log = logging.getLogger(__name__)

# Messages one email carries at most (the link opens the whole conversation); the rest are
# the next batch's.
MAX_MESSAGES = 50


async def build(ctx: Context, row: RowMapping) -> Outgoing | None:
    session_id = row["session_id"]
    async with ctx.engine.connect() as conn:
        session = await db.session_for_mail(conn, session_id)
        if session is None:
            return None
        mark = max(session["visitor_seen_seq"], session["mailed_seq"])
        unseen = await db.agent_messages_after(conn, session_id, mark, MAX_MESSAGES)
    to = recipient_of(session)
    if not unseen or to is None:
        up_to = session["visitor_seen_seq"] if to is not None else session["last_seq"]
        async with ctx.engine.begin() as conn:
            await settle(conn, ctx.settings, session, up_to)
        log.info("outbox %s: session %s has no unseen agent message to mail", row["id"],
                 session_id)
        return None
    brand = brand_of(session)
    messages = [message_item(m, session, brand.name) for m in unseen]
    rendered = render("agent_reply", brand, messages=messages,
                      link=conversation_link(ctx, session_id),
                      can_reply=bool(ctx.settings.mail_reply_domain))
    message = compose(rendered, sender=sender(ctx.settings, brand.name), to=to,
                      reply_to=reply_to(ctx.settings, session_id),
                      headers=thread_headers(ctx.settings, session_id))
    last = unseen[-1]["seq"]

    async def on_sent(conn: AsyncConnection) -> None:
        await settle(conn, ctx.settings, session, last)

    return Outgoing(message, on_sent)


def message_item(m: RowMapping, session: RowMapping, fallback: str) -> dict[str, Any]:
    return {"name": m["sender_name"] or fallback, "time": local_time(m["created_at"],
                                                                     session["timezone"]),
            "text": m["text"], "type": m["sender_type"], "files": files_of(m)}


async def settle(conn: AsyncConnection, settings: Settings, session: RowMapping,
                 up_to: int) -> None:
    """Agent messages up to `up_to` are dealt with: move `mailed_seq` there, and queue the
    next batch for any agent message after it (in the caller's transaction, the session's
    row locked like the writer's, so a message the writer stores meanwhile is either seen
    here or finds the new key free)."""
    session_id = session["id"]
    marks = await db.lock_marks(conn, session_id)
    if marks is None:
        return
    top = await db.last_agent_seq(conn, session_id, up_to)
    mailed = max(marks["mailed_seq"], top)
    if mailed > marks["mailed_seq"]:
        await db.raise_mailed(conn, session_id, mailed)
    following = await db.first_agent_message_after(conn, session_id, mailed)
    if following is not None:
        await queue_batch(conn, settings, session_id=session_id,
                          widget_id=session["widget_id"], mailed_seq=mailed,
                          first_at=following["created_at"])
