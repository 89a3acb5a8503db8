"""/api/admin/privacy/*: admins find, export (a ZIP download) and erase a visitor; agents get
403 whatever they ask; bad input gets a stable error code, never a 500."""

from __future__ import annotations

import io
import json
import zipfile
from urllib.parse import quote

from chatserver.context import Context
from tests.helpers.accounts import admin_and_agent
from tests.helpers.api import Api
from tests.helpers.privacy import found_in_tables, make_widget, plant


async def test_find_export_erase(api: Api, ctx: Context) -> None:
    admin, _agent, _ = await admin_and_agent(api)
    w = await make_widget(ctx)
    v = await plant(ctx, w["site_key"], "zra")
    other = await plant(ctx, w["site_key"], "zrb")
    q = f"email={quote(v.email.upper())}"

    found = await api.get(f"/api/admin/privacy/visitors?{q}", token=admin)
    assert found.code == 200, found
    (s,) = found.json["sessions"]
    assert s["session_id"] == v.session_id and s["visitor_name"] == v.markers["name"]
    assert s["messages"] >= 3 and s["files"] == 1

    resp = await api.get(f"/api/admin/privacy/export?session_id={v.session_id}", token=admin)
    assert resp.code == 200, resp
    assert resp.headers["Content-Type"] == "application/zip"
    assert "attachment" in resp.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(resp.body)) as zf:
        doc = json.loads(zf.read("visitor.json"))
        names = zf.namelist()
    assert len(doc["conversations"][0]["messages"]) == s["messages"]
    assert doc["conversations"][0]["files"][0]["path"] in names

    history = await api.get("/api/agents/history", token=admin)
    assert v.session_id in json.dumps(history.json), history

    wrong = await api.post("/api/admin/privacy/erase",
                           {"email": v.email, "confirm": "someone@else.org"}, token=admin)
    assert (wrong.code, wrong.error_code) == (400, "confirmation_mismatch")
    assert await found_in_tables(ctx, [v.markers["msg"]])
    done = await api.post("/api/admin/privacy/erase",
                          {"email": v.email, "confirm": v.email.upper()}, token=admin)
    assert done.code == 200, done
    assert done.json["sessions"] == [v.session_id]
    assert await found_in_tables(ctx, list(v.markers.values())) == []
    assert await found_in_tables(ctx, [other.markers["msg"]])
    history = await api.get("/api/agents/history", token=admin)
    assert history.code == 200 and v.session_id not in json.dumps(history.json)
    assert other.session_id in json.dumps(history.json)
    again = await api.get(f"/api/admin/privacy/visitors?{q}", token=admin)
    assert again.json["sessions"] == []
    gone = await api.get(f"/api/admin/privacy/export?{q}", token=admin)
    assert (gone.code, gone.error_code) == (404, "visitor_not_found")


async def test_agents_are_refused(api: Api, ctx: Context) -> None:
    _admin, agent, _ = await admin_and_agent(api)
    w = await make_widget(ctx)
    v = await plant(ctx, w["site_key"], "zrc")
    for resp in (
        await api.get(f"/api/admin/privacy/visitors?session_id={v.session_id}", token=agent),
        await api.get("/api/admin/privacy/visitors", token=agent),
        await api.get(f"/api/admin/privacy/export?session_id={v.session_id}", token=agent),
        await api.post("/api/admin/privacy/erase",
                       {"session_id": v.session_id, "confirm": v.session_id}, token=agent),
    ):
        assert (resp.code, resp.error_code) == (403, "admin_required"), resp
    assert await found_in_tables(ctx, [v.markers["msg"]])
    anonymous = await api.get("/api/admin/privacy/visitors?email=a@b.org")
    assert anonymous.code == 401


async def test_bad_input_has_stable_codes(api: Api, ctx: Context) -> None:
    admin, _agent, _ = await admin_and_agent(api)
    cases = [
        ("/api/admin/privacy/visitors", 400, "invalid_query"),
        ("/api/admin/privacy/visitors?email=not-an-email", 400, "invalid_query"),
        ("/api/admin/privacy/visitors?email=a@b.org&session_id=x", 400, "invalid_query"),
        ("/api/admin/privacy/visitors?user_id=42", 400, "widget_required"),
        ("/api/admin/privacy/visitors?user_id=42&widget=nosuchwidget", 404, "widget_not_found"),
        ("/api/admin/privacy/visitors?session_id=%27;drop", 400, "invalid_query"),
        ("/api/admin/privacy/export?email=a@b.org&notes=maybe", 400, "invalid_query"),
        ("/api/admin/privacy/export?email=nobody@example.org", 404, "visitor_not_found"),
    ]
    for path, code, error in cases:
        resp = await api.get(path, token=admin)
        assert (resp.code, resp.error_code) == (code, error), (path, resp)
    for body, code, error in [
        ({"email": "a@b.org"}, 400, "confirmation_mismatch"),
        ({"email": "a@b.org", "confirm": 5}, 400, "confirmation_mismatch"),
        ({"email": "nobody@example.org", "confirm": "nobody@example.org"}, 404,
         "visitor_not_found"),
        ({}, 400, "invalid_query"),
    ]:
        resp = await api.post("/api/admin/privacy/erase", body, token=admin)
        assert (resp.code, resp.error_code) == (code, error), (body, resp)
    resp = await api.request("POST", "/api/admin/privacy/erase", body=b"[1", token=admin)
    assert (resp.code, resp.error_code) == (400, "invalid_json")
    resp = await api.put(f"/api/widgets/{(await make_widget(ctx))['site_key']}",
                         {"retention_days": 0}, token=admin)
    assert (resp.code, resp.error_code) == (422, "validation_failed"), resp
    assert "retention_days" in resp.json["error"]["fields"]
