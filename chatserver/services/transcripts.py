"""The `transcript` email: the whole conversation (visitor, assistant and agent messages,
system events as small grey lines) in the widget's brand and language, to the visitor's
email. Asked by the visitor when they end the conversation (the widget's checkbox, a `close`
frame with `transcript: true`) or by an agent from the inbox (REST).

A request is keyed on the session and its last seq: asking twice (a double click, the
visitor and an agent both) for the same conversation queues one email. The email shows the
conversation up to the request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import messages as messages_db
from chatserver.db import outbox as outbox_db
from chatserver.db import replies as db
from chatserver.errors import Conflict
from chatserver.mail.outgoing import Outgoing
from chatserver.mail.render import Brand, compose, render
from chatserver.mail.strings import phrase
from chatserver.services.access import Actor, access_session
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
from chatserver.services.outbox import enqueue

KIND = "transcript"
# Messages a transcript shows at most (the link opens the rest).
MAX_MESSAGES = 1000


async def queue_transcript(conn: AsyncConnection, settings: Settings,
                           session: Mapping[Any, Any]) -> bool:
    """Queue the transcript of `session` (a row with id, widget_id and last_seq) in the
    caller's transaction; False when mail is off or it is queued already."""
    return await enqueue(conn, settings, kind=KIND, key=transcript_key(session),
                         session_id=session["id"], widget_id=session["widget_id"],
                         payload={"up_to": session["last_seq"]})


def transcript_key(session: Mapping[Any, Any]) -> str:
    return f"transcript:{session['id']}:{session['last_seq']}"


async def request_transcript(ctx: Context, actor: Actor, session_id: str) -> dict[str, Any]:
    """An agent who can see the session mails its transcript to the visitor."""
    async with ctx.engine.begin() as conn:
        row = await access_session(conn, None, session_id, actor=actor)  # first: 404 if not theirs
        if not ctx.settings.mail_enabled:
            raise Conflict("email is not set up on this server", code="mail_disabled")
        if not recipient_of(row):
            raise Conflict("the visitor left no email address", code="no_email")
        queued = await queue_transcript(conn, ctx.settings, row)
        row_id = await outbox_db.id_by_key(conn, transcript_key(row))
    return {"id": row_id, "session_id": session_id, "queued": queued}


async def build(ctx: Context, row: RowMapping) -> Outgoing | None:
    session_id = row["session_id"]
    async with ctx.engine.connect() as conn:
        session = await db.session_for_mail(conn, session_id)
        if session is None or recipient_of(session) is None:
            return None
        up_to = int(row["payload"].get("up_to") or session["last_seq"])
        rows = await messages_db.after(conn, session_id, 0, MAX_MESSAGES)
    brand = brand_of(session)
    messages = [_item(m, session, brand) for m in rows if m["seq"] <= up_to]
    rendered = render("transcript", brand, messages=messages,
                      link=conversation_link(ctx, session_id),
                      can_reply=bool(ctx.settings.mail_reply_domain))
    to = recipient_of(session)
    assert to is not None
    headers = {**thread_headers(ctx.settings, session_id), "Auto-Submitted": "auto-generated"}
    return Outgoing(compose(rendered, sender=sender(ctx.settings, brand.name), to=to,
                            reply_to=reply_to(ctx.settings, session_id), headers=headers))


def _item(m: RowMapping, session: RowMapping, brand: Brand) -> dict[str, Any]:
    kind = m["sender_type"]
    if kind == "visitor":
        name = phrase(brand.language, "you")
    elif kind == "ai":
        name = m["sender_name"] or phrase(brand.language, "assistant")
    else:
        name = m["sender_name"] or brand.name
    return {"name": name, "time": local_time(m["created_at"], session["timezone"]),
            "text": m["text"], "type": kind, "files": files_of(m)}
