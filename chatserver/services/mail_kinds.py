"""What each kind of outbox row sends: kind -> builder. A builder reads the database when
the row is due and returns what to send, or None when there is nothing left to send (the
visitor saw the messages, somebody accepted the conversation): the row is then `skipped`.

`on_sent` runs in the transaction that marks the row sent (e.g. remembering which messages
were mailed), so a failed delivery that is tried again builds the same email."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.context import Context


@dataclass
class Outgoing:
    message: EmailMessage  # with From, To (and Bcc), Subject and both bodies; no Message-ID
    on_sent: Callable[[AsyncConnection], Awaitable[None]] | None = None


Builder = Callable[[Context, RowMapping], Awaitable[Outgoing | None]]

BUILDERS: dict[str, Builder] = {}
