"""Canned responses managed from the inbox: personal ones (seen and changed by their owner
only) beside the team's, and every change reaching the open inboxes that may see it, live."""

from __future__ import annotations

from typing import Any

from tests.helpers.sockets import WS


async def _frames(ws: WS, kind: str) -> list[dict[str, Any]]:
    return [f for f in await ws.quiet(0.3) if f["type"] == kind]


async def test_personal_responses_are_their_owners_alone(make_world: Any) -> None:
    world = await make_world()
    api, alice_token = world.api, world.agents["alice"]["token"]
    bob_token = (await world.add_agent("bob"))["token"]
    made = await api.post("/api/canned-responses",
                          {"shortcut": "hi", "title": "My hello",
                           "text": "Hi {{visitor.name}}, {{agent.name}} here.",
                           "personal": True}, token=alice_token)
    assert made.code == 201, made
    mine = made.json["canned_response"]
    assert mine["scope"] == "personal" and mine["site_key"] is None
    assert mine["owner_id"] == world.agents["alice"]["id"]
    # Alice lists it; Bob and even the admin do not, and cannot touch it.
    listed = await api.get("/api/canned-responses", token=alice_token)
    assert [c["id"] for c in listed.json["canned_responses"]] == [mine["id"]]
    for other in (bob_token, world.admin):
        assert (await api.get("/api/canned-responses", token=other)).json["canned_responses"] == []
        resp = await api.put(f"/api/canned-responses/{mine['id']}", {"text": "x"}, token=other)
        assert resp.code == 404 and resp.error_code == "canned_not_found"
        assert (await api.delete(f"/api/canned-responses/{mine['id']}", token=other)).code == 404
    # Shortcuts are unique per owner, not across owners or against the team's.
    again = await api.post("/api/canned-responses",
                           {"shortcut": "hi", "text": "again", "personal": True}, token=alice_token)
    assert again.code == 409 and again.error_code == "shortcut_taken"
    bobs = await api.post("/api/canned-responses",
                          {"shortcut": "hi", "text": "Bob's", "personal": True}, token=bob_token)
    assert bobs.code == 201
    team = await api.post("/api/canned-responses", {"shortcut": "hi", "text": "Team hello"},
                          token=world.admin)
    assert team.code == 201 and team.json["canned_response"]["scope"] == "global"
    # The owner edits and deletes their own.
    changed = await api.put(f"/api/canned-responses/{mine['id']}", {"title": "Hello"},
                            token=alice_token)
    assert changed.code == 200 and changed.json["canned_response"]["scope"] == "personal"
    assert (await api.delete(f"/api/canned-responses/{mine['id']}", token=alice_token)).code == 204
    # Personal and a widget at once is refused.
    both = await api.post("/api/canned-responses", {"shortcut": "x", "text": "x",
                                                    "personal": True, "site_key": world.key},
                          token=alice_token)
    assert both.code == 422 and "personal" in both.json["error"]["fields"]
    bad = await api.post("/api/canned-responses", {"shortcut": "x", "text": "x",
                                                   "personal": "yes"}, token=alice_token)
    assert bad.code == 400 and bad.error_code == "invalid_type"


async def test_changes_reach_the_open_inboxes_that_may_see_them(make_world: Any) -> None:
    world = await make_world()
    api = world.api
    await world.add_agent("bob")
    alice, _ = await world.agent("alice")
    bob, _ = await world.agent("bob")
    # An agent of another widget only.
    other = (await api.post("/api/widgets", {"business_name": "Other"},
                            token=world.admin)).json["widget"]["site_key"]
    key, world.key = world.key, other
    await world.add_agent("carl")
    world.key = key
    carl, _ = await world.agent("carl")

    # A personal one: its owner's inboxes only.
    made = (await api.post("/api/canned-responses",
                           {"shortcut": "mine", "text": "Mine", "personal": True},
                           token=world.agents["alice"]["token"])).json["canned_response"]
    saved = await alice.expect("canned_saved")
    assert saved["canned"] == made
    assert await _frames(bob, "canned_saved") == [] and await _frames(carl, "canned_saved") == []

    # A widget's: that widget's agents only.
    widget_one = (await api.post("/api/canned-responses",
                                 {"shortcut": "ship", "text": "We ship in 24h.",
                                  "site_key": world.key},
                                 token=world.admin)).json["canned_response"]
    for ws in (alice, bob):
        assert (await ws.expect("canned_saved"))["canned"]["id"] == widget_one["id"]
    assert await _frames(carl, "canned_saved") == []
    edited = (await api.put(f"/api/canned-responses/{widget_one['id']}",
                            {"text": "We ship within a day."},
                            token=world.admin)).json["canned_response"]
    for ws in (alice, bob):
        got = await ws.expect("canned_saved")
        assert got["canned"]["text"] == "We ship within a day." == edited["text"]

    # A global one: every agent.
    glob = (await api.post("/api/canned-responses", {"shortcut": "bye", "text": "Bye!"},
                           token=world.admin)).json["canned_response"]
    for ws in (alice, bob, carl):
        assert (await ws.expect("canned_saved"))["canned"]["id"] == glob["id"]

    # Deleted: gone from the same inboxes.
    assert (await api.delete(f"/api/canned-responses/{widget_one['id']}",
                             token=world.admin)).code == 204
    for ws in (alice, bob):
        assert await ws.expect("canned_deleted") == {"type": "canned_deleted",
                                                     "id": widget_one["id"]}
    assert await _frames(carl, "canned_deleted") == []
    assert (await api.delete(f"/api/canned-responses/{made['id']}",
                             token=world.agents["alice"]["token"])).code == 204
    assert (await alice.expect("canned_deleted"))["id"] == made["id"]
    assert await _frames(bob, "canned_deleted") == []
