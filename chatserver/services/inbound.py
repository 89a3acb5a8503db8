"""A visitor's reply by email becomes a visitor message in its conversation (the listener,
chatserver/mail/listener.py, reads the email and calls `receive`).

- Idempotent: the message's client_msg_id derives from the email's Message-ID, so an MTA that
  delivers again (after a 451, or a lost answer) stores nothing twice.
- An email reply answers a human thread: a closed or abandoned conversation is reopened (with
  a system message) and put in the waiting queue with the reason `email_reply`; one the AI
  was handling is handed to a person the same way; a waiting one stays in the queue; an
  assigned one just gets the message, which its agent sees on their socket.
- The sender is not an identity: anyone who has the (signed) reply address may write. A reply
  from an address other than the visitor's known email is still posted (people reply from a
  work or phone account) and the message's meta records ``{"via": "email", "from": …}``;
  every emailed message carries ``"via": "email"``.
- At most MAX_MAILS_PER_HOUR emails per conversation an hour (450 past that: the MTA tries
  again later, so a burst is slowed down rather than lost).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy.engine import RowMapping

from chatserver.bus import session_channel
from chatserver.context import Context
from chatserver.db import messages as messages_db
from chatserver.db import sessions as db
from chatserver.db import widgets as widgets_db
from chatserver.domain import ENDED, SessionStatus
from chatserver.errors import Conflict
from chatserver.events import MessageView
from chatserver.mail.inbound import (
    InboundMail,
    NoSuchConversation,
    TooManyMails,
    TryAgain,
    fit,
)
from chatserver.services.chat import send_message
from chatserver.services.hours import is_open
from chatserver.services.publish import cancel_ai_reply, publish_frame, publish_message
from chatserver.services.routing import auto_assign, broadcast_queue
from chatserver.services.sessions import add_system_message, message_view, position_of
from chatserver.services.system_texts import SYSTEM_TEXTS
from chatserver.timeutil import utcnow

log = logging.getLogger(__name__)

# A person writes a few emails an hour to one conversation; a loop between two auto-
# responders or a mail bomb writes hundreds.
MAX_MAILS_PER_HOUR = 20
REASON = "email_reply"
REOPENED = SYSTEM_TEXTS["email_reopened"].english


async def receive(ctx: Context, session_id: str, mail: InboundMail, *,
                  _redirected: bool = False) -> MessageView:
    """Post the reply as a visitor message (once), handing the conversation to a person."""
    cid = mail.client_msg_id
    async with ctx.engine.connect() as conn:
        row = await db.get(conn, session_id)
        if row is None or row["erased_at"] is not None:  # erased: nothing of them comes back
            raise NoSuchConversation(f"session {session_id} is gone")
        stored = await messages_db.by_client_id(conn, session_id, cid)
        if stored is not None:  # delivered before: the same answer, nothing new
            return message_view(stored)
        recent = await messages_db.count_since(conn, session_id, "mail-",
                                               utcnow() - timedelta(hours=1))
    if recent >= MAX_MAILS_PER_HOUR:
        raise TooManyMails(f"{recent} emails to session {session_id} in the last hour")
    known = {row["visitor_email"], row["offline_email"]} - {None}
    meta: dict[str, str] = {"via": "email"}
    if mail.sender not in known:
        meta["from"] = mail.sender
    try:
        handed = await _to_a_person(ctx, session_id)
    except Conflict as exc:
        if exc.code != "visitor_has_open_conversation" or _redirected:
            raise TryAgain(f"session {session_id}: {exc.code}") from None
        # A reply to an ended conversation while the visitor has another open: it belongs
        # there (at most one is open), as a message of that conversation.
        async with ctx.engine.connect() as conn:
            open_row = await db.open_of_visitor(conn, row["visitor_id"])
        if open_row is None:  # ended in between: reopening may work now
            raise TryAgain(f"session {session_id}: {exc.code}") from None
        return await receive(ctx, open_row["id"], mail, _redirected=True)
    try:
        msg, _created = await send_message(
            ctx, session_id, sender_type="visitor", client_msg_id=cid, meta=meta,
            text=fit(mail.text, ctx.settings.max_message_chars))
    except Conflict as exc:  # closed between the reopening and the message: try again
        raise TryAgain(f"session {session_id}: {exc.code}") from None
    if handed is not None:
        await _announce(ctx, handed)
    elif row["status"] == SessionStatus.WAITING:
        # The queue shows the last message; and on a retry after a failure between the
        # reopening and the message, auto-assignment gets its turn now.
        await _assign_or_broadcast(ctx, row["widget_id"])
    return msg


async def _to_a_person(ctx: Context, session_id: str) -> RowMapping | None:
    """Reopen an ended conversation, or take one from the AI, into the waiting queue; the
    session as it is now when it changed, None when it was already with people."""
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            row = await db.get(conn, session_id, for_update=True)
            if row is None or row["erased_at"] is not None:
                raise NoSuchConversation(f"session {session_id} is gone")
            if row["status"] not in (*ENDED, SessionStatus.ACTIVE):
                return None
            now = utcnow()
            reopen = row["status"] in ENDED
            values = {"closed_at": None, "closed_by": None, "resolution": None,
                      "assigned_agent_id": None, "accepted_at": None} if reopen else {}
            await db.update_session(conn, session_id, status="waiting", escalated_at=now,
                                    escalation_reason=REASON, ai_mode=False,
                                    last_activity_at=now, **values)
            event = await add_system_message(
                conn, session_id, "email_reopened" if reopen else "email_escalated")
            updated = await db.get(conn, session_id)
        assert updated is not None
        await publish_message(ctx, event)
    log.info("session %s %s by an email reply", session_id,
             "reopened" if reopen else "handed to a person")
    return updated


async def _announce(ctx: Context, row: RowMapping) -> None:
    """As an escalation does: `escalated` to the session's sockets, then an agent (with
    auto-assignment) or the queue's broadcast."""
    async with ctx.engine.connect() as conn:
        position = await position_of(ctx, conn, row)
        widget = await widgets_db.by_id(conn, row["widget_id"])
    open_now = widget is None or is_open(widget, utcnow())
    await publish_frame(ctx, session_channel(row["id"]), {
        "type": "escalated", "session_id": row["id"], "reason": REASON,
        "agents_online": position["agents_online"] or 0,
        "offline": not position["agents_online"] or not open_now,
        "outside_hours": not open_now})
    await cancel_ai_reply(ctx, row["id"])
    await _assign_or_broadcast(ctx, row["widget_id"])


async def _assign_or_broadcast(ctx: Context, widget_id: int) -> None:
    if not await auto_assign(ctx, widget_id):
        await broadcast_queue(ctx, widget_id)
