"""The outbox delivers what was queued in a transaction to a real SMTP server: once, with the
row's stable Message-ID, and marks it sent; a builder with nothing to send skips the row."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db.schema import outbox
from chatserver.services import mail_kinds
from chatserver.services.mail_kinds import Outgoing
from chatserver.services.outbox import enqueue
from tests.helpers.smtp import SmtpSink


@pytest.fixture
def settings_overrides(smtp_sink: SmtpSink) -> dict[str, Any]:
    return smtp_sink.settings()


async def _hello(ctx: Context, row: RowMapping) -> Outgoing | None:
    if row["payload"].get("skip"):
        return None
    message = EmailMessage()
    message["From"] = ctx.settings.mail_from
    message["To"] = row["recipient"]
    message["Subject"] = "hello"
    message.set_content(row["payload"]["text"])
    return Outgoing(message)


@pytest.fixture(autouse=True)
def hello_kind() -> Iterator[None]:
    mail_kinds.BUILDERS["hello"] = _hello
    yield
    del mail_kinds.BUILDERS["hello"]


async def _rows(ctx: Context) -> list[RowMapping]:
    async with ctx.engine.connect() as conn:
        return list((await conn.execute(select(outbox).order_by(outbox.c.id))).mappings())


async def test_a_queued_email_is_delivered_once_with_its_message_id(
        ctx: Context, smtp_sink: SmtpSink, outbox_sender: Any) -> None:
    async with ctx.engine.begin() as conn:
        assert await enqueue(conn, ctx.settings, kind="hello", key="k1", recipient="v@x.test",
                             payload={"text": "hi there"})
        # The same cause again queues nothing more.
        assert not await enqueue(conn, ctx.settings, kind="hello", key="k1",
                                 recipient="v@x.test", payload={"text": "again"})
        assert await enqueue(conn, ctx.settings, kind="hello", key="k2", recipient="w@x.test",
                             payload={"skip": True})
    [mail] = await smtp_sink.wait_for(1)
    assert mail.recipients == ["v@x.test"] and mail.text.strip() == "hi there"
    rows = await _rows(ctx)
    assert mail.message["Message-ID"] == rows[0]["message_id"]
    for _ in range(100):
        rows = await _rows(ctx)
        if all(r["status"] != "pending" for r in rows):
            break
        await outbox_sender.run_once()
    assert [(r["key"], r["status"], r["attempts"]) for r in rows] == [
        ("k1", "sent", 1), ("k2", "skipped", 1)]
    assert len(smtp_sink.received) == 1


async def test_nothing_is_queued_when_mail_is_off(ctx: Context) -> None:
    off = ctx.settings.replace(smtp_host="")
    async with ctx.engine.begin() as conn:
        assert not await enqueue(conn, off, kind="hello", key="k", payload={"text": "x"})
    assert await _rows(ctx) == []
