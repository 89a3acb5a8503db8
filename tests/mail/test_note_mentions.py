"""@mentions in private notes by email: one email to the teammate named, queued in the note's
transaction and delivered; none when their `mention` choice is off or when the name is not
a teammate who may see the conversation. And a note never reaches the visitor's emails or
their conversation link's page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chatserver.context import Context
from chatserver.mail.tokens import link_token
from chatserver.timeutil import utcnow
from tests.helpers.accounts import register
from tests.helpers.mail_flow import chat_with_alice, until_done
from tests.helpers.settings import TEST_SECRET
from tests.helpers.smtp import SmtpSink
from tests.helpers.sockets import WS
from tests.helpers.team_mail import choose, rows

PUBLIC = "https://chat.example.test"
SECRET = "internal: the warehouse lost it"


@pytest.fixture
def settings_overrides(smtp_sink: SmtpSink) -> dict[str, Any]:
    return {**smtp_sink.settings(public_url=PUBLIC), "mail_batch_s": 3600.0}


async def note(ws: WS, sid: str, text: str, cid: str) -> dict[str, Any]:
    await ws.send({"type": "note", "session_id": sid, "client_msg_id": cid, "text": text})
    return await ws.expect("note_ack", client_msg_id=cid)


async def test_a_mention_queues_one_email_in_the_notes_transaction(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world(business_name="Acme")
    bob = await world.add_agent("bob")
    await register(world.api, "carol", role="agent", token=world.admin)  # not on this widget
    s, alice = await chat_with_alice(world)
    sid = s["session_id"]
    ack = await note(alice, sid, "@Bob please look, and @carol too. " + SECRET, "n-1")
    # Committed with the note: the row is there when the ack is.
    [row] = await rows(ctx, "notify_mention")
    assert row["recipient"] == "bob@example.com" and row["session_id"] == sid
    assert row["payload"] == {"note_id": ack["id"], "user_id": bob["id"]}
    # The same note again queues nothing more.
    await note(alice, sid, "@Bob please look, and @carol too. " + SECRET, "n-1")
    assert len(await rows(ctx, "notify_mention")) == 1
    await until_done(ctx, outbox_sender, 1)
    [mail] = await smtp_sink.wait_for(1)
    assert mail.recipients == ["bob@example.com"]
    assert mail.message["Subject"] == "alice mentioned you in a conversation with Vera"
    for body in (mail.text, mail.html):
        assert "warehouse lost it" in body and f"{PUBLIC}/agent/chats/{sid}" in body
    listed = await world.api.get(f"/api/agents/sessions/{sid}/notes", token=bob["token"])
    assert listed.json["notes"][0]["mentions"] == [bob["id"]]  # carol is ignored


async def test_a_mention_with_the_choice_off_sends_no_email_but_still_tells_them(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    bob = await world.add_agent("bob")
    assert (await choose(world.api, bob["token"], mention=False))["mention"] is False
    s, alice = await chat_with_alice(world)
    bob_ws, _ = await world.agent("bob")
    await note(alice, s["session_id"], "@bob have a look", "n-off")
    await bob_ws.expect("mention", session_id=s["session_id"])
    assert await rows(ctx, "notify_mention") == []


async def test_the_visitor_never_reads_a_note_in_an_email_or_the_link_page(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world()
    s, alice = await chat_with_alice(world, visitor_email="vera@example.test")
    sid = s["session_id"]
    visitor, _ = await world.visitor(s)
    await visitor.say("Where is my parcel?", "v-1")
    await note(alice, sid, SECRET, "n-1")
    await alice.say("It is on its way.", "a-1", session_id=sid)
    await note(alice, sid, "another " + SECRET, "n-2")
    page = await world.api.get("/c/" + link_token(TEST_SECRET, sid, utcnow() + timedelta(hours=1)))
    assert page.code == 200 and "warehouse" not in page.body.decode()
    await visitor.send({"type": "close", "transcript": True})
    await visitor.expect("session_closed")
    await until_done(ctx, outbox_sender, 1)
    mails = await smtp_sink.wait_for(1)
    transcript = [m for m in mails if m.recipients == ["vera@example.test"]]
    assert transcript and "It is on its way." in transcript[0].text
    for mail in mails:
        assert "warehouse" not in mail.text and "warehouse" not in mail.html
