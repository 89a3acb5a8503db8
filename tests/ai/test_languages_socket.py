"""Through the socket: the assistant answers in the visitor's language, told from their
message, or from their browser's language (the visitor context) when the message is too
short to tell; a yes to its offer in that language hands over, in that language."""

from __future__ import annotations

from typing import Any

from chatserver.ai.phrases import phrase


async def _context(world: Any, s: dict[str, Any], language: str) -> None:
    resp = await world.api.post(f"/api/widgets/{world.key}/sessions/{s['session_id']}/context",
                                {"language": language}, token=s["visitor_token"])
    assert resp.code == 200, resp


async def test_a_short_message_is_answered_in_the_browsers_language(make_world: Any) -> None:
    world = await make_world(ai_enabled=True)  # no knowledge: the AI does not know
    s = await world.session()
    await _context(world, s, "nl-BE")
    visitor, _ = await world.visitor(s)
    await visitor.say("ok?")
    reply = await visitor.expect("message", sender_type="ai", timeout=5)
    assert reply["text"] == phrase("nl", "no_match") and reply["offer"] == "person"
    await visitor.say("ja, graag")
    handoff = await visitor.expect("message", sender_type="ai", timeout=5)
    assert handoff["text"] == phrase("nl", "handoff_offline")  # nobody online
    assert (await visitor.expect("escalated"))["reason"] == "no_knowledge_match"
    said = await visitor.expect("message", sender_type="system")
    assert (said["code"], said["text"]) == ("escalated", "The conversation was handed to a person.")


async def test_the_message_says_the_language_before_the_browser(make_world: Any) -> None:
    world = await make_world(ai_enabled=True)
    s = await world.session()
    await _context(world, s, "en-US")
    visitor, _ = await world.visitor(s)
    await visitor.say("مرحبًا")
    reply = await visitor.expect("message", sender_type="ai", timeout=5)
    assert reply["text"] == phrase("ar", "greeting", business="Acme")
    await visitor.say("Quanto costa la spedizione in Svizzera?")
    reply = await visitor.expect("message", sender_type="ai", timeout=5)
    assert reply["text"] == phrase("it", "no_match")
    await visitor.say("no grazie")
    reply = await visitor.expect("message", sender_type="ai", timeout=5)
    assert reply["text"] == phrase("it", "offer_declined")
