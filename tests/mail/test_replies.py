"""Agent replies by email, end to end: a real server, real sockets, the outbox's sender and a
real SMTP server on loopback; the clock is moved past the batch window with `advance`.

Agent messages the visitor has not seen within PARLEY_MAIL_BATCH_S of the first of them
arrive as one email; messages the visitor saw in the widget (a `seen` frame) are not mailed;
after an email, the next agent message starts the next batch."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db.schema import sessions
from chatserver.mail.tokens import read_link_token, session_of_reply_address
from chatserver.timeutil import advance, reset_clock
from tests.helpers.mail_flow import chat_with_alice, rows, until_done
from tests.helpers.smtp import SmtpSink

BATCH_S = 60.0


@pytest.fixture
def settings_overrides(smtp_sink: SmtpSink) -> dict[str, Any]:
    # No team notification of the wait: these tests count the visitor's emails only.
    return {**smtp_sink.settings(public_url="https://chat.example.test"),
            "mail_batch_s": BATCH_S, "notify_waiting_s": 0}


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    yield
    reset_clock()


async def session_row(ctx: Context, sid: str) -> RowMapping:
    async with ctx.engine.connect() as conn:
        return (await conn.execute(select(sessions).where(sessions.c.id == sid))).mappings().one()


async def test_unseen_agent_messages_are_mailed_together_once(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world(business_name="Acme & Sons", primary_color="#aa3300")
    s, alice = await chat_with_alice(world, visitor_email="Vera@Example.test")
    sid = s["session_id"]
    texts = ["Hello Vera!", "Your order <#42> left today.\nTracking: ZX-1", "Anything else?"]
    for i, text in enumerate(texts):
        await alice.say(text, f"a-{i}", session_id=sid)
    queued = await rows(ctx)
    assert [(r["kind"], r["status"]) for r in queued] == [("agent_reply", "pending")]
    assert (queued[0]["due_at"] - queued[0]["created_at"]).total_seconds() == \
        pytest.approx(BATCH_S, abs=2)
    # Not before the batch is due.
    await outbox_sender.run_once()
    assert smtp_sink.received == [] and (await rows(ctx))[0]["status"] == "pending"

    advance(BATCH_S + 1)
    [mail] = await smtp_sink.wait_for(1)
    done = await until_done(ctx, outbox_sender, 1)
    assert [r["status"] for r in done] == ["sent"]
    assert mail.recipients == ["vera@example.test"]
    msg = mail.message
    assert msg["From"].addresses[0].display_name == "Acme & Sons"
    assert msg["From"].addresses[0].addr_spec == "support@parley.test"
    assert str(msg["To"]) == "vera@example.test"
    assert msg["Subject"] == "New reply from Acme & Sons"
    assert msg["Message-ID"] == done[0]["message_id"]
    assert msg["References"] == f"<conversation-{sid}@parley.test>" == msg["In-Reply-To"]
    assert msg["Auto-Submitted"] is None  # a person wrote it: auto-responders may answer
    reply_to = msg["Reply-To"].addresses[0].addr_spec
    assert session_of_reply_address(ctx.settings.secret_key, reply_to,
                                    "reply.parley.test") == sid
    # Both bodies carry the three messages in order, the agent's name, the link, the hint.
    text = mail.text.replace("\r\n", "\n")
    assert [text.index(t) for t in texts] == sorted(text.index(t) for t in texts)
    assert "alice · " in text and "You can reply to this email" in text
    link = text.split("Open the conversation: ")[1].split()[0]
    assert link.startswith("https://chat.example.test/c/")
    assert read_link_token(ctx.settings.secret_key, link.rsplit("/", 1)[1])[0] == sid
    html = mail.html.replace("\r\n", "\n")
    assert "Your order &lt;#42&gt; left today.\nTracking: ZX-1" in html
    assert "<#42>" not in html and "white-space:pre-wrap" in html
    assert f'href="{link}"' in html and ">Open the conversation</a>" in html
    assert "#aa3300" in html and "Acme &amp; Sons" in html
    seqs = [m["seq"] for m in (await world.api.get(
        f"/api/widgets/{world.key}/sessions/{sid}/messages",
        token=world.agents["alice"]["token"])).json["messages"] if m["sender_type"] == "agent"]
    assert (await session_row(ctx, sid))["mailed_seq"] == max(seqs)

    # Nothing more is sent for those; a new message starts the next batch, with it alone.
    await outbox_sender.run_once()
    assert len(smtp_sink.received) == 1
    await alice.say("One more thing: it arrives Monday.", "a-9", session_id=sid)
    assert [r["status"] for r in await rows(ctx)] == ["sent", "pending"]
    advance(BATCH_S + 1)
    _, second = await smtp_sink.wait_for(2)
    assert "it arrives Monday" in second.text
    assert not any(t.split("\n")[0] in second.text for t in texts)
    assert second.message["References"] == msg["References"]


async def test_messages_the_visitor_saw_are_not_mailed(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world()
    s, alice = await chat_with_alice(world, visitor_email="vera@example.test")
    sid = s["session_id"]
    visitor, _ = await world.visitor(s)
    first = await alice.say("Hi Vera", "a-1", session_id=sid)
    second = await alice.say("Let me check", "a-2", session_id=sid)
    await visitor.expect("message", client_msg_id="a-2")
    assert [r["status"] for r in await rows(ctx)] == ["pending"]
    # The visitor's widget says they saw both: stored before it reaches the agent.
    await visitor.send({"type": "seen", "seq": second["seq"]})
    await alice.expect("seen", seq=second["seq"])
    assert (await session_row(ctx, sid))["visitor_seen_seq"] == second["seq"]

    advance(BATCH_S + 1)
    done = await until_done(ctx, outbox_sender, 1)
    assert [r["status"] for r in done] == ["skipped"]
    assert smtp_sink.received == []
    assert (await session_row(ctx, sid))["mailed_seq"] == second["seq"] > first["seq"]

    # The visitor leaves; the agent's next message is mailed, alone.
    visitor.close()
    await alice.say("Found it: it ships tomorrow.", "a-3", session_id=sid)
    advance(BATCH_S + 1)
    [mail] = await smtp_sink.wait_for(1)
    assert "it ships tomorrow" in mail.text and "Let me check" not in mail.text
    assert [r["status"] for r in await until_done(ctx, outbox_sender, 2)] == ["skipped", "sent"]


async def test_seen_frames_write_only_when_they_cover_an_agent_message(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s = await world.session(visitor_email="vera@example.test")
    visitor, _ = await world.visitor(s)
    ack = await visitor.say("Hello?", "v-1")
    # Nothing from an agent reached this socket: the seen seq is relayed, not stored.
    await visitor.send({"type": "seen", "seq": ack["seq"]})
    await visitor.quiet(0.2)
    assert (await session_row(ctx, s["session_id"]))["visitor_seen_seq"] == 0
    # An agent's message replayed on a new socket counts too.
    sid = s["session_id"]
    await world.api.post(f"/api/widgets/escalate/{world.key}/{sid}", {},
                         token=s["visitor_token"])
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": sid})
    await alice.expect("accepted")
    reply = await alice.say("I'm here", "a-1", session_id=sid)
    visitor.close()
    again, _ = await world.visitor(s, last_seq=ack["seq"])
    await again.expect("message", client_msg_id="a-1")
    await again.send({"type": "seen", "seq": reply["seq"] + 5})  # beyond: stored as covered
    await alice.expect("seen")
    assert (await session_row(ctx, sid))["visitor_seen_seq"] == reply["seq"]


async def test_no_email_no_batch(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s, alice = await chat_with_alice(world)
    await alice.say("Hi", "a-1", session_id=s["session_id"])
    assert await rows(ctx) == []


async def test_two_senders_mail_a_batch_once(
        make_world: Any, ctx: Context, settings: Any, smtp_sink: SmtpSink) -> None:
    """Two processes' senders (each its own engine) race for the due batch: one email."""
    from chatserver.app import open_context
    from chatserver.services.assistant import AIRunner
    from chatserver.services.outbox_sender import OutboxSender

    world = await make_world()
    s, alice = await chat_with_alice(world, visitor_email="vera@example.test")
    for i in range(3):
        await alice.say(f"message {i}", f"a-{i}", session_id=s["session_id"])
    runner = AIRunner(settings)
    other = open_context(settings, runner)
    try:
        advance(BATCH_S + 1)
        here, there = OutboxSender(ctx), OutboxSender(other)
        claimed = await asyncio.gather(here.run_once(), there.run_once())
        assert sorted(claimed) == [0, 1]
        assert [r["status"] for r in await rows(ctx)] == ["sent"]
        await asyncio.gather(here.run_once(), there.run_once())
    finally:
        await runner.close()
        await other.close()
    assert len(smtp_sink.received) == 1
    assert all(f"message {i}" in smtp_sink.received[0].text for i in range(3))
