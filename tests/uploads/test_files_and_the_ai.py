"""A visitor's files in a conversation the offline AI owns: it answers the caption, and
offers a person for a file alone; its messages never carry files."""

from __future__ import annotations

from typing import Any

from chatserver.context import Context
from tests.helpers.knowledge import FAQ_MD
from tests.helpers.upload_rows import make_upload


async def ai_world(make_world: Any) -> Any:
    world = await make_world(ai_enabled=True)
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/import",
                                {"format": "markdown", "content": FAQ_MD}, token=world.admin)
    assert resp.code == 201
    return world


async def test_the_offline_ai_answers_a_caption_and_a_file_alone(make_world: Any,
                                                                 ctx: Context) -> None:
    world = await ai_world(make_world)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    with_caption = await make_upload(ctx, s["session_id"], "label.png")
    await visitor.say("How long does shipping take?", files=[with_caption])
    answer = await visitor.expect("message", sender_type="ai")
    assert "2-4 business days" in answer["text"] and "files" not in answer
    alone = await make_upload(ctx, s["session_id"], "broken-part.jpg")
    await visitor.say("", files=[alone])
    reply = await visitor.expect("message", sender_type="ai")
    # Nothing to answer from the knowledge: a person is offered.
    assert reply.get("offer") == "person" and "files" not in reply
