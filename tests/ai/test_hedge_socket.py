"""Through the socket: a middling knowledge-base match is hedged ("This might help:", the
entry, the offer of a person) and a yes to the offer hands over."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.context import Context
from tests.helpers.knowledge import FAQ_MD, embedded


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # A hedge band wide enough that a paraphrase lands in it whatever its exact cosine.
    return {"ai_min_similarity": 0.999, "ai_hedge_similarity": 0.5, "ai_hedge_margin": 0.0}


async def test_a_middling_match_is_hedged_with_an_offer(make_world: Any, ctx: Context) -> None:
    world = await make_world(ai_enabled=True)
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/import",
                                {"format": "markdown", "content": FAQ_MD}, token=world.admin)
    assert resp.code == 201
    await embedded(ctx)  # the entries' vectors, computed in the background
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("when will my parcel get to me?")
    reply = await visitor.expect("message", sender_type="ai")
    assert reply["text"].startswith("This might help:\n\nOrders ship within 24 hours."), reply
    assert reply["text"].endswith("connect you with a person?")
    assert [x["title"] for x in reply["sources"]] == ["How long does shipping take?"]
    assert reply["offer"] == "person" and "no_match" not in reply
    await visitor.say("yes please")
    assert (await visitor.expect("escalated"))["reason"] == "no_knowledge_match"
