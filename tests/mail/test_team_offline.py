"""A visitor who leaves an email while the widget is outside its hours, or while none of its
agents is online: the team who want it get one email at once, with the address, the note,
the conversation so far and a link; with an agent online in hours, nothing is sent."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from chatserver.context import Context
from chatserver.services.hours import DAYS
from tests.helpers.smtp import SmtpSink
from tests.helpers.team_mail import choose, clock, rows, settled  # noqa: F401 - clock: fixture

pytestmark = pytest.mark.usefixtures("clock")

PUBLIC = "https://chat.parley.test"


@pytest.fixture
def settings_overrides(smtp_sink: SmtpSink) -> dict[str, Any]:
    return smtp_sink.settings(public_url=PUBLIC)


def closed_today() -> dict[str, list[list[str]]]:
    """Business hours on another weekday only: the widget is closed all of today (UTC)."""
    other = DAYS[(datetime.now(UTC).weekday() + 3) % 7]
    return {other: [["09:00", "17:00"]]}


async def _leave_email(world: Any, email: str, note: str) -> str:
    s = await world.session(visitor_name="Olga")
    visitor, _ = await world.visitor(s)
    await visitor.say("Can I return an opened box?")
    await visitor.send({"type": "escalate"})
    await visitor.expect("escalated")
    await visitor.send({"type": "leave_email", "email": email, "note": note})
    await visitor.expect("email_saved")
    return str(s["session_id"])


async def test_outside_hours_the_team_hears_at_once(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world(business_hours=closed_today(), timezone="UTC")
    bob = await world.add_agent("bob")
    await choose(world.api, bob["token"], offline_email=False)
    # Alice is online, but it is outside the hours: the team is told all the same.
    await world.agent("alice")
    sid = await _leave_email(world, "Olga@Example.org", "Call me after 6")
    [mail] = await smtp_sink.wait_for(1)
    assert sorted(mail.recipients) == ["alice@example.com", "root@example.com"]
    assert mail.message["Subject"] == "Olga left an email for a reply"
    link = f"{PUBLIC}/agent/chats/{sid}"
    for body in (mail.text, mail.html):
        assert "olga@example.org" in body and "Call me after 6" in body
        assert "Can I return an opened box?" in body and link in body
    [row] = await settled(ctx, outbox_sender, "notify_offline_email")
    assert row["status"] == "sent"


async def test_the_same_address_again_is_one_email_and_a_new_one_another(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    for email in ("a@example.org", "a@example.org", "b@example.org"):
        await visitor.send({"type": "leave_email", "email": email})
        await visitor.expect("email_saved")
    found = await settled(ctx, outbox_sender, "notify_offline_email")
    assert [r["payload"]["email"] for r in found] == ["a@example.org", "b@example.org"]
    # The first address was replaced before its email went out, or it went out: never a
    # stale address after the new one.
    statuses = [r["status"] for r in found]
    assert statuses[1] == "sent" and statuses[0] in ("sent", "skipped")
    assert len(smtp_sink.received) == statuses.count("sent")
    assert "b@example.org" in smtp_sink.received[-1].text


async def test_in_hours_with_an_agent_online_nothing_is_sent(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink) -> None:
    world = await make_world()
    await world.agent("alice")
    await _leave_email(world, "olga@example.org", "")
    assert await rows(ctx, "notify_offline_email") == []


async def test_in_hours_with_nobody_online_the_team_hears(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world()
    await _leave_email(world, "olga@example.org", "")
    [mail] = await smtp_sink.wait_for(1)
    assert sorted(mail.recipients) == ["alice@example.com", "root@example.com"]
    assert "olga@example.org" in mail.text
