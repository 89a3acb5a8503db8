"""Conversations the AI is handling, seen from the inbox: the live list, watching one as it
happens (read-only), taking it over (the AI stops at once), and the take-over race. The AI is
a fake OpenAI-compatible server streaming over real HTTP."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from chatserver.context import Context
from chatserver.db.schema import messages, sessions
from chatserver.services import chat
from chatserver.timeutil import utcnow
from tests.helpers.fake_openai import FakeOpenAI
from tests.helpers.knowledge import FAQ_MD
from tests.helpers.sockets import WS

SLOW_REPLY = " ".join(f"word{i}" for i in range(40))


@pytest.fixture
def settings_overrides(fake_openai: FakeOpenAI) -> dict[str, Any]:
    return {"ai_provider": "openai", "ai_base_url": fake_openai.base_url, "ai_api_key": "sk-test",
            "ai_model": "fake/default", "ai_read_timeout_s": 5.0, "ai_max_retries": 0}


async def _world(make_world: Any) -> Any:
    world = await make_world(ai_enabled=True)
    await world.api.post(f"/api/widgets/{world.key}/knowledge/import",
                         {"format": "markdown", "content": FAQ_MD}, token=world.admin)
    return world


async def _stored(ctx: Context, session_id: str) -> list[dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        rows = (await conn.execute(select(messages).where(messages.c.session_id == session_id)
                                   .order_by(messages.c.seq))).mappings()
        return [dict(r) for r in rows]


async def test_the_ai_list_is_live(make_world: Any, fake_openai: FakeOpenAI) -> None:
    world = await _world(make_world)
    alice, ready = await world.agent("alice")
    assert ready["ai_sessions"] == []
    quiet = await world.session()  # opened, never written in: not listed
    s = await world.session(visitor_name="Vera")
    visitor, _ = await world.visitor(s)
    await visitor.say("How long does shipping take?")
    line = await alice.expect("ai_session")
    assert line["widget"] == world.key
    assert line["session"]["session_id"] == s["session_id"]
    assert line["session"]["visitor_name"] == "Vera"
    assert line["session"]["last_visitor_message"] == "How long does shipping take?"
    assert line["session"]["status"] == "active" and line["session"]["ai_mode"] is True
    await visitor.expect("message", sender_type="ai", timeout=5)
    listed = await world.api.get("/api/agents/ai-sessions", token=world.agents["alice"]["token"])
    assert listed.code == 200, listed
    assert [x["session_id"] for x in listed.json["sessions"]] == [s["session_id"]]
    assert quiet["session_id"] not in {x["session_id"] for x in listed.json["sessions"]}
    # A second agent connecting now finds it in ready.
    await world.add_agent("bob")
    _bob, bob_ready = await world.agent("bob")
    assert [x["session_id"] for x in bob_ready["ai_sessions"]] == [s["session_id"]]

    # Escalated: it leaves the list (and joins the queue).
    resp = await world.api.post(f"/api/widgets/escalate/{world.key}/{s['session_id']}", {},
                                token=s["visitor_token"])
    assert resp.code == 200, resp
    gone = await alice.expect("ai_session_ended")
    assert gone == {"type": "ai_session_ended", "session_id": s["session_id"],
                    "reason": "escalated"}
    listed = await world.api.get("/api/agents/ai-sessions", token=world.agents["alice"]["token"])
    assert listed.json["sessions"] == []

    # Closed by the visitor: it leaves the list too.
    t = await world.session()
    other, _ = await world.visitor(t)
    await other.say("hello there")
    await alice.expect("ai_session", timeout=5)
    await other.send({"type": "close"})
    gone = await alice.expect("ai_session_ended", session_id=t["session_id"])
    assert gone["reason"] == "closed"


async def test_an_agent_of_another_widget_sees_nothing(make_world: Any) -> None:
    world = await _world(make_world)
    other = (await world.api.post("/api/widgets", {"business_name": "Other"},
                                  token=world.admin)).json["widget"]["site_key"]
    key, world.key = world.key, other
    await world.add_agent("carl")  # an agent of the other widget only
    world.key = key
    outsider, ready = await world.agent("carl")
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("How long does shipping take?")
    await visitor.expect("message", sender_type="ai", timeout=5)
    assert not [f for f in await outsider.quiet(0.3) if f["type"].startswith("ai_session")]
    await outsider.send({"type": "watch", "session_id": s["session_id"]})
    err = await outsider.expect("error")
    assert err["code"] == "session_not_found"
    assert ready["ai_sessions"] == []


async def test_watching_follows_the_ai_and_is_read_only(make_world: Any, fake_openai: FakeOpenAI,
                                                      ctx: Context) -> None:
    fake_openai.behaviour.reply = "Orders ship within 24 hours and arrive in 2-4 business days."
    world = await _world(make_world)
    alice, _ = await world.agent("alice")
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Hi")
    await visitor.expect("message", sender_type="ai", timeout=5)
    await alice.send({"type": "watch", "session_id": s["session_id"]})
    watching = await alice.expect("watching")
    assert watching["session"]["session_id"] == s["session_id"]
    assert watching["session"]["last_seq"] >= 2

    await visitor.say("How long does shipping take?")
    asked = await alice.expect("message", sender_type="visitor")
    assert asked["text"] == "How long does shipping take?"
    final = await alice.expect("message", sender_type="ai", timeout=5)
    deltas = [f for f in alice.seen if f["type"] == "ai_delta"
              and f["reply_id"] == final["client_msg_id"]]
    assert "".join(d["text"] for d in deltas) == final["text"] == fake_openai.behaviour.reply

    await visitor.expect("message", sender_type="ai", seq=final["seq"])
    await visitor.quiet(0.2)
    # Read-only until taken over: no message, typing or seen reaches the visitor.
    await alice.send({"type": "typing", "session_id": s["session_id"], "on": True})
    assert (await alice.expect("error"))["code"] == "not_assigned"
    await alice.send({"type": "seen", "session_id": s["session_id"], "seq": final["seq"]})
    assert (await alice.expect("error"))["code"] == "not_assigned"
    await alice.send({"type": "message", "session_id": s["session_id"],
                      "client_msg_id": "nope-1", "text": "I am here"})
    assert (await alice.expect("error", client_msg_id="nope-1"))["code"] == "not_assigned"
    assert not [f for f in await visitor.quiet(0.3)
                if f["type"] in ("typing", "seen", "message")]
    assert all(m["sender_type"] != "agent" for m in await _stored(ctx, s["session_id"]))

    # Unwatched: nothing more arrives.
    await alice.send({"type": "unwatch", "session_id": s["session_id"]})
    await alice.quiet(0.2)
    await visitor.say("Thanks")
    await visitor.expect("message", sender_type="ai", timeout=5)
    assert not [f for f in await alice.quiet(0.3)
                if f.get("session_id") == s["session_id"] and f["type"] == "message"]


async def test_take_over_stops_the_ai_mid_stream(make_world: Any, fake_openai: FakeOpenAI,
                                                ctx: Context) -> None:
    fake_openai.behaviour.reply = SLOW_REPLY
    fake_openai.behaviour.delay = 0.1  # 40 pieces: four seconds of streaming
    world = await _world(make_world)
    alice, _ = await world.agent("alice")
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await alice.send({"type": "watch", "session_id": s["session_id"]})
    await alice.expect("watching")
    await visitor.say("Tell me everything about shipping")

    def streaming(frames: list[dict[str, Any]]) -> bool:
        return sum(f["type"] == "ai_delta" for f in frames) >= 3

    await alice.read_until(streaming, 5)
    await visitor.read_until(streaming, 5)
    await alice.send({"type": "take_over", "session_id": s["session_id"]})
    accepted = await alice.expect("accepted")
    assert accepted["session"]["status"] == "assigned"
    assert accepted["session"]["assigned_agent_id"] == world.agents["alice"]["id"]
    joined = await visitor.expect("agent_joined")
    assert joined["agent"]["display_name"] == world.agents["alice"]["name"]
    await asyncio.sleep(1.0)  # the rest of the stream would have arrived by now
    await visitor.quiet(0.2)

    rows = await _stored(ctx, s["session_id"])
    join = next(r for r in rows if r["sender_type"] == "system" and "joined" in r["text"])
    assert not [r for r in rows if r["sender_type"] == "ai" and r["seq"] > join["seq"]]
    assert not [r for r in rows if r["sender_type"] == "ai" and "word1" in r["text"]]
    after = visitor.seen[next(i for i, f in enumerate(visitor.seen)
                              if f["type"] == "message" and f["seq"] == join["seq"]):]
    assert not [f for f in after if f["type"] == "ai_delta"
                or (f["type"] == "message" and f["sender_type"] == "ai")]
    assert sum(f["type"] == "ai_delta" for f in visitor.seen) < 40
    for _ in range(40):  # the request to the provider was closed, not read to the end
        if fake_openai.cancelled:
            break
        await asyncio.sleep(0.05)
    assert fake_openai.cancelled
    # The conversation is now the agent's: they write, the visitor reads.
    await alice.say("Hello, I am Alice. How can I help?", session_id=s["session_id"])
    got = await visitor.expect("message", sender_type="agent")
    assert got["text"] == "Hello, I am Alice. How can I help?"


async def test_two_agents_take_over_at_once_one_wins(make_world: Any, fake_openai: FakeOpenAI) -> None:
    world = await _world(make_world)
    await world.add_agent("bob")
    alice, _ = await world.agent("alice")
    bob, _ = await world.agent("bob")
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Hi")
    await visitor.expect("message", sender_type="ai", timeout=5)
    frame = {"type": "take_over", "session_id": s["session_id"]}
    await asyncio.gather(alice.send(frame), bob.send(frame))

    async def outcome(ws: WS) -> dict[str, Any]:
        def done(frames: list[dict[str, Any]]) -> bool:
            return any(f["type"] in ("accepted", "error") for f in frames)
        frames, _ = await ws.read_until(done, 5)
        return next(f for f in frames if f["type"] in ("accepted", "error"))

    results = [await outcome(alice), await outcome(bob)]
    assert sorted(r["type"] for r in results) == ["accepted", "error"]
    error = next(r for r in results if r["type"] == "error")
    winner = next(r for r in results if r["type"] == "accepted")
    assert error["code"] == "conflict"
    winner_name = world.agents["alice" if winner is results[0] else "bob"]["name"]
    assert error["fields"]["taken_by"] == winner_name
    assert winner_name in error["message"]
    joined = await visitor.expect("agent_joined")
    assert joined["agent"]["display_name"] == winner_name
    assert not [f for f in await visitor.quiet(0.3) if f["type"] == "agent_joined"]


async def test_waiting_cards_carry_the_visitors_question_and_reason(make_world: Any,
                                                                   fake_openai: FakeOpenAI) -> None:
    fake_openai.behaviour.reply = "Orders ship within 24 hours."
    world = await _world(make_world)
    alice, _ = await world.agent("alice")
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Where is my parcel number 1234?")
    await visitor.expect("message", sender_type="ai", timeout=5)
    await visitor.send({"type": "escalate", "reason": "explicit_request"})
    update = await alice.expect("queue_update", timeout=5)
    card = next(x for x in update["waiting"] if x["session_id"] == s["session_id"])
    assert card["last_visitor_message"] == "Where is my parcel number 1234?"
    assert card["escalation_reason"] == "explicit_request"
    assert card["last_message"] != card["last_visitor_message"]  # the AI spoke last
    resp = await world.api.get("/api/agents/waiting-sessions",
                               token=world.agents["alice"]["token"])
    listed = next(x for x in resp.json["sessions"] if x["session_id"] == s["session_id"])
    assert listed["last_visitor_message"] == "Where is my parcel number 1234?"
    assert listed["escalation_reason"] == "explicit_request"
    # Opening the waiting card shows the conversation before accepting.
    await alice.send({"type": "watch", "session_id": s["session_id"]})
    watching = await alice.expect("watching")
    assert watching["session"]["status"] == "waiting"
    await visitor.say("Hello? Anyone?")
    assert (await alice.expect("message", sender_type="visitor"))["text"] == "Hello? Anyone?"
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    assert (await alice.expect("accepted"))["session"]["status"] == "assigned"
    await alice.say("I am here.", session_id=s["session_id"])
    assert (await visitor.expect("message", sender_type="agent"))["text"] == "I am here."


async def test_hand_back_and_abandonment_move_the_list(make_world: Any, fake_openai: FakeOpenAI,
                                                      ctx: Context) -> None:
    world = await _world(make_world)
    alice, _ = await world.agent("alice")
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Hi")
    await alice.expect("ai_session")
    await visitor.expect("message", sender_type="ai", timeout=5)
    await alice.send({"type": "take_over", "session_id": s["session_id"]})
    await alice.expect("accepted")
    assert (await alice.expect("ai_session_ended"))["reason"] == "taken_over"
    await alice.send({"type": "hand_back", "session_id": s["session_id"]})
    back = await alice.expect("ai_session")
    assert back["session"]["session_id"] == s["session_id"] and back["session"]["ai_mode"]

    visitor.close()
    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions).where(sessions.c.id == s["session_id"]).values(
            last_activity_at=utcnow() - timedelta(hours=2)))
    assert await chat.abandon_idle(ctx, 1800, set()) == [s["session_id"]]
    gone = await alice.expect("ai_session_ended")
    assert gone == {"type": "ai_session_ended", "session_id": s["session_id"],
                    "reason": "abandoned"}
    listed = await world.api.get("/api/agents/ai-sessions", token=world.agents["alice"]["token"])
    assert listed.json["sessions"] == []


async def test_another_tab_of_the_agent_takes_over_what_this_one_watches(
        make_world: Any, fake_openai: FakeOpenAI) -> None:
    world = await _world(make_world)
    watcher, _ = await world.agent("alice")
    taker, _ = await world.agent("alice")
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Hi")
    await visitor.expect("message", sender_type="ai", timeout=5)
    await watcher.send({"type": "watch", "session_id": s["session_id"]})
    await watcher.expect("watching")
    await taker.send({"type": "take_over", "session_id": s["session_id"]})
    await taker.expect("accepted")
    # The watching tab now has the conversation as the agent's own: told, and writable.
    assigned = await watcher.expect("assigned")
    assert assigned["session"]["session_id"] == s["session_id"]
    joined = await watcher.expect("message", sender_type="system")
    assert "joined" in joined["text"]
    await watcher.say("From my other tab.", session_id=s["session_id"])
    assert (await visitor.expect("message", sender_type="agent"))["text"] == "From my other tab."
    await visitor.say("Thanks!")
    got = [f for f in await watcher.quiet(0.5) if f["type"] == "message"]
    assert [f["text"] for f in got] == ["Thanks!"]  # once, not twice
    # Watching one's own conversation is refused.
    await watcher.send({"type": "watch", "session_id": s["session_id"]})
    assert (await watcher.expect("error"))["code"] == "already_assigned"


async def test_a_watcher_stops_following_when_another_agent_takes_over(
        make_world: Any, fake_openai: FakeOpenAI) -> None:
    world = await _world(make_world)
    await world.add_agent("bob")
    alice, _ = await world.agent("alice")
    bob, _ = await world.agent("bob")
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Hi")
    await visitor.expect("message", sender_type="ai", timeout=5)
    await bob.send({"type": "watch", "session_id": s["session_id"]})
    await bob.expect("watching")
    await alice.send({"type": "take_over", "session_id": s["session_id"]})
    await alice.expect("accepted")
    joined = await bob.expect("agent_joined")
    assert joined["agent"]["id"] == world.agents["alice"]["id"]
    await bob.quiet(0.2)
    await alice.say("Private from here on.", session_id=s["session_id"])
    await visitor.say("Thanks Alice")
    await visitor.expect("message", sender_type="agent")
    assert not [f for f in await bob.quiet(0.4) if f.get("session_id") == s["session_id"]]
    # Watching it again is refused: it is Alice's.
    await bob.send({"type": "watch", "session_id": s["session_id"]})
    err = await bob.expect("error")
    assert err["code"] == "conflict" and err["fields"]["taken_by"] == world.agents["alice"]["name"]
