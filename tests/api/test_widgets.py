"""/api/widgets: configuration, ownership, agents, and the public config with its cache."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.accounts import admin_and_agent, login, register
from tests.helpers.api import Api

FULL = {
    "business_name": "Acme", "widget_title": "Talk to Acme", "welcome_message": "Hello!\nHi.",
    "primary_color": "#FF0000", "secondary_color": "#00ff00", "position": "bottom-left",
    "enable_prechat_form": True,
    "prechat_fields": [
        {"name": "name", "label": "Your name", "type": "text", "required": True},
        {"name": "topic", "label": "Topic", "type": "select", "options": ["Sales", "Support"]},
    ],
    "allowed_origins": ["https://shop.example.com", "http://localhost:3000/"],
    "timezone": "Europe/Paris",
    "business_hours": {"mon": [["09:00", "17:00"]], "sat": []},
    "ai_enabled": False,
    "ai_settings": {"model": "m", "temperature": 0.2, "daily_token_budget": 1000},
}


async def test_create_with_defaults_and_read_back(api: Api) -> None:
    admin = (await register(api, "root"))["token"]
    resp = await api.post("/api/widgets", {}, token=admin)
    assert resp.code == 201, resp
    w = resp.json["widget"]
    assert len(w["site_key"]) >= 22  # >= 128 random bits
    assert w["primary_color"] == "#007bff" and w["position"] == "bottom-right"
    assert w["allowed_origins"] == [] and w["prechat_fields"] == []
    got = await api.get(f"/api/widgets/{w['site_key']}", token=admin)
    assert got.json["widget"] == w


async def test_create_with_every_field(api: Api) -> None:
    admin = (await register(api, "root"))["token"]
    resp = await api.post("/api/widgets", FULL, token=admin)
    assert resp.code == 201, resp
    w = resp.json["widget"]
    assert w["primary_color"] == "#ff0000"
    assert w["allowed_origins"] == ["https://shop.example.com", "http://localhost:3000"]
    assert w["prechat_fields"][1]["options"] == ["Sales", "Support"]
    assert w["business_hours"] == {"mon": [["09:00", "17:00"]], "sat": []}
    assert w["ai_settings"]["temperature"] == 0.2


@pytest.mark.parametrize(("patch", "status", "field"), [
    ({"primary_color": "red"}, 422, "primary_color"),
    ({"position": "top"}, 422, "position"),
    ({"widget_title": ""}, 422, "widget_title"),
    ({"widget_title": "x" * 101}, 422, "widget_title"),
    ({"allowed_origins": ["https://a.com/path"]}, 422, "allowed_origins"),
    ({"allowed_origins": ["javascript:alert(1)"]}, 422, "allowed_origins"),
    ({"allowed_origins": "https://a.com"}, 400, "allowed_origins"),
    ({"timezone": "Mars/Base"}, 422, "timezone"),
    ({"business_hours": {"mon": [["18:00", "09:00"]]}}, 422, "business_hours.mon"),
    ({"business_hours": {"funday": []}}, 422, "business_hours"),
    ({"prechat_fields": [{"name": "a", "label": "A", "type": "select"}]}, 422,
     "prechat_fields[0].options"),
    ({"prechat_fields": [{"name": "Bad Name", "label": "A", "type": "text"}]}, 422,
     "prechat_fields[0].name"),
    ({"prechat_fields": [{"name": "a", "label": "A", "type": "video"}]}, 422,
     "prechat_fields[0].type"),
    ({"prechat_fields": ["x"]}, 400, "prechat_fields[0]"),
    ({"enable_prechat_form": "yes"}, 400, "enable_prechat_form"),
    ({"ai_settings": {"temperature": 5}}, 422, "ai_settings.temperature"),
    ({"ai_settings": {"evil": 1}}, 422, "ai_settings.evil"),
    ({"ai_settings": {"max_tokens": "many"}}, 400, "ai_settings.max_tokens"),
])
async def test_validation(api: Api, patch: dict[str, Any], status: int, field: str) -> None:
    admin = (await register(api, "root"))["token"]
    resp = await api.post("/api/widgets", patch, token=admin)
    assert resp.code == status, resp
    assert field in resp.json["error"]["fields"], resp


async def test_put_is_partial(api: Api) -> None:
    admin = (await register(api, "root"))["token"]
    w = (await api.post("/api/widgets", FULL, token=admin)).json["widget"]
    resp = await api.put(f"/api/widgets/{w['site_key']}", {"widget_title": "New"}, token=admin)
    assert resp.code == 200
    new = resp.json["widget"]
    assert new["widget_title"] == "New"
    assert {k: v for k, v in new.items() if k not in ("widget_title", "updated_at")} == \
        {k: v for k, v in w.items() if k not in ("widget_title", "updated_at")}


async def test_ownership_and_membership(api: Api) -> None:
    admin, agent, agent_user = await admin_and_agent(api)
    await register(api, "carol", token=admin)
    carol = await login(api, "carol")
    mine = (await api.post("/api/widgets", {"business_name": "Alice's"}, token=agent)).json
    theirs = (await api.post("/api/widgets", {"business_name": "Root's"}, token=admin)).json
    mine_key, theirs_key = mine["widget"]["site_key"], theirs["widget"]["site_key"]

    listing = await api.get("/api/widgets", token=agent)
    assert [w["site_key"] for w in listing.json["widgets"]] == [mine_key]
    assert len((await api.get("/api/widgets", token=admin)).json["widgets"]) == 2

    # Another tenant's widget is "not found", never "forbidden".
    for method in ("GET", "PUT", "DELETE"):
        resp = await api.request(method, f"/api/widgets/{theirs_key}", token=agent,
                                 json_body={} if method == "PUT" else None)
        assert resp.code == 404 and resp.error_code == "widget_not_found", (method, resp)

    # Made an agent of Root's widget: alice may see it but not change it.
    resp = await api.put(f"/api/widgets/{theirs_key}/agents/{agent_user['id']}", token=admin)
    assert resp.code == 200 and [a["username"] for a in resp.json["agents"]] == ["alice"]
    assert (await api.get(f"/api/widgets/{theirs_key}", token=agent)).code == 200
    resp = await api.put(f"/api/widgets/{theirs_key}", {"widget_title": "x"}, token=agent)
    assert resp.code == 403 and resp.error_code == "not_owner"
    # Only admins manage agents; carol sees nothing of either widget.
    resp = await api.put(f"/api/widgets/{mine_key}/agents/{agent_user['id']}", token=agent)
    assert resp.code == 403
    assert (await api.get(f"/api/widgets/{theirs_key}/agents", token=carol)).code == 404
    assert (await api.put(f"/api/widgets/{theirs_key}/agents/99999", token=admin)).code == 404
    resp = await api.delete(f"/api/widgets/{theirs_key}/agents/{agent_user['id']}", token=admin)
    assert resp.code == 200 and resp.json["agents"] == []
    assert (await api.get(f"/api/widgets/{theirs_key}", token=agent)).code == 404

    assert (await api.delete(f"/api/widgets/{mine_key}", token=agent)).code == 204
    assert (await api.get(f"/api/widgets/{mine_key}", token=agent)).code == 404


async def test_widgets_need_a_token(api: Api) -> None:
    assert (await api.get("/api/widgets")).code == 401
    assert (await api.post("/api/widgets", {})).code == 401


async def test_stats_overview(api: Api) -> None:
    admin, agent, _ = await admin_and_agent(api)
    await api.post("/api/widgets", {"business_name": "A"}, token=admin)
    resp = await api.get("/api/widgets/stats/overview", token=admin)
    assert resp.code == 200
    assert resp.json["totals"]["sessions"] == 0 and len(resp.json["widgets"]) == 1
    resp = await api.get("/api/widgets/stats/overview", token=agent)
    assert resp.json["widgets"] == []


async def _public_widget(api: Api, **fields: Any) -> tuple[str, str]:
    admin = (await register(api, "root"))["token"]
    w = (await api.post("/api/widgets", {**FULL, **fields}, token=admin)).json["widget"]
    return admin, w["site_key"]


async def test_public_config_shows_only_what_the_widget_needs(api: Api) -> None:
    _admin, key = await _public_widget(api)
    resp = await api.get(f"/api/widgets/{key}/config", token="")
    assert resp.code == 200
    assert set(resp.json) == {"site_key", "business_name", "widget_title", "welcome_message",
                              "primary_color", "secondary_color", "position",
                              "enable_prechat_form", "prechat_fields", "business_hours",
                              "timezone", "ai_enabled", "visitor_uploads", "require_identity",
                              "visitor_tracking", "mail", "uploads", "triggers", "language",
                              "text_overrides", "hidden_now", "hide_when_offline"}
    assert resp.json["visitor_uploads"] is True
    assert resp.json["uploads"]["max_bytes"] == 10 * 1024 * 1024
    assert "image/png" in resp.json["uploads"]["types"]
    assert resp.json["mail"] is False  # this server sends no email: no transcript offered
    assert resp.json["triggers"] == []  # none: the widget loads no trigger chunk
    assert "max-age" in resp.headers["Cache-Control"]
    assert (await api.get("/api/widgets/nope-nope-nope/config")).code == 404


async def test_public_config_etag_and_invalidation(api: Api) -> None:
    admin, key = await _public_widget(api)
    first = await api.get(f"/api/widgets/{key}/config")
    etag = first.headers["ETag"]
    again = await api.get(f"/api/widgets/{key}/config", headers={"If-None-Match": etag})
    assert again.code == 304 and not again.body
    await api.put(f"/api/widgets/{key}", {"widget_title": "Changed"}, token=admin)
    changed = await api.get(f"/api/widgets/{key}/config", headers={"If-None-Match": etag})
    assert changed.code == 200 and changed.json["widget_title"] == "Changed"
    assert changed.headers["ETag"] != etag


async def test_public_config_origin_rules(api: Api) -> None:
    _admin, key = await _public_widget(api)
    path = f"/api/widgets/{key}/config"
    ok = await api.get(path, headers={"Origin": "https://shop.example.com"})
    assert ok.code == 200
    assert ok.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
    # Exact match only: no substring, suffix or scheme tricks.
    for origin in ("https://shop.example.com.evil.net", "http://shop.example.com",
                   "https://evil.com", "https://xshop.example.com", "null"):
        resp = await api.get(path, headers={"Origin": origin})
        assert resp.code == 403 and resp.error_code == "origin_not_allowed", origin
    # No Origin header: a server-side client, not refused for that alone.
    assert (await api.get(path)).code == 200
    # The server's own origin is always allowed.
    own = api.url("/").rstrip("/")
    assert (await api.get(path, headers={"Origin": own})).code == 200


async def test_cors_preflight(api: Api) -> None:
    _admin, key = await _public_widget(api)
    path = f"/api/widgets/{key}/config"
    ok = await api.request("OPTIONS", path, headers={"Origin": "http://localhost:3000",
                                                     "Access-Control-Request-Method": "GET"})
    assert ok.code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "Authorization" in ok.headers["Access-Control-Allow-Headers"]
    bad = await api.request("OPTIONS", path, headers={"Origin": "https://evil.com"})
    assert bad.code == 403


async def test_empty_allowlist_means_own_origin_only(api: Api) -> None:
    _admin, key = await _public_widget(api, allowed_origins=[])
    path = f"/api/widgets/{key}/config"
    assert (await api.get(path, headers={"Origin": "https://shop.example.com"})).code == 403
    assert (await api.get(path, headers={"Origin": api.url("/").rstrip("/")})).code == 200


async def test_availability_follows_hours_membership_and_presence(api: Api, ctx: Any) -> None:
    admin, _agent, alice = await admin_and_agent(api)
    always = {"business_hours": None}
    key = (await api.post("/api/widgets", {**FULL, **always}, token=admin)).json["widget"]["site_key"]
    path = f"/api/widgets/{key}/availability"
    resp = await api.get(path, headers={"Origin": "https://shop.example.com"})
    assert resp.code == 200 and resp.json == {"open": True, "agents_online": False}
    assert resp.headers["Access-Control-Allow-Origin"] == "https://shop.example.com"
    assert resp.headers["Cache-Control"] == "public, max-age=15"
    ctx.presence.connected(alice["id"])
    assert (await api.get(path)).json["agents_online"] is False  # online, not a member
    await api.put(f"/api/widgets/{key}/agents/{alice['id']}", token=admin)
    assert (await api.get(path)).json["agents_online"] is True
    ctx.presence.set_status(alice["id"], "away")
    assert (await api.get(path)).json["agents_online"] is False
    ctx.presence.set_status(alice["id"], "online")
    # Hours with no span today and tomorrow: closed whatever the time zone.
    await api.put(f"/api/widgets/{key}", {"business_hours": {"mon": []}}, token=admin)
    assert (await api.get(path)).json == {"open": False, "agents_online": True}
    ctx.presence.disconnected(alice["id"])
    assert (await api.get(path, headers={"Origin": "https://evil.com"})).error_code == \
        "origin_not_allowed"
    assert (await api.get("/api/widgets/nope-nope-nope/availability")).code == 404


async def test_the_language_is_one_of_the_widgets_eight(api: Api) -> None:
    admin, key = await _public_widget(api)
    created = (await api.get(f"/api/widgets/{key}", token=admin)).json["widget"]
    assert created["language"] == "en"
    resp = await api.put(f"/api/widgets/{key}", {"language": "fr"}, token=admin)
    assert resp.code == 200 and resp.json["widget"]["language"] == "fr"
    for bad in ("he", "", "FR", "pt-BR"):
        resp = await api.put(f"/api/widgets/{key}", {"language": bad}, token=admin)
        assert resp.code == 422 and resp.error_code == "validation_failed"
        assert "language" in resp.json["error"]["fields"]
    resp = await api.put(f"/api/widgets/{key}", {"language": 3}, token=admin)
    assert resp.code == 400 and resp.error_code == "invalid_type"
    assert (await api.get(f"/api/widgets/{key}", token=admin)).json["widget"]["language"] == "fr"
