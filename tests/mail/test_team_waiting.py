"""A visitor handed to a person whom nobody accepts: after PARLEY_NOTIFY_WAITING_S the
widget's team (its agents and its owner) get one email, in Bcc, each only if they want it;
an accept before then, or a setting of 0, sends nothing."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.context import Context
from chatserver.timeutil import advance
from tests.helpers.smtp import SmtpSink
from tests.helpers.sockets import WS
from tests.helpers.team_mail import choose, clock, rows, settled  # noqa: F401 - clock: fixture

pytestmark = pytest.mark.usefixtures("clock")

PUBLIC = "https://chat.parley.test"


@pytest.fixture
def waiting_s() -> int:
    return 300


@pytest.fixture
def settings_overrides(smtp_sink: SmtpSink, waiting_s: int) -> dict[str, Any]:
    return {**smtp_sink.settings(public_url=PUBLIC), "notify_waiting_s": waiting_s}


async def _escalated(world: Any, first: str, last: str) -> tuple[str, WS]:
    s = await world.session(visitor_name="Vera Visitor")
    visitor, _ = await world.visitor(s)
    await visitor.say(first)
    await visitor.say(last)
    await visitor.send({"type": "escalate"})
    assert (await visitor.expect("escalated"))["offline"] is True
    return str(s["session_id"]), visitor


async def test_nobody_accepts_and_one_email_reaches_those_who_want_it(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world()
    await world.add_agent("bob")
    carol = await world.add_agent("carol")
    assert await choose(world.api, carol["token"], waiting=False) == {
        "waiting": False, "offline_email": True, "digest": True, "mention": True}
    sid, _ = await _escalated(world, "Do you ship to Norway?", "Hello, anyone there?")
    [row] = await rows(ctx, "notify_waiting")
    assert row["status"] == "pending" and row["session_id"] == sid
    # Not due yet: nothing goes out before the 300 s.
    advance(290)
    await settled(ctx, outbox_sender)
    assert smtp_sink.received == []
    advance(20)
    [row] = await settled(ctx, outbox_sender, "notify_waiting")
    assert row["status"] == "sent"
    [mail] = smtp_sink.received
    # The widget's agents and its owner ("root"), not carol who opted out; all in Bcc.
    assert sorted(mail.recipients) == ["alice@example.com", "bob@example.com",
                                       "root@example.com"]
    assert mail.message["Bcc"] is None and mail.message["To"] == "undisclosed-recipients:;"
    assert mail.message["Subject"] == "Vera Visitor has been waiting 5 min for a person"
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert mail.message["List-Unsubscribe"] == f"<{PUBLIC}/agent/settings>"
    assert mail.message["Message-ID"] == row["message_id"]
    link = f"{PUBLIC}/agent/chats/{sid}"
    for body in (mail.text, mail.html):
        assert link in body and "Acme" in body
        assert "Do you ship to Norway?" in body and "Hello, anyone there?" in body
    # Nothing more: one email per wait.
    await settled(ctx, outbox_sender)
    assert len(smtp_sink.received) == 1


async def test_an_accept_before_the_time_sends_nothing(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world()
    sid, _ = await _escalated(world, "Hi", "Still here")
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": sid})
    await alice.expect("accepted")
    advance(301)
    [row] = await settled(ctx, outbox_sender, "notify_waiting")
    assert row["status"] == "skipped"
    assert smtp_sink.received == []


async def test_nobody_who_wants_it_sends_nothing(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world()
    await choose(world.api, world.agents["alice"]["token"], waiting=False)
    await choose(world.api, world.admin, waiting=False)
    await _escalated(world, "Hi", "Hello?")
    advance(301)
    [row] = await settled(ctx, outbox_sender, "notify_waiting")
    assert row["status"] == "skipped" and smtp_sink.received == []


async def test_a_visitor_who_left_an_email_is_not_announced_twice(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    """Nobody online: the team hears of the email at once, and the waiting reminder for the
    same wait is skipped (it would say less, minutes later)."""
    world = await make_world()
    s = await world.session(visitor_name="Vera")
    visitor, _ = await world.visitor(s)
    await visitor.say("I need help with my order")
    await visitor.send({"type": "escalate"})
    await visitor.expect("escalated")
    await visitor.send({"type": "leave_email", "email": "vera@example.org", "note": "please"})
    await visitor.expect("email_saved")
    [mail] = await smtp_sink.wait_for(1)
    assert mail.message["Subject"] == "Vera left an email for a reply"
    advance(301)
    found = await settled(ctx, outbox_sender)
    assert [(r["kind"], r["status"]) for r in found] == [
        ("notify_waiting", "skipped"), ("notify_offline_email", "sent")]
    assert len(smtp_sink.received) == 1


async def test_escalating_again_after_a_hand_back_is_a_new_wait(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world()
    sid, visitor = await _escalated(world, "Hi", "Hello")
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": sid})
    await alice.expect("accepted")
    await alice.send({"type": "hand_back", "session_id": sid})
    await visitor.expect("agent_left")
    await visitor.send({"type": "escalate"})
    await visitor.expect("escalated")
    advance(301)
    found = await settled(ctx, outbox_sender, "notify_waiting")
    assert [r["status"] for r in found] == ["skipped", "sent"]
    assert len(smtp_sink.received) == 1


@pytest.mark.parametrize("waiting_s", [0])
async def test_zero_seconds_means_never(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    await _escalated(world, "Hi", "Hello")
    assert await rows(ctx) == []
