"""Build the team's emails about one conversation when their outbox row is due (the causes
and the rules are in services/team_notify.py): a visitor still waiting, a visitor who left
an email while nobody could answer. Nothing to send (somebody accepted, nobody on the team
wants it) is None, and the row is skipped."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import notify as db
from chatserver.db import sessions as sessions_db
from chatserver.db import widgets as widgets_db
from chatserver.mail.outgoing import Outgoing
from chatserver.mail.render import render
from chatserver.mail.strings import phrase
from chatserver.services import notify_prefs
from chatserver.services.team_notify import (
    agent_link,
    brand,
    quote,
    recipients,
    settings_link,
    team_email,
    visitor_label,
)
from chatserver.timeutil import iso, utcnow

# Messages of the conversation quoted in the "left an email" email.
CONVERSATION_TAIL = 6


async def build_waiting(ctx: Context, row: RowMapping) -> Outgoing | None:
    """Sent when the visitor is still waiting for the escalation that queued the row, and
    the team has not just been told that they left an email (that email says it all)."""
    async with ctx.engine.connect() as conn:
        session = await sessions_db.get(conn, row["session_id"]) if row["session_id"] else None
        if session is None or session["status"] != "waiting" \
                or iso(session["escalated_at"]) != row["payload"].get("escalated_at"):
            return None
        if session["offline_email"] and await db.email_notified_since(
                conn, session["id"], session["escalated_at"]):
            return None
        widget = await widgets_db.by_id(conn, session["widget_id"])
        to = await recipients(conn, session["widget_id"], notify_prefs.WAITING)
        if widget is None or not to:
            return None
        first = await db.first_visitor_message(conn, session["id"])
        tail = [m for m in await db.conversation(conn, session["id"], 20)
                if m["sender_type"] == "visitor"]
    b = brand(widget)
    waited_s = (utcnow() - session["escalated_at"]).total_seconds()
    last = tail[-1]["text"] if tail else None
    rendered = render(
        "team_waiting", b, visitor=visitor_label(session) or phrase(b.language, "team.anonymous"),
        email=session["visitor_email"] or session["offline_email"],
        minutes=max(1, round(waited_s / 60)), first=quote(first),
        last=quote(last) if last and last != first else None,
        link=agent_link(ctx.settings, session), settings_link=settings_link(ctx.settings))
    return Outgoing(team_email(ctx.settings, rendered, to))


async def build_offline_email(ctx: Context, row: RowMapping) -> Outgoing | None:
    """Sent unless the visitor has since given another address (its own row tells) or an
    agent has taken the conversation."""
    async with ctx.engine.connect() as conn:
        session = await sessions_db.get(conn, row["session_id"]) if row["session_id"] else None
        if session is None or session["offline_email"] != row["payload"].get("email") \
                or session["status"] == "assigned":
            return None
        widget = await widgets_db.by_id(conn, session["widget_id"])
        to = await recipients(conn, session["widget_id"], notify_prefs.OFFLINE_EMAIL)
        if widget is None or not to:
            return None
        tail = await db.conversation(conn, session["id"], CONVERSATION_TAIL)
    b = brand(widget)
    lines = [(_sender(b.language, m), quote(m["text"])) for m in tail]
    rendered = render(
        "team_offline_email", b,
        visitor=visitor_label(session) or phrase(b.language, "team.anonymous"),
        email=session["offline_email"], note=session["offline_note"], lines=lines,
        link=agent_link(ctx.settings, session), settings_link=settings_link(ctx.settings))
    return Outgoing(team_email(ctx.settings, rendered, to))


def _sender(language: str, message: Any) -> str:
    if message["sender_type"] == "agent":
        return str(message["sender_name"] or phrase(language, "team.sender.agent"))
    return phrase(language, f"team.sender.{message['sender_type']}")


