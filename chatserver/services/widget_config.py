"""A widget's public side, cached: the config the widget script loads (with its ETag and
allowed origins) and whether a person could answer now. Each process caches for
CONFIG_CACHE_TTL_S; a change made in this process drops its entry at once."""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import triggers as triggers_db
from chatserver.db import widgets as db
from chatserver.errors import NotFound
from chatserver.services.hours import is_open
from chatserver.timeutil import utcnow

# The fields a public (visitor-facing) config shows.
PUBLIC_FIELDS = ("site_key", "business_name", "widget_title", "welcome_message",
                 "primary_color", "secondary_color", "position", "enable_prechat_form",
                 "prechat_fields", "business_hours", "timezone", "ai_enabled",
                 "visitor_uploads", "require_identity", "visitor_tracking")


def public_config(row: RowMapping, mail: bool = False,
                  uploads: dict[str, Any] | None = None,
                  triggers: list[RowMapping] | None = None) -> dict[str, Any]:
    """`mail`: this server sends email (the widget offers the transcript by email);
    `uploads`: the server's limits on files (``upload_limits``); `triggers`: the widget's
    proactive-message triggers (services/triggers.py)."""
    # These two first: cached_public_config sets `hidden_now` per request (HIDING).
    return {"hidden_now": False, "hide_when_offline": bool(row["hide_when_offline"]),
            **{k: row[k] for k in PUBLIC_FIELDS}, "mail": mail, "uploads": uploads or {},
            "triggers": public_triggers(row, triggers or []),
            # The widget's default language and the admin's texts (docs/widget.md): all
            # languages' (the whole map is at most widget_texts.MAX_TOTAL characters).
            "language": row["language"] or "en", "text_overrides": row["text_overrides"] or {}}


def public_triggers(widget: RowMapping, rows: list[RowMapping]) -> list[dict[str, Any]]:
    """What the widget needs of its enabled triggers (the trigger chunk, docs/widget.md);
    without the returning-visitor ones when visitor tracking is off: those never fire then
    (nothing in the browser may tell a returning visitor)."""
    return [{"id": r["id"], "name": r["name"], "kind": r["kind"], "message": r["message"],
             "open": bool(r["open_widget"]), "url_match": r["url_match"],
             "url_pattern": r["url_pattern"], "delay_s": r["delay_s"],
             "scroll_pct": r["scroll_pct"], "returning": bool(r["returning_visitor"])}
            for r in rows
            if r["enabled"] and (widget["visitor_tracking"] or not r["returning_visitor"])]


def upload_limits(settings: Settings) -> dict[str, Any]:
    """What the widget needs to check a file before sending it (the server checks again)."""
    return {"max_bytes": settings.max_upload_bytes,
            "max_files": settings.max_files_per_message,
            "types": sorted(settings.upload_type_set)}


# The start of a public config whose launcher hides when nobody could answer.
HIDING = b'{"hidden_now":false,"hide_when_offline":true'

# Other processes learn of a change within this time (the bus invalidates sooner when present).
CONFIG_CACHE_TTL_S = 30.0


def fresh_static_config(ctx: Context, site_key: str) -> tuple[str, bytes, list[str]] | None:
    """The cached (ETag, body, origins) of a widget's public config if it is fresh and the
    same for every visitor (not hidden by hours, HIDING); else None."""
    hit = ctx.config_cache.get(site_key)
    if hit is None or hit[0] <= time.monotonic() or hit[2].startswith(HIDING):
        return None
    return hit[1], hit[2], hit[3]


async def cached_public_config(ctx: Context, site_key: str) -> tuple[str, bytes, list[str]]:
    """(ETag, JSON body, allowed origins) of a widget's public config, from a cache."""
    now = time.monotonic()
    hit = ctx.config_cache.get(site_key)
    if hit is None or hit[0] <= now:
        hit = await _load_public_config(ctx, site_key, now)
    _expires, etag, body, origins = hit
    if body.startswith(HIDING):
        # Live, not cached: hidden while nobody is online outside business hours.
        av = await availability(ctx, site_key)
        if not av["open"] and not av["agents_online"]:
            body = body.replace(b'"hidden_now":false', b'"hidden_now":true', 1)
            etag = etag[:-1] + '-h"'
    return etag, body, origins


async def _load_public_config(ctx: Context, site_key: str,
                              now: float) -> tuple[float, str, bytes, list[str]]:
    async with ctx.engine.connect() as conn:
        row = await db.by_site_key(conn, site_key)
        triggers = [] if row is None else await triggers_db.of_widget(conn, row["id"],
                                                                      enabled_only=True)
    if row is None:
        ctx.config_cache.pop(site_key, None)
        raise NotFound("no such widget", code="widget_not_found")
    body = json.dumps(public_config(row, ctx.settings.mail_enabled,
                                    upload_limits(ctx.settings), triggers), separators=(",", ":"),
                      ensure_ascii=False).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    origins = list(row["allowed_origins"])
    entry = ctx.config_cache[site_key] = (now + CONFIG_CACHE_TTL_S, etag, body, origins)
    return entry


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
