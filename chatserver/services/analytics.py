"""Analytics: what happened to conversations over a period, and what is happening now.

The admin UI's charts (``GET /api/analytics``), its dashboard (``GET /api/analytics/live``)
and ``chatctl stats`` all read these figures, from the queries in ``chatserver/db/stats.py``.

A conversation belongs to the local day (in the period's time zone) it started on. Its
outcome is the session's ``resolution``: ``ai_resolved`` (closed without a person taking it),
``agent_resolved`` (an agent had accepted it), ``abandoned`` (the visitor left, or nobody
came) or still open. Escalated counts the conversations handed to the queue, whatever
became of them. Wait is ``accepted_at - escalated_at``; first response is
``first_agent_reply_at - accepted_at``; both are medians of the conversations that have them.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.context import Context
from chatserver.db import stats as db
from chatserver.db import uploads as uploads_db
from chatserver.errors import ValidationError
from chatserver.services import inbox
from chatserver.services.access import Actor, access_widget, visible_widget_ids
from chatserver.services.upload_admin import storage_report
from chatserver.timeutil import iso, utcnow

# A year and a day: enough for any report, and a bound on the work one request can ask for.
MAX_DAYS = 366
DEFAULT_DAYS = 30
RESOLUTIONS = ("ai_resolved", "agent_resolved", "abandoned")
# The escalation reason codes (docs/ai.md), in the order the charts show them.
REASONS = ("explicit_request", "frustration", "repeated_failure", "no_knowledge_match",
           "model_request", "ai_error", "budget_exhausted", "email_reply")
FORMATS = ("json", "csv")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CSV_COLUMNS = ("date", "conversations", "ai_resolved", "agent_resolved", "abandoned", "open",
               "escalated", "median_wait_s", "median_first_response_s")


@dataclass(frozen=True)
class Period:
    """Local days ``start`` to ``end`` (both included) in time zone ``tz``."""

    start: date
    end: date
    tz: str = "UTC"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.tz)

    def bounds(self) -> tuple[datetime, datetime]:
        """[since, until) as naive UTC datetimes, as the database stores them."""
        def utc(day: date) -> datetime:
            local = datetime.combine(day, time(), self.zone)
            return local.astimezone(UTC).replace(tzinfo=None)
        return utc(self.start), utc(self.end + timedelta(days=1))

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def today(tz: str, now: datetime | None = None) -> date:
    """The local date in zone ``tz`` at ``now`` (naive UTC; default: the current time)."""
    moment = (now or utcnow()).replace(tzinfo=UTC)
    return moment.astimezone(zoneinfo.ZoneInfo(tz)).date()


def parse_period(raw_from: str | None, raw_to: str | None, raw_tz: str | None = None, *,
                 now: datetime | None = None) -> Period:
    """A period from query parameters (ISO dates, an IANA zone); 422 naming each bad one.

    Defaults: the zone UTC, the end today, the start DEFAULT_DAYS - 1 days before the end."""
    errors: dict[str, str] = {}
    tz = (raw_tz or "").strip() or "UTC"
    if len(tz) > 64 or tz not in zoneinfo.available_timezones():
        errors["tz"] = "must be an IANA time zone such as Europe/Paris"
        tz = "UTC"

    def day(name: str, raw: str | None) -> date | None:
        if raw is None or raw.strip() == "":
            return None
        try:
            if not DATE_RE.match(raw.strip()):
                raise ValueError(raw)
            return date.fromisoformat(raw.strip())
        except ValueError:
            errors[name] = "must be a date like 2025-01-31"
            return None

    start, end = day("from", raw_from), day("to", raw_to)
    if end is None:
        end = today(tz, now) if start is None else min(
            start + timedelta(days=DEFAULT_DAYS - 1), max(start, today(tz, now)))
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if not errors:
        if start > end:
            errors["from"] = "must not be after the end of the period"
        elif (end - start).days + 1 > MAX_DAYS:
            errors["to"] = f"a period is at most {MAX_DAYS} days"
    if errors:
        raise ValidationError("the period is not valid", code="invalid_period", fields=errors)
    return Period(start, end, tz)


def check_format(raw: str | None) -> str:
    fmt = (raw or "json").strip().lower()
    if fmt not in FORMATS:
        raise ValidationError("unknown format", code="invalid_format",
                              fields={"format": "must be json or csv"})
    return fmt


async def _widget_ids(conn: AsyncConnection, actor: Actor, site_key: str | None) -> list[int] | None:
    """The widgets a report covers: the one asked for (if the actor sees it), else every
    widget the actor sees (None: all, for admins)."""
    if site_key:
        return [(await access_widget(conn, actor, site_key))["id"]]
    return None if actor.is_admin else await visible_widget_ids(conn, actor)


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return max(0.0, (later - earlier).total_seconds())


def _empty_day(day: date) -> dict[str, Any]:
    return {"date": day.isoformat(), "conversations": 0, "ai_resolved": 0, "agent_resolved": 0,
            "abandoned": 0, "open": 0, "escalated": 0}


async def report(ctx: Context, actor: Actor, period: Period,
                 site_key: str | None = None) -> dict[str, Any]:
    """Everything the analytics page shows for a period, optionally for one widget."""
    since, until = period.bounds()
    async with ctx.engine.connect() as conn:
        ids = await _widget_ids(conn, actor, site_key)
        buckets = await db.outcome_buckets(conn, ids, since, until)
        reasons = await db.escalation_reasons(conn, ids, since, until)
        rated = await db.ratings(conn, ids, since, until)
        handled = await db.handled(conn, ids, since, until)
        stored = await uploads_db.usage(conn, ids)
    # The files stored now (not over the period): what the widgets' conversations keep.
    return {**shape(period, site_key, buckets, reasons, rated, handled),
            "storage": storage_report(stored)}


def shape(period: Period, site_key: str | None, buckets: list[dict[str, Any]],
          reasons: dict[str, int], rated: dict[int, int],
          handled: list[dict[str, Any]]) -> dict[str, Any]:
    """The report, from the rows the queries return (pure: tested without a database)."""
    zone = period.zone
    days = {d: _empty_day(d) for d in period.days()}
    heat = [[0] * 24 for _ in range(7)]  # [weekday: Monday first][local hour]
    for row in buckets:
        local = datetime.fromtimestamp(row["bucket"] * db.BUCKET_S, UTC).astimezone(zone)
        entry = days.get(local.date())
        if entry is None:  # cannot happen for rows in the period's bounds; be safe
            continue
        n = row["n"]
        entry["conversations"] += n
        entry[row["resolution"] if row["resolution"] in RESOLUTIONS else "open"] += n
        if row["escalated"]:
            entry["escalated"] += n
        heat[local.weekday()][local.hour] += n

    waits: dict[date, list[float]] = defaultdict(list)
    firsts: dict[date, list[float]] = defaultdict(list)
    agents: dict[int, dict[str, Any]] = {}
    for row in handled:
        started = row["created_at"].replace(tzinfo=UTC).astimezone(zone).date()
        wait = _seconds(row["accepted_at"], row["escalated_at"])
        first = _seconds(row["first_agent_reply_at"], row["accepted_at"])
        if wait is not None:
            waits[started].append(wait)
        if first is not None:
            firsts[started].append(first)
        agent_id = row["assigned_agent_id"]
        if agent_id is None:
            continue
        a = agents.setdefault(agent_id, {"id": agent_id, "display_name": row["display_name"],
                                         "conversations": 0, "first": [], "ratings": []})
        a["conversations"] += 1
        if first is not None:
            a["first"].append(first)
        if row["rating"] is not None:
            a["ratings"].append(row["rating"])
    for day, entry in days.items():
        entry["median_wait_s"] = _median(waits.get(day, []))
        entry["median_first_response_s"] = _median(firsts.get(day, []))

    day_rows = list(days.values())
    totals: dict[str, Any] = {k: sum(d[k] for d in day_rows) for k in (
        "conversations", "ai_resolved", "agent_resolved", "abandoned", "open", "escalated")}
    totals["median_wait_s"] = _median([w for ws in waits.values() for w in ws])
    totals["median_first_response_s"] = _median([f for fs in firsts.values() for f in fs])
    n_rated = sum(rated.values())
    totals["rated"] = n_rated
    totals["rating_avg"] = round(sum(r * n for r, n in rated.items()) / n_rated, 2) \
        if n_rated else None
    known = [*REASONS, *sorted(r for r in reasons if r not in REASONS)]
    return {
        "period": {"from": period.start.isoformat(), "to": period.end.isoformat(),
                   "tz": period.tz, "site_key": site_key},
        "totals": totals,
        "days": day_rows,
        "escalation_reasons": [{"reason": r, "count": reasons.get(r, 0)} for r in known],
        "ratings": [{"rating": r, "count": rated.get(r, 0)} for r in range(1, 6)],
        "busiest_hours": heat,
        "agents": sorted(({
            "id": a["id"], "display_name": a["display_name"] or f"user {a['id']}",
            "conversations": a["conversations"],
            "median_first_response_s": _median(a["first"]),
            "rating_avg": round(sum(a["ratings"]) / len(a["ratings"]), 2) if a["ratings"] else None,
        } for a in agents.values()), key=lambda a: (-a["conversations"], a["display_name"])),
    }


def to_csv(rep: dict[str, Any]) -> str:
    """The report's days as CSV (one row a day, then the totals), for a spreadsheet."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def cell(value: Any) -> Any:
        return "" if value is None else value

    for day in rep["days"]:
        writer.writerow([cell(day[c]) for c in CSV_COLUMNS])
    writer.writerow(["total", *(cell(rep["totals"][c]) for c in CSV_COLUMNS[1:])])
    return buf.getvalue()


def csv_filename(rep: dict[str, Any]) -> str:
    p = rep["period"]
    return f"parley-analytics-{p['from']}-to-{p['to']}.csv"


async def live(ctx: Context, actor: Actor, tz: str = "UTC",
               site_key: str | None = None) -> dict[str, Any]:
    """The dashboard: what is open now, who is online, and today's figures so far."""
    now = utcnow()
    async with ctx.engine.connect() as conn:
        ids = await _widget_ids(conn, actor, site_key)
        counts = await db.open_counts(conn, ids)
        oldest = await db.oldest_waiting(conn, ids)
    day = today(tz, now)
    today_report = await report(ctx, actor, Period(day, day, tz), site_key)
    team = await inbox.team(ctx, actor)
    if site_key:
        team = [m for m in team if site_key in m["widgets"]]
    agents = [{"id": m["id"], "display_name": m["display_name"], "role": m["role"],
               "status": m["status"], "active_chats": m["active_chats"],
               "max_chats": m["max_chats"]} for m in team]
    hours = [0] * 24
    weekday = day.weekday()
    for hour, n in enumerate(today_report["busiest_hours"][weekday]):
        hours[hour] = n
    return {
        "at": iso(now),
        "now": {**counts, "longest_wait_s": _seconds(now, oldest),
                "agents_online": sum(1 for a in agents if a["status"] == "online")},
        "agents": agents,
        "today": {**today_report["totals"], "date": day.isoformat(), "hours": hours},
    }
