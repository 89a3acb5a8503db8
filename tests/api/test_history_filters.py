"""The history's filters (GET /api/agents/history): label, status, widget, agent, rating,
dates and files sent, each alone and together, with the search; bad values are a 400
`invalid_filter` naming the parameter."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from chatserver.context import Context
from chatserver.db import sessions as sessions_db
from chatserver.services import chat, routing
from chatserver.services.access import Actor
from tests.helpers.accounts import admin_and_agent, login, register
from tests.helpers.api import Api
from tests.helpers.upload_rows import make_upload


async def _conversation(api: Api, ctx: Context, key: str, text: str, *, agent: Any = None,
                        rating: int | None = None, closed_at: datetime | None = None,
                        status: str | None = None, file: bool = False) -> str:
    resp = await api.post(f"/api/widgets/{key}/sessions", {"visitor_name": text}, token="")
    assert resp.code == 201, resp
    sid: str = resp.json["session_id"]
    files = [await make_upload(ctx, sid, "invoice.pdf")] if file else None
    await chat.send_message(ctx, sid, sender_type="visitor", text=text,
                            client_msg_id=str(uuid.uuid4()), files=files)
    if agent is not None:
        await chat.escalate(ctx, key, sid, reason="explicit_request",
                            actor=Actor(id=None, role="admin"))
        await routing.accept(ctx, agent, sid)
    await chat.close(ctx, sid, by="visitor", rating=rating)
    changes: dict[str, Any] = {}
    if closed_at is not None:
        changes["closed_at"] = closed_at
    if status is not None:
        changes["status"] = status
    if changes:
        async with ctx.engine.begin() as conn:
            await sessions_db.update_session(conn, sid, **changes)
    return sid


async def _world(api: Api, ctx: Context) -> dict[str, Any]:
    admin, agent, alice = await admin_and_agent(api)
    bob_user = (await register(api, "bob", role="agent", token=admin))["user"]
    keys = []
    for name in ("Acme", "Shop"):
        w = (await api.post("/api/widgets", {"business_name": name, "ai_enabled": False},
                            token=admin)).json["widget"]
        keys.append(w["site_key"])
        for user in (alice, bob_user):
            await api.put(f"/api/widgets/{w['site_key']}/agents/{user['id']}", token=admin)
    a = Actor(id=alice["id"], role="agent", display_name=alice["display_name"])
    b = Actor(id=bob_user["id"], role="agent", display_name=bob_user["display_name"])
    acme, shop = keys
    s = {"admin": admin, "agent": agent, "alice": alice, "bob": bob_user, "acme": acme,
         "shop": shop, "bob_token": await login(api, "bob")}
    # One conversation per distinguishing trait.
    s["plain"] = await _conversation(api, ctx, acme, "plain",
                                     closed_at=datetime(2026, 3, 10, 12, 0))
    s["rated5"] = await _conversation(api, ctx, acme, "rated five", agent=a, rating=5,
                                      closed_at=datetime(2026, 3, 11, 12, 0))
    s["rated1"] = await _conversation(api, ctx, shop, "rated one", agent=b, rating=1,
                                      closed_at=datetime(2026, 3, 12, 23, 30))
    s["gone"] = await _conversation(api, ctx, shop, "abandoned", status="abandoned",
                                    closed_at=datetime(2026, 3, 13, 8, 0))
    s["filed"] = await _conversation(api, ctx, acme, "with a file", agent=a, file=True,
                                     closed_at=datetime(2026, 3, 14, 9, 0))
    vip = (await api.post("/api/labels", {"name": "VIP", "color": "purple"},
                          token=admin)).json["label"]
    bug = (await api.post("/api/labels", {"name": "Bug", "color": "red"},
                          token=admin)).json["label"]
    s["vip"], s["bug"] = vip["id"], bug["id"]
    for sid, label in ((s["rated5"], vip), (s["rated1"], vip), (s["rated1"], bug),
                       (s["filed"], bug)):
        assert (await api.put(f"/api/agents/sessions/{sid}/labels/{label['id']}",
                              token=agent)).code == 200
    return s


async def _ids(api: Api, token: str, params: dict[str, Any] | list[tuple[str, Any]]) -> set[str]:
    resp = await api.get(f"/api/agents/history?{urlencode(params)}", token=token)
    assert resp.code == 200, (params, resp)
    return {x["session_id"] for x in resp.json["sessions"]}


async def test_each_filter_alone(api: Api, ctx: Context) -> None:
    s = await _world(api, ctx)
    everything = {s[k] for k in ("plain", "rated5", "rated1", "gone", "filed")}
    assert await _ids(api, s["agent"], {}) == everything

    assert await _ids(api, s["agent"], {"label": s["vip"]}) == {s["rated5"], s["rated1"]}
    # Several labels: conversations carrying every one (repeated or comma-separated).
    assert await _ids(api, s["agent"], [("label", s["vip"]), ("label", s["bug"])]) \
        == {s["rated1"]}
    assert await _ids(api, s["agent"], {"label": f"{s['vip']},{s['bug']}"}) == {s["rated1"]}
    assert await _ids(api, s["agent"], {"label": 999999}) == set()

    assert await _ids(api, s["agent"], {"status": "abandoned"}) == {s["gone"]}
    assert await _ids(api, s["agent"], {"status": "closed"}) == everything - {s["gone"]}

    assert await _ids(api, s["agent"], {"widget": s["shop"]}) == {s["rated1"], s["gone"]}
    assert await _ids(api, s["agent"], {"widget": "no-such-widget"}) == set()

    assert await _ids(api, s["agent"], {"agent": s["alice"]["id"]}) == {s["rated5"], s["filed"]}
    assert await _ids(api, s["agent"], {"agent": s["bob"]["id"]}) == {s["rated1"]}
    assert await _ids(api, s["agent"], {"agent": "none"}) == {s["plain"], s["gone"]}

    assert await _ids(api, s["agent"], {"rating": 5}) == {s["rated5"]}
    assert await _ids(api, s["agent"], {"rating": "1,2"}) == {s["rated1"]}
    assert await _ids(api, s["agent"], {"rating": "none"}) \
        == everything - {s["rated5"], s["rated1"]}

    assert await _ids(api, s["agent"], {"has_attachments": "true"}) == {s["filed"]}
    assert await _ids(api, s["agent"], {"has_attachments": "false"}) == everything - {s["filed"]}

    # Dates: both days included, in UTC by default.
    assert await _ids(api, s["agent"], {"from": "2026-03-11", "to": "2026-03-12"}) \
        == {s["rated5"], s["rated1"]}
    assert await _ids(api, s["agent"], {"from": "2026-03-13"}) == {s["gone"], s["filed"]}
    assert await _ids(api, s["agent"], {"to": "2026-03-10"}) == {s["plain"]}
    # In Tokyo (UTC+9) 23:30 UTC on the 12th is the 13th.
    assert await _ids(api, s["agent"], {"from": "2026-03-13", "to": "2026-03-13",
                                        "tz": "Asia/Tokyo"}) == {s["rated1"], s["gone"]}


async def test_filters_combine_with_each_other_and_the_search(api: Api, ctx: Context) -> None:
    s = await _world(api, ctx)
    assert await _ids(api, s["agent"], {"label": s["vip"], "widget": s["acme"]}) == {s["rated5"]}
    assert await _ids(api, s["agent"], {"label": s["bug"], "has_attachments": "true",
                                        "agent": s["alice"]["id"]}) == {s["filed"]}
    assert await _ids(api, s["agent"], {"label": s["vip"], "rating": "1,2",
                                        "status": "closed", "from": "2026-03-12"}) \
        == {s["rated1"]}
    assert await _ids(api, s["agent"], {"label": s["vip"], "rating": 5,
                                        "widget": s["shop"]}) == set()
    assert await _ids(api, s["agent"], {"q": "rated", "label": s["bug"]}) == {s["rated1"]}
    assert await _ids(api, s["agent"], {"q": "file", "has_attachments": "false"}) == set()
    # Pages of a filtered list.
    resp = await api.get(f"/api/agents/history?label={s['vip']}&limit=1", token=s["agent"])
    assert len(resp.json["sessions"]) == 1 and resp.json["has_more"] is True
    first = resp.json["sessions"][0]
    assert first["session_id"] == s["rated1"]  # the newest first
    assert {x["name"] for x in first["labels"]} == {"VIP", "Bug"}


async def test_an_agent_filters_only_within_their_widgets(api: Api, ctx: Context) -> None:
    s = await _world(api, ctx)
    outsider = (await register(api, "carol", role="agent", token=s["admin"]))["user"]
    token = await login(api, "carol")
    assert outsider["id"]
    assert await _ids(api, token, {"label": s["vip"]}) == set()
    assert await _ids(api, token, {"widget": s["acme"]}) == set()
    assert await _ids(api, s["admin"], {"label": s["vip"]}) == {s["rated5"], s["rated1"]}


async def test_bad_filter_values_are_400_with_a_code(api: Api, ctx: Context) -> None:
    admin, agent, _ = await admin_and_agent(api)
    assert admin
    cases = {
        "label=abc": "label", "label=1,x": "label", "status=open": "status",
        "status=assigned": "status", "widget=%3Cscript%3E": "widget", "agent=bob": "agent",
        "agent=-1": "agent", "rating=6": "rating", "rating=12": "rating", "rating=good": "rating",
        "from=2026-13-01": "from", "from=yesterday": "from", "to=2026-02-30": "to",
        "from=2026-03-02&to=2026-03-01": "to", "tz=Mars%2FOlympus": "tz", "tz=..%2Fetc": "tz",
        "has_attachments=yes": "has_attachments", "status=closed&status=abandoned": "status",
        "colour=red": "colour",
    }
    for query, field in cases.items():
        resp = await api.get(f"/api/agents/history?{query}", token=agent)
        assert resp.code == 400, (query, resp)
        assert resp.json["error"]["code"] == "invalid_filter", (query, resp.json)
        assert field in resp.json["error"]["fields"], (query, resp.json)
