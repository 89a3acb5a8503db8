"""The outbox's sender against a real SMTP server on loopback, one round at a time (the
clock is moved past each back-off): an SMTP outage, a server answering 451 for a while, a
550, a builder that raises, a dead process's lease, the database going away mid-round."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pymysql
import pytest
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import OperationalError

from chatserver.context import Context
from chatserver.db import outbox as outbox_db
from chatserver.services import mail_kinds
from chatserver.services.mail_kinds import Outgoing
from chatserver.services.outbox_sender import OutboxSender, backoff_s, lease_s
from chatserver.timeutil import advance, reset_clock, utcnow
from tests.helpers.outbox import queue, rows, wait_rows
from tests.helpers.smtp import SmtpSink

# Past any back-off of these tests (base 0.2 s, a few attempts).
LATER_S = 60.0


@pytest.fixture
def settings_overrides(smtp_sink: SmtpSink) -> dict[str, Any]:
    return {**smtp_sink.settings(), "mail_max_attempts": 4, "smtp_timeout_s": 2.0}


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    yield
    reset_clock()


@pytest.fixture
def sender(ctx: Context) -> OutboxSender:
    """A sender that is not started: the test runs its rounds."""
    return OutboxSender(ctx)


def _summary(found: list[RowMapping]) -> list[tuple[str, int]]:
    return [(r["status"], r["attempts"]) for r in found]


async def test_an_smtp_outage_delays_every_email_and_loses_none(
        ctx: Context, smtp_sink: SmtpSink, sender: OutboxSender) -> None:
    smtp_sink.stop()
    await queue(ctx.engine, ctx.settings, 5)
    assert await sender.run_once() == 5
    found = await rows(ctx.engine)
    assert _summary(found) == [("pending", 1)] * 5
    assert all("SMTPConnectError" in r["last_error"] for r in found)
    assert all(r["due_at"] > utcnow() and r["lease_owner"] is None for r in found)
    assert await sender.run_once() == 0  # nothing is due before its back-off
    advance(LATER_S)
    assert await sender.run_once() == 5
    assert _summary(await rows(ctx.engine)) == [("pending", 2)] * 5

    smtp_sink.start()  # the same port
    advance(LATER_S)
    assert await sender.run_once() == 5
    found = await rows(ctx.engine)
    assert _summary(found) == [("sent", 3)] * 5
    assert all(r["last_error"] is None and r["sent_at"] is not None for r in found)
    advance(LATER_S)
    assert await sender.run_once() == 0
    mails = smtp_sink.received
    assert sorted(m.recipients[0] for m in mails) == [f"r{i}@x.test" for i in range(5)]
    assert sorted(m.message["Message-ID"] for m in mails) == sorted(
        r["message_id"] for r in found)
    assert "Parley test email" in mails[0].message["Subject"]


async def test_a_server_answering_451_for_a_while_gets_the_email_once_it_takes_it(
        ctx: Context, smtp_sink: SmtpSink, sender: OutboxSender) -> None:
    smtp_sink.refuse_with = "451 4.3.0 Mailbox busy, try later"
    await queue(ctx.engine, ctx.settings, 1)
    for attempt in (1, 2):
        assert await sender.run_once() == 1
        [row] = await rows(ctx.engine)
        assert (row["status"], row["attempts"]) == ("pending", attempt)
        assert row["last_error"] == "451 4.3.0 Mailbox busy, try later"
        advance(LATER_S)
    smtp_sink.refuse_with = None
    assert await sender.run_once() == 1
    assert _summary(await rows(ctx.engine)) == [("sent", 3)]
    assert len(smtp_sink.received) == 1


async def test_a_550_fails_the_email_at_once_with_the_servers_answer(
        ctx: Context, smtp_sink: SmtpSink, sender: OutboxSender) -> None:
    smtp_sink.refuse_with = "550 5.1.1 No such user here"
    await queue(ctx.engine, ctx.settings, 1)
    assert await sender.run_once() == 1
    [row] = await rows(ctx.engine)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert row["last_error"] == "550 5.1.1 No such user here"
    advance(LATER_S)
    assert await sender.run_once() == 0
    assert smtp_sink.received == []


@pytest.mark.parametrize(("answer", "status"), [("550 5.1.1 No such user", "failed"),
                                                ("450 4.2.1 Mailbox busy", "pending")])
async def test_a_refused_recipient_fails_the_email_on_a_5xx_only(
        ctx: Context, smtp_sink: SmtpSink, sender: OutboxSender, answer: str,
        status: str) -> None:
    smtp_sink.refuse_rcpt = answer
    await queue(ctx.engine, ctx.settings, 1)
    assert await sender.run_once() == 1
    [row] = await rows(ctx.engine)
    assert (row["status"], row["attempts"]) == (status, 1)
    assert row["last_error"] == f"recipients refused: r0@x.test: {answer}"


async def test_4xx_answers_fail_the_email_once_the_attempts_are_used_up(
        ctx: Context, smtp_sink: SmtpSink, sender: OutboxSender) -> None:
    smtp_sink.refuse_with = "421 4.7.0 Too many connections"
    await queue(ctx.engine, ctx.settings, 1)
    statuses = []
    for _ in range(5):
        await sender.run_once()
        statuses.append(_summary(await rows(ctx.engine))[0])
        advance(LATER_S)
    assert statuses == [("pending", 1), ("pending", 2), ("pending", 3), ("failed", 4),
                        ("failed", 4)]


async def test_a_builder_that_raises_is_retried_then_failed_and_others_go_on(
        ctx: Context, smtp_sink: SmtpSink, sender: OutboxSender,
        monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(ctx: Context, row: RowMapping) -> Any:
        raise KeyError("widget_id")

    monkeypatch.setitem(mail_kinds.BUILDERS, "broken", broken)
    await queue(ctx.engine, ctx.settings, 1, kind="broken", prefix="b")
    await queue(ctx.engine, ctx.settings, 1)
    for _ in range(4):
        await sender.run_once()
        advance(LATER_S)
    broken_row, good_row = await rows(ctx.engine)
    assert (broken_row["status"], broken_row["attempts"]) == ("failed", 4)
    assert broken_row["last_error"] == "KeyError: 'widget_id'"
    assert (good_row["status"], good_row["attempts"]) == ("sent", 1)
    assert len(smtp_sink.received) == 1


async def test_an_email_whose_on_sent_raises_is_marked_sent_and_never_sent_again(
        ctx: Context, smtp_sink: SmtpSink, sender: OutboxSender,
        monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken_after(ctx: Context, row: RowMapping) -> Outgoing:
        async def on_sent(conn: Any) -> None:
            raise ValueError("bug in on_sent")

        return Outgoing(mail_kinds.test_message(ctx.settings, row["recipient"]), on_sent)

    monkeypatch.setitem(mail_kinds.BUILDERS, "after", broken_after)
    await queue(ctx.engine, ctx.settings, 1, kind="after")
    assert await sender.run_once() == 1
    advance(lease_s(ctx.settings) + LATER_S)
    assert await sender.run_once() == 0
    assert _summary(await rows(ctx.engine)) == [("sent", 1)]
    assert len(smtp_sink.received) == 1


async def test_a_row_leased_by_a_dead_process_is_sent_when_its_lease_runs_out(
        ctx: Context, smtp_sink: SmtpSink, sender: OutboxSender) -> None:
    await queue(ctx.engine, ctx.settings, 1)
    [row] = await rows(ctx.engine)
    now = utcnow()
    async with ctx.engine.begin() as conn:  # a process claimed it, then died
        assert await outbox_db.claim(conn, row["id"], "dead:1:x", now, now + timedelta(
            seconds=lease_s(ctx.settings)))
    assert await sender.run_once() == 0
    advance(lease_s(ctx.settings) - 1)
    assert await sender.run_once() == 0
    advance(2)
    assert await sender.run_once() == 1
    assert _summary(await rows(ctx.engine)) == [("sent", 1)]
    assert len(smtp_sink.received) == 1


async def test_two_rounds_of_one_process_never_send_a_row_twice_even_when_the_clock_jumps(
        ctx: Context, smtp_sink: SmtpSink, sender: OutboxSender,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A round driven beside the sender's loop (as `run_once` may be) after the clock stepped
    past the lease of a row the first round has just claimed, before that row's delivery
    started: the second round must not take it (seen in CI as a waiting email sent twice)."""
    await queue(ctx.engine, ctx.settings, 1)
    claimed, go_on = asyncio.Event(), asyncio.Event()
    claim = sender._claim

    async def claim_then_pause(ids: list[int]) -> list[RowMapping]:
        got = await claim(ids)
        if got and not claimed.is_set():  # the first round, just after its claim
            claimed.set()
            await go_on.wait()
        return got

    monkeypatch.setattr(sender, "_claim", claim_then_pause)
    first = asyncio.ensure_future(sender.run_once())
    await claimed.wait()
    advance(lease_s(ctx.settings) + 60)  # the first round's lease looks run out
    assert await sender.run_once() == 0  # the second round leaves the row alone
    go_on.set()
    assert await first == 1
    assert _summary(await rows(ctx.engine)) == [("sent", 1)]
    assert len(smtp_sink.received) == 1


def _lost(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("UPDATE", {}, pymysql.err.OperationalError(
        2013, "Lost connection to MySQL server during query"))


async def test_the_database_going_away_mid_round_never_stops_the_loop(
        ctx: Context, smtp_sink: SmtpSink, outbox_sender: OutboxSender,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The database goes away after the SMTP server took the email, before the row is marked:
    the loop goes on; once the lease runs out the email is sent again with the same
    Message-ID (the documented window). A round that cannot read the queue is retried."""
    finish = outbox_db.finish
    calls = {"finish": 0, "due": 0}

    async def finish_once_lost(*args: Any, **kwargs: Any) -> bool:
        calls["finish"] += 1
        if calls["finish"] == 1:
            _lost()
        return await finish(*args, **kwargs)

    monkeypatch.setattr(outbox_db, "finish", finish_once_lost)
    await queue(ctx.engine, ctx.settings, 1)
    await smtp_sink.wait_for(1)
    [row] = await wait_rows(ctx.engine, lambda r: r["lease_owner"] is not None
                            and calls["finish"] == 1)
    assert row["status"] == "pending"

    due_ids = outbox_db.due_ids

    async def due_lost_twice(*args: Any, **kwargs: Any) -> list[int]:
        calls["due"] += 1
        if calls["due"] <= 2:
            _lost()
        return await due_ids(*args, **kwargs)

    monkeypatch.setattr(outbox_db, "due_ids", due_lost_twice)
    advance(lease_s(ctx.settings) + 1)
    [row] = await wait_rows(ctx.engine, lambda r: r["status"] == "sent")
    assert calls["due"] > 2 and row["attempts"] == 1
    assert outbox_sender.task is not None and not outbox_sender.task.done()
    first, again = smtp_sink.received
    assert first.message["Message-ID"] == again.message["Message-ID"] == row["message_id"]


def test_the_back_off_doubles_up_to_an_hour_with_jitter() -> None:
    assert [backoff_s(30, n, rand=0.5) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert backoff_s(30, 20, rand=0.5) == 3600
    assert backoff_s(30, 1, rand=0.0) == pytest.approx(24)
    assert backoff_s(30, 1, rand=0.999999) == pytest.approx(36, abs=0.001)
