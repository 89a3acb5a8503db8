"""What each kind of outbox row sends: kind -> builder. A builder reads the database when
the row is due and returns what to send, or None when there is nothing left to send (the
visitor saw the messages, somebody accepted the conversation): the row is then `skipped`.

`on_sent` runs in the transaction that marks the row sent (e.g. remembering which messages
were mailed), so a failed delivery that is tried again builds the same email."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.config import Settings
from chatserver.context import Context
from chatserver.mail.render import Brand, compose, render

# The brand of mail that belongs to no widget (the test email).
PARLEY_COLOR = "#2563eb"


@dataclass
class Outgoing:
    message: EmailMessage  # with From, To (and Bcc), Subject and both bodies; no Message-ID
    on_sent: Callable[[AsyncConnection], Awaitable[None]] | None = None


Builder = Callable[[Context, RowMapping], Awaitable[Outgoing | None]]



def test_message(settings: Settings, to: str) -> EmailMessage:
    """The test email (`chatctl mail test`), from PARLEY_MAIL_FROM, in English."""
    name = parseaddr(settings.mail_from)[0] or "Parley"
    return compose(render("test", Brand(name=name, color=PARLEY_COLOR)),
                   sender=settings.mail_from, to=to)


async def _test(ctx: Context, row: RowMapping) -> Outgoing:
    """`chatctl mail test --queue`: the test email through the outbox."""
    return Outgoing(test_message(ctx.settings, row["recipient"]))


BUILDERS: dict[str, Builder] = {"test": _test}
