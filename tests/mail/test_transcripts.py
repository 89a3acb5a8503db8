"""Transcripts by email, end to end: asked by the visitor when closing (the `close` frame's
`transcript`) or by an agent (REST); one email each with the whole conversation, in the
widget's language; asking twice sends one."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.context import Context
from tests.helpers.accounts import login, register
from tests.helpers.mail_flow import chat_with_alice, rows, until_done
from tests.helpers.smtp import SmtpSink


@pytest.fixture
def settings_overrides(smtp_sink: SmtpSink) -> dict[str, Any]:
    return {**smtp_sink.settings(public_url="https://chat.example.test"),
            "mail_batch_s": 3600.0}  # no reply batch comes due in these tests


async def test_the_visitor_asks_for_the_transcript_when_closing(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world(business_name="Tienda", language="es")
    s, alice = await chat_with_alice(world, visitor_email="vera@example.test")
    sid = s["session_id"]
    visitor, _ = await world.visitor(s)
    await visitor.say("¿Dónde está mi pedido <42>?", "v-1")
    await alice.say("Sale mañana.\nGracias", "a-1", session_id=sid)
    await visitor.send({"type": "close", "rating": 5, "transcript": True})
    await visitor.expect("session_closed")
    mail = (await smtp_sink.wait_for(1))[0]
    assert mail.recipients == ["vera@example.test"]
    assert mail.message["Subject"] == "Su conversación con Tienda"
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert mail.message["References"] == f"<conversation-{sid}@parley.test>"
    text = mail.text.replace("\r\n", "\n")
    assert "Usted · " in text and "¿Dónde está mi pedido <42>?" in text
    assert "alice · " in text and "Sale mañana.\nGracias" in text
    assert "The conversation was handed to a person." in text  # system lines too
    assert text.index("pedido") < text.index("Sale mañana") < text.index("was closed")
    assert "Abrir la conversación: https://chat.example.test/c/" in text
    html = mail.html.replace("\r\n", "\n")
    assert "pedido &lt;42&gt;?" in html and "Sale mañana.\nGracias" in html
    assert 'lang="es"' in html
    # Asking again on the closed conversation (a second click) sends nothing more.
    await visitor.send({"type": "close", "transcript": True})
    await visitor.quiet(0.2)
    assert [r["kind"] for r in await rows(ctx) if r["kind"] == "transcript"] == ["transcript"]
    assert [r["status"] for r in await until_done(ctx, outbox_sender, 1)
            if r["kind"] == "transcript"] == ["sent"]
    assert len(smtp_sink.received) == 1


async def test_a_bad_transcript_flag_is_refused(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s = await world.session(visitor_email="vera@example.test")
    visitor, _ = await world.visitor(s)
    await visitor.send({"type": "close", "transcript": "yes"})
    assert (await visitor.expect("error"))["code"] == "invalid_transcript"
    assert await rows(ctx) == []


async def test_no_transcript_without_an_email_or_unasked(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.send({"type": "close", "transcript": True})
    await visitor.expect("session_closed")
    s2 = await world.session(visitor_email="v2@example.test")
    visitor2, _ = await world.visitor(s2)
    await visitor2.send({"type": "close"})
    await visitor2.expect("session_closed")
    assert await rows(ctx) == []


async def test_an_agent_emails_the_transcript(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world(business_name="Acme")
    s, alice = await chat_with_alice(world, visitor_email="vera@example.test")
    sid = s["session_id"]
    await alice.say("Here is your refund.", "a-1", session_id=sid)
    token = world.agents["alice"]["token"]
    path = f"/api/agents/sessions/{sid}/transcript"
    first = await world.api.post(path, token=token)
    again = await world.api.post(path, token=token)  # a double click
    assert first.code == again.code == 202
    assert first.json["queued"] is True and again.json["queued"] is False
    assert first.json["id"] == again.json["id"]
    [mail] = await smtp_sink.wait_for(1)
    assert mail.message["Subject"] == "Your conversation with Acme"
    text = mail.text
    assert "Here is your refund." in text and "alice · " in text
    assert "You can reply to this email" in text
    assert [r["status"] for r in await until_done(ctx, outbox_sender, 1)
            if r["id"] == first.json["id"]] == ["sent"]

    # Nobody else's: an agent of no widget of this session's gets 404, nobody signed in 401.
    await register(world.api, "zed", role="agent", token=world.admin)
    assert (await world.api.post(path, token=await login(world.api, "zed"))).code == 404
    assert (await world.api.post(path)).code == 401


async def test_transcript_refusals(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    resp = await world.api.post(f"/api/agents/sessions/{s['session_id']}/transcript",
                                token=world.agents["alice"]["token"])
    assert resp.code == 409 and resp.error_code == "no_email"
