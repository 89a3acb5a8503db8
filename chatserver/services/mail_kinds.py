"""What each kind of outbox row sends: kind -> builder. A builder reads the database when
the row is due and returns what to send, or None when there is nothing left to send (the
visitor saw the messages, somebody accepted the conversation): the row is then `skipped`.

`on_sent` runs in the transaction that marks the row sent (e.g. remembering which messages
were mailed), so a failed delivery that is tried again builds the same email.

Builder modules take `Outgoing` from mail/outgoing.py (not from here: this table imports
them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from email.utils import parseaddr

from sqlalchemy.engine import RowMapping

from chatserver.config import Settings
from chatserver.context import Context
from chatserver.mail.outgoing import Outgoing as Outgoing
from chatserver.mail.render import Brand, compose, render
from chatserver.services import (
    digest,
    mail_mention,
    mail_replies,
    mail_team,
    notes,
    team_notify,
    transcripts,
)

# The brand of mail that belongs to no widget (the test email).
PARLEY_COLOR = "#2563eb"

Builder = Callable[[Context, RowMapping], Awaitable[Outgoing | None]]


def test_message(settings: Settings, to: str) -> EmailMessage:
    """The test email (`chatctl mail test`), from PARLEY_MAIL_FROM, in English."""
    name = parseaddr(settings.mail_from)[0] or "Parley"
    return compose(render("test", Brand(name=name, color=PARLEY_COLOR)),
                   sender=settings.mail_from, to=to)


async def _test(ctx: Context, row: RowMapping) -> Outgoing:
    """`chatctl mail test --queue`: the test email through the outbox."""
    return Outgoing(test_message(ctx.settings, row["recipient"]))


BUILDERS: dict[str, Builder] = {
    "test": _test,
    mail_replies.KIND: mail_replies.build,
    transcripts.KIND: transcripts.build,
    team_notify.WAITING_KIND: mail_team.build_waiting,
    team_notify.OFFLINE_EMAIL_KIND: mail_team.build_offline_email,
    digest.KIND: digest.build_digest,
    notes.MENTION_KIND: mail_mention.build_mention,
}
