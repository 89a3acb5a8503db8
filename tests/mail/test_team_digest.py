"""The daily digest: at PARLEY_MAIL_DIGEST_HOUR, one email per person on a team who wants it,
listing only their widgets' missed conversations of the 24 hours before; nothing when
nothing was missed; once a day however many processes or runs schedule it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chatserver.context import Context
from chatserver.services import chat
from chatserver.services.digest import DigestScheduler
from chatserver.timeutil import advance, utcnow
from tests.helpers.accounts import login, register
from tests.helpers.smtp import SmtpSink
from tests.helpers.team_mail import choose, clock, rows, settled  # noqa: F401 - clock: fixture

pytestmark = pytest.mark.usefixtures("clock")

PUBLIC = "https://chat.parley.test"


@pytest.fixture
def settings_overrides(smtp_sink: SmtpSink) -> dict[str, Any]:
    # At midnight UTC: the digest of the day covers all of yesterday.
    return {**smtp_sink.settings(public_url=PUBLIC), "mail_digest_hour": 0,
            "notify_waiting_s": 0}


def _next_day() -> None:
    """Move the clock to the next day, so today's conversations are yesterday's."""
    advance(24 * 3600)


async def test_each_person_gets_their_widgets_missed_conversations(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world()
    api = world.api
    # A second widget with its own agent, dave; bob is on the first widget and opts out.
    other = (await api.post("/api/widgets", {"business_name": "Globex", "ai_enabled": False},
                            token=world.admin)).json["widget"]
    dave = (await register(api, "dave", role="agent", token=world.admin))["user"]
    await api.put(f"/api/widgets/{other['site_key']}/agents/{dave['id']}", token=world.admin)
    bob = await world.add_agent("bob")
    await choose(api, bob["token"], digest=False)

    # On Acme: one visitor left while waiting, one still waits with an email left, one was
    # answered (not missed). On Globex: one still waiting.
    gone = await world.waiting_session(visitor_name="Gone Gina")
    emailed = await world.session(visitor_name="Emma Email")
    visitor, _ = await world.visitor(emailed)
    await visitor.say("Please write back")
    await visitor.send({"type": "escalate"})
    await visitor.expect("escalated")
    await visitor.send({"type": "leave_email", "email": "emma@example.org"})
    await visitor.expect("email_saved")
    answered = await world.waiting_session(visitor_name="Happy Hal")
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": answered["session_id"]})
    await alice.expect("accepted")
    resp = await api.post(f"/api/widgets/{other['site_key']}/sessions",
                          {"visitor_name": "Gus Globex"})
    globex = resp.json
    assert (await api.post(f"/api/widgets/escalate/{other['site_key']}/{globex['session_id']}",
                           {}, token=globex["visitor_token"])).code == 200
    await settled(ctx, outbox_sender)  # the "left an email" email, now
    before = len(smtp_sink.received)

    _next_day()
    # Gina and Gus are marked abandoned (idle); Emma is still on the page.
    await chat.abandon_idle(ctx, 1800, {emailed["session_id"]})
    assert await DigestScheduler(ctx).run() == 3  # root, alice and dave; not bob
    found = await settled(ctx, outbox_sender, "digest")
    assert sorted((r["recipient"], r["status"]) for r in found) == [
        ("alice@example.com", "sent"), ("dave@example.com", "sent"),
        ("root@example.com", "sent")]
    mails = {m.recipients[0]: m for m in smtp_sink.received[before:]}
    assert sorted(mails) == ["alice@example.com", "dave@example.com", "root@example.com"]

    acme = mails["alice@example.com"]
    assert acme.message["Subject"] == "Missed conversations: 2"
    for body in (acme.text, acme.html):
        assert "Gone Gina" in body and "Emma Email" in body and "emma@example.org" in body
        assert "Happy Hal" not in body and "Gus Globex" not in body
        assert f"{PUBLIC}/agent/history/{gone['session_id']}" in body
        assert f"{PUBLIC}/agent/chats/{emailed['session_id']}" in body
    assert "Please write back" in acme.text
    dave_mail = mails["dave@example.com"]
    assert dave_mail.message["Subject"] == "Missed conversations: 1"
    assert "Gus Globex" in dave_mail.text and "Gone Gina" not in dave_mail.text
    # The owner of both widgets sees both.
    root = mails["root@example.com"]
    assert root.message["Subject"] == "Missed conversations: 3"
    assert "Gus Globex" in root.text and "Acme, Globex" in root.text


async def test_nothing_missed_sends_nothing(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world()
    s = await world.waiting_session()
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    await alice.expect("accepted")
    _next_day()
    assert await DigestScheduler(ctx).run() == 2
    found = await settled(ctx, outbox_sender, "digest")
    assert [r["status"] for r in found] == ["skipped", "skipped"]
    assert smtp_sink.received == []


async def test_one_digest_a_day_whatever_runs_it(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    world = await make_world()
    await world.waiting_session(visitor_name="Wanda")
    _next_day()
    # Two processes, each with its scheduler, and each running every sweep.
    first, second = DigestScheduler(ctx), DigestScheduler(ctx)
    assert await first.run() == 2
    assert await first.run() == 0 and await second.run() == 0
    await settled(ctx, outbox_sender, "digest")
    assert sorted(m.recipients[0] for m in smtp_sink.received) == [
        "alice@example.com", "root@example.com"]
    # A process started later the same day (an hour later, or just before midnight when the
    # test runs in the day's last hour) queues nothing either.
    now = utcnow()
    later = min(now + timedelta(hours=1), now.replace(hour=23, minute=59, second=59))
    assert await DigestScheduler(ctx).run(later) == 0
    assert len(await rows(ctx, "digest")) == 2


async def test_not_before_the_hour_and_not_for_who_opted_out(
        make_world: Any, ctx: Context, smtp_sink: SmtpSink) -> None:
    world = await make_world()
    await choose(world.api, world.agents["alice"]["token"], digest=False)
    scheduler = DigestScheduler(ctx)
    ctx.settings = ctx.settings.replace(mail_digest_hour=23)
    early = utcnow().replace(hour=22, minute=59)
    assert await scheduler.run(early) == 0
    assert await scheduler.run(early + timedelta(minutes=1)) == 1  # root only
    [row] = await rows(ctx, "digest")
    assert row["recipient"] == "root@example.com"
    assert row["key"] == f"digest:{early.date().isoformat()}:{row['payload']['user_id']}"
    assert await login(world.api, "alice")  # alice is still a user; she chose no digest
