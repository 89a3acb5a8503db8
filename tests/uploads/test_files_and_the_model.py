"""A visitor's files in a conversation a model answers (a fake OpenAI-compatible provider on
loopback): the model hears the file names with the caption; it reads no file."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.context import Context
from tests.helpers.fake_openai import FakeOpenAI
from tests.helpers.knowledge import FAQ_MD
from tests.helpers.upload_rows import make_upload


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any], fake_openai: FakeOpenAI) -> dict[str, Any]:
    return {**settings_overrides, "ai_provider": "openai", "ai_base_url": fake_openai.base_url,
            "ai_api_key": "sk-test", "ai_model": "fake/default"}


async def test_a_model_hears_the_file_names(make_world: Any, ctx: Context,
                                            fake_openai: FakeOpenAI) -> None:
    fake_openai.behaviour.reply = "Thanks for the photo: a person will look at it."
    world = await make_world(ai_enabled=True)
    await world.api.post(f"/api/widgets/{world.key}/knowledge/import",
                         {"format": "markdown", "content": FAQ_MD}, token=world.admin)
    s = await world.session()
    visitor, _ = await world.visitor(s)
    first = await make_upload(ctx, s["session_id"], "broken-part.jpg")
    await visitor.say("It arrived like this", files=[first])
    await visitor.expect("message", sender_type="ai")
    assert fake_openai.requests[-1].messages[-1] == {
        "role": "user", "content": "It arrived like this\n[sent files: broken-part.jpg]"}
    more = [await make_upload(ctx, s["session_id"], n) for n in ("a.png", "b.pdf")]
    await visitor.say("", files=more)
    reply = await visitor.expect("message", sender_type="ai")
    assert "files" not in reply
    assert fake_openai.requests[-1].messages[-1] == {"role": "user",
                                              "content": "[sent files: a.png, b.pdf]"}
