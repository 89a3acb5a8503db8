"""What the widget tells about its visitor, from the first interaction on: the time zone (so
agents see the visitor's local time), the browser's language, the referrer of the page where
the chat started, the pages viewed since (the newest CONTEXT_PAGES_MAX, oldest dropped) and the
site's custom attributes (`Parley.setAttributes`; typed, limited, merged).

Only the session's visitor writes it (their token), never before a session exists, so the
widget's privacy promise holds (docs/privacy.md). A change is published after its commit as a
`visitor_context` frame on the conversation's team channel (`team:<id>`), which only agent
sockets following the conversation join: a visitor never receives it, their own or another's.

Every refusal has its own code (invalid_timezone, invalid_language, invalid_referrer,
invalid_page, invalid_attribute_key, invalid_attribute_value, too_many_attributes), the first
one found is raised with every bad field named; nothing is stored from a refused update.
"""

from __future__ import annotations

import math
import re
import time
import zoneinfo
from functools import cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.engine import RowMapping

from chatserver.bus import team_channel
from chatserver.context import Context
from chatserver.db import session_context as db
from chatserver.errors import BadRequest, Forbidden, RateLimited, ValidationError
from chatserver.limits import (
    ATTRIBUTE_TEXT_MAX,
    ATTRIBUTES_MAX,
    CONTEXT_PAGES_MAX,
    CONTEXT_TITLE_MAX,
    CONTEXT_URL_MAX,
)
from chatserver.services.access import Actor, access_session
from chatserver.services.publish import publish_frame
from chatserver.timeutil import iso, utcnow
from chatserver.validate import clean_text

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# A BCP 47 language tag as browsers give it (navigator.language): "fr", "fr-FR", "zh-Hant-TW".
LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,6}$")
LANGUAGE_MAX = 35
# Numbers a browser holds exactly (beyond, JavaScript would show another number).
NUMBER_MAX = 2**53 - 1


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class _Check:
    """Collects refusals: field -> (code, message); the first code is the error's."""

    def __init__(self) -> None:
        self.errors: dict[str, tuple[str, str]] = {}

    def fail(self, name: str, code: str, message: str) -> None:
        self.errors.setdefault(name, (code, message))

    def raise_first(self) -> None:
        if not self.errors:
            return
        code, message = next(iter(self.errors.values()))
        raise ValidationError(f"{message}", code=code,
                              fields={k: m for k, (_, m) in self.errors.items()})


def _web_url(raw: Any, name: str, check: _Check, code: str) -> str | None:
    """An http(s) URL of at most CONTEXT_URL_MAX characters, kept without its query or
    fragment (they may hold tokens); "" or null: none."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        check.fail(name, code, f"{name} must be a string")
        return None
    if len(raw) > CONTEXT_URL_MAX:
        check.fail(name, code, f"{name} must be at most {CONTEXT_URL_MAX} characters")
        return None
    try:
        parts = urlsplit(raw.strip())
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        check.fail(name, code, f"{name} must be an http(s) URL")
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _text(raw: Any, name: str, limit: int, check: _Check, code: str) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        check.fail(name, code, f"{name} must be a string")
        return None
    value = clean_text(raw, multiline=False)
    if len(value) > limit:
        check.fail(name, code, f"{name} must be at most {limit} characters")
        return None
    return value


def _timezone(raw: Any, check: _Check) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or raw not in time_zones():
        check.fail("timezone", "invalid_timezone",
                   "timezone must be an IANA time zone such as Europe/Paris")
        return None
    return raw


def _language(raw: Any, check: _Check) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or len(raw) > LANGUAGE_MAX or not LANGUAGE_RE.match(raw):
        check.fail("language", "invalid_language",
                   "language must be a language tag such as fr-FR")
        return None
    return raw


def _page(raw: Any, check: _Check) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw.get("url"):
        check.fail("page", "invalid_page", "page must be an object with a url")
        return None
    url = _web_url(raw.get("url"), "page.url", check, "invalid_page")
    title = _text(raw.get("title"), "page.title", CONTEXT_TITLE_MAX, check, "invalid_page")
    return {"url": url, "title": title or None} if url else None


def _value(raw: Any) -> tuple[bool, Any]:
    """(allowed, the value to store) for a custom attribute's value."""
    if raw is None or isinstance(raw, bool):
        return True, raw
    if isinstance(raw, int):
        return abs(raw) <= NUMBER_MAX, raw
    if isinstance(raw, float):
        return math.isfinite(raw) and abs(raw) <= NUMBER_MAX, raw
    if isinstance(raw, str):
        value = clean_text(raw, multiline=False)
        return len(value) <= ATTRIBUTE_TEXT_MAX, value
    return False, None


def _attributes(raw: Any, check: _Check) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        check.fail("attributes", "invalid_attributes", "attributes must be an object")
        return None
    if len(raw) > ATTRIBUTES_MAX:
        check.fail("attributes", "too_many_attributes",
                   f"at most {ATTRIBUTES_MAX} attributes per conversation")
        return None
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if not KEY_RE.match(key):
            check.fail(f"attributes.{key[:50]}", "invalid_attribute_key",
                       f"attribute names are 1-40 characters: a-z first, then a-z, 0-9 or _ "
                       f"({key[:50]!r} is not)")
            continue
        ok, clean = _value(value)
        if not ok:
            check.fail(f"attributes.{key}", "invalid_attribute_value",
                       f"attribute {key!r} must be a string of at most {ATTRIBUTE_TEXT_MAX} "
                       "characters, a number, true, false or null")
            continue
        out[key] = clean
    return out


def parse_update(data: dict[str, Any]) -> dict[str, Any]:
    """The fields of an update, checked; raises on the first refusal (every one named)."""
    known = {"timezone", "language", "referrer", "page", "attributes"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise BadRequest(f"unknown field {unknown[0]!r}", code="invalid_type",
                         fields={u[:50]: "is not a field of the visitor context" for u in unknown})
    check = _Check()
    out = {
        "timezone": _timezone(data.get("timezone"), check),
        "language": _language(data.get("language"), check),
        "referrer": _web_url(data.get("referrer"), "referrer", check, "invalid_referrer"),
        "page": _page(data.get("page"), check),
        "attributes": _attributes(data.get("attributes"), check),
    }
    check.raise_first()
    return out


def merged(row: RowMapping | None, change: dict[str, Any], now_iso: str) -> dict[str, Any]:
    """The row's values after the change: the newest page appended (the same URL as the newest
    one refreshes it instead), the oldest dropped past CONTEXT_PAGES_MAX; attributes merged
    (null removes one), at most ATTRIBUTES_MAX; the referrer taken from the first report only
    (a later page's referrer is the site's own previous page)."""
    pages: list[dict[str, Any]] = list(row["pages"]) if row else []
    attributes: dict[str, Any] = dict(row["attributes"]) if row else {}
    page = change["page"]
    if page is not None:
        entry = {**page, "at": now_iso}
        if pages and pages[-1].get("url") == page["url"]:
            pages[-1] = entry
        else:
            pages.append(entry)
        pages = pages[-CONTEXT_PAGES_MAX:]
    if change["attributes"]:
        for key, value in change["attributes"].items():
            if value is None:
                attributes.pop(key, None)
            else:
                attributes[key] = value
        if len(attributes) > ATTRIBUTES_MAX:
            raise ValidationError(
                f"at most {ATTRIBUTES_MAX} attributes per conversation", code="too_many_attributes",
                fields={"attributes": f"the conversation would have {len(attributes)}"})
    return {
        "timezone": change["timezone"] or (row["timezone"] if row else None),
        "language": change["language"] or (row["language"] if row else None),
        "referrer": row["referrer"] if row else change["referrer"],
        "pages": pages,
        "attributes": attributes,
    }


def view(row: RowMapping | dict[str, Any] | None) -> dict[str, Any] | None:
    """The context as agents see it (None: the widget has told nothing yet)."""
    if row is None:
        return None
    return {"timezone": row["timezone"], "language": row["language"],
            "referrer": row["referrer"], "pages": list(row["pages"]),
            "attributes": dict(row["attributes"]), "updated_at": iso(row["updated_at"])}


async def update(ctx: Context, site_key: str, session_id: str, data: dict[str, Any], *,
                 visitor_token: str | None, actor: Actor | None = None) -> dict[str, Any]:
    """The visitor's widget reports context; agents following the conversation are told.
    Returns the context after the change. Only the visitor writes it: an agent of the widget
    is refused (403 visitor_only), anyone else learns nothing (404, as for no session)."""
    async with ctx.session_locks(f"context:{session_id}"):
        async with ctx.engine.begin() as conn:
            session = await access_session(conn, site_key, session_id, actor=actor,
                                           visitor_token=visitor_token, for_update=True)
            if visitor_token is None:
                raise Forbidden("only the visitor's widget reports the visitor's context",
                                code="visitor_only")
            # Counted once the caller is known to be the visitor: nobody else can use up
            # their conversation's updates.
            wait = ctx.context_limiter.hit(session["id"], time.monotonic())
            if wait:
                raise RateLimited("too many context updates for this conversation",
                                  headers={"Retry-After": str(math.ceil(wait))})
            change = parse_update(data)
            row = await db.get(conn, session["id"])
            now = utcnow()
            values = merged(row, change, iso(now) or "")
            await db.save(conn, session["id"], exists=row is not None, updated_at=now,
                          **values)
        out = view({**values, "updated_at": now})
        assert out is not None
        await publish_frame(ctx, team_channel(session["id"]), {
            "type": "visitor_context", "session_id": session["id"], "context": out})
    return out


async def of_session(ctx: Context, session_id: str) -> dict[str, Any] | None:
    """The context of a session the caller was already allowed to see."""
    async with ctx.engine.connect() as conn:
        return view(await db.get(conn, session_id))
