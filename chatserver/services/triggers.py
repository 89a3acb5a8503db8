"""Proactive messages (docs/widget.md "Proactive triggers"): an admin or the widget's owner
defines triggers per widget; the widget's public config carries the enabled ones, and its
trigger chunk shows a trigger's message in a bubble by the launcher when the trigger's
conditions hold. Nothing about the visitor is stored until they answer: the conversation then
starts with the trigger's message (like an agent's invitation, services/tracking.py `carry`).
The counts (shown, opened, answered) are kept per trigger and UTC day, with nothing personal.

Refusals have stable codes: widget_not_found, trigger_not_found (404), trigger_name_taken
(409), trigger_needs_tracking, too_many_triggers, invalid_trigger_event, invalid_trigger_id
(422), rate_limited (429), and validation_failed / invalid_type for the fields.
"""

from __future__ import annotations

import json
import math
import re
import time
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import sessions as sessions_db
from chatserver.db import triggers as db
from chatserver.db.messages import insert_message
from chatserver.errors import Conflict, NotFound, RateLimited, ValidationError
from chatserver.ratelimit import WindowLimiter
from chatserver.services.access import Actor, access_widget
from chatserver.services.audit import record
from chatserver.services.sessions import visitor_view
from chatserver.services.widget_config import cached_public_config, invalidate_config
from chatserver.timeutil import iso, utcnow
from chatserver.validate import Fields

MAX_TRIGGERS = 20
MESSAGE_MAX = 500
PATTERN_MAX = 500
DELAY_MAX_S = 3600
KINDS = ("auto", "js")
URL_MATCHES = ("contains", "glob")
EVENTS = ("shown", "opened")  # "answered" is counted when the conversation starts
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
# Beacons per address per minute, per process (a site's visitors behind one NAT stay under it).
EVENTS_PER_IP_PER_MINUTE = 120
_limiter = WindowLimiter(EVENTS_PER_IP_PER_MINUTE, 60.0)
DEFAULTS: dict[str, Any] = {"kind": "auto", "open_widget": False, "enabled": True,
                            "url_match": None, "url_pattern": None, "delay_s": None,
                            "scroll_pct": None, "returning_visitor": False}


def parse_trigger(data: Any, widget: RowMapping, current: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
    """A trigger's fields from a request (`current`: the trigger changed, whose fields stay
    when not given). Raises the validation errors, every one at once."""
    if not isinstance(data, dict):
        raise ValidationError("the body must be a JSON object", code="invalid_type")
    f = Fields(data)
    out: dict[str, Any] = dict(current or {"name": None, "message": None, **DEFAULTS})
    creating = current is None
    if creating or f.has("name"):
        out["name"] = f.text("name", required=True, max_len=64, pattern=NAME_RE,
                             pattern_help="must be letters, digits, '.', '_' or '-'")
    if creating or f.has("message"):
        out["message"] = f.text("message", required=True, max_len=MESSAGE_MAX, multiline=True)
    if f.has("kind"):
        out["kind"] = f.choice("kind", KINDS, required=True)
    for flag in ("open_widget", "enabled", "returning_visitor"):
        if f.has(flag):
            out[flag] = f.flag(flag, required=True)
    if f.has("url_match"):
        out["url_match"] = f.choice("url_match", URL_MATCHES)
    if f.has("url_pattern"):
        out["url_pattern"] = f.text("url_pattern", max_len=PATTERN_MAX) or None
    if f.has("delay_s"):
        out["delay_s"] = f.integer("delay_s", min=0, max=DELAY_MAX_S)
    if f.has("scroll_pct"):
        out["scroll_pct"] = f.integer("scroll_pct", min=1, max=100)
    if out["url_pattern"] and not out["url_match"]:
        out["url_match"] = "contains"
    if out["url_match"] and not out["url_pattern"]:
        f.error("url_pattern", "is required when url_match is set")
    f.check()
    if out["returning_visitor"] and not widget["visitor_tracking"]:
        raise ValidationError("a returning-visitor trigger needs the widget's visitor tracking",
                              code="trigger_needs_tracking",
                              fields={"returning_visitor": "needs visitor_tracking on"})
    return out


def serialize(row: RowMapping, counts: dict[str, int] | None = None,
              recent: dict[str, int] | None = None) -> dict[str, Any]:
    zero = {"shown": 0, "opened": 0, "answered": 0}
    return {
        "id": row["id"], "name": row["name"], "kind": row["kind"], "message": row["message"],
        **{k: row[k] for k in DEFAULTS if k != "kind"},
        "counts": counts or zero, "counts_30d": recent or zero,
        "created_at": iso(row["created_at"]), "updated_at": iso(row["updated_at"]),
    }


# --- the admin's side -------------------------------------------------------------------------

async def list_triggers(ctx: Context, actor: Actor, site_key: str) -> list[dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        widget = await access_widget(conn, actor, site_key)
        rows = await db.of_widget(conn, widget["id"])
        ids = [r["id"] for r in rows]
        counts = await db.totals(conn, ids)
        recent = await db.totals(conn, ids, since=utcnow().date() - timedelta(days=29))
    return [serialize(r, counts.get(r["id"]), recent.get(r["id"])) for r in rows]


async def _one(conn: Any, widget: RowMapping, trigger_id: str | int) -> RowMapping:
    tid = _trigger_id(trigger_id)
    row = None if tid is None else await db.get(conn, widget["id"], tid)
    if row is None:
        raise NotFound("no such trigger", code="trigger_not_found")
    return row


def _trigger_id(raw: Any) -> int | None:
    if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) <= 9:
        return int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 < raw < 2**31:
        return raw
    return None


async def create_trigger(ctx: Context, actor: Actor, site_key: str,
                         data: Any) -> dict[str, Any]:
    async with ctx.engine.begin() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        values = parse_trigger(data, widget)
        if await db.count_of_widget(conn, widget["id"]) >= MAX_TRIGGERS:
            raise ValidationError(f"a widget has at most {MAX_TRIGGERS} triggers",
                                  code="too_many_triggers")
        if await db.name_taken(conn, widget["id"], values["name"]):
            raise Conflict("the widget has a trigger of that name", code="trigger_name_taken")
        now = utcnow()
        tid = await db.insert_trigger(conn, widget_id=widget["id"], created_at=now,
                                      updated_at=now, **values)
        await record(conn, actor, "trigger.create", "widget", site_key,
                     {"trigger": values["name"]})
        row = await db.get(conn, widget["id"], tid)
    invalidate_config(ctx, site_key)
    assert row is not None
    return serialize(row)


async def update_trigger(ctx: Context, actor: Actor, site_key: str, trigger_id: str,
                         data: Any) -> dict[str, Any]:
    async with ctx.engine.begin() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        row = await _one(conn, widget, trigger_id)
        current = {k: row[k] for k in ("name", "message", *DEFAULTS)}
        values = parse_trigger(data, widget, current)
        if values["name"] != row["name"] and await db.name_taken(
                conn, widget["id"], values["name"], except_id=row["id"]):
            raise Conflict("the widget has a trigger of that name", code="trigger_name_taken")
        changed = sorted(k for k, v in values.items() if row[k] != v)
        if changed:
            await db.update_trigger(conn, row["id"], updated_at=utcnow(), **values)
            await record(conn, actor, "trigger.update", "widget", site_key,
                         {"trigger": values["name"], "fields": changed})
        new = await db.get(conn, widget["id"], row["id"])
        ids = [row["id"]]
        counts = await db.totals(conn, ids)
        recent = await db.totals(conn, ids, since=utcnow().date() - timedelta(days=29))
    invalidate_config(ctx, site_key)
    assert new is not None
    return serialize(new, counts.get(new["id"]), recent.get(new["id"]))


async def delete_trigger(ctx: Context, actor: Actor, site_key: str, trigger_id: str) -> None:
    async with ctx.engine.begin() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        row = await _one(conn, widget, trigger_id)
        await db.delete_trigger(conn, row["id"])  # its counts go with it
        await record(conn, actor, "trigger.delete", "widget", site_key, {"trigger": row["name"]})
    invalidate_config(ctx, site_key)


# --- the visitor's widget ---------------------------------------------------------------------

async def _public_ids(ctx: Context, site_key: str) -> set[int]:
    _etag, body, _origins = await cached_public_config(ctx, site_key)
    return {t["id"] for t in json.loads(body).get("triggers", [])}


async def count_event(ctx: Context, site_key: str, data: Any, *, ip: str) -> None:
    """The trigger chunk's beacon: a trigger was shown, or the chat opened from it. Only the
    count of the day goes up; nothing names the visitor."""
    known = await _public_ids(ctx, site_key)  # 404 widget_not_found first
    wait = _limiter.hit(ip, time.monotonic())
    if wait:
        raise RateLimited("too many trigger events from this address",
                          headers={"Retry-After": str(math.ceil(wait))})
    body = data if isinstance(data, dict) else {}
    event = body.get("event")
    if event not in EVENTS:
        raise ValidationError("event must be shown or opened", code="invalid_trigger_event",
                              fields={"event": "must be one of " + ", ".join(EVENTS)})
    raw = body.get("trigger_id")
    tid = _trigger_id(raw) if isinstance(raw, int) else None
    if tid is None or tid not in known:
        raise NotFound("no such trigger", code="trigger_not_found")
    async with ctx.engine.begin() as conn:
        await db.bump(conn, tid, utcnow().date(), event)


def session_trigger_id(data: dict[str, Any]) -> int | None:
    """The trigger a session creation says the visitor answered (checked), if any."""
    raw = data.get("trigger_id")
    if raw is None:
        return None
    tid = _trigger_id(raw) if isinstance(raw, int) else None
    if tid is None:
        raise ValidationError("trigger_id must be a trigger's id", code="invalid_trigger_id",
                              fields={"trigger_id": "is not a trigger id"})
    return tid


async def answered(ctx: Context, widget: RowMapping, trigger_id: int,
                   created: dict[str, Any]) -> dict[str, Any]:
    """A conversation was just created by a visitor answering a trigger: its message becomes
    the conversation's first (from the AI, in the business's name), and the trigger's count
    of answers goes up. A trigger deleted or disabled since it was shown is ignored."""
    session_id = created["session_id"]
    now = utcnow()
    async with ctx.engine.begin() as conn:
        row = await db.get(conn, widget["id"], trigger_id)
        if row is None or not row["enabled"]:
            return created
        await insert_message(conn, session_id=session_id, client_msg_id=f"trigger-{row['id']}",
                             sender_type="ai", sender_name=widget["business_name"],
                             text=row["message"], now=now, meta={"trigger_id": row["id"]})
        await db.bump(conn, row["id"], now.date(), "answered")
        session = await sessions_db.get(conn, session_id)
    assert session is not None
    return {**created, **visitor_view(session)}
