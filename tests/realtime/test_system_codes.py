"""System messages carry a stable code and its params beside their English text
(docs/protocol.md, "System messages"): in live `message` frames, in REST history and in a
replay, for visitors and agents alike."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.context import Context
from chatserver.services import chat
from chatserver.services.system_texts import SYSTEM_TEXTS, english
from chatserver.timeutil import advance, reset_clock
from tests.helpers.sockets import WS
from tests.helpers.world import World


async def _system(ws: WS) -> tuple[str, dict[str, str], str]:
    m = await ws.expect("message", timeout=5, sender_type="system")
    return m["code"], m["params"], m["text"]


async def _history(world: World, s: dict[str, Any]) -> list[dict[str, Any]]:
    resp = await world.api.get(f"/api/widgets/{world.key}/sessions/{s['session_id']}/messages",
                               token=s["visitor_token"])
    assert resp.code == 200, resp
    return [m for m in resp.json["messages"] if m["sender_type"] == "system"]


async def test_an_agents_day_is_told_in_codes(make_world: Any) -> None:
    world = await make_world()
    bob = await world.add_agent("bob")
    s = await world.waiting_session()
    sid = s["session_id"]
    visitor, _ = await world.visitor(s)  # replays the escalation first
    assert await _system(visitor) == ("escalated", {}, "The conversation was handed to a person.")
    alice, _ = await world.agent("alice")
    bob_ws, _ = await world.agent("bob")
    await alice.send({"type": "accept", "session_id": sid})
    await alice.expect("accepted")
    assert await _system(visitor) == ("joined", {"agent": "alice"},
                                      "alice joined the conversation.")
    await alice.send({"type": "transfer", "session_id": sid, "to_agent_id": bob["id"]})
    assert await _system(visitor) == ("transfer", {"from": "alice", "to": "bob"},
                                      "alice transferred the conversation to bob.")
    await bob_ws.expect("assigned", timeout=5)
    await bob_ws.send({"type": "hand_back", "session_id": sid})
    assert (await _system(visitor))[:2] == ("hand_back", {})
    await visitor.send({"type": "escalate"})
    assert (await _system(visitor))[:2] == ("escalated", {})
    await visitor.send({"type": "leave_email", "email": "ann@example.com"})
    assert (await _system(visitor))[:2] == ("email", {})
    await visitor.send({"type": "close"})
    assert (await _system(visitor))[:2] == ("closed", {})
    await alice.send({"type": "accept", "session_id": sid})  # the visitor left an email
    await alice.expect("accepted")
    codes = ["escalated", "joined", "transfer", "hand_back", "escalated", "email", "closed",
             "reopened"]
    history = await _history(world, s)
    assert (history[-1]["code"], history[-1]["params"], history[-1]["text"]) == (
        "reopened", {"agent": "alice"}, "alice reopened the conversation.")
    assert [m["code"] for m in history] == codes
    assert all(m["text"] == english(m["code"], m["params"]) for m in history)
    # A replay from the start says the same.
    again, _ = await world.visitor(s)
    replayed = [await again.expect("message", sender_type="system") for _ in codes]
    assert [(m["code"], m["params"]) for m in replayed] == \
        [(m["code"], m["params"]) for m in history]
    # Each code keeps the client_msg_id prefix it had (db/notify.py finds emails left by it).
    assert [m["client_msg_id"].split("-")[1] for m in history] == [
        SYSTEM_TEXTS[c].kind for c in codes]
    assert history[5]["client_msg_id"].startswith("sys-email-")


async def test_taking_a_conversation_from_the_ai_and_leaving_idle(make_world: Any,
                                                                 ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    alice, _ = await world.agent("alice")
    await alice.send({"type": "watch", "session_id": s["session_id"]})
    await alice.expect("watching")
    await alice.send({"type": "take_over", "session_id": s["session_id"]})
    assert await _system(visitor) == ("taken_over", {"agent": "alice"},
                                      "alice joined the conversation.")

    idle = await world.session()
    advance(ctx.settings.idle_abandon_s + 60)
    try:
        assert idle["session_id"] in await chat.abandon_idle(ctx, ctx.settings.idle_abandon_s,
                                                             set())
    finally:
        reset_clock()
    assert [(m["code"], m["params"]) for m in await _history(world, idle)] == [("abandoned", {})]


@pytest.mark.once
def test_every_code_has_its_english_and_refuses_wrong_params() -> None:
    assert english("transfer", {"from": "A", "to": "B"}) == "A transferred the conversation to B."
    for code, spec in SYSTEM_TEXTS.items():
        assert english(code, {p: "X" for p in spec.params})
    with pytest.raises(ValueError):
        english("joined", {})
