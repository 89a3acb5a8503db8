"""What each kind of outbox row sends: kind -> builder. A builder reads the database when
the row is due and returns what to send, or None when there is nothing left to send (the
visitor saw the messages, somebody accepted the conversation): the row is then `skipped`.

`on_sent` runs in the transaction that marks the row sent (e.g. remembering which messages
were mailed), so a failed delivery that is tried again builds the same email.

Builder modules take `Outgoing` from mail/outgoing.py (not from here: this table imports
them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.mail.outgoing import Outgoing as Outgoing
from chatserver.services import mail_replies, transcripts

Builder = Callable[[Context, RowMapping], Awaitable[Outgoing | None]]

BUILDERS: dict[str, Builder] = {
    mail_replies.KIND: mail_replies.build,
    transcripts.KIND: transcripts.build,
}
