"""Canned responses: global and per-widget, managed by admins and widget owners, listed by
agents."""

from __future__ import annotations

from typing import Any

from tests.helpers.accounts import admin_and_agent, login, register
from tests.helpers.api import Api


async def _setup(api: Api) -> dict[str, Any]:
    admin, agent, agent_user = await admin_and_agent(api)
    keys = []
    for name in ("Acme", "Other"):
        w = (await api.post("/api/widgets", {"business_name": name}, token=admin)).json["widget"]
        keys.append(w["site_key"])
    await api.put(f"/api/widgets/{keys[0]}/agents/{agent_user['id']}", token=admin)
    return {"admin": admin, "agent": agent, "acme": keys[0], "other": keys[1]}


async def _create(api: Api, token: str, **body: Any) -> Any:
    return await api.post("/api/canned-responses", body, token=token)


async def test_agents_list_global_and_their_widgets_responses(api: Api) -> None:
    s = await _setup(api)
    made = await _create(api, s["admin"], shortcut="hello", title="Greeting",
                         text="Hi! How can I help?\nAsk away.")
    assert made.code == 201, made
    c = made.json["canned_response"]
    assert c["site_key"] is None and c["shortcut"] == "hello" and c["title"] == "Greeting"
    assert c["text"] == "Hi! How can I help?\nAsk away." and c["created_at"].endswith("Z")
    assert (await _create(api, s["admin"], shortcut="refund", text="Refunds take 5 days.",
                          site_key=s["acme"])).code == 201
    assert (await _create(api, s["admin"], shortcut="secret", text="Other widget only.",
                          site_key=s["other"])).code == 201

    mine = await api.get("/api/canned-responses", token=s["agent"])
    assert mine.code == 200, mine
    assert [(c["shortcut"], c["site_key"]) for c in mine.json["canned_responses"]] == \
        [("hello", None), ("refund", s["acme"])]
    one = await api.get(f"/api/canned-responses?site_key={s['acme']}", token=s["agent"])
    assert [c["shortcut"] for c in one.json["canned_responses"]] == ["hello", "refund"]
    # A widget the agent does not work on does not exist for them.
    hidden = await api.get(f"/api/canned-responses?site_key={s['other']}", token=s["agent"])
    assert hidden.code == 404 and hidden.error_code == "widget_not_found"
    every = await api.get("/api/canned-responses", token=s["admin"])
    assert len(every.json["canned_responses"]) == 3
    assert (await api.get("/api/canned-responses", token="")).code == 401


async def test_only_admins_and_owners_manage_them(api: Api) -> None:
    s = await _setup(api)
    # Agents cannot add global responses nor change a widget they do not own.
    resp = await _create(api, s["agent"], shortcut="hi", text="Hi")
    assert resp.code == 403 and resp.error_code == "admin_required"
    resp = await _create(api, s["agent"], shortcut="hi", text="Hi", site_key=s["acme"])
    assert resp.code == 403 and resp.error_code == "not_owner"
    resp = await _create(api, s["agent"], shortcut="hi", text="Hi", site_key=s["other"])
    assert resp.code == 404

    # An owner (an agent who created a widget) manages that widget's responses.
    owner = await register(api, "olga", role="agent", token=s["admin"])
    olga = await login(api, "olga")
    assert owner["user"]["role"] == "agent"
    w = (await api.post("/api/widgets", {"business_name": "Olga's"}, token=olga)).json["widget"]
    made = await _create(api, olga, shortcut="bye", text="Bye!", site_key=w["site_key"])
    assert made.code == 201, made
    cid = made.json["canned_response"]["id"]
    changed = await api.put(f"/api/canned-responses/{cid}", {"text": "Goodbye!"}, token=olga)
    assert changed.code == 200 and changed.json["canned_response"]["text"] == "Goodbye!"
    assert changed.json["canned_response"]["shortcut"] == "bye"
    # The other agent cannot see it at all; the admin can change it.
    assert (await api.put(f"/api/canned-responses/{cid}", {"text": "x"},
                          token=s["agent"])).code == 404
    assert (await api.put(f"/api/canned-responses/{cid}", {"title": "Farewell"},
                          token=s["admin"])).json["canned_response"]["title"] == "Farewell"
    assert (await api.delete(f"/api/canned-responses/{cid}", token=olga)).code == 204
    assert (await api.delete(f"/api/canned-responses/{cid}", token=olga)).code == 404

    glob = (await _create(api, s["admin"], shortcut="g", text="global")).json["canned_response"]
    resp = await api.put(f"/api/canned-responses/{glob['id']}", {"text": "x"}, token=olga)
    assert resp.code == 403 and resp.error_code == "admin_required"
    resp = await api.delete(f"/api/canned-responses/{glob['id']}", token=s["agent"])
    assert resp.code == 403


async def test_shortcuts_are_checked_and_unique_per_widget(api: Api) -> None:
    s = await _setup(api)
    admin = s["admin"]
    for bad in ("", "Has Space", "-dash", "x" * 33, "UPPER"):
        resp = await _create(api, admin, shortcut=bad, text="t")
        assert resp.code == 422 and "shortcut" in resp.json["error"]["fields"], (bad, resp)
    resp = await _create(api, admin, shortcut="ok", text="   ")
    assert resp.code == 422 and "text" in resp.json["error"]["fields"]
    resp = await _create(api, admin, shortcut="ok", text="x" * 4001)
    assert resp.code == 422
    resp = await _create(api, admin, shortcut=5, text="t")
    assert resp.code == 400 and resp.error_code == "invalid_type"

    assert (await _create(api, admin, shortcut="dup", text="a")).code == 201
    resp = await _create(api, admin, shortcut="dup", text="b")
    assert resp.code == 409 and resp.error_code == "shortcut_taken"
    # The same shortcut may exist for a widget (it is more specific) and another widget.
    first = await _create(api, admin, shortcut="dup", text="c", site_key=s["acme"])
    assert first.code == 201
    assert (await _create(api, admin, shortcut="dup", text="d", site_key=s["other"])).code == 201
    resp = await _create(api, admin, shortcut="dup", text="e", site_key=s["acme"])
    assert resp.code == 409
    other = (await _create(api, admin, shortcut="two", text="f",
                           site_key=s["acme"])).json["canned_response"]
    resp = await api.put(f"/api/canned-responses/{other['id']}", {"shortcut": "dup"}, token=admin)
    assert resp.code == 409 and resp.error_code == "shortcut_taken"
    for bad_id in ("abc", "99999", "1" * 12):
        resp = await api.put(f"/api/canned-responses/{bad_id}", {"text": "x"}, token=admin)
        assert resp.code == 404 and resp.error_code == "canned_not_found"


async def test_deleting_a_widget_deletes_its_responses(api: Api) -> None:
    s = await _setup(api)
    assert (await _create(api, s["admin"], shortcut="w", text="t",
                          site_key=s["acme"])).code == 201
    assert (await api.delete(f"/api/widgets/{s['acme']}", token=s["admin"])).code == 204
    left = await api.get("/api/canned-responses", token=s["admin"])
    assert left.json["canned_responses"] == []
