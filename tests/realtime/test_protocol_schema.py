"""Real frames match docs/protocol.schema.json.

A short conversation against an in-process server (a visitor, two agents: queue, accept,
messages both ways, typing, seen, fetch, transfer, hand-back, an email left, a resume the server
cannot replay, errors, close with a rating, a watched conversation taken over, canned responses
changing); every frame each side sent and received is then
validated against the schema's union for its socket and direction. The schema's frames are
closed (no additional properties), so a field the server starts sending fails here until the
schema and docs/protocol.md say it.
"""

from __future__ import annotations

import json
from typing import Any

from jsonschema import Draft202012Validator

from tests.helpers.protocol_schema import frame_types, problems, schema
from tests.helpers.sockets import WS

# Sent only where an AI provider answers; tests/ai covers the AI's frames.
NOT_DRIVEN = {"ai_delta"}


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(schema())


async def test_real_frames_match_the_schema(make_world: Any) -> None:
    world = await make_world()
    await world.add_agent("bob")
    s = await world.session(visitor_name="Vera")
    sid = s["session_id"]
    alice, _ = await world.agent("alice")
    bob, _ = await world.agent("bob")
    visitor, _ = await world.visitor(s)

    await visitor.say("Hello", "c-1", request_id="r-1")
    await visitor.send({"type": "escalate", "reason": "explicit_request"})
    await visitor.expect("queue_position")
    await visitor.send({"type": "escalate"})  # again: queue_position to this socket only
    await visitor.expect("escalated")
    await alice.expect("queue_update")

    await alice.send({"type": "accept", "session_id": sid, "request_id": "accept-1"})
    await alice.expect("accepted")
    await visitor.expect("agent_joined")
    label = (await world.api.post("/api/labels", {"name": "VIP", "color": "teal"},
                                  token=world.admin)).json["label"]
    await world.api.put(f"/api/agents/sessions/{sid}/labels/{label['id']}", token=world.admin)
    await bob.expect("labels", session_id=sid)
    await world.api.post(f"/api/widgets/{world.key}/sessions/{sid}/context", {
        "timezone": "Asia/Tokyo", "page": {"url": "https://shop.example/", "title": "Shop"},
        "attributes": {"plan": "pro", "seats": 5}}, token=s["visitor_token"])
    await alice.expect("visitor_context", session_id=sid)
    await alice.say("Hi Vera", "a-1", session_id=sid)
    await visitor.expect("message", client_msg_id="a-1")
    await alice.send({"type": "typing", "session_id": sid, "on": True})
    await visitor.expect("typing", sender_type="agent")
    await visitor.send({"type": "typing", "on": True})
    await alice.expect("typing", sender_type="visitor")
    await alice.send({"type": "seen", "session_id": sid, "seq": 1})
    await visitor.expect("seen")
    await visitor.send({"type": "seen", "seq": 3})
    await alice.expect("seen")
    await visitor.send({"type": "fetch", "after_seq": 0, "before_seq": 3})
    await visitor.expect("message", seq=2)
    await alice.send({"type": "fetch", "session_id": sid, "after_seq": 0})
    await alice.expect("message", seq=1)

    # A private note with a mention of bob (note_ack, mention), and a transfer carrying a
    # note (note, to bob with the session).
    await alice.send({"type": "note", "session_id": sid, "client_msg_id": "n-1",
                      "text": "@bob look at this", "request_id": "note-1"})
    await alice.expect("note_ack")
    await bob.expect("mention")

    await alice.send({"type": "presence", "status": "away"})
    await bob.expect("presence", status="away")
    await alice.send({"type": "presence", "status": "online"})
    await alice.send({"type": "transfer", "session_id": sid,
                      "to_agent_id": world.agents["bob"]["id"], "note": "over to you"})
    await alice.expect("transferred")
    await bob.expect("assigned")
    await bob.expect("note")
    await visitor.expect("agent_left", reason="transfer")
    await bob.send({"type": "hand_back", "session_id": sid})
    await visitor.expect("agent_left", reason="hand_back")

    # Errors: with and without the request's ids.
    await alice.send({"type": "accept", "session_id": "no-such-session", "request_id": "r-2"})
    await alice.expect("error", request_id="r-2")
    await visitor.send(json.dumps({"type": "seen", "seq": -1}))  # invalid: not recorded
    await visitor.expect("error", code="invalid_seq")
    await visitor.send({"type": "message", "client_msg_id": "c-9", "text": " "})
    await visitor.expect("error", client_msg_id="c-9")

    await visitor.send({"type": "leave_email", "email": "vera@example.com", "note": "later"})
    await visitor.expect("email_saved")

    # A resume from ahead of the session: the server answers `reset`.
    again, _ = await world.visitor(s, last_seq=10_000)
    await again.expect("reset")

    await visitor.send({"type": "escalate"})
    await alice.expect("queue_update")
    await alice.send({"type": "accept", "session_id": sid})
    await alice.expect("accepted")
    await visitor.send({"type": "close", "rating": 5})
    await visitor.expect("session_closed")
    await alice.expect("session_closed")
    await again.expect("session_closed")
    await alice.send({"type": "close", "session_id": sid, "note": "done"})
    await alice.quiet(0.2)

    # Watching a conversation before taking it over; canned responses changing live.
    other = await world.session()
    other_visitor, _ = await world.visitor(other)
    await other_visitor.say("Anyone there?")
    await alice.send({"type": "watch", "session_id": other["session_id"]})
    await alice.expect("watching")
    await alice.send({"type": "unwatch", "session_id": other["session_id"]})
    await alice.send({"type": "take_over", "session_id": other["session_id"]})
    await alice.expect("accepted")
    made = await world.api.post("/api/canned-responses", {"shortcut": "hi", "text": "Hi!"},
                                token=world.admin)
    await alice.expect("canned_saved")
    await world.api.delete(f"/api/canned-responses/{made.json['canned_response']['id']}",
                           token=world.admin)
    await alice.expect("canned_deleted")

    visitors: list[WS] = [visitor, again]
    agents: list[WS] = [alice, bob]
    for ws in visitors + agents:
        await ws.quiet(0.1)
    bad = []
    for ws in visitors:
        bad += problems("VisitorClientFrame", ws.sent) + problems("VisitorServerFrame", ws.seen)
    for ws in agents:
        bad += problems("AgentClientFrame", ws.sent) + problems("AgentServerFrame", ws.seen)
    assert not bad, "\n".join(bad)

    # The conversation drove every frame of the schema (so the check above is not vacuous).
    got_visitor = {f["type"] for ws in visitors for f in ws.seen}
    got_agent = {f["type"] for ws in agents for f in ws.seen}
    sent = {f["type"] for ws in visitors + agents for f in ws.sent}
    assert frame_types("VisitorServerFrame") - NOT_DRIVEN <= got_visitor
    assert frame_types("AgentServerFrame") - NOT_DRIVEN - {"escalated", "queue_position",
                                                             "reset", "email_saved"} <= got_agent
    assert frame_types("VisitorClientFrame") | frame_types("AgentClientFrame") <= sent


def test_a_frame_with_an_unknown_field_or_a_long_request_id_is_refused() -> None:
    """The check has teeth: closed frames, request_id of 1-64 characters."""
    ack = {"type": "ack", "session_id": "s", "client_msg_id": "c", "id": 1, "seq": 1}
    assert not problems("VisitorServerFrame", [ack])
    assert problems("VisitorServerFrame", [{**ack, "extra": 1}])
    ok = {"type": "typing", "on": True, "request_id": "x" * 64}
    assert not problems("VisitorClientFrame", [ok])
    assert problems("VisitorClientFrame", [{**ok, "request_id": "x" * 65}])
    assert problems("VisitorClientFrame", [{**ok, "request_id": ""}])
