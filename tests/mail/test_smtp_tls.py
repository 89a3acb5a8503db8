"""Sending over TLS with authentication, to a real SMTP server on loopback whose certificate
is signed by itself (made with openssl) and trusted through PARLEY_SMTP_CA_FILE: STARTTLS
required by the server, TLS from the first byte, AUTH PLAIN/LOGIN; and the refusals an
operator must see: a certificate nobody vouches for, a wrong password, a server without
STARTTLS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatserver.config import Settings
from chatserver.context import Context
from chatserver.mail.smtp import DeliveryError
from chatserver.services.outbox_admin import send_test
from chatserver.services.outbox_sender import OutboxSender
from tests.helpers.outbox import queue, rows
from tests.helpers.smtp import SmtpSink, authenticator, self_signed_cert, server_tls


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_sink(cert: tuple[Path, Path]) -> Iterator[SmtpSink]:
    """A server that requires STARTTLS, then AUTH (user parley, password s3cret)."""
    sink = SmtpSink(options={"tls_context": server_tls(*cert), "require_starttls": True,
                             "authenticator": authenticator("parley", "s3cret"),
                             "auth_required": True})
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def settings_overrides(tls_sink: SmtpSink, cert: tuple[Path, Path]) -> dict[str, Any]:
    return {**tls_sink.settings(), "smtp_tls": "starttls", "smtp_ca_file": str(cert[0]),
            "smtp_user": "parley", "smtp_password": "s3cret", "smtp_timeout_s": 5.0}


async def test_the_outbox_sends_over_starttls_with_auth(
        ctx: Context, tls_sink: SmtpSink) -> None:
    await queue(ctx.engine, ctx.settings, 2)
    assert await OutboxSender(ctx).run_once() == 2
    assert [(r["status"], r["last_error"]) for r in await rows(ctx.engine)] == [
        ("sent", None)] * 2
    assert sorted(m.recipients[0] for m in tls_sink.received) == ["r0@x.test", "r1@x.test"]


async def test_a_certificate_nobody_vouches_for_is_refused(
        settings: Settings, tls_sink: SmtpSink) -> None:
    with pytest.raises(DeliveryError) as caught:
        await send_test(settings.replace(smtp_ca_file=""), "v@x.test")
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value) and not caught.value.permanent
    assert tls_sink.received == []


async def test_a_wrong_password_is_the_servers_535_and_worth_retrying(
        settings: Settings, tls_sink: SmtpSink) -> None:
    """Credentials are the settings' fault, not the email's: once fixed, every email goes."""
    with pytest.raises(DeliveryError) as caught:
        await send_test(settings.replace(smtp_password="wrong"), "v@x.test")
    assert str(caught.value).startswith("535") and not caught.value.permanent


async def test_without_starttls_the_server_refuses_the_mail(settings: Settings,
                                                            tls_sink: SmtpSink) -> None:
    with pytest.raises(DeliveryError) as caught:
        await send_test(settings.replace(smtp_tls="none"), "v@x.test")
    assert "530" in str(caught.value) or "STARTTLS" in str(caught.value)
    assert tls_sink.received == []


async def test_tls_from_the_first_byte(settings: Settings, cert: tuple[Path, Path]) -> None:
    # No AUTH here: aiosmtpd counts only STARTTLS as TLS for it (AUTH is tested above).
    sink = SmtpSink(ssl_context=server_tls(*cert))
    sink.start()
    try:
        answer = await send_test(settings.replace(smtp_port=sink.port, smtp_tls="tls",
                                                  smtp_user=""), "v@x.test")
        assert answer == "2.0.0 OK"
        [mail] = await sink.wait_for(1)
        assert mail.recipients == ["v@x.test"]
        assert "This is a test email from Parley" in mail.text
        assert "This is a test email from Parley" in mail.html
    finally:
        sink.stop()
