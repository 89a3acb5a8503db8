"""Conversation actions shared by sockets, REST and the CLI: send, accept, transfer, close…

Each action commits to the database first, then publishes what happened on the bus; the
database is the source of truth and a publish is only a notification.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.bus import session_channel, user_channel, widget_channel
from chatserver.context import Context
from chatserver.db import sessions as db
from chatserver.db import users as users_db
from chatserver.db import widgets as widgets_db
from chatserver.errors import Conflict, Forbidden, NotFound, ParleyError, ValidationError
from chatserver.services.access import Actor, access_session, sees_widget
from chatserver.services.hours import is_open
from chatserver.services.sessions import (
    ESCALATION_REASONS,
    add_system_message,
    agent_view,
    message_view,
    position_of,
    wait_estimate,
)
from chatserver.services.writer import Send
from chatserver.timeutil import utcnow
from chatserver.validate import clean_text, is_email

log = logging.getLogger(__name__)

CLIENT_MSG_ID_MAX = 64


def check_text(ctx: Context, raw: Any) -> str:
    if not isinstance(raw, str):
        raise ValidationError("text must be a string", code="invalid_message")
    text = clean_text(raw)
    if not text:
        raise ValidationError("the message is empty", code="empty_message")
    if len(text) > ctx.settings.max_message_chars:
        raise ValidationError(f"messages are at most {ctx.settings.max_message_chars} characters",
                              code="message_too_long")
    return text


def check_client_msg_id(raw: Any) -> str:
    if not isinstance(raw, str) or not 1 <= len(raw) <= CLIENT_MSG_ID_MAX \
            or not all(c.isalnum() or c in "-_:." for c in raw):
        raise ValidationError("client_msg_id must be 1-64 letters, digits, '-', '_', ':' or '.'",
                              code="invalid_client_msg_id")
    return raw


def ack(msg: dict[str, Any]) -> dict[str, Any]:
    return {"type": "ack", "session_id": msg["session_id"], "client_msg_id": msg["client_msg_id"],
            "id": msg["id"], "seq": msg["seq"]}


async def publish_frame(ctx: Context, channel: str, frame: dict[str, Any],
                        exclude: str | None = None) -> None:
    await ctx.bus.publish(channel, {"frame": frame, "exclude": exclude})


async def publish_message(ctx: Context, msg: dict[str, Any], exclude: str | None = None) -> None:
    await publish_frame(ctx, session_channel(msg["session_id"]), {"type": "message", **msg},
                        exclude)


async def send_message(ctx: Context, session_id: str, *, sender_type: str, text: str,
                       client_msg_id: str, sender_id: int | None = None,
                       sender_name: str | None = None, exclude: str | None = None,
                       meta: dict[str, Any] | None = None) -> tuple[dict[str, Any], bool]:
    """Persist a message (or find its earlier copy) and publish it. Returns (message, created).

    Concurrent sends are committed together (group commit, services/writer.py)."""
    send = Send(session_id=session_id, client_msg_id=client_msg_id, sender_type=sender_type,
                text=text, sender_id=sender_id, sender_name=sender_name, meta=meta)
    row, created = await ctx.writer.submit(send)
    msg = message_view(row)
    if created:
        await publish_message(ctx, msg, exclude)
    # Only when the AI owns the conversation: no task or query per message in human chats.
    if created and sender_type == "visitor" and send.ai_turn \
            and ctx.on_visitor_message is not None:
        ctx.on_visitor_message(ctx, session_id)
    return msg, created


async def _system(ctx: Context, conn: AsyncConnection, session_id: str, text: str,
                  kind: str) -> dict[str, Any]:
    return await add_system_message(conn, session_id, text, kind)


async def _agent_session(conn: AsyncConnection, actor: Actor, session_id: str, *,
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


async def accept(ctx: Context, actor: Actor, session_id: str,
                 exclude: str | None = None) -> dict[str, Any]:
    """Take a waiting (or AI-handled) session. Exactly one agent wins a race: the update is
    conditional on the status, and the database decides. The agent's other sockets (all but
    `exclude`, the one that accepted) are told the session is theirs."""
    assert actor.id is not None
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            row = await _agent_session(conn, actor, session_id, for_update=False)
            if row["assigned_agent_id"] == actor.id and row["status"] == "assigned":
                return agent_view(row)
            if await _capacity_left(ctx, conn, actor.id) <= 0:
                raise Conflict("you are at your limit of open chats", code="at_capacity")
            now = utcnow()
            won = await db.update_session(
                conn, session_id, only_status=("waiting", "active"), status="assigned",
                assigned_agent_id=actor.id, accepted_at=now, ai_mode=False,
                last_activity_at=now)
            if won:
                event = await _system(ctx, conn, session_id,
                                      f"{actor.display_name} joined the conversation.", "joined")
                updated = await db.get(conn, session_id)
        if not won:
            async with ctx.engine.connect() as conn:
                raise await _taken(conn, session_id)
        assert updated is not None
        await publish_message(ctx, event)
    await _agent_joined(ctx, session_id, actor.id, actor.display_name, event["seq"] - 1,
                        exclude)
    await ctx.bus.publish(session_channel(session_id), {"kind": "ai_cancel",
                                                        "session_id": session_id})
    await broadcast_queue(ctx, updated["widget_id"])
    log.info("session %s accepted by agent %s", session_id, actor.id)
    return agent_view(updated)


async def _taken(conn: AsyncConnection, session_id: str) -> ParleyError:
    row = await db.get(conn, session_id)
    if row is None or row["status"] in ("closed", "abandoned"):
        return Conflict("this conversation has ended", code="conflict")
    name = None
    if row["assigned_agent_id"] is not None:
        user = await users_db.get(conn, row["assigned_agent_id"])
        name = user["display_name"] if user else None
    return Conflict(f"taken by {name}" if name else "already taken", code="conflict",
                    fields={"taken_by": name or ""})


async def transfer(ctx: Context, actor: Actor, session_id: str, to_agent_id: int) -> dict[str, Any]:
    assert actor.id is not None
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            row = await _agent_session(conn, actor, session_id)
            _check_in_charge(row, actor, "transfer")
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
            event = await _system(ctx, conn, session_id,
                                  f"{actor.display_name} transferred the conversation to "
                                  f"{target['display_name']}.", "transfer")
            updated = await db.get(conn, session_id)
        assert updated is not None
        await publish_message(ctx, event)
    await _agent_left(ctx, session_id, previous, row["agent_name"], "transfer")
    await _agent_joined(ctx, session_id, to_agent_id, target["display_name"], event["seq"] - 1)
    log.info("session %s transferred from %s to %s", session_id, previous, to_agent_id)
    return agent_view(updated)


async def hand_back(ctx: Context, actor: Actor, session_id: str) -> dict[str, Any]:
    """The agent leaves and the AI answers again."""
    assert actor.id is not None
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            row = await _agent_session(conn, actor, session_id)
            _check_in_charge(row, actor, "hand back")
            await db.update_session(conn, session_id, status="active", ai_mode=True,
                                    assigned_agent_id=None, last_activity_at=utcnow())
            event = await _system(ctx, conn, session_id,
                                  "The assistant is back in the conversation.", "hand_back")
            updated = await db.get(conn, session_id)
        assert updated is not None
        await publish_message(ctx, event)
    await _agent_left(ctx, session_id, row["assigned_agent_id"], row["agent_name"], "hand_back")
    return agent_view(updated)


def _check_in_charge(row: RowMapping, actor: Actor, doing: str) -> None:
    """Only the assigned agent (or an admin) may transfer or hand back a conversation."""
    if row["status"] != "assigned" or (row["assigned_agent_id"] != actor.id
                                       and not actor.is_admin):
        raise Forbidden(f"only the agent in the conversation can {doing} it",
                        code="not_assigned")


async def _agent_joined(ctx: Context, session_id: str, agent_id: int, name: str,
                        from_seq: int, exclude: str | None = None) -> None:
    """Tell the session an agent joined, and the agent's sockets that the session is theirs
    (from `from_seq` on; `exclude` is the socket that asked and knows already)."""
    await publish_frame(ctx, session_channel(session_id), {
        "type": "agent_joined", "session_id": session_id,
        "agent": {"id": agent_id, "display_name": name}})
    await ctx.bus.publish(user_channel(agent_id), {"kind": "join", "session_id": session_id,
                                                   "from_seq": from_seq, "exclude": exclude})


async def _agent_left(ctx: Context, session_id: str, agent_id: int, name: str | None,
                      reason: str) -> None:
    await publish_frame(ctx, session_channel(session_id), {
        "type": "agent_left", "session_id": session_id, "reason": reason,
        "agent": {"id": agent_id, "display_name": name}})
    await ctx.bus.publish(user_channel(agent_id), {"kind": "leave", "session_id": session_id})


def _resolution(row: RowMapping, by: str) -> str:
    if row["accepted_at"] is not None:
        return "agent_resolved"
    if row["status"] == "waiting":
        return "abandoned"
    return "ai_resolved" if by != "system" else "abandoned"


async def close(ctx: Context, session_id: str, *, by: str, actor: Actor | None = None,
                note: str | None = None, rating: int | None = None) -> dict[str, Any]:
    """Close a conversation (by the visitor, an agent or the system). A visitor may rate it,
    also after an agent closed it."""
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int)
                               or not 1 <= rating <= 5):
        raise ValidationError("rating is a whole number from 1 to 5", code="invalid_rating",
                              fields={"rating": "must be 1-5"})
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            if actor is not None:
                row = await _agent_session(conn, actor, session_id)
                if row["status"] == "assigned" and row["assigned_agent_id"] != actor.id \
                        and not actor.is_admin:
                    raise Forbidden("another agent has this conversation", code="not_assigned")
            else:
                found = await db.get(conn, session_id, for_update=True)
                if found is None:
                    raise NotFound("no such session", code="session_not_found")
                row = found
            if row["status"] in ("closed", "abandoned"):
                if rating is not None and by == "visitor":
                    await db.update_session(conn, session_id, rating=rating)
                return {"session_id": session_id, "status": row["status"], "rating": rating}
            now = utcnow()
            await db.update_session(conn, session_id, status="closed", closed_at=now,
                                    closed_by=by, resolution=_resolution(row, by),
                                    rating=rating, close_note=(note or "")[:2000] or None,
                                    ai_mode=False, last_activity_at=now)
            event = await _system(ctx, conn, session_id, "The conversation was closed.",
                                  "closed")
        await publish_message(ctx, event)
    await publish_frame(ctx, session_channel(session_id),
                        {"type": "session_closed", "session_id": session_id, "by": by})
    await ctx.bus.publish(session_channel(session_id), {"kind": "ai_cancel",
                                                        "session_id": session_id})
    if row["assigned_agent_id"] is not None:
        await ctx.bus.publish(user_channel(row["assigned_agent_id"]),
                              {"kind": "leave", "session_id": session_id})
    if row["status"] == "waiting":
        await broadcast_queue(ctx, row["widget_id"])
    elif row["assigned_agent_id"] is not None:
        await auto_assign(ctx, row["widget_id"])
    log.info("session %s closed by %s", session_id, by)
    return {"session_id": session_id, "status": "closed", "rating": rating}


async def abandon_idle(ctx: Context, idle_s: float, local_sessions: set[str],
                       limit: int = 500) -> list[str]:
    """Keep sessions with a visitor socket in this process alive, and mark the rest that
    have been idle for `idle_s` as abandoned. Returns the abandoned ids."""
    now = utcnow()
    async with ctx.engine.begin() as conn:
        await db.touch(conn, sorted(local_sessions), now)
        candidates = await db.stale(conn, now - timedelta(seconds=idle_s), limit)
    done: list[str] = []
    widgets_touched: set[int] = set()
    for row in candidates:
        async with ctx.session_locks(row["id"]):
            async with ctx.engine.begin() as conn:
                if not await db.update_session(
                        conn, row["id"], only_status=("active", "waiting"), status="abandoned",
                        resolution="abandoned", closed_at=now, closed_by="system",
                        ai_mode=False):
                    continue
                event = await _system(ctx, conn, row["id"],
                                      "The visitor left; the conversation was closed.",
                                      "abandoned")
            await publish_message(ctx, event)
        await publish_frame(ctx, session_channel(row["id"]), {
            "type": "session_closed", "session_id": row["id"], "by": "system"})
        done.append(row["id"])
        if row["status"] == "waiting":
            widgets_touched.add(row["widget_id"])
    for widget_id in widgets_touched:
        await broadcast_queue(ctx, widget_id)
    if done:
        log.info("marked %d idle sessions abandoned", len(done))
    return done


async def leave_email(ctx: Context, session_id: str, email: Any, note: Any) -> dict[str, Any]:
    """Store a visitor's email (and note) for follow-up when nobody could answer."""
    if not isinstance(email, str) or not is_email(email.strip()):
        raise ValidationError("a valid email address is needed", code="invalid_email",
                              fields={"email": "must be an email address"})
    if note is not None and not isinstance(note, str):
        raise ValidationError("note must be text", code="invalid_note")
    clean_note = clean_text(note or "")[:2000] or None
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            row = await db.get(conn, session_id, for_update=True)
            if row is None:
                raise NotFound("no such session", code="session_not_found")
            await db.update_session(conn, session_id, offline_email=email.strip().lower(),
                                    offline_note=clean_note,
                                    visitor_email=row["visitor_email"] or email.strip().lower())
            event = await _system(ctx, conn, session_id,
                                  "Email address saved: the team will reply by email.", "email")
        await publish_message(ctx, event)
    await broadcast_queue(ctx, row["widget_id"])
    return {"session_id": session_id, "email": email.strip().lower()}


async def escalate(ctx: Context, site_key: str, session_id: str, *, reason: str | None,
                   visitor_token: str | None = None,
                   actor: Actor | None = None) -> dict[str, Any]:
    """Put a session in its widget's waiting queue with a reason code (idempotent)."""
    reason = reason or "explicit_request"
    if reason not in ESCALATION_REASONS:
        raise ValidationError("unknown escalation reason",
                              fields={"reason": "must be one of " + ", ".join(ESCALATION_REASONS)})
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            row = await access_session(conn, site_key, session_id,
                                       visitor_token=visitor_token, actor=actor,
                                       for_update=True)
            if row["status"] in ("closed", "abandoned"):
                raise Conflict("this conversation has ended", code="session_closed")
            if row["status"] == "assigned":
                raise Conflict("an agent is already in this conversation",
                               code="already_assigned")
            event = None
            if row["status"] == "active":
                now = utcnow()
                await db.update_session(conn, session_id, status="waiting", escalated_at=now,
                                        escalation_reason=reason, ai_mode=False,
                                        last_activity_at=now)
                event = await add_system_message(conn, session_id,
                                                 "The conversation was handed to a person.",
                                                 "escalated")
                updated = await db.get(conn, session_id)
                assert updated is not None
                row = updated
            position = await position_of(ctx, conn, row)
            widget = await widgets_db.by_id(conn, row["widget_id"])
        if event is not None:
            await publish_message(ctx, event)
    open_now = widget is None or is_open(widget, utcnow())
    offline = position["agents_online"] == 0 or not open_now
    if event is not None:
        await publish_frame(ctx, session_channel(session_id), {
            "type": "escalated", "session_id": session_id, "reason": reason,
            "agents_online": position["agents_online"], "offline": offline,
            "outside_hours": not open_now})
        await ctx.bus.publish(session_channel(session_id), {"kind": "ai_cancel",
                                                            "session_id": session_id})
        log.info("session %s escalated (%s)", session_id, reason)
        if not await auto_assign(ctx, row["widget_id"]):
            await broadcast_queue(ctx, row["widget_id"])
    return {**position, "reason": row["escalation_reason"], "event": event,
            "offline": offline, "outside_hours": not open_now}


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
    await publish_frame(ctx, widget_channel(widget_id), {
        "type": "queue_update", "widget": widget["site_key"], "waiting": waiting})
    for position, (row, (wait, online)) in enumerate(zip(rows, estimates, strict=True), 1):
        await publish_frame(ctx, session_channel(row["id"]), {
            "type": "queue_position", "session_id": row["id"], "position": position,
            "estimated_wait_s": wait, "agents_online": online})


async def set_presence(ctx: Context, actor: Actor, status: str) -> None:
    assert actor.id is not None
    ctx.presence.set_status(actor.id, status)
    await publish_presence(ctx, actor.id, status)
    if status == "online":
        await assign_for(ctx, actor.id)


async def assign_for(ctx: Context, agent_id: int) -> None:
    """An agent came online: offer them waiting sessions (auto_assign setting)."""
    if not ctx.settings.auto_assign:
        return
    async with ctx.engine.connect() as conn:
        ids = await widgets_db.visible_widget_ids(conn, agent_id)
    for widget_id in ids:
        await auto_assign(ctx, widget_id)


async def publish_presence(ctx: Context, agent_id: int, status: str,
                           widget_ids: list[int] | None = None) -> None:
    """Tell the agent's widgets. ``widget_ids``: those widgets (presence_widget_ids), when the
    caller has them; a closing socket has, so going offline needs no database."""
    ids = widget_ids if widget_ids is not None else await presence_widget_ids(ctx, agent_id)
    for wid in ids:
        await publish_frame(ctx, widget_channel(wid), {"type": "presence", "agent_id": agent_id,
                                                       "status": status})


async def presence_widget_ids(ctx: Context, agent_id: int) -> list[int]:
    """The widgets whose agents see this agent's presence."""
    async with ctx.engine.connect() as conn:
        return await widgets_db.visible_widget_ids(conn, agent_id)
