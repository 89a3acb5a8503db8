"""A visitor and agents talking over real sockets: acks, seq, typing, seen, transfer, close."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chatserver.context import Context
from chatserver.db.schema import messages, sessions


async def test_visitor_agent_conversation(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    bob = await world.add_agent("bob")
    s = await world.session(visitor_name="Vera")
    sid = s["session_id"]
    alice_ws, ready = await world.agent("alice")
    assert ready["agent"]["status"] == "online" and ready["sessions"] == []
    bob_ws, _ = await world.agent("bob")
    visitor, vready = await world.visitor(s)
    assert vready["session_id"] == sid and vready["status"] == "active"
    assert "visitor_token" not in vready

    # The visitor says hello; the ack carries the seq; agents are not yet in the session.
    ack = await visitor.say("Hello there", "c-1")
    assert ack == {"type": "ack", "session_id": sid, "client_msg_id": "c-1",
                   "id": ack["id"], "seq": 1}

    # Escalation: agents of the widget see the queue; the visitor hears it honestly.
    await visitor.send({"type": "escalate"})
    esc = await visitor.expect("escalated")
    assert esc["reason"] == "explicit_request" and esc["agents_online"] == 2
    pos = await visitor.expect("queue_position")
    assert pos["position"] == 1
    update = await alice_ws.expect("queue_update")
    assert [w["session_id"] for w in update["waiting"]] == [sid]
    assert update["waiting"][0]["escalation_reason"] == "explicit_request"

    # Alice accepts; the visitor is told who joined, and the AI goes quiet.
    await alice_ws.send({"type": "accept", "session_id": sid})
    accepted = await alice_ws.expect("accepted")
    assert accepted["session"]["assigned_agent_id"] == world.agents["alice"]["id"]
    joined = await visitor.expect("agent_joined")
    assert joined["agent"] == {"id": world.agents["alice"]["id"], "display_name": "alice"}
    assert (await alice_ws.expect("queue_update"))["waiting"] == []

    # Messages both ways, each to the other side only.
    agent_ack = await alice_ws.say("Hi Vera, how can I help?", "a-1", session_id=sid)
    got = await visitor.expect("message", client_msg_id="a-1")
    assert got["sender_type"] == "agent" and got["sender_name"] == "alice"
    assert got["seq"] == agent_ack["seq"] and got["text"] == "Hi Vera, how can I help?"
    assert got["created_at"].endswith("Z")
    ack2 = await visitor.say("My order is late", "c-2")
    got = await alice_ws.expect("message", client_msg_id="c-2")
    assert got["seq"] == ack2["seq"] and got["sender_type"] == "visitor"

    # Typing and seen, both ways.
    await visitor.send({"type": "typing", "on": True})
    assert (await alice_ws.expect("typing"))["sender_type"] == "visitor"
    await alice_ws.send({"type": "typing", "session_id": sid, "on": True})
    typing = await visitor.expect("typing")
    assert typing == {"type": "typing", "session_id": sid, "sender_type": "agent", "on": True}
    await visitor.send({"type": "seen", "seq": agent_ack["seq"]})
    assert (await alice_ws.expect("seen"))["by"] == "visitor"
    await alice_ws.send({"type": "seen", "session_id": sid, "seq": ack2["seq"]})
    assert (await visitor.expect("seen"))["seq"] == ack2["seq"]

    # Bob cannot write in Alice's chat.
    await bob_ws.send({"type": "message", "session_id": sid, "client_msg_id": "b-0",
                       "text": "hijack"})
    err = await bob_ws.expect("error", client_msg_id="b-0")
    assert err["code"] == "not_assigned" and err["retryable"] is False

    # Transfer to Bob: the visitor sees Alice leave and Bob join; Bob now gets the messages.
    await alice_ws.send({"type": "transfer", "session_id": sid, "to_agent_id": bob["id"]})
    await alice_ws.expect("transferred")
    left = await visitor.expect("agent_left")
    assert left["agent"]["id"] == world.agents["alice"]["id"]
    assert (await visitor.expect("agent_joined"))["agent"]["id"] == bob["id"]
    # Bob is told the session is his, and gets the hand-over from its system message on.
    assigned = await bob_ws.expect("assigned")
    assert assigned["session"]["session_id"] == sid
    assert assigned["session"]["assigned_agent_id"] == bob["id"]
    handover = await bob_ws.expect("message", sender_type="system")
    assert "transferred" in handover["text"]
    await visitor.say("Still there?", "c-3")
    assert (await bob_ws.expect("message", client_msg_id="c-3"))["text"] == "Still there?"
    assert not [f for f in await alice_ws.quiet() if f.get("client_msg_id") == "c-3"]

    # The visitor closes with a rating; Bob is told.
    await visitor.send({"type": "close", "rating": 5})
    assert (await bob_ws.expect("session_closed"))["by"] == "visitor"
    async with ctx.engine.connect() as conn:
        row = (await conn.execute(select(sessions).where(sessions.c.id == sid))).mappings().one()
        seqs = (await conn.execute(select(messages.c.seq, messages.c.sender_type)
                                   .where(messages.c.session_id == sid)
                                   .order_by(messages.c.seq))).all()
    assert row["status"] == "closed" and row["rating"] == 5
    assert row["resolution"] == "agent_resolved" and row["closed_by"] == "visitor"
    assert row["accepted_at"] and row["first_agent_reply_at"] and row["escalated_at"]
    assert [q for q, _ in seqs] == list(range(1, len(seqs) + 1))  # no gaps
    kinds = [k for _, k in seqs]
    assert kinds.count("system") >= 4  # escalated, joined, transferred, closed

    # After close nobody can write.
    await visitor.send({"type": "message", "client_msg_id": "c-4", "text": "hello?"})
    assert (await visitor.expect("error", client_msg_id="c-4"))["code"] == "session_closed"


async def test_visitor_other_tabs_get_their_own_messages(make_world: Any) -> None:
    world = await make_world()
    s = await world.session()
    tab1, _ = await world.visitor(s)
    tab2, _ = await world.visitor(s)
    ack = await tab1.say("from tab one", "t-1")
    got = await tab2.expect("message", client_msg_id="t-1")
    assert got["seq"] == ack["seq"]
    assert not [f for f in await tab1.quiet() if f["type"] == "message"]


async def test_agent_close_with_note_and_hand_back(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    a = await world.waiting_session()
    b = await world.waiting_session()
    alice, _ = await world.agent("alice")
    visitor_b, _ = await world.visitor(b)
    for s in (a, b):
        await alice.send({"type": "accept", "session_id": s["session_id"]})
        await alice.expect("accepted")
    await alice.send({"type": "close", "session_id": a["session_id"], "note": "sorted"})
    await alice.expect("session_closed", session_id=a["session_id"])
    await alice.send({"type": "hand_back", "session_id": b["session_id"]})
    left = await visitor_b.expect("agent_left")
    assert left["reason"] == "hand_back"
    async with ctx.engine.connect() as conn:
        rows = {r["id"]: r for r in (await conn.execute(select(sessions))).mappings()}
    assert rows[a["session_id"]]["close_note"] == "sorted"
    assert rows[a["session_id"]]["closed_by"] == "agent"
    assert rows[b["session_id"]]["status"] == "active" and rows[b["session_id"]]["ai_mode"]
    assert rows[b["session_id"]]["assigned_agent_id"] is None


async def test_nobody_online_offers_email(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.send({"type": "escalate"})
    esc = await visitor.expect("escalated")
    assert esc["offline"] is True and esc["agents_online"] == 0
    await visitor.send({"type": "leave_email", "email": "Vera@Example.com", "note": "call me"})
    saved = await visitor.expect("email_saved")
    assert saved["email"] == "vera@example.com"
    await visitor.send({"type": "leave_email", "email": "nope"})
    assert (await visitor.expect("error"))["code"] == "invalid_email"
    async with ctx.engine.connect() as conn:
        row = (await conn.execute(select(sessions))).mappings().one()
    assert row["offline_email"] == "vera@example.com" and row["offline_note"] == "call me"
    # Agents see it later in the queue.
    _alice, ready = await world.agent("alice")
    assert ready["waiting"][0]["offline_email"] == "vera@example.com"


async def test_presence_is_shown_to_the_widgets_agents(make_world: Any) -> None:
    world = await make_world()
    await world.add_agent("bob")
    alice, _ = await world.agent("alice")
    bob, _ = await world.agent("bob")
    assert (await alice.expect("presence", agent_id=world.agents["bob"]["id"]))["status"] == \
        "online"
    await bob.send({"type": "presence", "status": "away"})
    assert (await alice.expect("presence", agent_id=world.agents["bob"]["id"]))["status"] == "away"
    bob.close()
    assert (await alice.expect("presence", agent_id=world.agents["bob"]["id"]))["status"] == \
        "offline"
    await alice.send({"type": "presence", "status": "sleeping"})
    assert (await alice.expect("error"))["code"] == "invalid_status"


async def test_transfer_needs_an_online_agent(make_world: Any) -> None:
    world = await make_world()
    bob = await world.add_agent("bob")
    s = await world.waiting_session()
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    await alice.expect("accepted")
    await alice.send({"type": "transfer", "session_id": s["session_id"],
                      "to_agent_id": bob["id"]})
    assert (await alice.expect("error"))["code"] == "agent_offline"
    await alice.send({"type": "transfer", "session_id": s["session_id"], "to_agent_id": 999999})
    assert (await alice.expect("error"))["code"] == "agent_not_found"


