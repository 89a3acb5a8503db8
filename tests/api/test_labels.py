"""Labels: admins define them (a name unique whatever its case, a colour of the palette),
every agent reads them and puts them on the conversations they may see."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from chatserver.context import Context
from chatserver.services import chat, maintenance, routing
from chatserver.services.access import Actor
from chatserver.services.labels import PALETTE
from tests.helpers.accounts import admin_and_agent
from tests.helpers.api import Api


async def _setup(api: Api) -> dict[str, Any]:
    admin, agent, agent_user = await admin_and_agent(api)
    keys = []
    for name in ("Acme", "Other"):
        w = (await api.post("/api/widgets", {"business_name": name, "ai_enabled": False},
                            token=admin)).json["widget"]
        keys.append(w["site_key"])
    await api.put(f"/api/widgets/{keys[0]}/agents/{agent_user['id']}", token=admin)
    return {"admin": admin, "agent": agent, "acme": keys[0], "other": keys[1]}


async def _session(api: Api, ctx: Context, key: str, text: str = "Hello") -> str:
    resp = await api.post(f"/api/widgets/{key}/sessions", {"visitor_name": "Vera"}, token="")
    assert resp.code == 201, resp
    sid: str = resp.json["session_id"]
    await chat.send_message(ctx, sid, sender_type="visitor", text=text,
                            client_msg_id=str(uuid.uuid4()))
    return sid


def _luminance(hex_color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else float(((s + 0.055) / 1.055) ** 2.4)

    r, g, b = (int(hex_color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def test_every_palette_colour_is_readable() -> None:
    """WCAG AA for normal text: the chip's text on its background at 4.5:1 or more."""
    for name, (background, text) in PALETTE.items():
        light, dark = sorted((_luminance(background), _luminance(text)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, name


async def test_admins_manage_labels_and_agents_read_them(api: Api) -> None:
    s = await _setup(api)
    made = await api.post("/api/labels", {"name": "  VIP   customer ", "color": "purple"},
                          token=s["admin"])
    assert made.code == 201, made
    vip = made.json["label"]
    assert vip["name"] == "VIP customer" and vip["color"] == "purple"
    assert (vip["background"], vip["text"]) == PALETTE["purple"]
    # Unique whatever the case.
    again = await api.post("/api/labels", {"name": "vip CUSTOMER", "color": "red"},
                           token=s["admin"])
    assert again.code == 409 and again.json["error"]["code"] == "label_name_taken"
    bug = (await api.post("/api/labels", {"name": "Bug", "color": "red"},
                          token=s["admin"])).json["label"]

    listed = await api.get("/api/labels", token=s["agent"])
    assert listed.code == 200, listed
    assert [x["name"] for x in listed.json["labels"]] == ["Bug", "VIP customer"]
    assert "conversations" not in listed.json["labels"][0]
    assert [c["color"] for c in listed.json["colors"]] == list(PALETTE)
    admin_list = (await api.get("/api/labels", token=s["admin"])).json["labels"]
    assert [x["conversations"] for x in admin_list] == [0, 0]

    renamed = await api.put(f"/api/labels/{bug['id']}", {"name": "Bug report", "color": "orange"},
                            token=s["admin"])
    assert renamed.code == 200 and renamed.json["label"]["name"] == "Bug report"
    assert renamed.json["label"]["color"] == "orange"
    clash = await api.put(f"/api/labels/{bug['id']}", {"name": "VIP Customer"}, token=s["admin"])
    assert clash.code == 409, clash
    # Renaming a label to its own name in another case is fine.
    assert (await api.put(f"/api/labels/{bug['id']}", {"name": "BUG REPORT"},
                          token=s["admin"])).code == 200

    for bad in ({"name": "", "color": "red"}, {"name": "x" * 41, "color": "red"},
                {"name": "Fine", "color": "#ff0000"}, {"name": "Fine"}):
        resp = await api.post("/api/labels", bad, token=s["admin"])
        assert resp.code == 422 and resp.json["error"]["code"] == "validation_failed", (bad, resp)
    assert (await api.post("/api/labels", {"name": 3, "color": "red"},
                           token=s["admin"])).code == 400

    # Agents read, never write.
    for call in (api.post("/api/labels", {"name": "Mine", "color": "red"}, token=s["agent"]),
                 api.put(f"/api/labels/{vip['id']}", {"name": "Mine"}, token=s["agent"]),
                 api.delete(f"/api/labels/{vip['id']}", token=s["agent"])):
        resp = await call
        assert resp.code == 403 and resp.json["error"]["code"] == "admin_required", resp
    assert (await api.get("/api/labels", token="")).code == 401
    assert (await api.put("/api/labels/999999", {"name": "Gone"}, token=s["admin"])).code == 404
    assert (await api.delete("/api/labels/abc", token=s["admin"])).code == 404


async def test_agents_label_conversations_they_see(api: Api, ctx: Context) -> None:
    s = await _setup(api)
    vip = (await api.post("/api/labels", {"name": "VIP", "color": "purple"},
                          token=s["admin"])).json["label"]
    bug = (await api.post("/api/labels", {"name": "Bug", "color": "red"},
                          token=s["admin"])).json["label"]
    mine = await _session(api, ctx, s["acme"])
    theirs = await _session(api, ctx, s["other"])

    path = f"/api/agents/sessions/{mine}/labels"
    added = await api.put(f"{path}/{vip['id']}", token=s["agent"])
    assert added.code == 200, added
    assert [x["name"] for x in added.json["labels"]] == ["VIP"]
    twice = await api.put(f"{path}/{vip['id']}", token=s["agent"])
    assert [x["name"] for x in twice.json["labels"]] == ["VIP"]
    both = await api.put(f"{path}/{bug['id']}", token=s["agent"])
    assert [x["name"] for x in both.json["labels"]] == ["Bug", "VIP"]
    assert [x["id"] for x in (await api.get(path, token=s["agent"])).json["labels"]] \
        == [bug["id"], vip["id"]]
    details = await api.get(f"/api/agents/sessions/{mine}", token=s["agent"])
    assert [x["name"] for x in details.json["session"]["labels"]] == ["Bug", "VIP"]

    # Another widget's conversation: as if it did not exist.
    resp = await api.put(f"/api/agents/sessions/{theirs}/labels/{vip['id']}", token=s["agent"])
    assert resp.code == 404 and resp.json["error"]["code"] == "session_not_found", resp
    assert (await api.get(f"/api/agents/sessions/{theirs}/labels", token=s["agent"])).code == 404
    # The admin sees every widget.
    assert (await api.put(f"/api/agents/sessions/{theirs}/labels/{vip['id']}",
                          token=s["admin"])).code == 200
    # A label that does not exist.
    resp = await api.put(f"{path}/999999", token=s["agent"])
    assert resp.code == 404 and resp.json["error"]["code"] == "label_not_found"

    removed = await api.delete(f"{path}/{bug['id']}", token=s["agent"])
    assert removed.code == 200 and [x["name"] for x in removed.json["labels"]] == ["VIP"]
    assert (await api.delete(f"{path}/{bug['id']}", token=s["agent"])).json["labels"] \
        == removed.json["labels"]

    counts = {x["name"]: x["conversations"]
              for x in (await api.get("/api/labels", token=s["admin"])).json["labels"]}
    assert counts == {"Bug": 0, "VIP": 2}
    # Deleting a label takes it off every conversation.
    assert (await api.delete(f"/api/labels/{vip['id']}", token=s["admin"])).code == 204
    assert (await api.get(path, token=s["agent"])).json["labels"] == []
    assert (await api.get(f"/api/agents/sessions/{theirs}/labels",
                          token=s["admin"])).json["labels"] == []
    assert [x["name"] for x in (await api.get("/api/labels", token=s["agent"])).json["labels"]] \
        == ["Bug"]


async def test_the_inbox_lists_filter_by_label_and_widget(api: Api, ctx: Context) -> None:
    s = await _setup(api)
    me = (await api.get("/api/auth/me", token=s["agent"])).json["user"]
    await api.put(f"/api/widgets/{s['other']}/agents/{me['id']}", token=s["admin"])
    vip = (await api.post("/api/labels", {"name": "VIP", "color": "purple"},
                          token=s["admin"])).json["label"]
    made = {}
    for name, key in (("a1", s["acme"]), ("a2", s["acme"]), ("o1", s["other"])):
        sid = await _session(api, ctx, key)
        await chat.escalate(ctx, key, sid, reason="explicit_request",
                            actor=Actor(id=None, role="admin"))
        made[name] = sid
    for name in ("a2", "o1"):
        await api.put(f"/api/agents/sessions/{made[name]}/labels/{vip['id']}", token=s["agent"])

    async def waiting(query: str = "") -> set[str]:
        resp = await api.get(f"/api/agents/waiting-sessions?{query}", token=s["agent"])
        assert resp.code == 200, (query, resp)
        return {x["session_id"] for x in resp.json["sessions"]}

    assert await waiting() == set(made.values())
    assert await waiting(f"label={vip['id']}") == {made["a2"], made["o1"]}
    assert await waiting(f"widget={s['acme']}") == {made["a1"], made["a2"]}
    assert await waiting(f"label={vip['id']}&widget={s['acme']}") == {made["a2"]}
    listed = (await api.get("/api/agents/waiting-sessions", token=s["agent"])).json["sessions"]
    assert {x["session_id"]: [lb["name"] for lb in x["labels"]] for x in listed} \
        == {made["a1"]: [], made["a2"]: ["VIP"], made["o1"]: ["VIP"]}

    await routing.accept(ctx, Actor(id=me["id"], role="agent", display_name="Alice"), made["o1"])
    resp = await api.get(f"/api/agents/active-chats?label={vip['id']}", token=s["agent"])
    assert [x["session_id"] for x in resp.json["sessions"]] == [made["o1"]]
    resp = await api.get(f"/api/agents/active-chats?widget={s['acme']}", token=s["agent"])
    assert resp.json["sessions"] == []

    for query in ("label=x", "widget=%3C%3E", "status=closed", "rating=5"):
        resp = await api.get(f"/api/agents/waiting-sessions?{query}", token=s["agent"])
        assert resp.code == 400 and resp.json["error"]["code"] == "invalid_filter", (query, resp)


async def test_a_pruned_conversation_takes_its_labels_with_it(api: Api, ctx: Context) -> None:
    s = await _setup(api)
    vip = (await api.post("/api/labels", {"name": "VIP", "color": "purple"},
                          token=s["admin"])).json["label"]
    sid = await _session(api, ctx, s["acme"])
    await api.put(f"/api/agents/sessions/{sid}/labels/{vip['id']}", token=s["agent"])
    await chat.close(ctx, sid, by="visitor")
    assert (await maintenance.prune(ctx, timedelta(seconds=-60)))["sessions"] == 1
    counts = (await api.get("/api/labels", token=s["admin"])).json["labels"]
    assert [(x["name"], x["conversations"]) for x in counts] == [("VIP", 0)]
