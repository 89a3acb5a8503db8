"""A visitor context update reaches the agents following the conversation live (a
`visitor_context` frame on its team channel), agents watching it too, and never a visitor's
socket: neither the visitor who sent it nor another visitor."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers.mail_flow import chat_with_alice
from tests.helpers.protocol_schema import problems

MARK = "ctx-marker-7f3a"


async def test_agents_following_get_the_update_and_visitors_never_do(make_world: Any) -> None:
    world = await make_world()
    await world.add_agent("bob")
    s, alice = await chat_with_alice(world)
    sid = s["session_id"]
    visitor, _ = await world.visitor(s)
    # Another visitor of the same widget, and an agent of the widget not following the chat.
    other = await world.session(visitor_name="Olga")
    other_ws, _ = await world.visitor(other)
    bob, _ = await world.agent("bob")

    resp = await world.api.post(f"/api/widgets/{world.key}/sessions/{sid}/context", {
        "timezone": "Asia/Tokyo", "language": "fr-FR",
        "page": {"url": "https://shop.example/pricing", "title": "Pricing"},
        "attributes": {"plan": MARK, "seats": 5}}, token=s["visitor_token"])
    assert resp.code == 200, resp
    frame = await alice.expect("visitor_context", session_id=sid)
    context = frame["context"]
    assert context["timezone"] == "Asia/Tokyo" and context["language"] == "fr-FR"
    assert context["attributes"] == {"plan": MARK, "seats": 5}
    assert [p["url"] for p in context["pages"]] == ["https://shop.example/pricing"]
    assert problems("AgentServerFrame", [frame]) == []

    # Bob does not follow the conversation: he is not told (he reads it when he opens it).
    assert [f for f in await bob.quiet() if f["type"] == "visitor_context"] == []
    # A conversation waiting for a person that bob watches: he is told.
    waiting = await world.waiting_session(visitor_name="Wanda")
    await bob.send({"type": "watch", "session_id": waiting["session_id"]})
    await bob.expect("watching")
    await world.api.post(
        f"/api/widgets/{world.key}/sessions/{waiting['session_id']}/context",
        {"page": {"url": "https://shop.example/checkout", "title": "Checkout"}},
        token=waiting["visitor_token"])
    watched = await bob.expect("visitor_context", session_id=waiting["session_id"])
    assert [p["url"] for p in watched["context"]["pages"]] == ["https://shop.example/checkout"]

    # The other visitor writes their own context: alice, who does not follow it, hears nothing.
    await world.api.post(f"/api/widgets/{world.key}/sessions/{other['session_id']}/context",
                         {"attributes": {"plan": "other-" + MARK}}, token=other["visitor_token"])
    assert [f for f in await alice.quiet() if f["type"] == "visitor_context"] == []

    # No visitor socket got any context frame, nor the marker in any frame.
    for ws in (visitor, other_ws):
        await ws.quiet()
        for f in ws.seen:
            assert f["type"] != "visitor_context", f
            assert MARK not in json.dumps(f), f
