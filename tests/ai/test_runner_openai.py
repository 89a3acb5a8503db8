"""The AI in conversations through an OpenAI-compatible provider (a fake one on loopback)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from chatserver.context import Context
from chatserver.db.schema import ai_usage, messages, sessions
from tests.helpers.fake_openai import FakeOpenAI
from tests.helpers.knowledge import FAQ_MD


@pytest.fixture
def settings_overrides(fake_openai: FakeOpenAI) -> dict[str, Any]:
    return {"ai_provider": "openai", "ai_base_url": fake_openai.base_url, "ai_api_key": "sk-test",
            "ai_model": "fake/default", "ai_read_timeout_s": 1.0, "ai_max_retries": 2}


async def _world(make_world: Any, **ai: Any) -> Any:
    world = await make_world(ai_enabled=True, ai_settings=ai)
    await world.api.post(f"/api/widgets/{world.key}/knowledge/import",
                         {"format": "markdown", "content": FAQ_MD}, token=world.admin)
    return world


async def test_streamed_deltas_in_order_and_grounded(make_world: Any, fake_openai: FakeOpenAI,
                                                    ctx: Context) -> None:
    fake_openai.behaviour.reply = "Orders ship within 24 hours and arrive in 2-4 business days."
    world = await _world(make_world, temperature=0.2, max_tokens=300)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("How long does shipping take?")
    final = await visitor.expect("message", sender_type="ai")
    deltas = [f for f in visitor.seen if f["type"] == "ai_delta"]
    assert [d["index"] for d in deltas] == list(range(len(deltas))) and len(deltas) > 5
    assert "".join(d["text"] for d in deltas) == fake_openai.behaviour.reply == final["text"]
    assert {d["reply_id"] for d in deltas} == {final["client_msg_id"]}
    req = fake_openai.completions[-1]
    assert req.api_key == "sk-test" and req.body["stream"] is True
    assert req.body["temperature"] == 0.2 and req.body["max_tokens"] == 300
    system = req.messages[0]["content"]
    assert "Delivery takes 2-4 business days" in system  # grounded in the knowledge base
    assert req.messages[-1] == {"role": "user", "content": "How long does shipping take?"}
    assert req.body["tools"][0]["function"]["name"] == "escalate_to_human"
    for _ in range(50):  # usage is recorded just after the reply is stored
        async with ctx.engine.connect() as conn:
            usage = (await conn.execute(select(ai_usage))).mappings().first()
        if usage is not None:
            break
        await asyncio.sleep(0.05)
    assert usage is not None and usage["requests"] == 1 and usage["tokens_in"] > 0 and usage["tokens_out"] > 0


async def test_retry_after_429_and_malformed_chunks(make_world: Any, fake_openai: FakeOpenAI) -> None:
    world = await _world(make_world)
    fake_openai.behaviour.status_sequence = [429, 503, 200]
    fake_openai.behaviour.malformed_at = 2
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("hello?")
    final = await visitor.expect("message", sender_type="ai", timeout=10)
    assert final["text"] == fake_openai.behaviour.reply
    assert [r.status for r in fake_openai.completions] == [429, 503, 200]


async def test_provider_down_apologises_and_offers_a_person(make_world: Any,
                                                             fake_openai: FakeOpenAI,
                                                             api: Any) -> None:
    world = await _world(make_world)
    fake_openai.behaviour.status_always = 500
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("hello?")
    apology = await visitor.expect("message", sender_type="ai", timeout=10)
    assert apology["text"].startswith("Sorry") and apology["offer"] == "person"
    assert not [f for f in visitor.seen if f["type"] == "escalated"]
    assert len(fake_openai.completions) == 3  # the first try and two retries
    await visitor.say("yes")
    esc = await visitor.expect("escalated", timeout=10)
    assert esc["reason"] == "ai_error"
    health = (await api.get("/api/health")).json["ai"]["openai"]
    assert health["status"] == "failing" and health["consecutive_failures"] == 1


async def test_stream_cut_mid_way_is_an_error_not_a_short_answer(make_world: Any,
                                                                fake_openai: FakeOpenAI) -> None:
    world = await _world(make_world, model="fake/stop")
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("hello?")
    apology = await visitor.expect("message", sender_type="ai", timeout=10)
    assert apology["text"].startswith("Sorry") and apology["offer"] == "person"


async def test_fallback_model(make_world: Any, fake_openai: FakeOpenAI) -> None:
    world = await _world(make_world, model="bad-model", fallback_model="fake/default")
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("hello?")
    final = await visitor.expect("message", sender_type="ai", timeout=10)
    assert final["text"] == fake_openai.behaviour.reply
    assert [r.model for r in fake_openai.completions] == ["bad-model", "fake/default"]


async def test_model_calls_the_escalation_tool(make_world: Any, fake_openai: FakeOpenAI) -> None:
    world = await _world(make_world, model="fake/tool")
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("My package arrived broken and I need this sorted today")
    assert (await visitor.expect("escalated", timeout=10))["reason"] == "model_request"


async def test_agent_takeover_cancels_the_upstream_stream(make_world: Any, fake_openai: FakeOpenAI,
                                                         ctx: Context) -> None:
    world = await _world(make_world)
    fake_openai.behaviour.reply = " ".join(f"word{i}" for i in range(100))
    fake_openai.behaviour.delay = 0.05
    s = await world.session()
    visitor, _ = await world.visitor(s)
    alice, _ = await world.agent("alice")
    await visitor.say("Tell me everything about bikes")
    await visitor.expect("ai_delta")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    await visitor.expect("agent_joined")
    await fake_openai.wait_for(lambda: fake_openai.cancelled, timeout=3)
    # After the agent joined: no more AI text, and no AI message was stored.
    seen = len(visitor.seen)
    await asyncio.sleep(0.3)
    assert not [f for f in visitor.seen[seen:] if f["type"] == "ai_delta"]
    async with ctx.engine.connect() as conn:
        kinds = [r for (r,) in await conn.execute(select(messages.c.sender_type).where(
            messages.c.session_id == s["session_id"]))]
    assert "ai" not in kinds


async def test_visitor_reload_mid_reply_gets_the_finished_reply(make_world: Any,
                                                               fake_openai: FakeOpenAI,
                                                               ctx: Context) -> None:
    world = await _world(make_world)
    fake_openai.behaviour.reply = " ".join(f"w{i}" for i in range(20))
    fake_openai.behaviour.delay = 0.03
    s = await world.session()
    visitor, _ = await world.visitor(s)
    ack = await visitor.say("Tell me about your bikes")
    await visitor.expect("ai_delta")
    visitor.close()  # a reload: the reply goes on
    await fake_openai.wait_for(lambda: fake_openai.completions and fake_openai.completions[-1].status == 200
                        and not fake_openai.open_streams, timeout=5)
    await asyncio.sleep(0.2)
    back, _ = await world.visitor(s, last_seq=ack["seq"])
    final = await back.expect("message", sender_type="ai")
    assert final["text"] == fake_openai.behaviour.reply
    assert not fake_openai.cancelled
    async with ctx.engine.connect() as conn:
        status = (await conn.execute(select(sessions.c.status))).scalar_one()
    assert status == "active"


async def test_daily_token_budget_escalates(make_world: Any, fake_openai: FakeOpenAI) -> None:
    world = await _world(make_world, daily_token_budget=10)
    fake_openai.behaviour.usage = (50, 20)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("hello?")
    await visitor.expect("message", sender_type="ai")
    await visitor.say("and another question about shipping")
    assert (await visitor.expect("escalated"))["reason"] == "budget_exhausted"
    assert len(fake_openai.completions) == 1


async def test_provider_down_the_knowledge_base_still_answers(make_world: Any,
                                                              fake_openai: FakeOpenAI) -> None:
    world = await _world(make_world)
    fake_openai.behaviour.status_always = 500
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("How long does shipping take?")
    final = await visitor.expect("message", sender_type="ai", timeout=10)
    assert "2-4 business days" in final["text"] and not final["text"].startswith("Sorry")
    assert "offer" not in final and [x["title"] for x in final["sources"]]
    assert not [f for f in visitor.seen if f["type"] == "escalated"]


async def test_the_answers_sources_are_the_passages_it_cites(make_world: Any,
                                                             fake_openai: FakeOpenAI) -> None:
    fake_openai.behaviour.reply = "It takes 2-4 business days [1]. Returns are free [9]."
    world = await _world(make_world)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("How long does shipping take?")
    final = await visitor.expect("message", sender_type="ai", timeout=10)
    system = fake_openai.completions[-1].messages[0]["content"]
    assert "cite it right after the sentence as [n]" in system
    first = system.split("[1] ", 1)[1].split("\n", 1)[0]  # the title of passage 1
    assert [x["title"] for x in final["sources"]] == [first]  # [9] cites nothing: no such passage


async def test_a_small_knowledge_base_is_given_whole_the_best_passage_first(
        make_world: Any, fake_openai: FakeOpenAI) -> None:
    world = await _world(make_world)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("How long does shipping take?")
    await visitor.expect("message", sender_type="ai", timeout=10)
    system = fake_openai.completions[-1].messages[0]["content"]
    numbered = [line for line in system.splitlines() if line[:1] == "[" and "] " in line]
    assert len(numbered) == 4  # every entry of the FAQ, numbered
    assert numbered[0] == "[1] How long does shipping take?"
