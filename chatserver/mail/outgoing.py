"""What a builder of the outbox (services/mail_kinds.py) hands the sender: the email, and what
to record once it is sent. Here, below services/, so that builder modules and the table of
builders can both name it without importing each other."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass
class Outgoing:
    message: EmailMessage  # with From, To (and Bcc), Subject and both bodies; no Message-ID
    on_sent: Callable[[AsyncConnection], Awaitable[None]] | None = None
