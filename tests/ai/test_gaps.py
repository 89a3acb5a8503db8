"""The gap loop through real conversations: what the offline AI could not answer, grouped by
meaning; an agent's reply saved as a draft the AI ignores until an admin publishes it."""

from __future__ import annotations

from typing import Any

from chatserver.context import Context
from chatserver.services import chat
from tests.helpers.accounts import login, register
from tests.helpers.knowledge import FAQ_MD, embedded
from tests.helpers.sockets import WS

GIFT_CARDS = "Yes: gift cards from 10 to 200 euros, in the shop and online."


async def _ai_world(make_world: Any, ctx: Context) -> Any:
    world = await make_world(ai_enabled=True)
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/import",
                                {"format": "markdown", "content": FAQ_MD}, token=world.admin)
    assert resp.code == 201
    await embedded(ctx)  # the entries' vectors, computed in the background
    return world


async def _ask(world: Any, question: str) -> tuple[dict[str, Any], WS, dict[str, Any]]:
    """A new conversation asking `question`: the session, the visitor, the AI's reply."""
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say(question)
    return s, visitor, await visitor.expect("message", sender_type="ai")


async def _stored(ctx: Context, sid: str,
                  said: list[tuple[str, str, dict[str, Any] | None]]) -> None:
    """Messages stored as the AI runner would store them (the runner itself kept out)."""
    hook, ctx.on_visitor_message = ctx.on_visitor_message, None
    try:
        for n, (sender, text, meta) in enumerate(said):
            await chat.send_message(ctx, sid, sender_type=sender, text=text,
                                    client_msg_id=f"{sender}-{n}", meta=meta)
    finally:
        ctx.on_visitor_message = hook


async def _stranger(world: Any) -> str:
    """The token of an agent who does not work on the world's widget."""
    await register(world.api, "mallory", role="agent", token=world.admin)
    return await login(world.api, "mallory")


def _declined(reply: dict[str, Any]) -> bool:
    """The AI said it did not know (it offers a person and names no entry)."""
    return reply.get("offer") == "person" and not reply.get("sources")


async def test_unanswered_questions_are_grouped_by_meaning(make_world: Any,
                                                           ctx: Context) -> None:
    world = await _ai_world(make_world, ctx)
    asked = {}
    for question in ("Do you sell gift cards?", "Can I buy a gift card?",
                     "Do you offer student discounts?", "How long does shipping take?"):
        s, _, reply = await _ask(world, question)
        asked[question] = s["session_id"]
        if question.startswith("How long"):
            assert "no_match" not in reply and "offer" not in reply  # answered: no gap
        else:
            assert _declined(reply), (question, reply)
    # Not a gap: a reply after the AI provider failed.
    await _stored(ctx, (await world.session())["session_id"], [
        ("visitor", "Do you repair e-bikes?", None),
        ("ai", "Sorry.", {"no_match": True, "offer": "person", "offer_reason": "ai_error"})])

    resp = await world.api.get(f"/api/widgets/{world.key}/knowledge/gaps?days=7",
                               token=world.admin)
    assert resp.code == 200, resp
    body = resp.json
    assert body["grouped_by"] == "meaning" and body["questions"] == 3
    assert [(g["count"], g["declined"], g["hedged"]) for g in body["groups"]] == [
        (2, 2, 0), (1, 1, 0)]
    gift, student = body["groups"]
    assert gift["question"] == "Can I buy a gift card?"  # the newest wording
    assert {e["session_id"] for e in gift["examples"]} == {asked["Do you sell gift cards?"],
                                                           asked["Can I buy a gift card?"]}
    assert gift["languages"] == ["en"]
    assert student["question"] == "Do you offer student discounts?"
    assert student["examples"][0]["session_id"] == asked["Do you offer student discounts?"]

    # The widget's agents may read it; other widgets' users, and bad windows, may not.
    alice = world.agents["alice"]["token"]
    assert (await world.api.get(f"/api/widgets/{world.key}/knowledge/gaps",
                                token=alice)).code == 200
    mallory = await _stranger(world)
    resp = await world.api.get(f"/api/widgets/{world.key}/knowledge/gaps", token=mallory)
    assert (resp.code, resp.json["error"]["code"]) == (404, "widget_not_found")
    for days in ("0", "x", "400"):
        resp = await world.api.get(f"/api/widgets/{world.key}/knowledge/gaps?days={days}",
                                   token=world.admin)
        assert (resp.code, resp.json["error"]["code"]) == (422, "invalid_days"), days


async def test_a_hedge_is_a_gap(make_world: Any, ctx: Context) -> None:
    world = await make_world(ai_enabled=True)
    await _stored(ctx, (await world.session())["session_id"], [
        ("visitor", "hi", None), ("ai", "Hello!", None),
        ("visitor", "Is the frame", None), ("visitor", "of the kids' bike steel?", None),
        ("ai", "This might help: ...", {"offer": "person", "offer_reason": "no_knowledge_match",
                                        "sources": [{"id": 1, "title": "Warranty"}]})])
    resp = await world.api.get(f"/api/widgets/{world.key}/knowledge/gaps", token=world.admin)
    (group,) = resp.json["groups"]
    # The visitor's messages since the last reply are the question.
    assert group["question"] == "Is the frame of the kids' bike steel?"
    assert (group["count"], group["declined"], group["hedged"]) == (1, 0, 1)


async def test_a_saved_answer_is_a_draft_until_published(make_world: Any, ctx: Context) -> None:
    world = await _ai_world(make_world, ctx)
    api, admin = world.api, world.admin
    s, _, reply = await _ask(world, "Do you sell gift cards?")
    assert _declined(reply)
    sid = s["session_id"]
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": sid})
    await alice.expect("accepted")
    await alice.send({"type": "message", "session_id": sid, "client_msg_id": "a-1",
                      "text": GIFT_CARDS})
    ack = await alice.expect("ack", client_msg_id="a-1")
    alice_token = world.agents["alice"]["token"]

    # Only an agent's reply; not twice.
    resp = await api.post(f"/api/agents/sessions/{sid}/save-answer",
                          {"message_id": reply["id"]}, token=alice_token)
    assert (resp.code, resp.json["error"]["code"]) == (422, "not_an_agent_message")
    resp = await api.post(f"/api/agents/sessions/{sid}/save-answer", {}, token=alice_token)
    assert (resp.code, resp.json["error"]["code"]) == (422, "invalid_message_id")
    resp = await api.post(f"/api/agents/sessions/{sid}/save-answer",
                          {"message_id": ack["id"]}, token=alice_token)
    assert resp.code == 201, resp
    draft = resp.json["entry"]
    assert (draft["kind"], draft["status"], draft["title"], draft["body"],
            draft["origin_session_id"]) == ("qa", "draft", "Do you sell gift cards?",
                                            GIFT_CARDS, sid)
    resp = await api.post(f"/api/agents/sessions/{sid}/save-answer",
                          {"message_id": ack["id"]}, token=alice_token)
    assert (resp.code, resp.json["error"]["code"]) == (409, "already_saved")
    listed = (await api.get(f"/api/widgets/{world.key}/knowledge?status=draft",
                            token=admin)).json["entries"]
    assert [e["id"] for e in listed] == [draft["id"]]
    published = (await api.get(f"/api/widgets/{world.key}/knowledge?status=published",
                               token=admin)).json["entries"]
    assert draft["id"] not in [e["id"] for e in published] and published

    # The AI does not use a draft.
    await embedded(ctx)
    _, _, again = await _ask(world, "Do you sell gift cards?")
    assert _declined(again), again

    # An agent may not publish; the owner or an admin may, after editing it.
    resp = await api.post(f"/api/widgets/{world.key}/knowledge/{draft['id']}/publish", {},
                          token=alice_token)
    assert (resp.code, resp.json["error"]["code"]) == (403, "not_owner")
    resp = await api.post(f"/api/widgets/{world.key}/knowledge/{draft['id']}/publish",
                          {"title": "Do you sell gift cards?"}, token=admin)
    assert resp.code == 200, resp
    assert (resp.json["entry"]["status"], resp.json["entry"]["origin_session_id"]) == (
        "published", None)
    await embedded(ctx)
    _, _, answered = await _ask(world, "Do you sell gift cards?")
    assert "offer" not in answered and GIFT_CARDS in answered["text"], answered
    audit = (await api.get("/api/admin/audit", token=admin)).json["entries"]
    assert {"knowledge.draft", "knowledge.publish"} <= {e["action"] for e in audit}


async def test_save_answer_needs_a_question_and_the_conversation(make_world: Any,
                                                                 ctx: Context) -> None:
    world = await make_world()
    s = await world.waiting_session()
    sid = s["session_id"]
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": sid})
    await alice.expect("accepted")
    await alice.send({"type": "message", "session_id": sid, "client_msg_id": "a-1",
                      "text": "Hello, how can I help?"})
    ack = await alice.expect("ack", client_msg_id="a-1")
    token = world.agents["alice"]["token"]
    resp = await world.api.post(f"/api/agents/sessions/{sid}/save-answer",
                                {"message_id": ack["id"]}, token=token)
    assert (resp.code, resp.json["error"]["code"]) == (422, "no_question")
    other = await world.session()
    resp = await world.api.post(f"/api/agents/sessions/{other['session_id']}/save-answer",
                                {"message_id": ack["id"]}, token=token)
    assert (resp.code, resp.json["error"]["code"]) == (404, "message_not_found")
    resp = await world.api.post(f"/api/agents/sessions/{sid}/save-answer",
                                {"message_id": ack["id"]}, token=await _stranger(world))
    assert (resp.code, resp.json["error"]["code"]) == (404, "session_not_found")
