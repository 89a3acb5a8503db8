"""Without PARLEY_SMTP_HOST nothing about email costs anything or pretends to work: agent
replies queue nothing, and asking for a transcript says mail is off."""

from __future__ import annotations

from typing import Any

from chatserver.context import Context
from tests.helpers.mail_flow import chat_with_alice, rows


async def test_with_mail_off_nothing_is_queued_and_transcripts_say_so(
        make_world: Any, ctx: Context) -> None:
    assert not ctx.settings.mail_enabled
    world = await make_world()
    s, alice = await chat_with_alice(world, visitor_email="vera@example.test")
    sid = s["session_id"]
    await alice.say("Hello Vera", "a-1", session_id=sid)
    visitor, _ = await world.visitor(s)
    await visitor.send({"type": "close", "transcript": True})
    await visitor.expect("session_closed")
    resp = await world.api.post(f"/api/agents/sessions/{sid}/transcript",
                                token=world.agents["alice"]["token"])
    assert resp.code == 409 and resp.error_code == "mail_disabled"
    assert await rows(ctx) == []
