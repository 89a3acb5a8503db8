"""The inbox's REST reads: history search of ended conversations, one conversation's details
with the visitor's earlier ones, and the team one can transfer to."""

from __future__ import annotations

import uuid
from typing import Any

from chatserver.context import Context
from chatserver.services import chat, routing
from chatserver.services.access import Actor
from tests.helpers.accounts import admin_and_agent, register
from tests.helpers.api import Api


async def _setup(api: Api) -> dict[str, Any]:
    admin, agent, agent_user = await admin_and_agent(api)
    keys = []
    for name in ("Acme", "Other"):
        w = (await api.post("/api/widgets", {"business_name": name, "ai_enabled": False},
                            token=admin)).json["widget"]
        keys.append(w["site_key"])
    await api.put(f"/api/widgets/{keys[0]}/agents/{agent_user['id']}", token=admin)
    return {"admin": admin, "agent": agent, "agent_user": agent_user, "acme": keys[0],
            "other": keys[1]}


async def _conversation(api: Api, ctx: Context, key: str, texts: list[str], *,
                        close: bool = True, **visitor: Any) -> str:
    resp = await api.post(f"/api/widgets/{key}/sessions", visitor, token="")
    assert resp.code == 201, resp
    sid: str = resp.json["session_id"]
    for text in texts:
        await chat.send_message(ctx, sid, sender_type="visitor", text=text,
                                client_msg_id=str(uuid.uuid4()))
    if close:
        await chat.close(ctx, sid, by="visitor")
    return sid


async def test_history_lists_ended_conversations_newest_first(api: Api, ctx: Context) -> None:
    s = await _setup(api)
    first = await _conversation(api, ctx, s["acme"], ["Where is my order 1234?"],
                                visitor_name="Vera", visitor_email="vera@example.com")
    second = await _conversation(api, ctx, s["acme"], ["Do you ship to Norway?"],
                                 visitor_name="Walt")
    await _conversation(api, ctx, s["acme"], ["still talking"], close=False)
    await _conversation(api, ctx, s["other"], ["Where is my order, other shop?"])

    resp = await api.get("/api/agents/history", token=s["agent"])
    assert resp.code == 200, resp
    page = resp.json
    assert [x["session_id"] for x in page["sessions"]] == [second, first]
    assert page["has_more"] is False and page["next_offset"] is None
    top = page["sessions"][0]
    assert top["status"] == "closed" and top["closed_by"] == "visitor"
    assert top["last_message"] == "Do you ship to Norway?" and top["match"] is None
    assert top["widget_name"] == "Acme" and "visitor_token_hash" not in top
    # Admins see every widget's.
    assert len((await api.get("/api/agents/history", token=s["admin"])).json["sessions"]) == 3
    assert (await api.get("/api/agents/history", token="")).code == 401


async def test_history_search_by_visitor_or_text(api: Api, ctx: Context) -> None:
    s = await _setup(api)
    vera = await _conversation(api, ctx, s["acme"], ["Hello", "Where is my ORDER 1234?"],
                               visitor_name="Vera Lynn", visitor_email="vera@example.com")
    walt = await _conversation(api, ctx, s["acme"], ["100% cotton? under_score"],
                               visitor_name="Walt", visitor_email="walt@example.org")

    async def search(q: str) -> list[str]:
        resp = await api.get(f"/api/agents/history?q={q}", token=s["agent"])
        assert resp.code == 200, resp
        return [x["session_id"] for x in resp.json["sessions"]]

    assert await search("vera") == [vera]
    assert await search("LYNN") == [vera]
    assert await search("example.org") == [walt]
    assert await search("order%201234") == [vera]
    assert await search("cotton") == [walt]
    assert await search("nothing-like-this") == []
    # LIKE wildcards are taken literally.
    assert await search("%25") == [walt]
    assert await search("e_i") == []  # "Where is" would match were _ a wildcard
    assert await search("under_score") == [walt]
    # System messages ("The conversation was closed.") are not searched.
    assert await search("closed") == []
    resp = await api.get("/api/agents/history?q=order", token=s["agent"])
    assert resp.json["sessions"][0]["match"] == "Where is my ORDER 1234?"


async def test_history_pages(api: Api, ctx: Context) -> None:
    s = await _setup(api)
    made = [await _conversation(api, ctx, s["acme"], [f"question {i}"]) for i in range(5)]
    resp = await api.get("/api/agents/history?limit=2", token=s["agent"])
    assert [x["session_id"] for x in resp.json["sessions"]] == made[::-1][:2]
    assert resp.json["has_more"] is True and resp.json["next_offset"] == 2
    resp = await api.get("/api/agents/history?limit=2&offset=4", token=s["agent"])
    assert [x["session_id"] for x in resp.json["sessions"]] == [made[0]]
    assert resp.json["has_more"] is False
    for bad in ("limit=0", "limit=101", "limit=x", "offset=-1", "q=" + "x" * 201):
        resp = await api.get(f"/api/agents/history?{bad}", token=s["agent"])
        assert resp.code in (400, 422), (bad, resp)


async def test_session_details_show_the_visitor_and_earlier_conversations(
        api: Api, ctx: Context) -> None:
    s = await _setup(api)
    old = await _conversation(api, ctx, s["acme"], ["first time"], visitor_name="Vera",
                              visitor_email="vera@example.com")
    now = await _conversation(api, ctx, s["acme"], ["again"], close=False,
                              visitor_name="Vera", visitor_email="vera@example.com",
                              page_url="https://shop.example.com/cart",
                              timezone="Europe/Paris")
    await chat.escalate(ctx, s["acme"], now, reason="explicit_request",
                        actor=Actor(id=None, role="admin"))
    agent = s["agent_user"]
    await routing.accept(ctx, Actor(id=agent["id"], role="agent",
                                 display_name=agent["display_name"]), now)
    resp = await api.get(f"/api/agents/sessions/{now}", token=s["agent"])
    assert resp.code == 200, resp
    body = resp.json
    assert body["session"]["visitor_info"]["page_url"] == "https://shop.example.com/cart"
    assert body["session"]["visitor_info"]["timezone"] == "Europe/Paris"
    assert body["session"]["status"] == "assigned" and body["session"]["widget_name"] == "Acme"
    assert body["agent"] == {"id": agent["id"], "display_name": agent["display_name"]}
    assert [p["session_id"] for p in body["previous_sessions"]] == [old]

    # Another widget's session, an unknown one: not found.
    elsewhere = await _conversation(api, ctx, s["other"], ["hi"])
    assert (await api.get(f"/api/agents/sessions/{elsewhere}", token=s["agent"])).code == 404
    assert (await api.get("/api/agents/sessions/nope", token=s["agent"])).code == 404
    assert (await api.get("/api/agents/sessions/" + "x" * 80, token=s["agent"])).code == 404

    bad = await api.post(f"/api/widgets/{s['acme']}/sessions", {"timezone": "Mars/Olympus"},
                         token="")
    assert bad.code == 422 and "timezone" in bad.json["error"]["fields"]


async def test_team_lists_agents_of_shared_widgets_and_admins(api: Api) -> None:
    s = await _setup(api)
    bob = (await register(api, "bob", role="agent", token=s["admin"]))["user"]
    await api.put(f"/api/widgets/{s['acme']}/agents/{bob['id']}", token=s["admin"])
    carol = (await register(api, "carol", role="agent", token=s["admin"]))["user"]
    await api.put(f"/api/widgets/{s['other']}/agents/{carol['id']}", token=s["admin"])
    resp = await api.get("/api/agents/team", token=s["agent"])
    assert resp.code == 200, resp
    team = {a["username"]: a for a in resp.json["agents"]}
    assert set(team) == {"root", "alice", "bob"}
    assert team["bob"]["widgets"] == [s["acme"]] and team["root"]["role"] == "admin"
    assert team["bob"]["status"] == "offline" and team["bob"]["active_chats"] == 0
    assert "email" not in team["bob"] and team["bob"]["max_chats"] >= 1
