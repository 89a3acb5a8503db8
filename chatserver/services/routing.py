"""Who answers a conversation: taking it from the queue (accept, or auto-assignment to the
least-busy agent with room), handing it to a colleague, and telling the queue's agents and
waiting visitors where things stand.

Like every service, these commit first and then publish events (chatserver/events.py); they
never name a socket.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.bus import session_channel, widget_channel
from chatserver.context import Context
from chatserver.db import sessions as db
from chatserver.db import users as users_db
from chatserver.db import widgets as widgets_db
from chatserver.domain import ENDED
from chatserver.errors import Conflict, Forbidden, NotFound, ParleyError, ValidationError
from chatserver.services import ai_live, labels, notes
from chatserver.services.access import Actor, sees_widget
from chatserver.services.publish import (
    cancel_ai_reply,
    follow,
    publish_frame,
    publish_message,
    unfollow,
)
from chatserver.services.sessions import add_system_message, agent_view, wait_estimate
from chatserver.services.users import avatar_url
from chatserver.timeutil import utcnow

log = logging.getLogger(__name__)


async def agent_session(conn: AsyncConnection, actor: Actor, session_id: str, *,
                         for_update: bool = True) -> RowMapping:
    """A session of a widget the agent works on; 404 otherwise."""
    row = await db.get(conn, session_id, for_update=for_update) \
        if isinstance(session_id, str) and len(session_id) <= 36 else None
    widget = await widgets_db.by_id(conn, row["widget_id"]) if row is not None else None
    if row is None or widget is None or not await sees_widget(conn, actor, widget):
        raise NotFound("no such session", code="session_not_found")
    return row


async def _capacity_left(ctx: Context, conn: AsyncConnection, agent_id: int) -> int:
    user = await users_db.get(conn, agent_id)
    limit = (user["max_chats"] if user else None) or ctx.settings.agent_max_chats
    return limit - (await db.active_counts(conn, [agent_id])).get(agent_id, 0)


def reachable(row: RowMapping) -> bool:
    """The visitor left an email: an ended conversation can still reach them, so it may be
    reopened (and is never abandoned)."""
    return bool(row["offline_email"] or row["visitor_email"])


async def accept(ctx: Context, actor: Actor, session_id: str, *,
                 reopen: bool = True) -> dict[str, Any]:
    """Take a waiting (or AI-handled) session. Exactly one agent wins a race: the update is
    conditional on the status, and the database decides. The agent's sockets are told the
    session is theirs. Taking a session from the AI stops it at once: its reply in flight is
    cancelled before the join is published, and the AI may store nothing once `ai_mode` is
    off (services/writer.py).

    A closed or abandoned session whose visitor left an email is reopened (unless `reopen` is
    False: a take-over from the AI), assigned to the agent (the reply reaches the visitor by
    email, or in the widget if it is open); without an email nobody could read the reply, and
    it stays ended (`conflict`)."""
    assert actor.id is not None
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            row = await agent_session(conn, actor, session_id, for_update=False)
            if row["assigned_agent_id"] == actor.id and row["status"] == "assigned":
                return agent_view(row)
            if await _capacity_left(ctx, conn, actor.id) <= 0:
                raise Conflict("you are at your limit of open chats", code="at_capacity")
            now = utcnow()
            if row["status"] in ENDED and reachable(row) and reopen:
                won = await db.update_session(
                    conn, session_id, only_status=ENDED, status="assigned",
                    assigned_agent_id=actor.id, accepted_at=row["accepted_at"] or now,
                    ai_mode=False, last_activity_at=now, closed_at=None, closed_by=None,
                    resolution=None)
                code = "reopened"
            else:
                won = await db.update_session(
                    conn, session_id, only_status=("waiting", "active"), status="assigned",
                    assigned_agent_id=actor.id, accepted_at=now, ai_mode=False,
                    last_activity_at=now)
                code = "taken_over" if row["status"] == "active" else "joined"
            if won:
                event = await add_system_message(conn, session_id, code,
                                                 agent=actor.display_name)
                updated = await db.get(conn, session_id)
        if not won:
            async with ctx.engine.connect() as conn:
                raise await _taken(conn, session_id)
        assert updated is not None
        await cancel_ai_reply(ctx, session_id)  # before the join: no AI text after it
        await publish_message(ctx, event)
    await agent_joined(ctx, session_id, actor.id, actor.display_name, event["seq"] - 1)
    if row["status"] == "active":
        await ai_live.ended(ctx, updated["widget_id"], session_id, "taken_over")
    await broadcast_queue(ctx, updated["widget_id"])
    log.info("session %s accepted by agent %s", session_id, actor.id)
    return agent_view(updated)


async def _taken(conn: AsyncConnection, session_id: str) -> ParleyError:
    row = await db.get(conn, session_id)
    if row is None or row["status"] in ENDED:
        return Conflict("this conversation has ended", code="conflict")
    name = None
    if row["assigned_agent_id"] is not None:
        user = await users_db.get(conn, row["assigned_agent_id"])
        name = user["display_name"] if user else None
    return Conflict(f"taken by {name}" if name else "already taken", code="conflict",
                    fields={"taken_by": name or ""})


async def transfer(ctx: Context, actor: Actor, session_id: str, to_agent_id: int, *,
                   note: str | None = None) -> dict[str, Any]:
    """Hand the conversation to a colleague; `note` (checked text) is stored as a private note
    in the same transaction, for the receiving agent."""
    assert actor.id is not None
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            row = await agent_session(conn, actor, session_id)
            check_in_charge(row, actor, "transfer")
            if to_agent_id == row["assigned_agent_id"]:
                raise ValidationError("that agent already has this conversation",
                                      code="same_agent")
            target = await users_db.get(conn, to_agent_id)
            if target is None or (not await widgets_db.is_member(conn, row["widget_id"],
                                                                to_agent_id) \
                    and target["role"] != "admin"):
                raise NotFound("no such agent on this widget", code="agent_not_found")
            if to_agent_id not in ctx.presence.online():
                raise Conflict(f"{target['display_name']} is not online", code="agent_offline")
            if await _capacity_left(ctx, conn, to_agent_id) <= 0:
                raise Conflict(f"{target['display_name']} is at their limit",
                               code="at_capacity")
            previous = row["assigned_agent_id"]
            await db.update_session(conn, session_id, assigned_agent_id=to_agent_id,
                                    last_activity_at=utcnow())
            event = await add_system_message(conn, session_id, "transfer", **{
                "from": actor.display_name, "to": target["display_name"]})
            written = None if note is None else await notes.write_note(
                ctx, conn, actor, row, note, f"transfer-{event['seq']}")
            updated = await db.get(conn, session_id)
        assert updated is not None
        await publish_message(ctx, event)
        if written is not None:
            await notes.published(ctx, written)
    await agent_left(ctx, session_id, previous, row["agent_name"], "transfer")
    await agent_joined(ctx, session_id, to_agent_id, target["display_name"], event["seq"] - 1,
                       target)
    log.info("session %s transferred from %s to %s", session_id, previous, to_agent_id)
    return agent_view(updated)


def check_in_charge(row: RowMapping, actor: Actor, doing: str) -> None:
    """Only the assigned agent (or an admin) may transfer or hand back a conversation."""
    if row["status"] != "assigned" or (row["assigned_agent_id"] != actor.id
                                       and not actor.is_admin):
        raise Forbidden(f"only the agent in the conversation can {doing} it",
                        code="not_assigned")


async def agent_joined(ctx: Context, session_id: str, agent_id: int, name: str,
                       from_seq: int, user: RowMapping | None = None) -> None:
    """Tell the session an agent joined (with their avatar, when they have one: from `user`,
    their row, when the caller has it), and the agent's sockets that the session is theirs
    (from `from_seq` on)."""
    agent: dict[str, Any] = {"id": agent_id, "display_name": name}
    if user is None:
        async with ctx.engine.connect() as conn:
            user = await users_db.get(conn, agent_id)
    if user is not None and user["avatar_id"]:
        agent["avatar_url"] = avatar_url(user["avatar_id"])
    await publish_frame(ctx, session_channel(session_id), {
        "type": "agent_joined", "session_id": session_id, "agent": agent})
    await follow(ctx, agent_id, session_id, from_seq)


async def agent_left(ctx: Context, session_id: str, agent_id: int, name: str | None,
                      reason: str) -> None:
    await publish_frame(ctx, session_channel(session_id), {
        "type": "agent_left", "session_id": session_id, "reason": reason,
        "agent": {"id": agent_id, "display_name": name}})
    await unfollow(ctx, agent_id, session_id)


async def auto_assign(ctx: Context, widget_id: int) -> bool:
    """With the auto_assign setting, give waiting sessions to the least-busy online agents of
    the widget who have room. True when it assigned any (the queue was re-broadcast)."""
    if not ctx.settings.auto_assign:
        return False
    assigned = False
    online = ctx.presence.online()
    async with ctx.engine.connect() as conn:
        waiting = await db.waiting_ids(conn, widget_id)
        members = [m for m in await widgets_db.members(conn, widget_id) if m["id"] in online]
        busy = await db.active_counts(conn, [m["id"] for m in members])
    for session_id in waiting:
        free = [(busy.get(m["id"], 0), m["id"], m) for m in members
                if busy.get(m["id"], 0) < (m["max_chats"] or ctx.settings.agent_max_chats)]
        if not free:
            break
        _load, agent_id, member = min(free, key=lambda f: (f[0], f[1]))
        try:
            await accept(ctx, Actor(id=agent_id, role=member["role"],
                                    display_name=member["display_name"]), session_id)
        except ParleyError:
            continue
        busy[agent_id] = busy.get(agent_id, 0) + 1
        assigned = True
    return assigned


async def broadcast_queue(ctx: Context, widget_id: int) -> None:
    """Tell the widget's agents the queue, and each waiting visitor their position."""
    async with ctx.engine.connect() as conn:
        widget = await widgets_db.by_id(conn, widget_id)
        if widget is None:
            return
        rows = await db.waiting_in(conn, [widget_id])
        estimates = [await wait_estimate(ctx, conn, widget_id, i + 1) for i in range(len(rows))]
        waiting = [agent_view(r) for r in rows]
        await labels.attach(conn, waiting)
    await publish_frame(ctx, widget_channel(widget_id), {
        "type": "queue_update", "widget": widget["site_key"], "waiting": waiting})
    for position, (row, (wait, online)) in enumerate(zip(rows, estimates, strict=True), 1):
        await publish_frame(ctx, session_channel(row["id"]), {
            "type": "queue_position", "session_id": row["id"], "position": position,
            "estimated_wait_s": wait, "agents_online": online})


async def assign_for(ctx: Context, agent_id: int) -> None:
    """An agent came online: offer them waiting sessions (auto_assign setting)."""
    if not ctx.settings.auto_assign:
        return
    async with ctx.engine.connect() as conn:
        ids = await widgets_db.visible_widget_ids(conn, agent_id)
    for widget_id in ids:
        await auto_assign(ctx, widget_id)


