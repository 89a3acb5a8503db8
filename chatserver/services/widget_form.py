"""The widget form: which fields a widget has, their defaults, and their validation."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any
from urllib.parse import urlsplit

from chatserver.services.hours import check_hours
from chatserver.services.widget_texts import WIDGET_LANGUAGES, check_text_overrides
from chatserver.validate import Fields

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
POSITIONS = ("bottom-right", "bottom-left")
FIELD_TYPES = ("text", "email", "tel", "textarea", "select")
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
    # The widget's default language (a visitor's browser languages come first; docs/widget.md),
    # and the emails' (mail/strings.py LANGUAGES; English for the others).
    "language": "en",
    "ai_enabled": True,
    # Visitors may send files (docs/attachments.md); agents always may.
    "visitor_uploads": True,
    # Hide the launcher when nobody is online outside business hours (docs/widget.md).
    "hide_when_offline": False,
    "ai_settings": {},
    # Identity (docs/identity.md): refuse a name or email claimed without a signed token;
    # refuse anonymous visitors too.
    "enforce_identity": False,
    "require_identity": False,
    # Erase conversations ended more than this many days ago (docs/privacy.md); None = never.
    "retention_days": None,
    # Page views and presence before any interaction, for the live list of visitors
    # (docs/privacy.md); off: the widget stores and sends nothing before the visitor acts.
    "visitor_tracking": False,
    # The admin's texts instead of the widget's defaults, {lang: {key: text}} (docs/widget.md).
    "text_overrides": {},
}
RETENTION_MAX_DAYS = 36500


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
    for name in ("enable_prechat_form", "ai_enabled", "visitor_uploads", "enforce_identity",
                 "require_identity", "visitor_tracking", "hide_when_offline"):
        if name in data:
            out[name] = f.flag(name, required=True)
    if "retention_days" in data:
        days = data["retention_days"]
        if days is not None and (isinstance(days, bool) or not isinstance(days, int)
                                 or not 1 <= days <= RETENTION_MAX_DAYS):
            f.error("retention_days", f"must be a whole number of days from 1 to "
                    f"{RETENTION_MAX_DAYS}, or null to keep conversations")
        else:
            out["retention_days"] = days
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
    if "language" in data:
        out["language"] = f.choice("language", WIDGET_LANGUAGES, required=True)
    if "text_overrides" in data:
        out["text_overrides"] = check_text_overrides(f, data["text_overrides"])
    if "business_hours" in data:
        hours = f.obj("business_hours")
        out["business_hours"] = check_hours(f, hours) if hours is not None else None
    if "ai_settings" in data:
        ai = f.obj("ai_settings", required=True)
        out["ai_settings"] = _check_ai(f, ai) if ai is not None else None
    f.check()
    return out
