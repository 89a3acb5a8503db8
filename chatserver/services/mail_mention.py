"""Build the email to a teammate @mentioned in a private note (queued by services/notes.py
in the note's transaction). Nothing to send (the note, the conversation or the user is gone,
the user turned the `mention` email off since) is None, and the row is skipped. Like every
team email it is in the widget's language, with its name and colour."""

from __future__ import annotations

from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import notes as notes_db
from chatserver.db import sessions as sessions_db
from chatserver.db import users as users_db
from chatserver.db import widgets as widgets_db
from chatserver.mail.outgoing import Outgoing
from chatserver.mail.render import render
from chatserver.mail.strings import phrase
from chatserver.services.notify_prefs import MENTION, wants
from chatserver.services.team_notify import (
    agent_link,
    brand,
    quote,
    settings_link,
    team_email,
    visitor_label,
)


async def build_mention(ctx: Context, row: RowMapping) -> Outgoing | None:
    payload = row["payload"] or {}
    async with ctx.engine.connect() as conn:
        note = await notes_db.by_id(conn, int(payload.get("note_id", 0)))
        user = await users_db.get(conn, int(payload.get("user_id", 0)))
        session = await sessions_db.get(conn, note["session_id"]) if note else None
        widget = await widgets_db.by_id(conn, session["widget_id"]) if session else None
    if note is None or user is None or session is None or widget is None \
            or not wants(user, MENTION):
        return None
    b = brand(widget)
    rendered = render(
        "team_mention", b, author=" ".join(note["author_name"].split())[:100],
        visitor=visitor_label(session) or phrase(b.language, "team.anonymous"),
        note=quote(note["text"]), link=agent_link(ctx.settings, session),
        settings_link=settings_link(ctx.settings))
    return Outgoing(team_email(ctx.settings, rendered, [user["email"]]))
