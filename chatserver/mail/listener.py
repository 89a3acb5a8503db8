"""The built-in listener for replies: the site's MTA (Postfix, Exim) forwards mail for
``reply+<token>@<reply domain>`` here over LMTP (or SMTP), and each reply becomes a visitor
message in its conversation.

The invariant: 250 is answered only after the message is committed. What happens to the mail
is decided above (the ``deliver`` callback, chatserver/services/inbound.py, passed in by the
entry point), so this module imports nothing from services/ or db/. The answers:

- RCPT TO that is not a reply address whose signature verifies: ``550 5.1.1``; more than
  MAX_RECIPIENTS: ``452 4.5.3``.
- Larger than PARLEY_MAIL_MAX_INBOUND_BYTES: ``552 5.3.4`` (SIZE is announced in LHLO/EHLO).
- An auto-reply or bounce: ``550 5.7.1``; no readable reply text: ``554 5.6.0``.
- Too many emails to one conversation in an hour: ``450 4.7.1``.
- The database unavailable, or anything unexpected: ``451 4.3.0``, so the MTA tries again
  (delivering twice stores one message: the email's Message-ID is its key).

With LMTP each accepted recipient gets its own reply after DATA (RFC 2033); with SMTP one
reply stands for all, the temporary failure first (a retry is harmless), then success.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, AnyStr

from aiosmtpd.lmtp import LMTP
from aiosmtpd.smtp import SMTP, Envelope, Session

from chatserver.config import Settings
from chatserver.mail.inbound import InboundMail, MailRefused, parse
from chatserver.mail.tokens import session_of_reply_address
from chatserver.outage import is_unavailable, outage_log

log = logging.getLogger(__name__)

# Deliver one email to one session; returns once committed. Raises MailRefused (answered with
# its reply), a database error (451) or anything else (451, logged).
Deliver = Callable[[str, InboundMail], Awaitable[None]]

# A reply names one conversation; a few more cover a visitor who also Cc'd an old thread.
# Beyond this, an envelope is a mail bomb, not a reply.
MAX_RECIPIENTS = 10
# An MTA waits 10 minutes for the answer to DATA; an idle connection is closed sooner.
IDLE_TIMEOUT_S = 120
RETRY_LATER = "451 4.3.0 Temporary failure; please try again later"
UNKNOWN_ADDRESS = "550 5.1.1 No such reply address (unknown, altered or forged)"
TOO_MANY_RECIPIENTS = "452 4.5.3 Too many recipients"
DELIVERED = "250 2.0.0 Delivered to the conversation"
# aiosmtpd's answer to DATA past data_size_limit, replaced by an enhanced code.
_TOO_MUCH = "552 Error: Too much mail data"


class ReplyHandler:
    """aiosmtpd's handler: checks recipients, reads the email and hands it to ``deliver``."""

    def __init__(self, settings: Settings, deliver: Deliver) -> None:
        self.secret = settings.secret_key
        self.domain = settings.mail_reply_domain
        self.deliver = deliver
        self.in_flight = 0
        self.idle = asyncio.Event()
        self.idle.set()

    def session_of(self, address: str) -> str | None:
        if not self.domain:
            return None
        return session_of_reply_address(self.secret, address, self.domain)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return TOO_MANY_RECIPIENTS
        if self.session_of(address) is None:
            log.info("inbound email refused: no such reply address")
            return UNKNOWN_ADDRESS
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.in_flight += 1
        self.idle.clear()
        try:
            replies = await self._replies(envelope)
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                self.idle.set()
        if isinstance(server, LMTP):
            return "\r\n".join(replies)
        return one_reply(replies)

    async def _replies(self, envelope: Envelope) -> list[str]:
        """One reply per recipient, in order."""
        raw = envelope.original_content or b""
        sender = envelope.mail_from if envelope.mail_from is not None else None
        try:
            # CPU-bound on a large email: off the event loop.
            mail = await asyncio.to_thread(parse, raw, sender)
        except MailRefused as exc:
            log.info("inbound email refused (%s): %s", exc.reply[:9], exc.detail)
            return [exc.reply] * len(envelope.rcpt_tos)
        except Exception:
            log.exception("inbound email could not be read")
            return [RETRY_LATER] * len(envelope.rcpt_tos)
        return [await self._deliver_one(address, mail) for address in envelope.rcpt_tos]

    async def _deliver_one(self, address: str, mail: InboundMail) -> str:
        session_id = self.session_of(address)
        if session_id is None:  # checked at RCPT already
            return UNKNOWN_ADDRESS
        try:
            await self.deliver(session_id, mail)
        except MailRefused as exc:
            log.info("inbound email for session %s refused (%s): %s", session_id,
                     exc.reply[:9], exc.detail)
            return exc.reply
        except Exception as exc:
            if is_unavailable(exc):
                outage_log("inbound email", exc, f"for session {session_id}")
            else:
                log.error("inbound email for session %s failed; the MTA will retry",
                          session_id, exc_info=True)
            return RETRY_LATER
        log.info("inbound email delivered to session %s", session_id)
        return DELIVERED


def one_reply(replies: list[str]) -> str:
    """SMTP's single answer for several recipients: a temporary failure makes the MTA try
    them all again, which stores nothing twice, so it wins; then success; then the refusal."""
    for first in ("4", "2", "5"):
        for reply in replies:
            if reply.startswith(first):
                return reply
    return replies[0] if replies else RETRY_LATER


def _too_big(limit: int) -> str:
    return f"552 5.3.4 Message too big: at most {limit} bytes"


class ReplySMTP(SMTP):
    async def push(self, status: AnyStr) -> None:
        if status == _TOO_MUCH:
            status = _too_big(self.data_size_limit or 0)  # type: ignore[assignment]
        await super().push(status)


class ReplyLMTP(LMTP):
    async def push(self, status: AnyStr) -> None:
        if status == _TOO_MUCH:  # after DATA, LMTP answers once per recipient
            count = len(self.envelope.rcpt_tos) if self.envelope is not None else 1
            status = "\r\n".join([_too_big(self.data_size_limit or 0)]  # type: ignore[assignment]
                                 * max(count, 1))
        await super().push(status)


class MailListener:
    """The listening socket on this process's event loop, and its open connections."""

    def __init__(self, settings: Settings, deliver: Deliver) -> None:
        self.settings = settings
        self.handler = ReplyHandler(settings, deliver)
        self.server: asyncio.Server | None = None
        self.connections: set[SMTP] = set()

    def _protocol(self) -> SMTP:
        kind = ReplyLMTP if self.settings.mail_listen_protocol == "lmtp" else ReplySMTP
        proto = kind(self.handler, data_size_limit=self.settings.mail_max_inbound_bytes,
                     enable_SMTPUTF8=True, hostname=self.settings.mail_reply_domain or "parley",
                     ident="Parley", timeout=IDLE_TIMEOUT_S, loop=asyncio.get_running_loop())
        self.connections.add(proto)
        lost = proto.connection_lost

        def connection_lost(error: Exception | None) -> None:
            self.connections.discard(proto)
            lost(error)

        proto.connection_lost = connection_lost  # type: ignore[method-assign]
        return proto

    async def start(self, *, reuse_port: bool = False) -> tuple[str, int]:
        """Listen on PARLEY_MAIL_LISTEN; the (host, port) bound. ``reuse_port``: several
        worker processes share the port (SO_REUSEPORT), like the HTTP socket."""
        # aiosmtpd logs every command (with addresses) at INFO; this module logs each delivery.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        host, _, port = self.settings.mail_listen.rpartition(":")
        loop = asyncio.get_running_loop()
        self.server = await loop.create_server(self._protocol, host.strip("[]"), int(port),
                                               reuse_address=True, reuse_port=reuse_port or None)
        bound: Any = self.server.sockets[0].getsockname()
        log.info("listening for email replies (%s) on %s:%s for reply+…@%s",
                 self.settings.mail_listen_protocol, bound[0], bound[1],
                 self.settings.mail_reply_domain)
        return str(bound[0]), int(bound[1])

    async def close(self, grace_s: float) -> None:
        """Stop accepting, give deliveries under way ``grace_s`` to commit, then close the
        connections (an MTA whose delivery was cut off tries again later)."""
        if self.server is None:
            return
        self.server.close()
        try:
            await asyncio.wait_for(self.handler.idle.wait(), grace_s)
        except TimeoutError:
            log.warning("closing the mail listener with %d deliveries under way",
                        self.handler.in_flight)
        for proto in list(self.connections):
            if proto.transport is not None:
                proto.transport.close()
        await self.server.wait_closed()
        self.server = None
