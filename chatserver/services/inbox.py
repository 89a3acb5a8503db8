"""What the agent inbox reads besides the live socket: the history of ended conversations,
one conversation with what is known of its visitor, and the team to transfer to."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import inbox as db
from chatserver.db import labels as labels_db
from chatserver.db import session_context as context_db
from chatserver.db import sessions as sessions_db
from chatserver.db import users as users_db
from chatserver.db import widgets as widgets_db
from chatserver.db.history_filters import HistoryFilter, conditions
from chatserver.services import labels, visitor_context
from chatserver.services.access import Actor, access_session, visible_widget_ids
from chatserver.services.sessions import agent_view
from chatserver.services.users import public as public_user

QUERY_MAX = 200
# How many of a visitor's earlier conversations the details show.
PREVIOUS_MAX = 10


def _summary(row: RowMapping) -> dict[str, Any]:
    out = agent_view(row)
    out["agent_name"] = row["agent_name"]
    out["close_note"] = row["close_note"]
    out["closed_by"] = row["closed_by"]
    out["match"] = (row["match"] or "")[:300] or None
    return out


async def search_history(ctx: Context, actor: Actor, *, query: str | None, limit: int,
                         offset: int, flt: HistoryFilter | None = None) -> dict[str, Any]:
    """Ended (closed or abandoned) conversations of the actor's widgets, newest first, with
    their labels; narrowed by the filter (services/history_filters.py) when given."""
    flt = flt or HistoryFilter()
    async with ctx.engine.connect() as conn:
        ids = await visible_widget_ids(conn, actor)
        rows = await db.search_ended(conn, ids, query=query or flt.q, limit=limit + 1,
                                     offset=offset, where=conditions(flt))
        page = [_summary(r) for r in rows[:limit]]
        await labels.attach(conn, page)
    more = len(rows) > limit
    return {"sessions": page, "has_more": more, "next_offset": offset + limit if more else None}


async def session_details(ctx: Context, actor: Actor, session_id: str) -> dict[str, Any]:
    """A session of the actor's widgets in the agents' view, with the visitor's other
    conversations on the same widget (db.inbox.earlier_of_visitor)."""
    async with ctx.engine.connect() as conn:
        found = await access_session(conn, None, session_id, actor=actor)
        row = await sessions_db.get(conn, found["id"])
        assert row is not None
        previous = await db.earlier_of_visitor(conn, row, PREVIOUS_MAX)
        user = None if row["assigned_agent_id"] is None \
            else await users_db.get(conn, row["assigned_agent_id"])
        widget = await widgets_db.by_id(conn, row["widget_id"])
        tags = await labels_db.of_sessions(conn, [row["id"]])
        context = await context_db.get(conn, row["id"])
    agent = {"id": user["id"], "display_name": user["display_name"]} if user else None
    session = agent_view(row)
    session["close_note"] = row["close_note"]
    session["closed_by"] = row["closed_by"]
    session["widget_name"] = widget["business_name"] if widget else ""
    session["labels"] = [labels.view(r) for r in tags.get(row["id"], [])]
    session["visitor_context"] = visitor_context.view(context)
    return {"session": session, "agent": agent,
            "previous_sessions": [_summary(r) for r in previous]}


async def team(ctx: Context, actor: Actor) -> list[dict[str, Any]]:
    """The agents who share a widget with the actor, and the admins, with their presence."""
    async with ctx.engine.connect() as conn:
        ids = await visible_widget_ids(conn, actor)
        members = await db.team(conn, ids)
        busy = await sessions_db.active_counts(conn, [u["id"] for u, _ in members])
    out = []
    for user, keys in members:
        entry = public_user(user)
        del entry["email"]
        entry.update(widgets=keys, status=ctx.presence.status.get(user["id"], "offline"),
                     active_chats=busy.get(user["id"], 0),
                     max_chats=user["max_chats"] or ctx.settings.agent_max_chats)
        out.append(entry)
    return out
