"""The history's filters, read and checked once for the history request (its query string)
and for a saved view (a JSON object of the same names).

Names (GET /api/agents/history, docs/openapi.yaml): `q`; `label` (a label id, repeated or
comma-separated: conversations carrying every one); `status` (closed or abandoned); `widget`
(a site key); `agent` (a user id, or `none`: the AI handled it alone); `rating` (comma-separated
1-5 and `none`: any of them); `from` and `to` (dates YYYY-MM-DD, both days included, in the
time zone `tz`, an IANA name, UTC by default); `has_attachments` (true or false).

A malformed value is a 400 `invalid_filter` naming the parameter; a well-formed one that names
nothing (a deleted label, a widget one cannot see) matches no conversation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chatserver.db.history_filters import HistoryFilter as HistoryFilter  # for api/
from chatserver.domain import ENDED
from chatserver.errors import BadRequest
from chatserver.validate import clean_text

QUERY_MAX = 200
# A filter on more labels than this is not a filter anyone means.
LABELS_MAX = 10
NAMES = ("q", "label", "status", "widget", "agent", "rating", "from", "to", "tz",
         "has_attachments")
# What the inbox's lists (GET /api/agents/waiting-sessions and active-chats) filter by.
INBOX_NAMES = ("label", "widget")
_SITE_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ID = re.compile(r"^[0-9]{1,9}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _values(args: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """The parameter's values, comma-separated ones split, empty ones dropped."""
    out: list[str] = []
    for raw in args.get(name, ()):
        out.extend(p.strip() for p in raw.split(",") if p.strip())
    return out


def _one(args: Mapping[str, Sequence[str]], name: str, errors: dict[str, str]) -> str | None:
    values = [v.strip() for v in args.get(name, ()) if v.strip()]
    if len(values) > 1:
        errors[name] = "is given more than once"
        return None
    return values[0] if values else None


def _day(text: str | None, name: str, errors: dict[str, str]) -> date | None:
    if text is None:
        return None
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = "must be a date YYYY-MM-DD"
        return None


def parse(args: Mapping[str, Sequence[str]], names: Sequence[str] = NAMES) -> HistoryFilter:
    """The filter the parameters describe (only `names` allowed); BadRequest `invalid_filter`
    on a bad value or another name."""
    errors: dict[str, str] = {}
    q = _one(args, "q", errors)
    q = clean_text(q, multiline=False) if q else None
    if q and len(q) > QUERY_MAX:
        errors["q"] = f"must be at most {QUERY_MAX} characters"
    labels = _values(args, "label")
    if any(not _ID.match(v) for v in labels):
        errors["label"] = "must be label ids"
    elif len(set(labels)) > LABELS_MAX:
        errors["label"] = f"must be at most {LABELS_MAX} labels"
    status = _one(args, "status", errors)
    if status is not None and status not in ENDED:
        errors["status"] = "must be one of " + ", ".join(ENDED)
    widget = _one(args, "widget", errors)
    if widget is not None and not _SITE_KEY.match(widget):
        errors["widget"] = "must be a widget's site key"
    agent = _one(args, "agent", errors)
    if agent is not None and agent != "none" and not _ID.match(agent):
        errors["agent"] = "must be a user id or none"
    ratings = _values(args, "rating")
    if any(v != "none" and v not in ("1", "2", "3", "4", "5") for v in ratings) or len(ratings) > 6:
        errors["rating"] = "must be ratings 1 to 5 or none, comma-separated"
    tz_name = _one(args, "tz", errors) or "UTC"
    try:
        if len(tz_name) > 64 or tz_name.startswith(("/", ".")) or ".." in tz_name:
            raise ValueError(tz_name)
        zone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        errors["tz"] = "must be a time zone such as Europe/Paris"
        zone = ZoneInfo("UTC")
    first = _day(_one(args, "from", errors), "from", errors)
    last = _day(_one(args, "to", errors), "to", errors)
    if first and last and first > last:
        errors["to"] = "must not be before from"
    attachments = _one(args, "has_attachments", errors)
    if attachments is not None and attachments not in ("true", "false"):
        errors["has_attachments"] = "must be true or false"
    unknown = [k for k in args if k not in names and k not in ("limit", "offset")]
    for name in unknown[:5]:
        errors[name[:40]] = "is not a filter"
    if errors:
        raise BadRequest("some filters are invalid", code="invalid_filter", fields=errors)

    def start_of(day: date) -> datetime:
        return datetime.combine(day, time(), zone).astimezone(UTC).replace(tzinfo=None)

    return HistoryFilter(
        q=q or None, labels=tuple(sorted({int(v) for v in labels})), status=status,
        widget=widget, agent=int(agent) if agent and agent != "none" else None,
        no_agent=agent == "none",
        ratings=tuple(sorted({int(v) for v in ratings if v != "none"})),
        unrated="none" in ratings,
        since=start_of(first) if first else None,
        until=start_of(last + timedelta(days=1)) if last else None,
        has_attachments=None if attachments is None else attachments == "true")


def from_saved(data: Any) -> dict[str, list[str]]:
    """A saved view's filters (an object of the parameters' names: strings, numbers, booleans
    or lists of them) as parameters; BadRequest `invalid_filter` when it is not one."""
    if not isinstance(data, dict):
        raise BadRequest("filters must be an object", code="invalid_filter",
                         fields={"filters": "must be an object"})
    args: dict[str, list[str]] = {}
    for name, value in data.items():
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str | int | bool) and not isinstance(v, float)
                   for v in items) or len(items) > LABELS_MAX:
            raise BadRequest("some filters are invalid", code="invalid_filter",
                             fields={str(name)[:40]: "must be a string, number or list of them"})
        args[str(name)] = [str(v).lower() if isinstance(v, bool) else str(v) for v in items]
    return args


def normal(args: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """The parameters as a saved view keeps them, checked (`parse`), empty ones left out:
    lists for label and rating, strings for the rest."""
    parse(args)
    out: dict[str, Any] = {}
    for name in NAMES:
        if name in ("label", "rating"):
            values = _values(args, name)
            if values:
                out[name] = values
        else:
            values = [v.strip() for v in args.get(name, ()) if v.strip()]
            if values:
                out[name] = values[0]
    return out
