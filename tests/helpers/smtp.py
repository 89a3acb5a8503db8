"""A real SMTP server on loopback that keeps what it receives (aiosmtpd, in its own thread),
for the tests of what Parley sends. It can be stopped and started again on the same port
(an SMTP outage), and told to refuse mail for a while with a given reply."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        return part.get_content() if part is not None else ""  # type: ignore[union-attr]

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        return part.get_content() if part is not None else ""  # type: ignore[union-attr]


@dataclass
class SmtpSink:
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    # While set, every DATA is answered with this reply ("451 4.3.0 try later").
    refuse_with: str | None = None
    # While set, every RCPT TO is answered with this reply ("550 5.1.1 no such user").
    refuse_rcpt: str | None = None
    controller: Controller | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Extra aiosmtpd options (tls_context + require_starttls, authenticator, ...), and an
    # SSLContext for TLS from the first byte (`smtp_tls=tls`).
    options: dict[str, Any] = field(default_factory=dict)
    ssl_context: ssl.SSLContext | None = None
    # Awaited (on the server's loop) before a DATA is taken; called with what was taken,
    # before the answer is sent.
    hold: Callable[[], Awaitable[None]] | None = None
    on_receive: Callable[[Received], None] | None = None

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_with:
            return self.refuse_with
        if self.hold is not None:
            await self.hold()
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        mail = Received(str(envelope.mail_from), [str(r) for r in envelope.rcpt_tos],
                        message)  # type: ignore[arg-type]
        with self.lock:
            self.received.append(mail)
        if self.on_receive is not None:
            self.on_receive(mail)
        return "250 2.0.0 OK"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port,
                                     data_size_limit=50 * 1024 * 1024,
                                     ssl_context=self.ssl_context, **self.options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self, public_url: str = "http://127.0.0.1:9") -> dict[str, Any]:
        """Settings overrides that send mail here (no TLS on loopback)."""
        return {"smtp_host": "127.0.0.1", "smtp_port": self.port, "smtp_tls": "none",
                "mail_from": "Support <support@parley.test>",
                "mail_reply_domain": "reply.parley.test", "public_url": public_url,
                "mail_retry_base_s": 0.2}

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """At least `count` emails received (from a test on the server's own loop)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            await asyncio.sleep(0.02)
        raise AssertionError(f"expected {count} emails, got {len(self.received)}")

    def wait_for_sync(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The same, for a test whose server runs in another process."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        raise AssertionError(f"expected {count} emails, got {len(self.received)}")


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()


@pytest.fixture
def outbox_sender(io_loop: Any, ctx: Any) -> Iterator[Any]:
    """The outbox's sender on the test server's context, polling often."""
    from chatserver.services.outbox_sender import OutboxSender

    sender = OutboxSender(ctx, interval_s=0.05)
    io_loop.run_sync(lambda: _start(sender))
    yield sender
    io_loop.run_sync(sender.stop)


async def _start(sender: Any) -> None:
    sender.start()


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by itself, and its key (openssl): the server's
    certificate and, for the client, the one CA it trusts."""
    cert, key = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def authenticator(user: str, password: str) -> Callable[..., AuthResult]:
    """An aiosmtpd authenticator (AUTH PLAIN and LOGIN) that knows one user."""

    def check(server: SMTP, session: Session, envelope: Envelope, mechanism: str,
              auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() \
            and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)

    return check


@pytest.fixture(scope="module")
def module_smtp_sink() -> Iterator[SmtpSink]:
    """One SmtpSink for a whole module (for a module's own mail-sending server)."""
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
