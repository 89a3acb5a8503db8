"""The AI in conversations, with the offline responder: streaming, hand-offs, budgets."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from chatserver.context import Context
from chatserver.db.schema import messages, sessions
from tests.helpers.knowledge import FAQ_MD, embedded
from tests.helpers.sockets import WS


async def _ai_world(make_world: Any, **ai_settings: Any) -> Any:
    world = await make_world(ai_enabled=True, ai_settings=ai_settings)
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/import",
                                {"format": "markdown", "content": FAQ_MD}, token=world.admin)
    assert resp.code == 201
    return world


async def _reply(ws: WS) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    final = await ws.expect("message", sender_type="ai")
    deltas = [f for f in ws.seen if f["type"] == "ai_delta"
              and f["reply_id"] == final["client_msg_id"]]
    return deltas, final


async def test_answer_streams_then_persists(make_world: Any, ctx: Context) -> None:
    world = await _ai_world(make_world)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("How long does shipping take?")
    typing = await visitor.expect("typing", sender_type="ai")
    assert typing["on"] is True
    deltas, final = await _reply(visitor)
    assert len(deltas) > 3
    assert [d["index"] for d in deltas] == list(range(len(deltas)))
    assert "".join(d["text"] for d in deltas).strip() == final["text"]
    assert "2-4 business days" in final["text"] and final["sender_name"] == "Assistant"
    assert (await visitor.expect("typing", sender_type="ai"))["on"] is False
    async with ctx.engine.connect() as conn:
        row = (await conn.execute(select(messages).where(
            messages.c.client_msg_id == final["client_msg_id"]))).mappings().one()
    assert row["text"] == final["text"] and row["seq"] == final["seq"]


async def test_explicit_request_hands_off_honestly(make_world: Any, ctx: Context) -> None:
    world = await _ai_world(make_world)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Can I talk to a real person please?")
    esc = await visitor.expect("escalated")
    assert esc["reason"] == "explicit_request" and esc["offline"] is True
    _, final = await _reply(visitor)
    assert "email" in final["text"]  # nobody online: offer email, promise no wait
    alice, _ = await world.agent("alice")
    s2 = await world.session()
    v2, _ = await world.visitor(s2)
    await v2.say("Necesito hablar con una persona")
    assert (await v2.expect("escalated"))["reason"] == "explicit_request"
    _, final = await _reply(v2)
    assert "persona" in final["text"] and "email" not in final["text"].lower()
    assert (await alice.expect("queue_update"))["waiting"]


async def test_an_unknown_question_offers_a_person_and_only_a_yes_hands_over(
        make_world: Any) -> None:
    world = await _ai_world(make_world)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Do you sell pizza?")
    _, first = await _reply(visitor)
    assert "don't know" in first["text"] and first["offer"] == "person"
    await visitor.say("What about tacos?")  # a new question, not an answer: no hand-off
    _, second = await _reply(visitor)
    assert second["offer"] == "person"
    await visitor.say("No thanks")
    _, declined = await _reply(visitor)
    assert "No problem" in declined["text"] and "offer" not in declined
    await visitor.say("And burgers, do you have those?")
    await _reply(visitor)
    assert not [f for f in visitor.seen if f["type"] == "escalated"]
    await visitor.say("Yes please")
    esc = await visitor.expect("escalated")
    assert esc["reason"] == "no_knowledge_match"


@pytest.mark.parametrize("yes", ["sí", "oui", "ja", "yes", "Oui, merci", "Ja bitte"])
async def test_the_offer_is_accepted_in_every_language(make_world: Any,
                                                       yes: str) -> None:
    world = await _ai_world(make_world)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Do you sell pizza?")
    await _reply(visitor)
    await visitor.say(yes)
    assert (await visitor.expect("escalated"))["reason"] == "no_knowledge_match"


@pytest.mark.parametrize("no", ["no gracias", "non merci", "nein danke", "no"])
async def test_the_offer_is_declined_in_every_language(make_world: Any,
                                                       no: str) -> None:
    world = await _ai_world(make_world)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Do you sell pizza?")
    await _reply(visitor)
    await visitor.say(no)
    _, declined = await _reply(visitor)
    assert "offer" not in declined
    assert not [f for f in visitor.seen if f["type"] == "escalated"]


async def test_frustration_and_budget(make_world: Any, ctx: Context) -> None:
    world = await _ai_world(make_world, visitor_message_limit=1)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("When are you open?")
    await _reply(visitor)
    await visitor.say("How long does shipping take?")
    assert (await visitor.expect("escalated"))["reason"] == "budget_exhausted"
    s2 = await world.session()
    v2, _ = await world.visitor(s2)
    await v2.say("This is absolutely useless!!!")
    assert (await v2.expect("escalated"))["reason"] == "frustration"
    async with ctx.engine.connect() as conn:
        reasons = dict((await conn.execute(select(sessions.c.id, sessions.c.escalation_reason)))
                       .all())
    assert reasons[s["session_id"]] == "budget_exhausted"
    assert reasons[s2["session_id"]] == "frustration"


async def test_ai_is_silent_once_an_agent_joined(make_world: Any) -> None:
    world = await _ai_world(make_world)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    await alice.expect("accepted")
    await visitor.say("How long does shipping take?")
    await alice.expect("message", sender_type="visitor")
    frames = await visitor.quiet(0.5)
    assert not [f for f in frames if f["type"] in ("ai_delta", "message")
                and f.get("sender_type", "ai") == "ai"]


async def test_health_reports_the_ai(api: Any) -> None:
    resp = await api.get("/api/health")
    assert resp.json["ai"]["default_provider"] == "offline"


async def test_a_spanish_question_gets_the_english_entry_with_a_spanish_lead_in(
        make_world: Any, ctx: Context) -> None:
    world = await _ai_world(make_world)
    await embedded(ctx)  # the entries' vectors, computed in the background
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("¿Cuánto tarda en llegar mi pedido?")
    _, final = await _reply(visitor)
    assert final["text"].startswith("Esto es lo que dice nuestra información:"), final
    assert "2-4 business days" in final["text"]
    assert [x["title"] for x in final["sources"]] == ["How long does shipping take?"]
