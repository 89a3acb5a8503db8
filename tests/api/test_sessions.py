"""Visitor sessions, history, escalation, queue position and the agents' views."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update

from chatserver.context import Context
from chatserver.db.schema import sessions as sessions_table
from chatserver.timeutil import utcnow
from tests.helpers.accounts import admin_and_agent, login, register
from tests.helpers.api import Api

FORM = {"enable_prechat_form": True, "prechat_fields": [
    {"name": "name", "label": "Name", "type": "text", "required": True},
    {"name": "email", "label": "Email", "type": "email"},
    {"name": "phone", "label": "Phone", "type": "tel"},
    {"name": "topic", "label": "Topic", "type": "select", "options": ["Sales", "Support"]},
]}


async def _setup(api: Api, **widget: Any) -> dict[str, Any]:
    admin, agent, agent_user = await admin_and_agent(api)
    w = (await api.post("/api/widgets", {"business_name": "Acme", **widget},
                        token=admin)).json["widget"]
    await api.put(f"/api/widgets/{w['site_key']}/agents/{agent_user['id']}", token=admin)
    return {"admin": admin, "agent": agent, "agent_id": agent_user["id"], "key": w["site_key"]}


async def _session(api: Api, key: str, **body: Any) -> dict[str, Any]:
    resp = await api.post(f"/api/widgets/{key}/sessions", body, token="")
    assert resp.code == 201, resp
    return resp.json  # type: ignore[no-any-return]


async def test_seed_flow_end_to_end(api: Api) -> None:
    """Fetch config -> create session -> escalate -> queue position -> agent sees it waiting."""
    s = await _setup(api, **FORM)
    key = s["key"]
    config = await api.get(f"/api/widgets/{key}/config")
    assert config.code == 200 and config.json["enable_prechat_form"] is True

    first = await _session(api, key, prechat={"name": "Vera", "email": "Vera@Example.com",
                                              "topic": "Sales"},
                           page_url="https://shop.example.com/pricing")
    assert first["visitor_token"].startswith("pv_") and len(first["visitor_token"]) >= 40
    assert first["status"] == "active" and first["ai_mode"] is True
    assert first["visitor_name"] == "Vera" and first["visitor_email"] == "vera@example.com"
    second = await _session(api, key, prechat={"name": "Walt"})
    vt = first["visitor_token"]

    for sess in (first, second):
        resp = await api.post(f"/api/widgets/escalate/{key}/{sess['session_id']}", {},
                              token=sess["visitor_token"])
        assert resp.code == 200, resp
    assert resp.json["position"] == 2 and resp.json["reason"] == "explicit_request"
    # Nobody online: an honest answer, no made-up wait.
    assert resp.json["offline"] is True and resp.json["estimated_wait_s"] is None

    pos = await api.get(f"/api/widgets/queue-position/{key}/{first['session_id']}", token=vt)
    assert pos.code == 200 and pos.json["position"] == 1 and pos.json["estimated_wait_s"] is None

    waiting = await api.get("/api/agents/waiting-sessions", token=s["agent"])
    assert waiting.code == 200
    rows = waiting.json["sessions"]
    assert [r["session_id"] for r in rows] == [first["session_id"], second["session_id"]]
    assert rows[0]["escalation_reason"] == "explicit_request"
    assert rows[0]["visitor_info"]["page_url"] == "https://shop.example.com/pricing"
    assert rows[0]["last_message"] is None  # system lines are not a preview
    assert "visitor_token_hash" not in waiting.body.decode()
    assert vt not in waiting.body.decode()


async def test_escalation_is_idempotent_and_recorded_in_history(api: Api) -> None:
    s = await _setup(api)
    sess = await _session(api, s["key"])
    path = f"/api/widgets/escalate/{s['key']}/{sess['session_id']}"
    one = await api.post(path, {"reason": "frustration"}, token=sess["visitor_token"])
    two = await api.post(path, {}, token=sess["visitor_token"])
    assert one.code == two.code == 200
    assert two.json["reason"] == "frustration" and two.json["position"] == 1
    hist = await api.get(f"/api/widgets/{s['key']}/sessions/{sess['session_id']}/messages",
                         token=sess["visitor_token"])
    assert hist.code == 200
    assert [(m["seq"], m["sender_type"]) for m in hist.json["messages"]] == [(1, "system")]
    assert hist.json["status"] == "waiting" and hist.json["last_seq"] == 1
    bad = await api.post(path, {"reason": "boredom"}, token=sess["visitor_token"])
    assert bad.code == 422


async def test_agent_may_escalate_and_read_but_other_tenants_get_404(api: Api) -> None:
    s = await _setup(api)
    sess = await _session(api, s["key"])
    sid = sess["session_id"]
    resp = await api.post(f"/api/widgets/escalate/{s['key']}/{sid}", {}, token=s["agent"])
    assert resp.code == 200
    # An agent of another widget only.
    await register(api, "mallory", token=s["admin"])
    mallory = await login(api, "mallory")
    other = (await api.post("/api/widgets", {}, token=mallory)).json["widget"]["site_key"]
    for path in (f"/api/widgets/{s['key']}/sessions/{sid}/messages",
                 f"/api/widgets/queue-position/{s['key']}/{sid}",
                 f"/api/widgets/{other}/sessions/{sid}/messages"):
        resp = await api.get(path, token=mallory)
        assert resp.code == 404 and resp.error_code == "session_not_found", path
    assert (await api.post(f"/api/widgets/escalate/{s['key']}/{sid}", {},
                           token=mallory)).code == 404
    assert (await api.get("/api/agents/waiting-sessions", token=mallory)).json["sessions"] == []


async def test_visitor_tokens_open_only_their_own_session(api: Api) -> None:
    s = await _setup(api)
    a, b = await _session(api, s["key"]), await _session(api, s["key"])
    base = f"/api/widgets/{s['key']}/sessions"
    cases = {
        "another session's token": (a["session_id"], b["visitor_token"]),
        "guessed token": (a["session_id"], "pv_" + "A" * 43),
        "guessed id": ("00000000-0000-0000-0000-000000000000", a["visitor_token"]),
        "overlong id": ("x" * 500, a["visitor_token"]),
    }
    for name, (sid, token) in cases.items():
        resp = await api.get(f"{base}/{sid}/messages", token=token)
        assert resp.code == 404, name
    resp = await api.get(f"{base}/{a['session_id']}/messages", token="")
    assert resp.code == 401
    # A visitor token is not a sign-in anywhere else.
    assert (await api.get("/api/agents/waiting-sessions", token=a["visitor_token"])).code == 401


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"prechat": {}}, 422, "prechat.name"),
    ({"prechat": {"name": "V", "email": "nope"}}, 422, "prechat.email"),
    ({"prechat": {"name": "V", "phone": "call me"}}, 422, "prechat.phone"),
    ({"prechat": {"name": "V", "topic": "Other"}}, 422, "prechat.topic"),
    ({"prechat": {"name": "V", "shoe_size": "42"}}, 422, "prechat.shoe_size"),
    ({"prechat": {"name": ["V"]}}, 400, "prechat.name"),
    ({"prechat": "V"}, 400, "prechat"),
    ({"prechat": {"name": "V"}, "visitor_email": "x@"}, 422, "visitor_email"),
    ({"prechat": {"name": "V"}, "page_url": "javascript:alert(1)"}, 422, "page_url"),
    ({"prechat": {"name": "V"}, "visitor_name": "x" * 101}, 422, "visitor_name"),
])
async def test_session_validation(api: Api, body: dict[str, Any], status: int,
                                  field: str) -> None:
    s = await _setup(api, **FORM)
    resp = await api.post(f"/api/widgets/{s['key']}/sessions", body)
    assert resp.code == status, resp
    assert field in resp.json["error"]["fields"]


async def test_session_creation_checks_origin_and_widget(api: Api) -> None:
    s = await _setup(api, allowed_origins=["https://shop.example.com"])
    path = f"/api/widgets/{s['key']}/sessions"
    assert (await api.post(path, {}, headers={"Origin": "https://evil.example"})).code == 403
    ok = await api.post(path, {}, headers={"Origin": "https://shop.example.com"})
    assert ok.code == 201
    assert ok.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert (await api.post("/api/widgets/no-such-widget/sessions", {})).code == 404


async def test_an_error_answer_stays_readable_to_an_allowed_origin(api: Api) -> None:
    """The widget runs on the customer's origin: it can read why a request was refused
    (an upload's file_too_large, a form's field errors) only with the CORS header."""
    s = await _setup(api, allowed_origins=["https://shop.example.com"], **FORM)
    path = f"/api/widgets/{s['key']}/sessions"
    bad = await api.post(path, {"prechat": {"name": "V"}, "visitor_email": "x@"},
                         headers={"Origin": "https://shop.example.com"})
    assert bad.code == 422 and bad.error_code
    assert bad.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
    refused = await api.post(path, {}, headers={"Origin": "https://evil.example"})
    assert refused.code == 403 and "Access-Control-Allow-Origin" not in refused.headers


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"sessions_per_ip_per_minute": 3}


async def test_session_creation_is_rate_limited_per_ip(api: Api) -> None:
    s = await _setup(api)
    codes = [(await api.post(f"/api/widgets/{s['key']}/sessions", {})).code for _ in range(4)]
    assert codes == [201, 201, 201, 429]


async def test_wait_estimate_uses_history_and_free_capacity(api: Api, ctx: Context) -> None:
    s = await _setup(api)
    done = await _session(api, s["key"])
    now = utcnow()
    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions_table).where(sessions_table.c.id == done["session_id"])
                           .values(status="closed", escalated_at=now - timedelta(seconds=90),
                                   accepted_at=now - timedelta(seconds=30)))
    waiting = [await _session(api, s["key"]) for _ in range(2)]
    for sess in waiting:
        await api.post(f"/api/widgets/escalate/{s['key']}/{sess['session_id']}", {},
                       token=sess["visitor_token"])
    ctx.presence.connected(s["agent_id"])  # the agent comes online (max 5 chats, none open)
    pos = await api.get(f"/api/widgets/queue-position/{s['key']}/{waiting[1]['session_id']}",
                        token=waiting[1]["visitor_token"])
    assert pos.json["position"] == 2 and pos.json["agents_online"] == 1
    assert pos.json["estimated_wait_s"] == pytest.approx(60 * 2 / 5)
    ctx.presence.set_status(s["agent_id"], "away")
    pos = await api.get(f"/api/widgets/queue-position/{s['key']}/{waiting[1]['session_id']}",
                        token=waiting[1]["visitor_token"])
    assert pos.json["estimated_wait_s"] is None


async def test_agent_views(api: Api, ctx: Context) -> None:
    s = await _setup(api)
    sess = await _session(api, s["key"], visitor_name="Vera")
    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions_table).where(sessions_table.c.id == sess["session_id"])
                           .values(status="assigned", assigned_agent_id=s["agent_id"],
                                   accepted_at=utcnow()))
    active = await api.get("/api/agents/active-chats", token=s["agent"])
    assert [r["visitor_name"] for r in active.json["sessions"]] == ["Vera"]
    stats = await api.get("/api/agents/stats", token=s["agent"])
    assert stats.json["active_chats"] == 1 and stats.json["waiting"] == 0
    assert stats.json["widgets"] == 1 and stats.json["max_chats"] == 5
    assert (await api.get("/api/agents/active-chats", token=s["admin"])).json["sessions"] == []
    resp = await api.post(f"/api/widgets/escalate/{s['key']}/{sess['session_id']}", {},
                          token=sess["visitor_token"])
    assert resp.code == 409 and resp.error_code == "already_assigned"
    for path in ("/api/agents/stats", "/api/agents/active-chats", "/api/agents/waiting-sessions"):
        assert (await api.get(path)).code == 401


async def test_history_paging_and_bad_arguments(api: Api) -> None:
    s = await _setup(api)
    sess = await _session(api, s["key"])
    path = f"/api/widgets/{s['key']}/sessions/{sess['session_id']}/messages"
    tok = sess["visitor_token"]
    for query in ("?after_seq=-1", "?after_seq=abc", "?limit=0", "?limit=501"):
        resp = await api.get(path + query, token=tok)
        assert resp.code in (400, 422), query
    resp = await api.get(path + "?after_seq=0&limit=1", token=tok)
    assert resp.code == 200 and resp.json["messages"] == [] and resp.json["has_more"] is False
