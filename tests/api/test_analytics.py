"""/api/analytics and /api/analytics/live: the admin UI's charts and dashboard, on the
suite's database (SQLite, or MariaDB by PARLEY_TEST_DATABASE_URL); and `chatctl stats
--json`, which reads the same queries and must agree with the API."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from chatserver.context import Context
from chatserver.db.sessions import insert_session
from chatserver.services import analytics
from chatserver.timeutil import utcnow
from cli.main import cli
from tests.helpers.accounts import admin_and_agent, register
from tests.helpers.api import Api

DAY1 = datetime(2025, 3, 3)  # a Monday
DAY2 = datetime(2025, 3, 4)


async def widget(api: Api, token: str, name: str = "Acme") -> dict[str, Any]:
    resp = await api.post("/api/widgets", {"business_name": name}, token=token)
    assert resp.code == 201, resp
    return resp.json["widget"]  # type: ignore[no-any-return]


async def seed(ctx: Context, widget_id: int, created: datetime, *, status: str = "closed",
               resolution: str | None = None, reason: str | None = None,
               wait_s: float | None = None, first_s: float | None = None,
               agent_id: int | None = None, rating: int | None = None) -> str:
    """A session as the chat services leave it, with chosen times."""
    escalated = created + timedelta(seconds=30) if reason else None
    accepted = escalated + timedelta(seconds=wait_s) if escalated and wait_s is not None else None
    first = accepted + timedelta(seconds=first_s) if accepted and first_s is not None else None
    sid = str(uuid.uuid4())
    async with ctx.engine.begin() as conn:
        await insert_session(
            conn, id=sid, widget_id=widget_id, visitor_token_hash="0" * 64, visitor_info={},
            status=status, ai_mode=False, created_at=created, last_activity_at=created,
            escalated_at=escalated, escalation_reason=reason, accepted_at=accepted,
            first_agent_reply_at=first, assigned_agent_id=agent_id, resolution=resolution,
            rating=rating, closed_at=created + timedelta(minutes=10) if resolution else None)
    return sid


async def seed_story(ctx: Context, widget_id: int, agent_id: int) -> None:
    """Two days of conversations with every outcome."""
    at = DAY1 + timedelta(hours=9, minutes=5)
    await seed(ctx, widget_id, at, resolution="ai_resolved", rating=5)
    await seed(ctx, widget_id, at + timedelta(minutes=1), resolution="ai_resolved")
    await seed(ctx, widget_id, at + timedelta(hours=1), resolution="agent_resolved",
               reason="explicit_request", wait_s=20, first_s=4, agent_id=agent_id, rating=4)
    await seed(ctx, widget_id, at + timedelta(hours=2), resolution="agent_resolved",
               reason="frustration", wait_s=60, first_s=10, agent_id=agent_id, rating=2)
    await seed(ctx, widget_id, at + timedelta(hours=3), resolution="abandoned",
               reason="no_knowledge_match")
    at2 = DAY2 + timedelta(hours=14, minutes=50)
    await seed(ctx, widget_id, at2, resolution="agent_resolved", reason="explicit_request",
               wait_s=100, first_s=30, agent_id=agent_id)
    await seed(ctx, widget_id, at2, status="active")  # still with the AI
    # Outside the period: the day before and the day after.
    await seed(ctx, widget_id, DAY1 - timedelta(seconds=1), resolution="ai_resolved")
    await seed(ctx, widget_id, DAY2 + timedelta(days=1), resolution="ai_resolved")


RANGE = "from=2025-03-03&to=2025-03-04&tz=UTC"


async def test_report_counts_outcomes_per_day_with_medians(api: Api, ctx: Context) -> None:
    admin, _agent, agent_user = await admin_and_agent(api)
    w = await widget(api, admin)
    await seed_story(ctx, w["id"], agent_user["id"])
    resp = await api.get(f"/api/analytics?{RANGE}", token=admin)
    assert resp.code == 200, resp
    rep = resp.json
    assert rep["period"] == {"from": "2025-03-03", "to": "2025-03-04", "tz": "UTC",
                             "site_key": None}
    d1, d2 = rep["days"]
    assert d1 == {"date": "2025-03-03", "conversations": 5, "ai_resolved": 2,
                  "agent_resolved": 2, "abandoned": 1, "open": 0, "escalated": 3,
                  "median_wait_s": 40.0, "median_first_response_s": 7.0}
    assert d2["conversations"] == 2 and d2["open"] == 1 and d2["agent_resolved"] == 1
    assert d2["median_wait_s"] == 100.0 and d2["median_first_response_s"] == 30.0
    t = rep["totals"]
    assert (t["conversations"], t["ai_resolved"], t["agent_resolved"], t["abandoned"],
            t["open"], t["escalated"]) == (7, 2, 3, 1, 1, 4)
    assert t["median_wait_s"] == 60.0 and t["median_first_response_s"] == 10.0
    assert t["rated"] == 3 and t["rating_avg"] == round(11 / 3, 2)
    reasons = {r["reason"]: r["count"] for r in rep["escalation_reasons"]}
    assert reasons["explicit_request"] == 2 and reasons["frustration"] == 1
    assert reasons["no_knowledge_match"] == 1 and reasons["ai_error"] == 0
    assert [r["count"] for r in rep["ratings"]] == [0, 1, 0, 1, 1]
    heat = rep["busiest_hours"]
    assert len(heat) == 7 and all(len(row) == 24 for row in heat)
    assert heat[0][9] == 2 and heat[0][10] == 1 and heat[1][14] == 2
    assert sum(map(sum, heat)) == 7
    (agent,) = rep["agents"]
    assert agent["id"] == agent_user["id"] and agent["conversations"] == 3
    assert agent["median_first_response_s"] == 10.0 and agent["rating_avg"] == 3.0


async def test_a_conversation_counts_on_its_local_day(api: Api, ctx: Context) -> None:
    admin = (await register(api, "root"))["token"]
    w = await widget(api, admin)
    # 18:40 UTC is 00:10 the next day in Kolkata (+05:30): its quarter-hour bucket must not
    # be rounded to the whole hour.
    await seed(ctx, w["id"], DAY1 + timedelta(hours=18, minutes=40), resolution="ai_resolved")
    # 23:30 UTC on 30 March 2025 is 01:30 on the 31st in Paris (summer time started that day).
    await seed(ctx, w["id"], datetime(2025, 3, 30, 23, 30), resolution="ai_resolved")
    kolkata = (await api.get("/api/analytics?from=2025-03-03&to=2025-03-04&tz=Asia/Kolkata",
                             token=admin)).json
    assert [d["conversations"] for d in kolkata["days"]] == [0, 1]
    assert kolkata["busiest_hours"][1][0] == 1  # Tuesday, midnight hour
    paris = (await api.get("/api/analytics?from=2025-03-30&to=2025-03-31&tz=Europe/Paris",
                           token=admin)).json
    assert [d["conversations"] for d in paris["days"]] == [0, 1]
    assert paris["busiest_hours"][0][1] == 1
    utc = (await api.get("/api/analytics?from=2025-03-30&to=2025-03-31&tz=UTC",
                         token=admin)).json
    assert [d["conversations"] for d in utc["days"]] == [1, 0]


async def test_agents_see_their_widgets_only(api: Api, ctx: Context) -> None:
    admin, agent, agent_user = await admin_and_agent(api)
    mine, other = await widget(api, admin, "Mine"), await widget(api, admin, "Other")
    resp = await api.put(f"/api/widgets/{mine['site_key']}/agents/{agent_user['id']}",
                         token=admin)
    assert resp.code == 200
    await seed(ctx, mine["id"], DAY1, resolution="ai_resolved")
    await seed(ctx, other["id"], DAY1, resolution="ai_resolved")
    await seed(ctx, other["id"], DAY1, resolution="abandoned")
    as_agent = (await api.get(f"/api/analytics?{RANGE}", token=agent)).json
    assert as_agent["totals"]["conversations"] == 1
    as_admin = (await api.get(f"/api/analytics?{RANGE}", token=admin)).json
    assert as_admin["totals"]["conversations"] == 3
    one = (await api.get(f"/api/analytics?{RANGE}&site_key={other['site_key']}",
                         token=admin)).json
    assert one["totals"]["conversations"] == 2 and one["period"]["site_key"] == other["site_key"]
    hidden = await api.get(f"/api/analytics?{RANGE}&site_key={other['site_key']}", token=agent)
    assert hidden.code == 404 and hidden.error_code == "widget_not_found"
    assert (await api.get(f"/api/analytics?{RANGE}", token="")).code == 401
    assert (await api.get("/api/analytics/live", token="")).code == 401


async def test_bad_periods_name_the_field(api: Api) -> None:
    admin = (await register(api, "root"))["token"]
    for query, field in [("from=2025-13-01", "from"), ("to=yesterday", "to"),
                         ("from=2025-03-05&to=2025-03-04", "from"),
                         ("from=2024-01-01&to=2025-03-04", "to"), ("tz=Mars/Base", "tz"),
                         ("format=xml", "format")]:
        resp = await api.get(f"/api/analytics?{query}", token=admin)
        assert resp.code == 422, (query, resp)
        assert field in resp.json["error"]["fields"], (query, resp)
    resp = await api.get("/api/analytics/live?tz=Nowhere", token=admin)
    assert resp.code == 422 and "tz" in resp.json["error"]["fields"]


async def test_default_period_is_the_last_30_days(api: Api) -> None:
    admin = (await register(api, "root"))["token"]
    rep = (await api.get("/api/analytics", token=admin)).json
    assert len(rep["days"]) == analytics.DEFAULT_DAYS
    assert rep["period"]["to"] == utcnow().date().isoformat()
    assert rep["totals"]["conversations"] == 0 and rep["totals"]["median_wait_s"] is None


async def test_csv_export(api: Api, ctx: Context) -> None:
    admin, _agent, agent_user = await admin_and_agent(api)
    w = await widget(api, admin)
    await seed_story(ctx, w["id"], agent_user["id"])
    resp = await api.get(f"/api/analytics?{RANGE}&format=csv", token=admin)
    assert resp.code == 200, resp
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert resp.headers["Content-Disposition"] == \
        'attachment; filename="parley-analytics-2025-03-03-to-2025-03-04.csv"'
    rows = list(csv.DictReader(io.StringIO(resp.body.decode())))
    assert [r["date"] for r in rows] == ["2025-03-03", "2025-03-04", "total"]
    assert rows[0]["conversations"] == "5" and rows[0]["median_wait_s"] == "40.0"
    assert rows[2]["conversations"] == "7" and rows[2]["escalated"] == "4"


async def test_live_shows_the_queue_agents_online_and_today(api: Api, ctx: Context) -> None:
    admin, _agent, agent_user = await admin_and_agent(api)
    w = await widget(api, admin)
    await api.put(f"/api/widgets/{w['site_key']}/agents/{agent_user['id']}", token=admin)
    now = utcnow()
    await seed(ctx, w["id"], now - timedelta(minutes=3), status="waiting",
               reason="explicit_request")
    await seed(ctx, w["id"], now - timedelta(minutes=1), status="active")
    await seed(ctx, w["id"], now - timedelta(minutes=2), resolution="ai_resolved")
    await seed(ctx, w["id"], now - timedelta(days=3), resolution="ai_resolved")
    ctx.presence.connected(agent_user["id"])
    resp = await api.get("/api/analytics/live?tz=UTC", token=admin)
    assert resp.code == 200, resp
    live = resp.json
    assert live["now"]["waiting"] == 1 and live["now"]["active"] == 1
    assert live["now"]["assigned"] == 0 and live["now"]["agents_online"] == 1
    assert 140 <= live["now"]["longest_wait_s"] <= 200
    agent = next(a for a in live["agents"] if a["id"] == agent_user["id"])
    assert agent["status"] == "online" and agent["active_chats"] == 0
    today = live["today"]
    assert today["conversations"] == 3 and today["ai_resolved"] == 1 and today["escalated"] == 1
    assert today["date"] == now.date().isoformat() and sum(today["hours"]) == 3
    ctx.presence.disconnected(agent_user["id"])
    live = (await api.get(f"/api/analytics/live?site_key={w['site_key']}", token=admin)).json
    assert live["now"]["agents_online"] == 0


async def test_chatctl_stats_agrees_with_the_api(api: Api, ctx: Context, tmp_path: Path) -> None:
    admin, _agent, agent_user = await admin_and_agent(api)
    w = await widget(api, admin)
    await widget(api, admin, "Quiet")
    await seed_story(ctx, w["id"], agent_user["id"])
    query = "from=2025-03-03&to=2025-03-04&tz=Europe/Paris"
    from_api = (await api.get(f"/api/analytics?{query}", token=admin)).json
    overview = (await api.get("/api/widgets/stats/overview", token=admin)).json
    env = {"PARLEY_DATABASE_URL": ctx.settings.database_url,
           "PARLEY_DATA_DIR": str(tmp_path / "data"), "PARLEY_ENV_FILE": str(tmp_path / "no.env")}
    args = ["stats", "--json", "--from", "2025-03-03", "--to", "2025-03-04",
            "--tz", "Europe/Paris"]
    result = await asyncio.get_running_loop().run_in_executor(
        None, lambda: CliRunner().invoke(cli, args, env=env, prog_name="chatctl"))
    assert result.exit_code == 0, (result.output, result.exception)
    from_cli = json.loads(result.stdout)
    assert from_cli["analytics"] == from_api
    # The per-widget table covers the same period, and adds up to the same conversations (8:
    # in Paris the one started a second before 3 March UTC is on the 3rd).
    assert from_cli["totals"]["sessions"] == from_api["totals"]["conversations"] == 8
    assert from_cli["totals"]["ai_resolved"] == from_api["totals"]["ai_resolved"]
    assert from_cli["totals"]["escalations"] == from_api["totals"]["escalated"]
    # Without a period, the table is all time (as /api/widgets/stats/overview).
    result = await asyncio.get_running_loop().run_in_executor(
        None, lambda: CliRunner().invoke(cli, ["stats", "--json"], env=env, prog_name="chatctl"))
    assert result.exit_code == 0, (result.output, result.exception)
    all_time = json.loads(result.stdout)
    assert all_time["totals"] == overview["totals"]
    assert all_time["analytics"]["period"]["to"] == utcnow().date().isoformat()


def test_shape_is_empty_and_well_formed_without_rows() -> None:
    period = analytics.parse_period("2025-01-01", "2025-01-03", "UTC")
    rep = analytics.shape(period, None, [], {}, {}, [])
    assert [d["date"] for d in rep["days"]] == ["2025-01-01", "2025-01-02", "2025-01-03"]
    assert rep["totals"]["rating_avg"] is None and rep["agents"] == []
    assert [r["reason"] for r in rep["escalation_reasons"]] == list(analytics.REASONS)
    assert analytics.to_csv(rep).splitlines()[-1] == "total,0,0,0,0,0,0,,"


def test_period_defaults_follow_the_zone() -> None:
    # 23:30 UTC on 1 Jan is already 2 Jan in Tokyo.
    now = datetime(2025, 1, 1, 23, 30)
    assert analytics.parse_period(None, None, "Asia/Tokyo", now=now).end.isoformat() == "2025-01-02"
    p = analytics.parse_period("2025-01-01", None, "UTC", now=now)
    assert (p.start.isoformat(), p.end.isoformat()) == ("2025-01-01", "2025-01-01")
