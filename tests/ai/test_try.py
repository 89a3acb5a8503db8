"""Try it: `chatctl kb try` searches as the server does, by meaning once the vectors exist."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from chatserver.context import Context
from tests.helpers.chatctl import Chatctl, chatctl_env
from tests.helpers.knowledge import FAQ_MD, embedded


async def test_the_cli_answers_as_the_server_does(make_world: Any, ctx: Context, db_url: str,
                                                   tmp_path: Path) -> None:
    """A Spanish question for an English entry: found by meaning only, by both."""
    world = await make_world(ai_enabled=True)
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/import",
                                {"format": "markdown", "content": FAQ_MD}, token=world.admin)
    assert resp.code == 201
    await embedded(ctx)
    question = "¿Cuántos días tarda en llegar mi pedido?"
    served = (await world.api.post(f"/api/widgets/{world.key}/knowledge/try",
                                   {"question": question}, token=world.admin)).json
    chatctl = Chatctl(env=chatctl_env(db_url, tmp_path))
    cli = json.loads((await asyncio.to_thread(
        chatctl.ok, "kb", "try", world.key, question, "--json")).stdout)
    keywords = json.loads((await asyncio.to_thread(
        chatctl.ok, "kb", "try", world.key, question, "--json",
        env={"PARLEY_AI_DENSE": "0"})).stdout)

    assert served["decision"] == "answer" and served["search"] == "meaning"
    assert served["explanation"] == ("Found “How long does shipping take?” — a close match: "
                                     "the assistant would answer with it.")
    del cli["escalate"]
    assert cli == served
    assert keywords["decision"] == "decline" and keywords["search"] == "keywords"
