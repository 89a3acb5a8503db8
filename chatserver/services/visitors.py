"""Visitors (docs/privacy.md, "Visitors and their conversations"): the widget's home (a
visitor's conversations) and reopening one. Which visitor a device or an identity is:
services/visitor_records.py.

At most one conversation per visitor is open: a unique index decides (sessions.open_visitor_id),
so two tabs starting a conversation at the same instant get the same one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import sessions as sessions_db
from chatserver.db import visitors as db
from chatserver.db import widgets as widgets_db
from chatserver.domain import ENDED
from chatserver.errors import Forbidden, NotFound
from chatserver.services import identity
from chatserver.services import visitor_records as records
from chatserver.services.access import Actor, access_session
from chatserver.services.publish import publish_message
from chatserver.services.sessions import add_system_message, visitor_view
from chatserver.timeutil import iso, utcnow

# How many conversations the widget's home lists (newest first).
CONVERSATIONS_LISTED = 20


async def home(ctx: Context, widget: RowMapping, device_token: str | None,
               identity_token: object) -> dict[str, Any]:
    """What the widget's home shows when the visitor opens it: their conversations. A verified
    visitor's device gets its device token here (opening the widget is an interaction); an
    anonymous visitor without a device token has none yet (nothing is made for them)."""
    current = await records.of_device(ctx, widget["id"], device_token)
    visitor_id: str | None = None
    token: str | None = None
    if identity_token is not None and identity_token != "":
        who = identity.resolve(widget, ctx.settings.secret_key, identity_token,
                               claims_name=False)
        assert who is not None
        visitor_id = await records.verified(ctx, widget["id"], who)
        token = await records.device(ctx, visitor_id, current, device_token)
    elif current is not None and current["user_id"] is None:
        visitor_id, token = str(current["id"]), device_token
    if visitor_id is None:
        return {"visitor_token": None, "verified": False, "open_session_id": None,
                "conversations": []}
    async with ctx.engine.connect() as conn:
        rows = await db.conversations(conn, visitor_id, CONVERSATIONS_LISTED)
    return {
        "visitor_token": token,
        "verified": identity_token is not None and identity_token != "",
        "open_session_id": next((r["id"] for r in rows if r["status"] not in ENDED), None),
        "conversations": [{"session_id": r["id"], "status": r["status"],
                           "created_at": iso(r["created_at"]),
                           "last_activity_at": iso(r["last_activity_at"]),
                           "last_seq": r["last_seq"],
                           "last_message": (r["last_message"] or "")[:140] or None}
                          for r in rows],
    }


async def reopen(ctx: Context, site_key: str, session_id: str, *, visitor_token: str | None,
                 actor: Actor | None = None) -> dict[str, Any]:
    """The visitor reopens an ended conversation of theirs (to the AI when the widget has it,
    as a new conversation would start). Refused with `visitor_has_open_conversation` while
    another is open (the unique index decides); an open one is returned as it is. Only the
    visitor: an agent of the widget is refused (403 visitor_only; agents reopen by accepting),
    anyone else learns nothing (404)."""
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            row = await access_session(conn, site_key, session_id, visitor_token=visitor_token,
                                       actor=actor, for_update=True)
            if visitor_token is None:
                raise Forbidden("only the visitor reopens here; agents accept the conversation",
                                code="visitor_only")
            if row["status"] not in ENDED:
                return visitor_view(row)
            widget = await widgets_db.by_id(conn, row["widget_id"])
            if widget is None:
                raise NotFound("no such widget", code="widget_not_found")
            now = utcnow()
            await sessions_db.update_session(
                conn, session_id, only_status=ENDED, status="active", ai_mode=bool(widget["ai_enabled"]),
                assigned_agent_id=None, closed_at=None, closed_by=None, resolution=None,
                last_activity_at=now)
            event = await add_system_message(conn, session_id, "visitor_reopened")
            updated = await sessions_db.get(conn, session_id)
        assert updated is not None
        await publish_message(ctx, event)
    return visitor_view(updated)
