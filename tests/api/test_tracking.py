"""Visitor tracking over REST (services/tracking.py, docs/privacy.md): the widget's heartbeat
(refused with codes when the widget does not track, for bad input), the agents' live list,
the pre-chat pages carried into the conversation's context, and an agent's invitation that
becomes a conversation assigned to them with their message first when the visitor answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from chatserver.context import Context
from chatserver.geoip import GeoIP
from chatserver.services.privacy import erase_sessions
from chatserver.services.tracking import state
from tests.helpers.api import Response
from tests.helpers.geoip import country_mmdb
from tests.helpers.world import World

TID = "0b5f3a7e-6c1d-4f7e-9a3b-2d4c5e6f7a8b"
PRICING = {"url": "https://shop.example/pricing?coupon=x#top", "title": "Pricing"}
CHECKOUT = {"url": "https://shop.example/checkout", "title": "Checkout"}


async def _tracking_world(make_world: Any, **widget: Any) -> World:
    world: World = await make_world(visitor_tracking=True, **widget)
    return world


async def _beat(world: World, body: Any, key: str | None = None) -> Response:
    return await world.api.post(f"/api/widgets/{key or world.key}/track", body, token="")


async def _visitors(world: World, who: str = "alice") -> list[dict[str, Any]]:
    resp = await world.api.get("/api/visitors", token=world.agents[who]["token"])
    assert resp.code == 200, resp
    visitors: list[dict[str, Any]] = resp.json["visitors"]
    return visitors


async def _chats(world: World) -> list[dict[str, Any]]:
    resp = await world.api.get("/api/agents/active-chats", token=world.agents["alice"]["token"])
    assert resp.code == 200, resp
    chats: list[dict[str, Any]] = resp.json["sessions"]
    return chats


async def test_the_setting_is_off_by_default_and_public(make_world: Any) -> None:
    world = await make_world()
    widget = (await world.api.get(f"/api/widgets/{world.key}", token=world.admin)).json["widget"]
    assert widget["visitor_tracking"] is False
    config = (await world.api.get(f"/api/widgets/{world.key}/config")).json
    assert config["visitor_tracking"] is False
    # Off: refused with a code, nothing kept, nobody listed.
    resp = await _beat(world, {"tracking_id": TID, "page": PRICING})
    assert resp.code == 403 and resp.error_code == "tracking_disabled", resp
    assert await _visitors(world) == []
    # Switched on through the widget API.
    resp = await world.api.put(f"/api/widgets/{world.key}", {"visitor_tracking": True},
                               token=world.admin)
    assert resp.code == 200 and resp.json["widget"]["visitor_tracking"] is True, resp
    config = (await world.api.get(f"/api/widgets/{world.key}/config")).json
    assert config["visitor_tracking"] is True
    resp = await world.api.put(f"/api/widgets/{world.key}", {"visitor_tracking": "yes"},
                               token=world.admin)
    assert resp.code == 400, resp


async def test_bad_heartbeats_are_refused_with_codes(make_world: Any) -> None:
    world = await _tracking_world(make_world)
    resp = await _beat(world, {"tracking_id": TID, "page": PRICING}, key="no-such-widget")
    assert resp.code == 404 and resp.error_code == "widget_not_found", resp
    for bad in (None, "short", "x" * 65, "has spaces in it here", 12345678901234567890):
        resp = await _beat(world, {"tracking_id": bad, "page": PRICING})
        assert resp.code == 422 and resp.error_code == "invalid_tracking_id", (bad, resp)
    for page in ({"url": "javascript:alert(1)"}, "https://x.example/", {"title": "no url"}):
        resp = await _beat(world, {"tracking_id": TID, "page": page})
        assert resp.code == 422 and resp.error_code == "invalid_page", (page, resp)
    resp = await _beat(world, {"tracking_id": TID, "referrer": "ftp://x.example/"})
    assert resp.code == 422 and resp.error_code == "invalid_referrer", resp
    resp = await world.api.request("POST", f"/api/widgets/{world.key}/track", body="{not json")
    assert resp.code == 400 and resp.error_code == "invalid_json", resp
    assert await _visitors(world) == []


async def test_the_live_list_shows_the_visitor_and_their_pages(make_world: Any) -> None:
    world = await _tracking_world(make_world)
    first = await _beat(world, {"tracking_id": TID, "page": PRICING,
                                "referrer": "https://search.example/q?s=secret"})
    assert first.code == 200, first
    assert first.json == {"interval_s": 20, "invite": None}
    # sendBeacon sends text/plain: the body is read as JSON all the same.
    again = await world.api.request("POST", f"/api/widgets/{world.key}/track",
                                    body=json.dumps({"tracking_id": TID, "page": CHECKOUT}),
                                    headers={"Content-Type": "text/plain;charset=UTF-8"})
    assert again.code == 200, again
    [v] = await _visitors(world)
    assert v["tracking_id"] == TID and v["site_key"] == world.key
    assert v["widget_name"] == "Acme"
    assert v["page"]["url"] == "https://shop.example/checkout"
    assert [p["url"] for p in v["pages"]] == ["https://shop.example/pricing",
                                              "https://shop.example/checkout"]
    assert v["referrer"] == "https://search.example/q"  # no query: it may hold tokens
    assert v["country"] is None  # no GeoIP database configured
    assert v["time_on_site_s"] >= 0 and v["chatting"] is False and v["invite"] is None

    # An agent of another widget does not see them.
    other = (await world.api.post("/api/widgets", {"business_name": "Other",
                                                   "visitor_tracking": True},
                                  token=world.admin)).json["widget"]
    bob_world = World(api=world.api, admin=world.admin, key=other["site_key"])
    await bob_world.add_agent("bob")
    assert await _visitors(bob_world, "bob") == []
    # The visitor leaves (the beacon on pagehide): gone from the list.
    resp = await _beat(world, {"tracking_id": TID, "left": True})
    assert resp.code == 200, resp
    assert await _visitors(world) == []
    assert (await world.api.get("/api/visitors", token="")).code == 401


async def test_pre_chat_pages_are_carried_into_the_conversation(make_world: Any) -> None:
    world = await _tracking_world(make_world)
    await _beat(world, {"tracking_id": TID, "page": PRICING,
                        "referrer": "https://search.example/q"})
    await _beat(world, {"tracking_id": TID, "page": CHECKOUT})
    s = await world.session(visitor_name="Vera", tracking_id=TID)
    assert s["status"] == "active"  # no invitation: as usual
    resp = await world.api.get(f"/api/agents/sessions/{s['session_id']}",
                               token=world.agents["alice"]["token"])
    context = resp.json["session"]["visitor_context"]
    assert context["referrer"] == "https://search.example/q"
    assert [p["url"] for p in context["pages"]] == ["https://shop.example/pricing",
                                                    "https://shop.example/checkout"]
    # The visitor is listed as chatting; an invitation is refused.
    [v] = await _visitors(world)
    assert v["chatting"] is True
    resp = await world.api.post(f"/api/visitors/{world.key}/{TID}/invite", {"text": "Hi"},
                                token=world.agents["alice"]["token"])
    assert resp.code == 409 and resp.error_code == "visitor_chatting", resp
    # A bad tracking id on session creation is refused before anything is made.
    resp = await world.api.post(f"/api/widgets/{world.key}/sessions", {"tracking_id": "bad"})
    assert resp.code == 422 and resp.error_code == "invalid_tracking_id", resp


async def test_erasing_the_conversation_forgets_the_visit_that_started_it(
        make_world: Any, ctx: Context) -> None:
    """The visit (its pages, its referrer) would otherwise stay live, and listed to agents,
    for up to 30 minutes after the conversation it started was erased."""
    world = await _tracking_world(make_world)
    await _beat(world, {"tracking_id": TID, "page": PRICING})
    other = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
    await _beat(world, {"tracking_id": other, "page": CHECKOUT})
    s = await world.session(tracking_id=TID)
    assert {v["tracking_id"] for v in await _visitors(world)} == {TID, other}
    _, erased = await erase_sessions(ctx, [s["session_id"]])
    assert erased == [s["session_id"]]
    assert [v["tracking_id"] for v in await _visitors(world)] == [other]  # only that visit
    assert await state(ctx).store.get(world.key, TID) is None
    # The visitor's widget reports again on the next page: a new visit, not the erased one.
    await _beat(world, {"tracking_id": TID, "page": CHECKOUT})
    [again] = [v for v in await _visitors(world) if v["tracking_id"] == TID]
    assert again["chatting"] is False and [p["url"] for p in again["pages"]] == [
        CHECKOUT["url"]]


async def test_an_untracked_widget_ignores_the_tracking_id(make_world: Any) -> None:
    world = await make_world()
    s = await world.session(tracking_id=TID)
    resp = await world.api.get(f"/api/agents/sessions/{s['session_id']}",
                               token=world.agents["alice"]["token"])
    assert resp.json["session"]["visitor_context"] is None


async def test_an_invitation_becomes_a_conversation_when_the_visitor_answers(
        make_world: Any) -> None:
    world = await _tracking_world(make_world)
    alice = world.agents["alice"]
    await _beat(world, {"tracking_id": TID, "page": PRICING})
    url = f"/api/visitors/{world.key}/{TID}/invite"
    for body, code in (({"text": ""}, "empty_message"), ({"text": 5}, "invalid_message"),
                       ({"text": "x" * 20_000}, "message_too_long")):
        resp = await world.api.post(url, body, token=alice["token"])
        assert resp.code == 422 and resp.error_code == code, (body, resp)
    resp = await world.api.post(f"/api/visitors/{world.key}/{'f' * 32}/invite",
                                {"text": "Hi"}, token=alice["token"])
    assert resp.code == 404 and resp.error_code == "visitor_not_found", resp
    resp = await world.api.post(f"/api/visitors/nope/{TID}/invite", {"text": "Hi"},
                                token=alice["token"])
    assert resp.code == 404 and resp.error_code == "widget_not_found", resp

    agent_ws, _ = await world.agent("alice")
    resp = await world.api.post(url, {"text": "Hello! Can I help with pricing?"},
                                token=alice["token"])
    assert resp.code == 201, resp
    assert resp.json["visitor"]["invite"]["text"] == "Hello! Can I help with pricing?"
    # Nothing is a conversation yet.
    assert await _chats(world) == []
    # The visitor's next heartbeat brings it.
    beat = await _beat(world, {"tracking_id": TID, "page": PRICING})
    invite = beat.json["invite"]
    assert invite["text"] == "Hello! Can I help with pricing?"
    assert invite["agent"] == {"id": alice["id"], "display_name": alice["name"]}

    # The visitor answers: the conversation starts with the agent's message, assigned.
    s = await world.session(tracking_id=TID)
    assert s["status"] == "assigned" and s["ai_mode"] is False
    assert s["agent"]["id"] == alice["id"]
    await agent_ws.expect("message", session_id=s["session_id"])  # the invitation, followed
    ws, _ready = await world.visitor(s)
    replayed = await ws.expect("message")
    assert replayed["text"] == "Hello! Can I help with pricing?"
    assert replayed["sender_type"] == "agent"
    await ws.send({"type": "message", "client_msg_id": "c1", "text": "Yes please"})
    await ws.expect("ack")
    got = await agent_ws.expect("message", session_id=s["session_id"])
    assert got["text"] == "Yes please"
    history = await world.api.get(f"/api/widgets/{world.key}/sessions/{s['session_id']}/messages",
                                  token=s["visitor_token"])
    texts = [(m["sender_type"], m["text"]) for m in history.json["messages"]]
    assert texts == [("agent", "Hello! Can I help with pricing?"), ("visitor", "Yes please")]
    assert [c["session_id"] for c in await _chats(world)] == [s["session_id"]]
    # Taken once: the next heartbeat has no invitation.
    assert (await _beat(world, {"tracking_id": TID, "chatting": True})).json["invite"] is None


async def test_a_dismissed_or_withdrawn_invitation_is_gone(make_world: Any) -> None:
    world = await _tracking_world(make_world)
    alice = world.agents["alice"]
    await _beat(world, {"tracking_id": TID, "page": PRICING})
    url = f"/api/visitors/{world.key}/{TID}/invite"
    assert (await world.api.post(url, {"text": "Hi"}, token=alice["token"])).code == 201
    invite = (await _beat(world, {"tracking_id": TID})).json["invite"]
    assert (await _beat(world, {"tracking_id": TID, "dismiss": invite["id"]})).json["invite"] \
        is None
    assert (await world.api.post(url, {"text": "Hi again"}, token=alice["token"])).code == 201
    assert (await world.api.delete(url, token=alice["token"])).code == 204
    assert (await _beat(world, {"tracking_id": TID})).json["invite"] is None
    # A visitor who then starts a chat gets the usual conversation.
    s = await world.session(tracking_id=TID)
    assert s["status"] == "active"


async def test_an_agent_cannot_invite_on_an_untracked_widget(make_world: Any) -> None:
    world = await make_world()
    resp = await world.api.post(f"/api/visitors/{world.key}/{TID}/invite", {"text": "Hi"},
                                token=world.agents["alice"]["token"])
    assert resp.code == 409 and resp.error_code == "tracking_disabled", resp


@pytest.mark.parametrize("settings_overrides", [{"trusted_proxies": "127.0.0.1"}])
async def test_the_country_comes_from_the_geoip_database(make_world: Any, ctx: Context,
                                                         tmp_path: Path) -> None:
    state(ctx).geoip = GeoIP(str(country_mmdb(tmp_path / "country.mmdb")))
    world = await _tracking_world(make_world)
    resp = await world.api.post(f"/api/widgets/{world.key}/track",
                                {"tracking_id": TID, "page": PRICING}, token="",
                                headers={"X-Forwarded-For": "81.2.69.160"})
    assert resp.code == 200, resp
    [v] = await _visitors(world)
    assert v["country"] == {"code": "GB", "name": "United Kingdom"}


@pytest.mark.parametrize("method", ["GET", "PUT"])
async def test_other_methods_are_refused(make_world: Any, method: str) -> None:
    world = await _tracking_world(make_world)
    resp = await world.api.request(method, f"/api/widgets/{world.key}/track", body=b"{}"
                                   if method == "PUT" else None)
    assert resp.code == 405, resp
