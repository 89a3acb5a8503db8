"""Conversation actions shared by sockets, REST and the CLI: send, hand back, close, leave
an email, escalate. Taking and passing conversations is services/routing.py.

Each action commits to the database first, then publishes what happened on the bus; the
database is the source of truth and a publish is only a notification.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.bus import session_channel
from chatserver.context import Context
from chatserver.db import replies as replies_db
from chatserver.db import sessions as db
from chatserver.db import widgets as widgets_db
from chatserver.domain import ENDED, ESCALATION_REASONS, UNANSWERED
from chatserver.errors import Conflict, Forbidden, NotFound, ValidationError
from chatserver.events import MessageView
from chatserver.limits import CLIENT_MSG_ID_MAX, NOTE_MAX, RATING_COMMENT_MAX
from chatserver.services import ai_live
from chatserver.services.access import Actor, SignedIn, access_session
from chatserver.services.hours import is_open
from chatserver.services.publish import (
    cancel_ai_reply,
    publish_frame,
    publish_message,
    unfollow,
)
from chatserver.services.routing import (
    agent_left,
    agent_session,
    auto_assign,
    broadcast_queue,
    check_in_charge,
)
from chatserver.services.sends import Send
from chatserver.services.sessions import add_system_message, agent_view, message_view, position_of
from chatserver.services.team_notify import on_email_left, on_escalated
from chatserver.services.transcripts import queue_transcript
from chatserver.timeutil import utcnow
from chatserver.validate import clean_text, is_email

log = logging.getLogger(__name__)

# An upload id is 32 hex digits; the column holds 36.
ID_MAX_CHARS = 36


def check_text(ctx: Context, raw: Any, *, files: list[str] | None = None) -> str:
    """A message's text; with files it may be empty or absent (a caption is optional)."""
    if raw is None and files:
        return ""
    if not isinstance(raw, str):
        raise ValidationError("text must be a string", code="invalid_message")
    text = clean_text(raw)
    if not text and not files:
        raise ValidationError("the message is empty", code="empty_message")
    if len(text) > ctx.settings.max_message_chars:
        raise ValidationError(f"messages are at most {ctx.settings.max_message_chars} characters",
                              code="message_too_long")
    return text


def check_files(ctx: Context, raw: Any) -> list[str]:
    """A message's `files`: distinct upload ids, at most max_files_per_message (whether each
    is this session's and unsent is the writer's check)."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(f, str) and 1 <= len(f) <= ID_MAX_CHARS
                                            for f in raw) or len(set(raw)) != len(raw):
        raise ValidationError("files must be a list of distinct upload ids", code="invalid_files")
    if len(raw) > ctx.settings.max_files_per_message:
        raise ValidationError(f"a message has at most {ctx.settings.max_files_per_message} files",
                              code="too_many_files")
    return raw


def check_client_msg_id(raw: Any) -> str:
    if not isinstance(raw, str) or not 1 <= len(raw) <= CLIENT_MSG_ID_MAX \
            or not all(c.isalnum() or c in "-_:." for c in raw):
        raise ValidationError("client_msg_id must be 1-64 letters, digits, '-', '_', ':' or '.'",
                              code="invalid_client_msg_id")
    return raw


async def send_message(ctx: Context, session_id: str, *, sender_type: str, text: str,
                       client_msg_id: str, actor: SignedIn | None = None,
                       sender_name: str | None = None,
                       meta: dict[str, Any] | None = None,
                       files: list[str] | None = None) -> tuple[MessageView, bool]:
    """Persist a message (or find its earlier copy) and publish it. Returns (message, created).
    An agent's message names its `actor`; the AI's its `sender_name`. A visitor's or an
    agent's may carry `files` (upload ids, from `check_files`); the AI's never does.

    Concurrent sends are committed together (group commit, services/writer.py)."""
    send = Send(session_id=session_id, client_msg_id=client_msg_id, sender_type=sender_type,
                text=text, sender_id=actor.id if actor else None,
                sender_name=actor.display_name if actor else sender_name, meta=meta,
                files=files or None, actor=actor)
    if files and sender_type not in ("visitor", "agent"):
        raise ValidationError("only visitors and agents send files", code="invalid_files")
    row, created = await ctx.writer.submit(send)
    msg = message_view(row)
    if created:
        await publish_message(ctx, msg)
    # Only when the AI owns the conversation: no task or query per message in human chats.
    if created and sender_type == "visitor" and send.ai_turn:
        # The AI list's line (the newest question) before the AI starts: whatever the AI
        # then does (a hand-off) is published after it.
        await ai_live.announce(ctx, session_id)
        if ctx.on_visitor_message is not None:
            ctx.on_visitor_message(ctx, session_id)
    return msg, created


async def mark_seen(ctx: Context, session_id: str, seq: int) -> None:
    """The visitor saw their conversation up to `seq` (an agent message there or below is
    not mailed: services/mail_replies.py). The visitor socket calls this only when the seen
    seq covers an agent message it delivered, so chats without agents write nothing."""
    async with ctx.engine.begin() as conn:
        await replies_db.raise_seen(conn, session_id, seq)


async def hand_back(ctx: Context, actor: Actor, session_id: str) -> dict[str, Any]:
    """The agent leaves and the AI answers again."""
    assert actor.id is not None
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            row = await agent_session(conn, actor, session_id)
            check_in_charge(row, actor, "hand back")
            await db.update_session(conn, session_id, status="active", ai_mode=True,
                                    assigned_agent_id=None, last_activity_at=utcnow())
            event = await add_system_message(conn, session_id, "hand_back")
            updated = await db.get(conn, session_id)
        assert updated is not None
        await publish_message(ctx, event)
    await agent_left(ctx, session_id, row["assigned_agent_id"], row["agent_name"], "hand_back")
    await ai_live.announce(ctx, session_id)
    return agent_view(updated)


def _resolution(row: RowMapping, by: str) -> str:
    if row["accepted_at"] is not None:
        return "agent_resolved"
    if row["status"] == "waiting":
        return "abandoned"
    return "ai_resolved" if by != "system" else "abandoned"


async def close(ctx: Context, session_id: str, *, by: str, actor: Actor | None = None,
                note: str | None = None, rating: int | None = None,
                transcript: bool = False, comment: str | None = None) -> dict[str, Any]:
    """Close a conversation (by the visitor, an agent or the system). A visitor may rate it
    (with an optional comment), and ask for its transcript by email (`transcript`), also
    after an agent closed it."""
    if not isinstance(transcript, bool):
        raise ValidationError("transcript is true or false", code="invalid_transcript")
    if comment is not None and (not isinstance(comment, str)
                                or len(comment) > RATING_COMMENT_MAX):
        raise ValidationError(f"comment is text of at most {RATING_COMMENT_MAX} characters",
                              code="invalid_comment",
                              fields={"comment": f"at most {RATING_COMMENT_MAX} characters"})
    said: dict[str, Any] = {"rating_comment": clean_text(comment) or None} \
        if comment is not None and by == "visitor" else {}
    if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int)
                               or not 1 <= rating <= 5):
        raise ValidationError("rating is a whole number from 1 to 5", code="invalid_rating",
                              fields={"rating": "must be 1-5"})
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            if actor is not None:
                row = await agent_session(conn, actor, session_id)
                if row["status"] == "assigned" and row["assigned_agent_id"] != actor.id \
                        and not actor.is_admin:
                    raise Forbidden("another agent has this conversation", code="not_assigned")
            else:
                found = await db.get(conn, session_id, for_update=True)
                if found is None:
                    raise NotFound("no such session", code="session_not_found")
                row = found
            mail_transcript = transcript and by == "visitor" and bool(
                row["offline_email"] or row["visitor_email"])
            if row["status"] in ENDED:
                if rating is not None and by == "visitor":
                    await db.update_session(conn, session_id, rating=rating)
                if said:
                    await db.update_session(conn, session_id, **said)
                if mail_transcript:
                    await queue_transcript(conn, ctx.settings, row)
                return {"session_id": session_id, "status": row["status"], "rating": rating}
            now = utcnow()
            await db.update_session(conn, session_id, status="closed", closed_at=now,
                                    closed_by=by, resolution=_resolution(row, by),
                                    rating=rating, close_note=(note or "")[:NOTE_MAX] or None,
                                    **said,
                                    ai_mode=False, last_activity_at=now)
            event = await add_system_message(conn, session_id, "closed")
            if mail_transcript:  # with the line that says it closed
                await queue_transcript(conn, ctx.settings, {**row, "last_seq": event["seq"]})
        await publish_message(ctx, event)
    await publish_frame(ctx, session_channel(session_id),
                        {"type": "session_closed", "session_id": session_id, "by": by})
    await cancel_ai_reply(ctx, session_id)
    if row["status"] == "active":
        await ai_live.ended(ctx, row["widget_id"], session_id, "closed")
    if row["assigned_agent_id"] is not None:
        await unfollow(ctx, row["assigned_agent_id"], session_id)
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
                        conn, row["id"], only_status=UNANSWERED, status="abandoned",
                        resolution="abandoned", closed_at=now, closed_by="system",
                        ai_mode=False):
                    continue
                event = await add_system_message(conn, row["id"], "abandoned")
            await publish_message(ctx, event)
        await publish_frame(ctx, session_channel(row["id"]), {
            "type": "session_closed", "session_id": row["id"], "by": "system"})
        done.append(row["id"])
        if row["status"] == "active":
            await ai_live.ended(ctx, row["widget_id"], row["id"], "abandoned")
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
    clean_note = clean_text(note or "")[:NOTE_MAX] or None
    async with ctx.session_locks(session_id):
        async with ctx.engine.begin() as conn:
            row = await db.get(conn, session_id, for_update=True)
            if row is None:
                raise NotFound("no such session", code="session_not_found")
            address = email.strip().lower()
            await db.update_session(conn, session_id, offline_email=address,
                                    offline_note=clean_note,
                                    visitor_email=row["visitor_email"] or address)
            event = await add_system_message(conn, session_id, "email")
            await on_email_left(ctx, conn, row, address)
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
            if row["status"] in ENDED:
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
                event = await add_system_message(conn, session_id, "escalated")
                updated = await db.get(conn, session_id)
                assert updated is not None
                row = updated
                await on_escalated(ctx, conn, row)
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
        await cancel_ai_reply(ctx, session_id)
        await ai_live.ended(ctx, row["widget_id"], session_id, "escalated")
        log.info("session %s escalated (%s)", session_id, reason)
        if not await auto_assign(ctx, row["widget_id"]):
            await broadcast_queue(ctx, row["widget_id"])
    return {**position, "reason": row["escalation_reason"], "event": event,
            "offline": offline, "outside_hours": not open_now}


