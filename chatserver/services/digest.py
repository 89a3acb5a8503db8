"""The daily digest of missed conversations: one email per person on a widget's team who
wants it (services/notify_prefs.py), listing their widgets' conversations of the 24 hours
before PARLEY_MAIL_DIGEST_HOUR (UTC) that nobody answered:

- handed to a person and never accepted (the visitor still waits, or left);
- an email left by the visitor that no agent's message has answered since.

Every serving process runs a `DigestScheduler` from its sweeper. Once the day's hour has
come (or at its first sweep after, if it was down then), it queues one `digest` row per
person, keyed `digest:<day>:<user id>`: several processes, or one restarted, queue each
person's digest once. The row is built when sent, from the database as it is then; a
digest with nothing in it is skipped.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import notify as db
from chatserver.db import users as users_db
from chatserver.mail.outgoing import Outgoing
from chatserver.mail.render import Brand, render
from chatserver.mail.strings import phrase
from chatserver.services import notify_prefs
from chatserver.services.outbox import enqueue
from chatserver.services.team_notify import (
    agent_link,
    quote,
    settings_link,
    team_email,
    visitor_label,
)
from chatserver.timeutil import iso, utcnow

log = logging.getLogger(__name__)

KIND = "digest"
# Conversations listed in one digest; the rest are counted ("and 12 more").
MAX_LISTED = 50
# A digest naming several widgets shows at most this many names in its header.
MAX_NAMES = 3


def period(day: date, hour: int) -> tuple[datetime, datetime]:
    """The 24 hours that the digest of `day` covers: up to that day's digest hour."""
    until = datetime.combine(day, time(hour))
    return until - timedelta(days=1), until


async def enqueue_digests(ctx: Context, day: date) -> int:
    """Queue the day's digest of everyone on a team who wants it; how many were new."""
    since, until = period(day, ctx.settings.mail_digest_hour)
    added = 0
    async with ctx.engine.begin() as conn:
        for user in await db.on_some_team(conn):
            if notify_prefs.wants(user, notify_prefs.DIGEST):
                added += await enqueue(
                    conn, ctx.settings, kind=KIND, key=f"digest:{day.isoformat()}:{user['id']}",
                    recipient=user["email"],
                    payload={"user_id": user["id"], "since": iso(since), "until": iso(until)})
    if added:
        log.info("digest of %s queued for %d people", day.isoformat(), added)
    return added


class DigestScheduler:
    """Queues each day's digests once per process, at or after the digest hour."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.done: date | None = None

    async def run(self, now: datetime | None = None) -> int:
        settings = self.ctx.settings
        now = now or utcnow()
        if not settings.mail_enabled or now.hour < settings.mail_digest_hour \
                or self.done == now.date():
            return 0
        added = await enqueue_digests(self.ctx, now.date())
        self.done = now.date()
        return added


def _parse(value: str) -> datetime:
    return datetime.fromisoformat(value.removesuffix("Z"))


def _brand(widgets: list[RowMapping]) -> Brand:
    """One widget's brand; for several, their names, the first's colour, and their language
    if they share one (else English)."""
    names = [w["business_name"] for w in widgets]
    name = ", ".join(names[:MAX_NAMES]) + (", …" if len(names) > MAX_NAMES else "")
    languages = {w["language"] or "en" for w in widgets}
    return Brand(name, widgets[0]["primary_color"],
                 languages.pop() if len(languages) == 1 else "en")


async def build_digest(ctx: Context, row: RowMapping) -> Outgoing | None:
    payload = row["payload"]
    since, until = _parse(payload["since"]), _parse(payload["until"])
    async with ctx.engine.connect() as conn:
        user = await users_db.get(conn, payload["user_id"])
        if user is None or not notify_prefs.wants(user, notify_prefs.DIGEST):
            return None
        widgets = await db.team_widgets(conn, user["id"])
        found = await db.missed(conn, [w["id"] for w in widgets], since, until,
                                MAX_LISTED + 1)
        if not found:
            return None
        firsts = {s["id"]: await db.first_visitor_message(conn, s["id"])
                  for s in found[:MAX_LISTED]}
    involved = [w for w in widgets if any(s["widget_id"] == w["id"] for s in found)]
    b = _brand(involved)
    items = [_item(ctx, b.language, s, firsts[s["id"]]) for s in found[:MAX_LISTED]]
    rendered = render("team_digest", b, count=len(items), items=items,
                      more=len(found) - len(items), since=_when(since), until=_when(until),
                      settings_link=settings_link(ctx.settings))
    return Outgoing(team_email(ctx.settings, rendered, [user["email"]]))


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _item(ctx: Context, language: str, session: RowMapping,
          first: str | None) -> dict[str, str | None]:
    if session["offline_email"]:
        what = phrase(language, "team_digest.email", email=session["offline_email"])
    elif session["status"] == "waiting":
        what = phrase(language, "team_digest.waiting")
    else:
        what = phrase(language, "team_digest.left")
    return {"visitor": visitor_label(session) or phrase(language, "team.anonymous"),
            "widget": session["widget_name"],
            "when": _when(session["escalated_at"] or session["created_at"]),
            "what": what, "first": quote(first) if first else None,
            "link": agent_link(ctx.settings, session)}


