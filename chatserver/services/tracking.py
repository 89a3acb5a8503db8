"""Visitor tracking (docs/privacy.md): with a widget's `visitor_tracking` on, its tracking chunk
reports each page the visitor views and a heartbeat while they stay, before any interaction.
Agents see the visitors on their widgets' sites now (the live list: page, time on site,
country, pages viewed) and may invite one to chat with a first message; the visitor's widget
shows it on its next heartbeat, and when they answer, the conversation starts with the
agent's message first, assigned to that agent. The pages viewed before the chat are carried
into the conversation's context (session_context), as if reported after it started.

Nothing of this reaches the database before the visitor starts a conversation: the visits
and invitations live in services/live_visitors.py (memory, or Redis with an expiry).

Refusals have stable codes: widget_not_found (404), tracking_disabled (403 for the widget,
409 for an agent's invitation), invalid_tracking_id, invalid_page, invalid_referrer (422),
visitor_not_found (404), visitor_chatting (409), and the message checks of services/chat.py.
"""

from __future__ import annotations

import json
import math
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.bus import RedisBus
from chatserver.context import Context
from chatserver.db import session_context as context_db
from chatserver.db import sessions as sessions_db
from chatserver.db import users as users_db
from chatserver.db import widgets as widgets_db
from chatserver.db.messages import insert_message
from chatserver.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationError
from chatserver.geoip import GeoIP
from chatserver.limits import CONTEXT_PAGES_MAX
from chatserver.ratelimit import WindowLimiter
from chatserver.services import routing
from chatserver.services.access import Actor, sees_widget
from chatserver.services.chat import check_text
from chatserver.services.live_visitors import (
    HEARTBEAT_S,
    LiveStore,
    MemoryStore,
    RedisStore,
)
from chatserver.services.sessions import visitor_view
from chatserver.services.users import avatar_url
from chatserver.services.visitor_context import _Check, _page, _web_url
from chatserver.services.widget_config import cached_public_config
from chatserver.timeutil import iso, utcnow

# What the widget's tracking chunk makes: crypto.randomUUID(), or any such random string.
TRACKING_ID_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Heartbeats per address per minute (a site's visitors behind one NAT stay well under it).
HEARTBEATS_PER_IP_PER_MINUTE = 600


@dataclass
class Tracking:
    """A process's tracking state (Context.tracking, made on first use)."""

    store: LiveStore
    geoip: GeoIP
    limiter: WindowLimiter = field(
        default_factory=lambda: WindowLimiter(HEARTBEATS_PER_IP_PER_MINUTE, 60.0))


def state(ctx: Context) -> Tracking:
    if ctx.tracking is None:
        store: LiveStore = MemoryStore()
        if isinstance(ctx.bus, RedisBus):
            store = RedisStore(ctx.bus.client(), ctx.bus.prefix)
        ctx.tracking = Tracking(store=store, geoip=GeoIP(ctx.settings.geoip_db))
    tracking: Tracking = ctx.tracking
    return tracking


def check_tracking_id(raw: Any) -> str:
    if not isinstance(raw, str) or not TRACKING_ID_RE.match(raw):
        raise ValidationError("tracking_id must be 16-64 letters, digits, - or _",
                              code="invalid_tracking_id",
                              fields={"tracking_id": "is not a tracking id"})
    return raw


async def _tracking_on(ctx: Context, site_key: str) -> None:
    """404 widget_not_found, 403 tracking_disabled (from the cached public config)."""
    _etag, body, _origins = await cached_public_config(ctx, site_key)
    if not json.loads(body).get("visitor_tracking"):
        raise Forbidden("this widget does not track visitors", code="tracking_disabled")


# --- the visitor's widget --------------------------------------------------------------------

async def heartbeat(ctx: Context, site_key: str, data: dict[str, Any], *,
                    ip: str) -> dict[str, Any]:
    """A page view or a heartbeat of the tracking chunk. Answers the interval of the next one
    and the agent's invitation waiting for this visitor, if any."""
    await _tracking_on(ctx, site_key)
    tr = state(ctx)
    wait = tr.limiter.hit(ip, time.monotonic())
    if wait:
        raise RateLimited("too many tracking reports from this address",
                          headers={"Retry-After": str(math.ceil(wait))})
    tid = check_tracking_id(data.get("tracking_id"))
    check = _Check()
    page = _page(data.get("page"), check)
    referrer = _web_url(data.get("referrer"), "referrer", check, "invalid_referrer")
    check.raise_first()
    left, chatting = data.get("left") is True, data.get("chatting") is True
    now = time.time()
    record = await tr.store.get(site_key, tid)
    if record is None:
        if left:
            return {"interval_s": HEARTBEAT_S, "invite": None}
        record = {"tracking_id": tid, "site_key": site_key, "first_seen": now,
                  "referrer": referrer, "pages": [], "country": tr.geoip.country(ip)}
    if page is not None:
        pages: list[dict[str, Any]] = record["pages"]
        entry = {**page, "at": iso(utcnow())}
        if pages and pages[-1]["url"] == page["url"]:
            pages[-1] = {**entry, "at": pages[-1]["at"]}
        else:
            pages.append(entry)
        record["pages"] = pages[-CONTEXT_PAGES_MAX:]
    record.update(last_seen=now, left=left, chatting=chatting)
    await tr.store.put(site_key, tid, record)
    invite = await tr.store.invite(site_key, tid)
    if invite is not None and data.get("dismiss") == invite["id"]:
        await tr.store.take_invite(site_key, tid)
        invite = None
    return {"interval_s": HEARTBEAT_S,
            "invite": None if invite is None or chatting else _invite_view(invite)}


def _invite_view(invite: dict[str, Any]) -> dict[str, Any]:
    agent: dict[str, Any] = {"id": invite["agent_id"], "display_name": invite["agent_name"]}
    if invite.get("agent_avatar"):
        agent["avatar_url"] = avatar_url(invite["agent_avatar"])
    return {"id": invite["id"], "text": invite["text"], "agent": agent,
            "created_at": invite["created_at"]}


# --- the agents' live list ---------------------------------------------------------------------

def _visitor_view(record: dict[str, Any], widget: RowMapping,
                  invite: dict[str, Any] | None) -> dict[str, Any]:
    pages = record["pages"]
    return {
        "tracking_id": record["tracking_id"], "site_key": widget["site_key"],
        "widget_id": widget["id"], "widget_name": widget["business_name"],
        "page": pages[-1] if pages else None, "pages": pages, "referrer": record["referrer"],
        "country": record["country"],
        "first_seen": iso_epoch(record["first_seen"]),
        "last_seen": iso_epoch(record["last_seen"]),
        "time_on_site_s": max(0, round(record["last_seen"] - record["first_seen"])),
        "chatting": bool(record.get("chatting")),
        "invite": None if invite is None else _invite_view(invite),
    }


def iso_epoch(t: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1000):03d}Z"


async def live_visitors(ctx: Context, actor: Actor) -> list[dict[str, Any]]:
    """The visitors on the sites of the actor's widgets now (tracking widgets only), the most
    recently seen first."""
    async with ctx.engine.connect() as conn:
        widgets = await widgets_db.list_widgets(conn, user_id=None if actor.is_admin
                                                else actor.id)
    store, now = state(ctx).store, time.time()
    out: list[dict[str, Any]] = []
    for widget in widgets:
        if not widget["visitor_tracking"]:
            continue
        records = [r for r in await store.online(widget["site_key"], now) if not r.get("left")]
        invites = await store.invites(widget["site_key"], [r["tracking_id"] for r in records])
        out.extend(_visitor_view(r, widget, i) for r, i in zip(records, invites, strict=True))
    out.sort(key=lambda v: v["last_seen"], reverse=True)
    return out


async def _agent_widget(ctx: Context, actor: Actor, site_key: str) -> RowMapping:
    async with ctx.engine.connect() as conn:
        widget = await widgets_db.by_site_key(conn, site_key)
        if widget is None or not await sees_widget(conn, actor, widget):
            raise NotFound("no such widget", code="widget_not_found")
    if not widget["visitor_tracking"]:
        raise Conflict("this widget does not track visitors", code="tracking_disabled")
    return widget


async def invite(ctx: Context, actor: Actor, site_key: str, tid: str,
                 data: dict[str, Any]) -> dict[str, Any]:
    """An agent invites a visitor on the site to chat with a first message. It waits (in the
    live store, INVITE_TTL_S) for the visitor's widget; a newer one replaces it."""
    assert actor.id is not None
    widget = await _agent_widget(ctx, actor, site_key)
    text = check_text(ctx, data.get("text"))
    store = state(ctx).store
    record = await store.get(site_key, tid) if TRACKING_ID_RE.match(tid) else None
    if record is None or record.get("left") or record["last_seen"] < time.time() - 60:
        raise NotFound("this visitor is not on the site now", code="visitor_not_found")
    if record.get("chatting"):
        raise Conflict("this visitor is already chatting", code="visitor_chatting")
    async with ctx.engine.connect() as conn:
        user = await users_db.get(conn, actor.id)
    assert user is not None
    found = {"id": secrets.token_hex(8), "agent_id": actor.id,
             "agent_name": user["display_name"], "agent_avatar": user["avatar_id"],
             "text": text, "created_at": iso(utcnow())}
    await store.set_invite(site_key, tid, found)
    return _visitor_view(record, widget, found)


async def withdraw(ctx: Context, actor: Actor, site_key: str, tid: str) -> None:
    await _agent_widget(ctx, actor, site_key)
    if TRACKING_ID_RE.match(tid):
        await state(ctx).store.take_invite(site_key, tid)


# --- the visitor starts a conversation -------------------------------------------------------

def session_tracking_id(widget: RowMapping, data: dict[str, Any]) -> str | None:
    """The tracking id a session creation carries (checked), when the widget tracks."""
    raw = data.get("tracking_id")
    if raw is None or not widget["visitor_tracking"]:
        return None
    return check_tracking_id(raw)


async def carry(ctx: Context, widget: RowMapping, tid: str,
                created: dict[str, Any]) -> dict[str, Any]:
    """A conversation was just created by a tracked visitor (`created`: the session creation's
    answer): copy the pages viewed before it into its context, and when an agent invited the
    visitor, put the agent's message first and assign the conversation to them. Returns the
    creation's answer as it is now."""
    store = state(ctx).store
    site_key, session_id = widget["site_key"], created["session_id"]
    record = await store.get(site_key, tid)
    found = await store.take_invite(site_key, tid)
    now = utcnow()
    agent = None
    async with ctx.engine.begin() as conn:
        if record is not None and record["pages"]:
            await context_db.save(conn, session_id, exists=False, timezone=None, language=None,
                                  referrer=record["referrer"], pages=record["pages"],
                                  attributes={}, updated_at=now)
        if found is not None:
            agent = await users_db.get(conn, found["agent_id"])
            if agent is not None and (agent["role"] == "admin" or await widgets_db.is_member(
                    conn, widget["id"], agent["id"])):
                await insert_message(conn, session_id=session_id,
                                     client_msg_id=f"invite-{found['id']}", sender_type="agent",
                                     sender_id=agent["id"], sender_name=agent["display_name"],
                                     text=found["text"], now=now)
                await sessions_db.update_session(
                    conn, session_id, status="assigned", assigned_agent_id=agent["id"],
                    accepted_at=now, first_agent_reply_at=now, ai_mode=False,
                    last_activity_at=now)
            else:
                agent = None
        row = await sessions_db.get(conn, session_id)
    if record is not None:
        record.update(chatting=True, session_id=session_id)  # erasing it forgets the visit
        await store.put(site_key, tid, record)
    if agent is not None:
        await routing.agent_joined(ctx, session_id, agent["id"], agent["display_name"], 0,
                                   user=agent)
    assert row is not None
    return {**created, **visitor_view(row)}


async def forget_sessions(ctx: Context, session_ids: list[str]) -> None:
    """Drop the visits that started these conversations (their erasure): the pages viewed
    would otherwise stay live, and listed to agents, until the visit expires."""
    if ctx.tracking is None and not isinstance(ctx.bus, RedisBus):
        return  # no visit in this process's memory, and no shared store
    store = state(ctx).store
    for sid in session_ids:
        await store.forget_session(sid)


async def forget_visitor(ctx: Context, site_key: str, tid: str) -> None:
    """Drop a visit and its invitation at once (erasure; otherwise they expire by themselves,
    VISIT_TTL_S after the last heartbeat)."""
    await state(ctx).store.forget(site_key, check_tracking_id(tid))
