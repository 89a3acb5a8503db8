"""Emails to a widget's team (docs/email.md, "What is sent when"): the causes queue them here,
in their own transaction; services/mail_team.py and services/digest.py build them when due.

- A visitor is handed to a person (`chat.escalate`): a `notify_waiting` row due
  PARLEY_NOTIFY_WAITING_S later, one per wait (keyed by the session and its escalated_at).
  When due it is sent only if the session is still waiting for that same escalation.
- A visitor leaves an email while the widget is outside its hours or none of its agents is
  online (`chat.leave_email`): a `notify_offline_email` row, due now, one per session and
  address.
- One `digest` row per user and day (services/digest.py).

The team of a widget is its agents and its owner; each gets an email only if their
notification settings say so (services/notify_prefs.py). One email per row: a single
recipient in To, several in Bcc (To is then the empty group "undisclosed-recipients:;"), so
no reply-all reaches the whole team. Team emails are in the widget's language (the agent
UI has none of its own), with its name and colour.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import notify as db
from chatserver.db import widgets as widgets_db
from chatserver.domain import ENDED
from chatserver.mail.render import Brand, Rendered, compose
from chatserver.services.hours import is_open
from chatserver.services.notify_prefs import wants
from chatserver.services.outbox import enqueue
from chatserver.timeutil import iso, utcnow

WAITING_KIND = "notify_waiting"
OFFLINE_EMAIL_KIND = "notify_offline_email"
# A message quoted in a team email is cut to this many characters.
QUOTE_CHARS = 500


async def on_escalated(ctx: Context, conn: AsyncConnection, session: RowMapping) -> bool:
    """A session just became `waiting` (in the caller's transaction): queue the reminder
    that goes out if nobody accepts within PARLEY_NOTIFY_WAITING_S (0: never)."""
    delay = ctx.settings.notify_waiting_s
    if not ctx.settings.mail_enabled or delay <= 0 or session["escalated_at"] is None:
        return False
    escalated = iso(session["escalated_at"])
    return await enqueue(conn, ctx.settings, kind=WAITING_KIND,
                         key=f"waiting:{session['id']}:{escalated}",
                         session_id=session["id"], widget_id=session["widget_id"],
                         payload={"escalated_at": escalated},
                         due_at=session["escalated_at"] + timedelta(seconds=delay))


async def on_email_left(ctx: Context, conn: AsyncConnection, session: RowMapping,
                        email: str) -> bool:
    """A visitor left `email` (in the caller's transaction): tell the team now if the widget
    is outside its hours or none of its agents is online."""
    if not ctx.settings.mail_enabled:
        return False
    widget = await widgets_db.by_id(conn, session["widget_id"])
    if widget is None:
        return False
    online = ctx.presence.online()
    anyone = any(m["id"] in online for m in await widgets_db.members(conn, widget["id"]))
    if anyone and is_open(widget, utcnow()):
        return False
    digest = hashlib.sha256(email.encode()).hexdigest()[:16]
    return await enqueue(conn, ctx.settings, kind=OFFLINE_EMAIL_KIND,
                         key=f"offline_email:{session['id']}:{digest}",
                         session_id=session["id"], widget_id=widget["id"],
                         payload={"email": email})


async def recipients(conn: AsyncConnection, widget_id: int, pref: str) -> list[str]:
    """The addresses of the widget's team who want the emails `pref`."""
    return [u["email"] for u in await db.team(conn, widget_id) if wants(u, pref)]


def brand(widget: RowMapping) -> Brand:
    return Brand(widget["business_name"], widget["primary_color"], widget["language"] or "en")


def agent_link(settings: Settings, session: RowMapping) -> str:
    """Where the agent UI shows this conversation: the inbox while it is live, the history
    once it ended."""
    base = settings.public_url.rstrip("/")
    page = "history" if session["status"] in ENDED else "chats"
    return f"{base}/agent/{page}/{session['id']}"


def settings_link(settings: Settings) -> str:
    return settings.public_url.rstrip("/") + "/agent/settings"


def visitor_label(session: RowMapping) -> str | None:
    """The visitor's name or address, on one line (it goes into a Subject), or None."""
    label = session["visitor_name"] or session["visitor_email"] or session["offline_email"]
    return " ".join(str(label).split())[:100] or None if label else None


def quote(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"


def team_email(settings: Settings, rendered: Rendered, to: list[str]) -> EmailMessage:
    """One email to the team: To for one address, Bcc for more. Marked as automatic (no
    out-of-office replies), with a List-Unsubscribe that opens the settings screen."""
    headers = {"Auto-Submitted": "auto-generated",
               "List-Unsubscribe": f"<{settings_link(settings)}>"}
    if len(to) == 1:
        return compose(rendered, sender=settings.mail_from, to=to[0], headers=headers)
    return compose(rendered, sender=settings.mail_from, to="undisclosed-recipients:;",
                   bcc=to, headers=headers)
