"""A change of a conversation's labels reaches every agent inbox of its widget live (a `labels`
frame on the agents' widget channel), and never a visitor's socket."""

from __future__ import annotations

from typing import Any

from tests.helpers.protocol_schema import problems


async def test_a_label_change_reaches_other_agents_and_never_the_visitor(make_world: Any) -> None:
    world = await make_world()
    await world.add_agent("bob")
    api, admin = world.api, world.admin
    vip = (await api.post("/api/labels", {"name": "VIP", "color": "purple"},
                          token=admin)).json["label"]
    s = await world.waiting_session(visitor_name="Vera")
    sid = s["session_id"]
    visitor, _ = await world.visitor(s)
    bob, _ = await world.agent("bob")

    resp = await api.put(f"/api/agents/sessions/{sid}/labels/{vip['id']}",
                         token=world.agents["alice"]["token"])
    assert resp.code == 200, resp
    frame = await bob.expect("labels", session_id=sid)
    assert [x["name"] for x in frame["labels"]] == ["VIP"]
    assert frame["labels"][0]["background"] == vip["background"]
    assert problems("AgentServerFrame", [frame]) == []

    # A new inbox gets the labels in its ready frame; the queue broadcast carries them too.
    carol, ready = await world.agent("alice")
    waiting = {w["session_id"]: w for w in ready["waiting"]}
    assert [x["name"] for x in waiting[sid]["labels"]] == ["VIP"]
    assert problems("AgentServerFrame", [ready]) == []

    # A rename reaches open inboxes as the conversation's labels again.
    await api.put(f"/api/labels/{vip['id']}", {"name": "Gold"}, token=admin)
    renamed = await bob.expect("labels", session_id=sid)
    assert [x["name"] for x in renamed["labels"]] == ["Gold"]
    await api.delete(f"/api/agents/sessions/{sid}/labels/{vip['id']}", token=admin)
    await carol.expect("labels", session_id=sid, labels=[])

    # Accepting: the `assigned`/`accepted` path and the queue's rebroadcast keep them.
    await api.put(f"/api/agents/sessions/{sid}/labels/{vip['id']}", token=admin)
    await bob.expect("labels", session_id=sid)
    await bob.send({"type": "accept", "session_id": sid})
    accepted = await bob.expect("accepted")
    assert accepted["session"]["session_id"] == sid

    # The visitor saw none of it.
    seen = visitor.seen + await visitor.quiet(0.3)
    assert not [f for f in seen if f["type"] == "labels" or "labels" in f
                or "labels" in f.get("session", {})], seen
    assert "Gold" not in str(seen)
