"""`chatctl mail test|queue|retry` against a real SMTP server on loopback and the suite's
database, and the mail checks of `chatctl deploy check`."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from chatserver.config import env_name
from chatserver.db.engine import create_engine
from chatserver.db.schema import outbox
from tests.helpers.chatctl import Chatctl
from tests.helpers.outbox import queue, rows_of
from tests.helpers.settings import make_settings
from tests.helpers.smtp import SmtpSink, free_port


def _mail_env(sink: SmtpSink) -> dict[str, str]:
    return {env_name(k): str(v) for k, v in sink.settings().items()}


@pytest.fixture
def mailctl(chatctl: Chatctl, smtp_sink: SmtpSink) -> Chatctl:
    return Chatctl(env={**chatctl.env, **_mail_env(smtp_sink)})


def test_mail_test_sends_the_test_email_and_prints_the_answer(
        mailctl: Chatctl, smtp_sink: SmtpSink) -> None:
    result = mailctl.ok("mail", "test", "ops@example.com")
    assert result.stdout.strip() == (f"sent to ops@example.com via 127.0.0.1:{smtp_sink.port} "
                                     "(none): 2.0.0 OK")
    [mail] = smtp_sink.received
    assert mail.recipients == ["ops@example.com"]
    assert mail.message["Subject"] == "Parley test email"
    assert mail.message["From"] == "Support <support@parley.test>"
    assert mail.message["Message-ID"].endswith("@parley.test>")


def test_mail_test_exits_1_with_the_servers_answer(mailctl: Chatctl,
                                                   smtp_sink: SmtpSink) -> None:
    smtp_sink.refuse_with = "554 5.7.1 Relay access denied"
    mailctl.fails("mail", "test", "ops@example.com",
                  message=f"127.0.0.1:{smtp_sink.port} (none) did not take the email: "
                          "554 5.7.1 Relay access denied")


def test_mail_test_exits_1_with_the_connection_error(mailctl: Chatctl) -> None:
    port = free_port()
    result = mailctl.fails("mail", "test", "ops@example.com",
                           env={"PARLEY_SMTP_PORT": str(port)},
                           message="did not take the email: SMTPConnectError")
    assert f"port {port}" in result.stderr


def test_mail_test_says_when_mail_is_not_configured(chatctl: Chatctl) -> None:
    chatctl.fails("mail", "test", "ops@example.com",
                  message="mail is not configured: set PARLEY_SMTP_HOST")


def test_mail_test_refuses_a_bad_address(mailctl: Chatctl) -> None:
    mailctl.fails("mail", "test", "not-an-address", message="not an email address")


def _fail_rows(db_url: str, tmp_path: Path, sink: SmtpSink, count: int) -> list[int]:
    """`count` test emails queued, then marked failed as the sender would after a 550."""
    settings = make_settings(db_url, tmp_path / "data", **sink.settings())

    async def run() -> list[int]:
        engine = create_engine(settings)
        try:
            await queue(engine, settings, count)
            async with engine.begin() as conn:
                await conn.execute(update(outbox).values(
                    status="failed", attempts=1, last_error="550 5.1.1 No such user"))
        finally:
            await engine.dispose()
        return [r["id"] for r in await rows_of(settings)]

    return asyncio.run(run())


def test_mail_queue_lists_failed_and_pending_and_retry_puts_them_back(
        mailctl: Chatctl, smtp_sink: SmtpSink, db_url: str, tmp_path: Path) -> None:
    ids = _fail_rows(db_url, tmp_path, smtp_sink, 3)
    mailctl.ok("mail", "test", "--queue", "pending@example.com")
    text = mailctl.ok("mail", "queue").stdout
    assert text.splitlines()[0] == "1 pending, 3 failed, 0 sent, 0 skipped"
    assert "550 5.1.1 No such user" in text and "r2@x.test" in text
    assert "pending@example.com" in text

    listed = json.loads(mailctl.ok("mail", "queue", "--status", "failed", "--json").stdout)
    assert listed["counts"]["failed"] == 3 and "pending" not in listed
    assert [r["id"] for r in listed["failed"]] == sorted(ids, reverse=True)
    assert all(r["last_error"] == "550 5.1.1 No such user" for r in listed["failed"])

    assert mailctl.ok("mail", "retry", str(ids[0])).stdout.startswith(
        f"email {ids[0]} to r0@x.test queued again")
    assert mailctl.ok("mail", "retry", "--all-failed").stdout.strip() == \
        "2 failed emails queued again"
    counts = json.loads(mailctl.ok("mail", "queue", "--json").stdout)["counts"]
    assert counts == {"pending": 4, "failed": 0, "sent": 0, "skipped": 0}


def test_mail_retry_refuses_what_cannot_be_retried(mailctl: Chatctl, smtp_sink: SmtpSink,
                                                   db_url: str, tmp_path: Path) -> None:
    [row_id] = _fail_rows(db_url, tmp_path, smtp_sink, 1)
    mailctl.fails("mail", "retry", "999999", message="no such email in the outbox")
    mailctl.fails("mail", "retry", message="give an email's ID or --all-failed", code=2)
    mailctl.ok("mail", "retry", str(row_id))
    settings = make_settings(db_url, tmp_path / "data", **smtp_sink.settings())

    async def mark_sent() -> None:
        engine = create_engine(settings)
        async with engine.begin() as conn:
            await conn.execute(update(outbox).values(status="sent"))
        await engine.dispose()

    asyncio.run(mark_sent())
    mailctl.fails("mail", "retry", str(row_id), message=f"email {row_id} is sent")


GOOD = {"PARLEY_SECRET_KEY": "Zq3u0v9Lk2PmW8rT4yHnB6cD1fGhJ5sA7eXoQ",
        "PARLEY_PUBLIC_URL": "https://chat.example.com", "PARLEY_HOST": "127.0.0.1",
        "PARLEY_TRUSTED_PROXIES": "127.0.0.1", "PARLEY_LOG_FORMAT": "json",
        "PARLEY_BCRYPT_ROUNDS": "12", "PARLEY_DEMO_PAGE": "false",
        "PARLEY_DATABASE_URL": "mysql+asyncmy://parley:pw@127.0.0.1/parley"}
MAIL = {"PARLEY_SMTP_HOST": "smtp.example.com", "PARLEY_SMTP_PORT": "587",
        "PARLEY_MAIL_FROM": "Acme <help@example.com>",
        "PARLEY_MAIL_REPLY_DOMAIN": "reply.example.com", "PARLEY_MAIL_LISTEN": "127.0.0.1:2525"}


def _checks(result: Any) -> dict[str, list[str]]:
    """check name -> [level, detail]."""
    found = {}
    for line in result.output.splitlines():
        level, _, rest = line.partition(" ")
        if level in ("ok", "warn", "FAIL"):
            what, _, detail = rest.strip().partition(": ")
            found[what] = [level, detail]
    return found


def test_deploy_check_passes_good_mail_settings(chatctl: Chatctl) -> None:
    result = chatctl("deploy", "check", "--offline", env={**GOOD, **MAIL})
    assert result.exit_code == 0, result.output
    assert _checks(result)["mail"] == ["ok", "via smtp.example.com:587 (starttls), from Acme "
                                             "<help@example.com>"]


def test_deploy_check_reports_smtp_without_a_public_url(chatctl: Chatctl) -> None:
    result = chatctl("deploy", "check", "--offline",
                     env={**GOOD, **MAIL, "PARLEY_PUBLIC_URL": ""})
    assert result.exit_code == 1 and "Traceback" not in result.output
    level, detail = _checks(result)["settings"]
    assert level == "FAIL" and "PARLEY_PUBLIC_URL" in detail and "PARLEY_SMTP_HOST" in detail
    assert "not ready for production" in result.output


def test_deploy_check_warns_about_risky_mail_settings(chatctl: Chatctl) -> None:
    env = {**GOOD, **MAIL, "PARLEY_SMTP_TLS": "none", "PARLEY_MAIL_REPLY_DOMAIN": "",
           "PARLEY_MAIL_LISTEN": "", "PARLEY_SMTP_CA_FILE": "/nonexistent.pem"}
    found = _checks(chatctl("deploy", "check", "--offline", env=env))
    assert found["mail TLS"][0] == "warn" and "in clear" in found["mail TLS"][1]
    assert found["mail replies"][0] == "warn" and "go to PARLEY_MAIL_FROM" in \
        found["mail replies"][1]
    assert found["mail CA file"][0] == "FAIL"
    found = _checks(chatctl("deploy", "check", "--offline",
                            env={**GOOD, **MAIL, "PARLEY_MAIL_LISTEN": "0.0.0.0:2525"}))
    assert found["mail listener"][0] == "warn" and "not loopback" in found["mail listener"][1]
    found = _checks(chatctl("deploy", "check", "--offline",
                            env={**GOOD, **MAIL, "PARLEY_MAIL_LISTEN": ""}))
    assert found["mail replies"][0] == "warn" and "nothing receives" in \
        found["mail replies"][1]
    # On loopback, plain SMTP is fine.
    env = {**GOOD, **MAIL, "PARLEY_SMTP_HOST": "127.0.0.1", "PARLEY_SMTP_TLS": "none"}
    assert "mail TLS" not in _checks(chatctl("deploy", "check", "--offline", env=env))


def test_deploy_check_connects_to_the_smtp_server_and_counts_failed_emails(
        chatctl: Chatctl, db_url: str, smtp_sink: SmtpSink, tmp_path: Path) -> None:
    env = {**GOOD, **_mail_env(smtp_sink), "PARLEY_DATABASE_URL": db_url}
    found = _checks(chatctl("deploy", "check", env=env))
    assert found["mail queue"] == ["ok", "no failed email, 0 waiting"]
    assert found["smtp connection"][0] == "ok"
    assert found["smtp connection"][1].startswith(f"127.0.0.1:{smtp_sink.port} answers (220")
    smtp_sink.stop()
    _fail_rows(db_url, tmp_path, smtp_sink, 2)
    found = _checks(chatctl("deploy", "check", env=env))
    assert found["mail queue"][0] == "warn" and found["mail queue"][1].startswith(
        "2 emails could not be sent")
    assert found["smtp connection"][0] == "FAIL"
    assert "SMTPConnectError" in found["smtp connection"][1]
