"""Sending replies to Parley's mail listener as an MTA does: a small LMTP client over a real
socket (smtplib's LMTP reads one reply after DATA, not one per recipient), aiosmtplib for
SMTP, and a fixture that starts the listener on a free loopback port of the test server's loop."""

from __future__ import annotations

import asyncio
import types
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import pymysql
import pytest
import tornado.ioloop
from sqlalchemy.exc import OperationalError

from chatserver.app import mail_listener
from chatserver.context import Context
from chatserver.db import messages as messages_db
from chatserver.mail.listener import MailListener
from chatserver.mail.tokens import reply_address
from chatserver.services import writer
from tests.helpers.settings import TEST_SECRET

REPLY_DOMAIN = "reply.parley.test"
# Settings of a test server with the listener (on a port the fixture picks).
LISTENER_SETTINGS = {"mail_listen": "127.0.0.1:0", "mail_reply_domain": REPLY_DOMAIN,
                     "mail_max_inbound_bytes": 64 * 1024}


def address_of(session_id: str, secret: str = TEST_SECRET, domain: str = REPLY_DOMAIN) -> str:
    return reply_address(secret, session_id, domain)


def reply_email(to: str, text: str, *, message_id: str = "<r1@mail.example.org>",
                sender: str = "Jane Doe <jane@example.org>", headers: str = "") -> bytes:
    """A visitor's reply as Gmail sends it: the answer above the quoted history."""
    body = (f"{text}\n\nOn Mon, Dec 7, 2026 at 10:02 AM Acme Support <{to}> wrote:\n\n"
            "> Which colour would you like?\n>\n> Alice\n")
    head = (f"From: {sender}\nTo: <{to}>\nSubject: Re: Your conversation with Acme\n"
            f"Date: Mon, 7 Dec 2026 10:15:02 +0100\nMessage-ID: {message_id}\n{headers}"
            "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
            "Content-Transfer-Encoding: 8bit\n")
    return (head + "\n" + body).replace("\n", "\r\n").encode()


@dataclass
class Exchange:
    """What the listener answered: to each RCPT TO, and after DATA (one per accepted
    recipient with LMTP)."""

    rcpt: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)


async def _reply(reader: asyncio.StreamReader) -> str:
    """One (possibly multi-line) reply; its last line."""
    while True:
        line = (await asyncio.wait_for(reader.readline(), 10)).decode().rstrip("\r\n")
        assert line, "the listener closed the connection"
        if len(line) < 4 or line[3] != "-":
            return line


async def lmtp_send(port: int, recipients: list[str], raw: bytes,
                    mail_from: str = "jane@example.org") -> Exchange:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    out = Exchange()
    try:
        assert (await _reply(reader)).startswith("220")
        writer.write(b"LHLO mta.test\r\n")
        assert (await _reply(reader)).startswith("250")
        writer.write(f"MAIL FROM:<{mail_from}>\r\n".encode())
        assert (await _reply(reader)).startswith("250")
        for rcpt in recipients:
            writer.write(f"RCPT TO:<{rcpt}>\r\n".encode())
            out.rcpt.append(await _reply(reader))
        accepted = sum(r.startswith("250") for r in out.rcpt)
        if accepted:
            writer.write(b"DATA\r\n")
            assert (await _reply(reader)).startswith("354")
            lines = raw.replace(b"\r\n", b"\n").split(b"\n")
            stuffed = b"\r\n".join(b"." + ln if ln.startswith(b".") else ln for ln in lines)
            writer.write(stuffed.rstrip(b"\r\n") + b"\r\n.\r\n")
            out.data = [await _reply(reader) for _ in range(accepted)]
        writer.write(b"QUIT\r\n")
        await _reply(reader)
    finally:
        writer.close()
    return out


def lose_message_writes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Until monkeypatch.undo() or the end of the test, the message writer's insert loses its
    connection to the database (MySQL 2013), as in an outage: nothing of its batch commits."""

    async def lost(*args: object, **kwargs: object) -> None:
        raise OperationalError("INSERT", {}, pymysql.err.OperationalError(
            2013, "Lost connection to MySQL server during query"))

    failing = types.SimpleNamespace(**{k: getattr(messages_db, k) for k in dir(messages_db)
                                       if not k.startswith("__")})
    failing.insert_batch = failing.write_common = lost  # every path's insert
    monkeypatch.setattr(writer, "db", failing)


StartListener = Callable[..., Awaitable[int]]


@pytest.fixture
def reply_listener(io_loop: tornado.ioloop.IOLoop, ctx: Context) -> Iterator[StartListener]:
    """start(protocol="lmtp") -> the port of a listener delivering into the test server."""
    started: list[MailListener] = []

    async def start(protocol: str = "lmtp") -> int:
        listener = mail_listener(ctx)
        listener.settings = ctx.settings.replace(mail_listen_protocol=protocol)
        started.append(listener)
        _host, port = await listener.start()
        return port

    yield start
    for listener in started:
        io_loop.run_sync(lambda listener=listener: listener.close(1.0))  # type: ignore[misc]
