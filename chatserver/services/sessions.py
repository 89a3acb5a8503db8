"""Visitor sessions: creation, history, escalation to the human queue, agents' views."""

from __future__ import annotations

import re
import statistics
import uuid
import zoneinfo
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.context import Context
from chatserver.db import messages as messages_db
from chatserver.db import sessions as db
from chatserver.db import users as users_db
from chatserver.db import widgets as widgets_db
from chatserver.db.history_filters import HistoryFilter, conditions
from chatserver.errors import NotFound
from chatserver.events import FileView, MessageView
from chatserver.limits import MESSAGES_PAGE_MAX
from chatserver.services import identity, labels, visitor_records
from chatserver.services.access import Actor, access_session, hash_token, visible_widget_ids
from chatserver.services.system_texts import SYSTEM_TEXTS, english
from chatserver.services.users import avatar_url
from chatserver.timeutil import iso, utcnow
from chatserver.validate import Fields, clean_text, is_email

TEL_RE = re.compile(r"^\+?[0-9 ()./-]{3,32}$")
# How many recent accepted sessions the wait estimate looks at.
WAIT_SAMPLE = 50


def _check_prechat(widget: RowMapping, answers: dict[str, Any], f: Fields) -> dict[str, str]:
    fields = {fd["name"]: fd for fd in widget["prechat_fields"]} \
        if widget["enable_prechat_form"] else {}
    out: dict[str, str] = {}
    for name in answers:
        if name not in fields:
            f.error(f"prechat.{name}", "is not a field of this form")
    for name, spec in fields.items():
        key = f"prechat.{name}"
        value = answers.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.get("required"):
                f.error(key, "is required")
            continue
        if not isinstance(value, str):
            f.type_errors[key] = "must be a string"
            continue
        value = clean_text(value, multiline=spec["type"] == "textarea")
        limit = 2000 if spec["type"] == "textarea" else 200
        if len(value) > limit:
            f.error(key, f"must be at most {limit} characters")
        elif spec["type"] == "email" and not is_email(value):
            f.error(key, "must be an email address")
        elif spec["type"] == "tel" and not TEL_RE.match(value):
            f.error(key, "must be a phone number")
        elif spec["type"] == "select" and value not in spec.get("options", []):
            f.error(key, "must be one of the options")
        out[name] = value
    return out


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _visitor_time_zone(f: Fields) -> str | None:
    """The visitor's IANA time zone (the widget reads it from the browser), so agents see
    the visitor's local time."""
    tz = f.text("timezone", max_len=64)
    if tz and tz not in _time_zones():
        f.error("timezone", "must be an IANA time zone such as Europe/Paris")
    return tz or None


def _page_url(f: Fields) -> str | None:
    url = f.text("page_url", max_len=2000)
    if url:
        try:
            parts = urlsplit(url)
        except ValueError:  # e.g. "http://[" (an unclosed IPv6 literal)
            parts = None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            f.error("page_url", "must be an http(s) URL")
    return url


async def create_session(ctx: Context, widget: RowMapping, data: dict[str, Any], *,
                         ip: str, user_agent: str) -> dict[str, Any]:
    """Open a visitor session; the visitor token in the answer is the only key to it."""
    f = Fields(data)
    name = f.text("visitor_name", max_len=100)
    email = f.email("visitor_email")
    answers = f.obj("prechat") or {}
    page_url = _page_url(f)
    time_zone = _visitor_time_zone(f)
    prechat = _check_prechat(widget, answers, f)
    f.check()
    who = identity.resolve(widget, ctx.settings.secret_key, data.get("identity_token"),
                           claims_name=bool(name or email))
    # A verified visitor is who the token says, and nothing the page claimed beside it; with
    # enforce_identity, pre-chat answers stay answers and never name the visitor.
    named = who is None and not widget["enforce_identity"] and not widget["require_identity"]
    if who is not None:
        name, email = who.name, who.email
    visitor_name = name or (prechat.get("name") if named else None) or None
    visitor_email = email or ((prechat.get("email") or "").lower() if named else None) or None
    visitor_id, token = await visitor_records.for_conversation(
        ctx, widget, data.get("visitor_token"), who, name=visitor_name, email=visitor_email)
    now = utcnow()
    session_id = str(uuid.uuid4())
    info: dict[str, Any] = {"prechat": prechat, "page_url": page_url,
                            "user_agent": user_agent[:500], "ip": ip, "timezone": time_zone}
    if who is not None and who.attributes:
        info["identity_attributes"] = who.attributes
    try:
        async with ctx.engine.begin() as conn:
            await db.insert_session(
                conn, id=session_id, widget_id=widget["id"], visitor_token_hash=hash_token(token),
                visitor_id=visitor_id, visitor_name=visitor_name, visitor_email=visitor_email,
                visitor_verified=who is not None, visitor_user_id=who.user_id if who else None,
                visitor_info=info, status="active", ai_mode=bool(widget["ai_enabled"]),
                created_at=now, last_activity_at=now)
            row = await db.get(conn, session_id)
    except IntegrityError:
        # The visitor has an open conversation (another tab started one at the same instant,
        # or it was never ended): that one, which this device token opens, is the answer.
        async with ctx.engine.connect() as conn:
            row = await db.open_of_visitor(conn, visitor_id)
        if row is None:
            raise
        return {**visitor_view(row), "visitor_token": token, "existing": True}
    assert row is not None
    return {**visitor_view(row), "visitor_token": token, "existing": False}


async def issue_device_token(ctx: Context, session_id: str) -> str:
    """A further visitor token of the session, for another device (a conversation link opened
    there). Every token issued keeps working: issuing one never revokes another. The session
    must exist (404 otherwise)."""
    token = visitor_records.new_visitor_token()
    async with ctx.engine.begin() as conn:
        if len(session_id) > 36 or await db.get(conn, session_id) is None:
            raise NotFound("no such session", code="session_not_found")
        await db.insert_device_token(conn, session_id, hash_token(token), utcnow())
    return token


def visitor_view(row: RowMapping) -> dict[str, Any]:
    """What a visitor may see of their own session."""
    return {
        "session_id": row["id"],
        "site_key": row["site_key"],
        "visitor_name": row["visitor_name"],
        "visitor_email": row["visitor_email"],
        "status": row["status"],
        "ai_mode": bool(row["ai_mode"]),
        "escalated_at": iso(row["escalated_at"]),
        "last_seq": row["last_seq"],
        "created_at": iso(row["created_at"]),
        "agent": _agent_ref(row)
        if row["assigned_agent_id"] is not None and row["status"] == "assigned" else None,
    }


def _agent_ref(row: RowMapping) -> dict[str, Any]:
    """The agent in a session, as its visitor sees them: with their avatar when the row
    carries it (db.sessions.get) and they have one."""
    agent = {"id": row["assigned_agent_id"], "display_name": row.get("agent_name")}
    if row.get("agent_avatar"):
        agent["avatar_url"] = avatar_url(row["agent_avatar"])
    return agent


def agent_view(row: RowMapping) -> dict[str, Any]:
    """What agents see of a session: everything but the token hash."""
    out = {
        **visitor_view(row),
        "visitor_info": row["visitor_info"],
        # Signed by the site's server (docs/identity.md); otherwise the name and email are
        # only what the visitor or the page claimed.
        "visitor_verified": bool(row.get("visitor_verified")),
        "visitor_user_id": row.get("visitor_user_id"),
        "assigned_agent_id": row["assigned_agent_id"],
        "escalation_reason": row["escalation_reason"],
        "accepted_at": iso(row["accepted_at"]),
        "first_agent_reply_at": iso(row["first_agent_reply_at"]),
        "closed_at": iso(row["closed_at"]),
        "last_activity_at": iso(row["last_activity_at"]),
        "resolution": row["resolution"],
        "rating": row["rating"],
        "rating_comment": row.get("rating_comment"),
        "offline_email": row["offline_email"],
        "offline_note": row["offline_note"],
    }
    if "last_message" in row:
        out["last_message"] = (row["last_message"] or "")[:200] or None
        out["widget_name"] = row["widget_name"]
    if "last_visitor_message" in row:
        out["last_visitor_message"] = (row["last_visitor_message"] or "")[:200] or None
    return out


def file_view(f: dict[str, Any]) -> FileView:
    """The summary of an attached file that a message's meta keeps (no join to uploads)."""
    return {"id": f["id"], "name": f["name"], "type": f["type"], "size": f["size"],
            "width": f.get("width"), "height": f.get("height"), "thumb": bool(f.get("thumb"))}


def message_view(row: RowMapping | dict[str, Any]) -> MessageView:
    """A message as clients see it; an AI message's sources and offer, a system message's code
    and params come from its meta."""
    view: MessageView = {
        "session_id": row["session_id"],
        "id": row["id"],
        "seq": row["seq"],
        "sender_type": row["sender_type"],
        "sender_name": row["sender_name"],
        "text": row["text"],
        "created_at": iso(row["created_at"]) or "",
        "client_msg_id": row["client_msg_id"],
    }
    meta = row.get("meta")
    if meta and meta.get("files"):
        view["files"] = [file_view(f) for f in meta["files"]]
    if meta and row["sender_type"] == "ai":
        sources = [s for s in meta.get("sources") or () if isinstance(s, dict)]
        if sources:
            view["sources"] = [{"id": s["id"], "title": s["title"], "url": s.get("url")}
                               for s in sources]
        if meta.get("offer") == "person":
            view["offer"] = "person"
    if meta and row["sender_type"] == "system" and isinstance(meta.get("code"), str):
        view["code"] = meta["code"]
        params = meta.get("params")
        view["params"] = {str(k): str(v) for k, v in params.items()} \
            if isinstance(params, dict) else {}
    return view


async def history(ctx: Context, site_key: str, session_id: str, *, after_seq: int, limit: int,
                  visitor_token: str | None = None,
                  actor: Actor | None = None) -> dict[str, Any]:
    limit = max(1, min(limit, MESSAGES_PAGE_MAX))
    async with ctx.engine.connect() as conn:
        row = await access_session(conn, site_key, session_id, visitor_token=visitor_token,
                                   actor=actor)
        rows = await messages_db.after(conn, session_id, after_seq, limit + 1)
    return {"messages": [message_view(m) for m in rows[:limit]], "has_more": len(rows) > limit,
            "last_seq": row["last_seq"], "status": row["status"]}


async def wait_estimate(ctx: Context, conn: AsyncConnection, widget_id: int,
                        position: int) -> tuple[float | None, int]:
    """(estimated wait in seconds or None, agents of the widget online now).

    Median wait of the widget's recent accepted sessions × position ÷ free agent capacity;
    None when there is no history or nobody is online."""
    members = await widgets_db.members(conn, widget_id)
    online = [m for m in members if m["id"] in ctx.presence.online()]
    if not online:
        return None, 0
    waits = await db.recent_waits_s(conn, widget_id, WAIT_SAMPLE)
    if not waits:
        return None, len(online)
    busy = await db.active_counts(conn, [m["id"] for m in online])
    free = sum(max(0, (m["max_chats"] or ctx.settings.agent_max_chats) - busy.get(m["id"], 0))
               for m in online)
    return round(statistics.median(waits) * position / max(free, 1), 1), len(online)


async def queue_position(ctx: Context, site_key: str, session_id: str, *,
                         visitor_token: str | None = None,
                         actor: Actor | None = None) -> dict[str, Any]:
    async with ctx.engine.connect() as conn:
        row = await access_session(conn, site_key, session_id, visitor_token=visitor_token,
                                   actor=actor)
        return await position_of(ctx, conn, row)


async def position_of(ctx: Context, conn: AsyncConnection, row: RowMapping) -> dict[str, Any]:
    if row["status"] != "waiting":
        return {"session_id": row["id"], "status": row["status"], "position": None,
                "estimated_wait_s": None, "agents_online": None}
    queue = await db.waiting_ids(conn, row["widget_id"])
    position = queue.index(row["id"]) + 1 if row["id"] in queue else len(queue) + 1
    wait, online = await wait_estimate(ctx, conn, row["widget_id"], position)
    return {"session_id": row["id"], "status": "waiting", "position": position,
            "estimated_wait_s": wait, "agents_online": online}


async def add_system_message(conn: AsyncConnection, session_id: str, code: str,
                             **params: str) -> MessageView:
    """Persist a system event (escalation, join, close…) as a message with its own seq: its
    English text, and its code and params in meta (services/system_texts.py)."""
    text = english(code, params)
    row, _ = await messages_db.insert_message(
        conn, session_id=session_id,
        client_msg_id=f"sys-{SYSTEM_TEXTS[code].kind}-{uuid.uuid4().hex[:12]}",
        sender_type="system", text=text, now=utcnow(), meta={"code": code, "params": params})
    return message_view(row)


async def waiting_sessions(ctx: Context, actor: Actor,
                           flt: HistoryFilter | None = None) -> list[dict[str, Any]]:
    """The queue of the actor's widgets, with labels; narrowed by a label and widget filter."""
    async with ctx.engine.connect() as conn:
        ids = await visible_widget_ids(conn, actor)
        rows = await db.waiting_in(conn, ids, conditions(flt) if flt else ())
        views = [agent_view(r) for r in rows]
        await labels.attach(conn, views)
    return views


async def active_chats(ctx: Context, actor: Actor,
                       flt: HistoryFilter | None = None) -> list[dict[str, Any]]:
    assert actor.id is not None
    async with ctx.engine.connect() as conn:
        rows = await db.assigned_to(conn, actor.id, conditions(flt) if flt else ())
        views = [agent_view(r) for r in rows]
        await labels.attach(conn, views)
    return views


async def agent_stats(ctx: Context, actor: Actor) -> dict[str, Any]:
    assert actor.id is not None
    day_start = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    async with ctx.engine.connect() as conn:
        ids = await visible_widget_ids(conn, actor)
        waiting = len(await db.waiting_in(conn, ids))
        active = (await db.active_counts(conn, [actor.id])).get(actor.id, 0)
        closed_today = await db.count_closed_by(conn, actor.id, day_start)
        user = await users_db.get(conn, actor.id)
    max_chats = (user["max_chats"] if user else None) or ctx.settings.agent_max_chats
    return {"active_chats": active, "waiting": waiting, "closed_today": closed_today,
            "max_chats": max_chats, "widgets": len(ids),
            "status": ctx.presence.status.get(actor.id, "offline")}


