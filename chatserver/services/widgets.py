"""Widgets: the embeddable chat's configuration, its allowed origins and its agents."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
import zoneinfo
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import users as users_db
from chatserver.db import widgets as db
from chatserver.errors import NotFound, ValidationError
from chatserver.services.access import Actor, access_widget, require_admin
from chatserver.services.users import public as public_user
from chatserver.timeutil import iso, utcnow
from chatserver.validate import Fields

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
POSITIONS = ("bottom-right", "bottom-left")
FIELD_TYPES = ("text", "email", "tel", "textarea", "select")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_PRECHAT_FIELDS = 10
MAX_ORIGINS = 50
AI_KEYS: dict[str, tuple[str, Any]] = {
    "provider": ("choice", ("default", "openai", "offline")),
    "model": ("str", 200), "fallback_model": ("str", 200), "system_prompt": ("text", 4000),
    "temperature": ("number", (0.0, 2.0)), "max_tokens": ("int", (1, 8192)),
    "daily_token_budget": ("int", (0, 100_000_000)),
    "visitor_message_limit": ("int", (0, 10_000)), "language": ("str", 35),
}

DEFAULTS: dict[str, Any] = {
    "business_name": "My business",
    "widget_title": "Chat with us",
    "welcome_message": "Hi! How can we help you today?",
    "primary_color": "#007bff",
    "secondary_color": "#6c757d",
    "position": "bottom-right",
    "enable_prechat_form": False,
    "prechat_fields": [],
    "allowed_origins": [],
    "business_hours": None,
    "timezone": "UTC",
    "ai_enabled": True,
    "ai_settings": {},
}

# The fields a public (visitor-facing) config shows.
PUBLIC_FIELDS = ("site_key", "business_name", "widget_title", "welcome_message",
                 "primary_color", "secondary_color", "position", "enable_prechat_form",
                 "prechat_fields", "business_hours", "timezone", "ai_enabled")


def new_site_key() -> str:
    """192 random bits, URL-safe, never starting with '-' (a shell tool would read an option)."""
    while True:
        key = secrets.token_urlsafe(24)
        if not key.startswith("-"):
            return key


def normalize_origin(value: str) -> str | None:
    """``scheme://host[:port]`` lower-cased, default ports dropped; None if not an origin."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    default = 443 if parts.scheme == "https" else 80
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _check_prechat_fields(f: Fields, value: list[Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if len(value) > MAX_PRECHAT_FIELDS:
        f.error("prechat_fields", f"at most {MAX_PRECHAT_FIELDS} fields")
        return out
    seen: set[str] = set()
    for i, item in enumerate(value):
        key = f"prechat_fields[{i}]"
        if not isinstance(item, dict):
            f.type_errors[key] = "must be an object"
            continue
        sub = Fields(item)
        name = sub.text("name", required=True, max_len=32, pattern=FIELD_NAME_RE,
                       pattern_help="lower-case letters, digits and _, starting with a letter")
        label = sub.text("label", required=True, max_len=100)
        ftype = sub.choice("type", FIELD_TYPES, required=True)
        required = sub.flag("required") or False
        options = sub.array("options")
        clean_options: list[str] = []
        if ftype == "select":
            if not options:
                sub.error("options", "a select field needs at least one option")
            else:
                for opt in options[:50]:
                    if not isinstance(opt, str) or not opt.strip() or len(opt) > 100:
                        sub.error("options", "options must be non-empty strings (≤ 100)")
                        break
                    clean_options.append(opt.strip())
        if name in seen:
            sub.error("name", "is used twice")
        seen.add(name or "")
        for k, v in sub.type_errors.items():
            f.type_errors[f"{key}.{k}"] = v
        for k, v in sub.errors.items():
            f.error(f"{key}.{k}", v)
        field_out: dict[str, Any] = {"name": name, "label": label, "type": ftype,
                                     "required": required}
        if ftype == "select":
            field_out["options"] = clean_options
        out.append(field_out)
    return out


def _check_hours(f: Fields, value: dict[str, Any]) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for day, spans in value.items():
        if day not in DAYS:
            f.error("business_hours", f"days are {', '.join(DAYS)}")
            continue
        if not isinstance(spans, list) or not all(
                isinstance(s, list) and len(s) == 2 and all(isinstance(t, str) for t in s)
                for s in spans):
            f.error(f"business_hours.{day}", 'must be a list of ["HH:MM", "HH:MM"] pairs')
            continue
        for start, end in spans:
            if not HHMM_RE.match(start) or not HHMM_RE.match(end) or start >= end:
                f.error(f"business_hours.{day}", "each span is [start, end] with start < end")
        out[day] = [[s, e] for s, e in spans]
    return out


def _check_ai(f: Fields, value: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    sub = Fields(value)
    for key in value:
        if key not in AI_KEYS:
            f.error(f"ai_settings.{key}", "is not an AI setting")
    for key, (kind, arg) in AI_KEYS.items():
        if key not in value or value[key] is None:
            continue
        if kind == "choice":
            out[key] = sub.choice(key, arg)
        elif kind in ("str", "text"):
            out[key] = sub.text(key, max_len=arg, multiline=kind == "text")
        elif kind == "number":
            out[key] = sub.number(key, min=arg[0], max=arg[1])
        else:
            out[key] = sub.integer(key, min=arg[0], max=arg[1])
    for k, v in sub.type_errors.items():
        f.type_errors[f"ai_settings.{k}"] = v
    for k, v in sub.errors.items():
        f.error(f"ai_settings.{k}", v)
    return out


def parse_widget(data: dict[str, Any]) -> dict[str, Any]:
    """Validate the widget fields given (creation fills the rest from DEFAULTS)."""
    f = Fields(data)
    out: dict[str, Any] = {}
    for name in ("business_name", "widget_title"):
        if name in data:
            out[name] = f.text(name, required=True, max_len=100)
    if "welcome_message" in data:
        out["welcome_message"] = f.text("welcome_message", max_len=1000, multiline=True) or ""
    for name in ("primary_color", "secondary_color"):
        if name in data:
            color = f.text(name, required=True, max_len=7, pattern=COLOR_RE,
                          pattern_help="must be a colour like #007bff")
            out[name] = color.lower() if color else color
    if "position" in data:
        out["position"] = f.choice("position", POSITIONS, required=True)
    for name in ("enable_prechat_form", "ai_enabled"):
        if name in data:
            out[name] = f.flag(name, required=True)
    if "prechat_fields" in data:
        fields = f.array("prechat_fields", required=True)
        out["prechat_fields"] = _check_prechat_fields(f, fields) if fields is not None else None
    if "allowed_origins" in data:
        origins = f.array("allowed_origins", required=True)
        clean: list[str] = []
        for item in origins or []:
            norm = normalize_origin(item) if isinstance(item, str) else None
            if norm is None:
                f.error("allowed_origins", f"{str(item)[:100]!r} is not an origin like "
                        "https://example.com")
            elif norm not in clean:
                clean.append(norm)
        if len(clean) > MAX_ORIGINS:
            f.error("allowed_origins", f"at most {MAX_ORIGINS} origins")
        out["allowed_origins"] = clean
    if "timezone" in data:
        tz = f.text("timezone", required=True, max_len=64)
        if tz and tz not in zoneinfo.available_timezones():
            f.error("timezone", "must be an IANA time zone such as Europe/Paris")
        out["timezone"] = tz
    if "business_hours" in data:
        hours = f.obj("business_hours")
        out["business_hours"] = _check_hours(f, hours) if hours is not None else None
    if "ai_settings" in data:
        ai = f.obj("ai_settings", required=True)
        out["ai_settings"] = _check_ai(f, ai) if ai is not None else None
    f.check()
    return out


def is_open(widget: RowMapping | dict[str, Any], now_utc: datetime) -> bool:
    """Inside the widget's business hours (always, when it has none)?"""
    hours = widget["business_hours"]
    if not hours:
        return True
    try:
        tz = zoneinfo.ZoneInfo(widget["timezone"] or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        tz = zoneinfo.ZoneInfo("UTC")
    local = now_utc.replace(tzinfo=UTC).astimezone(tz)
    hhmm = local.strftime("%H:%M")
    spans = hours.get(DAYS[local.weekday()], [])
    return any(start <= hhmm < end for start, end in spans)


def serialize(row: RowMapping) -> dict[str, Any]:
    return {
        "id": row["id"],
        "site_key": row["site_key"],
        "owner_id": row["owner_id"],
        **{k: row[k] for k in DEFAULTS},
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }


def public_config(row: RowMapping) -> dict[str, Any]:
    return {k: row[k] for k in PUBLIC_FIELDS}


# Other processes learn of a change within this time (the bus invalidates sooner when present).
CONFIG_CACHE_TTL_S = 30.0


async def cached_public_config(ctx: Context, site_key: str) -> tuple[str, bytes, list[str]]:
    """(ETag, JSON body, allowed origins) of a widget's public config, from a cache."""
    now = time.monotonic()
    hit = ctx.config_cache.get(site_key)
    if hit is not None and hit[0] > now:
        return hit[1], hit[2], hit[3]
    async with ctx.engine.connect() as conn:
        row = await db.by_site_key(conn, site_key)
    if row is None:
        ctx.config_cache.pop(site_key, None)
        raise NotFound("no such widget", code="widget_not_found")
    body = json.dumps(public_config(row), separators=(",", ":"), ensure_ascii=False).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    origins = list(row["allowed_origins"])
    ctx.config_cache[site_key] = (now + CONFIG_CACHE_TTL_S, etag, body, origins)
    return etag, body, origins


async def widget_row(ctx: Context, site_key: str) -> RowMapping:
    """A widget by its (public) site key, for visitor-facing actions."""
    async with ctx.engine.connect() as conn:
        row = await db.by_site_key(conn, site_key)
    if row is None:
        raise NotFound("no such widget", code="widget_not_found")
    return row


async def demo_site_key(ctx: Context, prefer_name: str) -> str | None:
    """The widget the demo page embeds: the one whose business name is `prefer_name`, else
    the first; None when there is no widget."""
    async with ctx.engine.connect() as conn:
        rows = await db.list_widgets(conn)
    chosen = [w for w in rows if w["business_name"] == prefer_name] or rows
    return str(chosen[0]["site_key"]) if chosen else None


def invalidate_config(ctx: Context, site_key: str) -> None:
    ctx.config_cache.pop(site_key, None)
    ctx.staff_cache.pop(site_key, None)


async def availability(ctx: Context, site_key: str) -> dict[str, bool]:
    """Could a person answer now? `open`: inside business hours; `agents_online`: one of the
    widget's agents is online (not away). Hours and membership come from a cache like the
    public config's; presence is live."""
    now = time.monotonic()
    hit = ctx.staff_cache.get(site_key)
    if hit is None or hit[0] <= now:
        async with ctx.engine.connect() as conn:
            row = await db.by_site_key(conn, site_key)
            if row is None:
                raise NotFound("no such widget", code="widget_not_found")
            members = frozenset(m["id"] for m in await db.members(conn, row["id"]))
        hours = {"business_hours": row["business_hours"], "timezone": row["timezone"]}
        hit = ctx.staff_cache[site_key] = (now + CONFIG_CACHE_TTL_S, hours, members)
    _expires, hours, members = hit
    return {"open": is_open(hours, utcnow()), "agents_online": bool(members & ctx.presence.online())}


async def create_widget(ctx: Context, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    values = {**DEFAULTS, **parse_widget(data)}
    now = utcnow()
    async with ctx.engine.begin() as conn:
        widget_id = await db.insert_widget(conn, site_key=new_site_key(), owner_id=actor.id,
                                           created_at=now, updated_at=now, **values)
        row = await db.by_id(conn, widget_id)
    assert row is not None
    return serialize(row)


async def list_widgets(ctx: Context, actor: Actor) -> list[dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        rows = await db.list_widgets(conn, user_id=None if actor.is_admin else actor.id)
    return [serialize(r) for r in rows]


async def get_widget(ctx: Context, actor: Actor, site_key: str) -> dict[str, Any]:
    async with ctx.engine.connect() as conn:
        return serialize(await access_widget(conn, actor, site_key))


async def update_widget(ctx: Context, actor: Actor, site_key: str,
                        data: dict[str, Any]) -> dict[str, Any]:
    values = parse_widget(data)
    async with ctx.engine.begin() as conn:
        row = await access_widget(conn, actor, site_key, manage=True)
        if values:
            await db.update_widget(conn, row["id"], updated_at=utcnow(), **values)
        new = await db.by_id(conn, row["id"])
    invalidate_config(ctx, site_key)
    assert new is not None
    return serialize(new)


async def delete_widget(ctx: Context, actor: Actor, site_key: str) -> None:
    async with ctx.engine.begin() as conn:
        row = await access_widget(conn, actor, site_key, manage=True)
        await db.delete_widget(conn, row["id"])
    invalidate_config(ctx, site_key)


async def list_agents(ctx: Context, actor: Actor, site_key: str) -> list[dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        row = await access_widget(conn, actor, site_key)
        return [public_user(u) for u in await db.members(conn, row["id"])]


async def set_agent(ctx: Context, actor: Actor, site_key: str, user_id: int,
                    member: bool) -> bool:
    """Add (member=True) or remove an agent; returns whether anything changed."""
    require_admin(actor)
    async with ctx.engine.begin() as conn:
        row = await access_widget(conn, actor, site_key, manage=True)
        if await users_db.get(conn, user_id) is None:
            raise NotFound("no such user", code="user_not_found")
        changed = await (db.add_member if member else db.remove_member)(conn, row["id"], user_id)
    ctx.staff_cache.pop(site_key, None)
    return changed


def snippet(base_url: str, site_key: str) -> str:
    base = base_url.rstrip("/")
    return f'<script src="{base}/widget.js" data-site-key="{site_key}" async></script>'


def check_site_key_shape(site_key: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", site_key):
        raise ValidationError("not a site key", code="widget_not_found")
