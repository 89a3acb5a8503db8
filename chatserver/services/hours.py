"""Business hours: when a widget's people work, and whether that is now.

Hours are per weekday, a list of ``["HH:MM", "HH:MM"]`` spans in the widget's time zone
(``24:00`` ends a day); a widget without hours is always open.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.validate import Fields

HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def check_hours(f: Fields, value: dict[str, Any]) -> dict[str, list[list[str]]]:
    """The business_hours field, checked (what is wrong goes to `f`)."""
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
