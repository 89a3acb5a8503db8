"""The conversations the AI is handling, as the widget's agents see them live: the list, and
the events that move a conversation into it (a visitor writes to the AI, an agent hands back)
and out of it (escalated, taken over, closed, abandoned). An agent may watch one (read it as
it happens, without writing) before taking it over (routing.accept).

Like every service, these publish frames on the bus after the change is committed; which
sockets get them is the socket layer's business (widget channels: the widget's agents)."""

from __future__ import annotations

from typing import Any

from chatserver.bus import widget_channel
from chatserver.context import Context
from chatserver.db import ai_sessions as db
from chatserver.db import sessions as sessions_db
from chatserver.domain import ENDED
from chatserver.errors import Conflict
from chatserver.outage import is_unavailable, outage_log
from chatserver.services.access import Actor, access_session, visible_widget_ids
from chatserver.services.publish import publish_frame
from chatserver.services.sessions import agent_view

# Why a conversation left the list (`ai_session_ended.reason`).
ENDED_REASONS = ("escalated", "taken_over", "closed", "abandoned")


async def ai_sessions(ctx: Context, actor: Actor) -> list[dict[str, Any]]:
    """The AI-handled conversations of the widgets the actor works on."""
    async with ctx.engine.connect() as conn:
        ids = await visible_widget_ids(conn, actor)
        return [agent_view(r) for r in await db.handled_in(conn, ids)]


async def announce(ctx: Context, session_id: str) -> None:
    """The session is (still) the AI's: its line in the list, new or updated (the visitor's
    newest question), to the widget's agents. A database outage here loses the line only
    (the message that caused it is already stored): the next one, or a reconnect, brings it."""
    try:
        async with ctx.engine.connect() as conn:
            row = await db.handled(conn, session_id)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        outage_log("the AI list's line", exc)
        return
    if row is not None:
        await publish_frame(ctx, widget_channel(row["widget_id"]), {
            "type": "ai_session", "widget": row["site_key"], "session": agent_view(row)})


async def ended(ctx: Context, widget_id: int, session_id: str, reason: str) -> None:
    """The AI no longer handles the session: it leaves the list."""
    assert reason in ENDED_REASONS
    await publish_frame(ctx, widget_channel(widget_id), {
        "type": "ai_session_ended", "session_id": session_id, "reason": reason})


async def watch(ctx: Context, actor: Actor, session_id: str) -> dict[str, Any]:
    """A session the agent may read as it happens (one of their widgets', with the AI or
    waiting for a person): its view. 404 for another widget's, `conflict` when it ended or
    another agent has it."""
    async with ctx.engine.connect() as conn:
        await access_session(conn, None, session_id, actor=actor)
        row = await db.list_row(conn, session_id)
    assert row is not None
    if row["status"] in ENDED:
        raise Conflict("this conversation has ended", code="conflict")
    if row["status"] == "assigned" and row["assigned_agent_id"] != actor.id:
        async with ctx.engine.connect() as conn:
            full = await sessions_db.get(conn, session_id)
        name = full["agent_name"] if full is not None else None
        raise Conflict(f"taken by {name}" if name else "already taken", code="conflict",
                       fields={"taken_by": name or ""})
    return agent_view(row)
