"""A conversation transferred to another agent reaches their inbox as it is listed (with its
widget's name and its last line), not as a bare session row."""

from __future__ import annotations

from typing import Any


async def test_transferred_session_keeps_its_widget_name(make_world: Any) -> None:
    world = await make_world()  # the widget "Acme"
    bob = await world.add_agent("bob")
    s = await world.waiting_session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Where is my parcel?", "v-1")
    alice, _ = await world.agent("alice")
    bob_ws, _ = await world.agent("bob")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    accepted = await alice.expect("accepted")
    assert accepted["session"]["session_id"] == s["session_id"]
    await alice.send({"type": "transfer", "session_id": s["session_id"], "to_agent_id": bob["id"]})
    assigned = await bob_ws.expect("assigned", timeout=5)
    assert assigned["session"]["session_id"] == s["session_id"]
    assert assigned["session"]["widget_name"] == "Acme"
    assert assigned["session"]["last_message"] == "Where is my parcel?"
    assert assigned["session"]["assigned_agent_id"] == bob["id"]
