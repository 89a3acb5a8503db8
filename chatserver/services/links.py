"""Conversation links: ``<public url>/c/<token>`` opens a conversation in a page Parley serves,
on any device, until the link expires (``mail_link_lifetime_s``).

The token is signed, not stored (chatserver/mail/tokens.py): it names the session and when the
link expires. The link is reusable: each opening issues a new visitor token for the device it
is opened on (a row of session_tokens), and none of them revokes another, so the visitor's tab
and every device the link was opened on keep the conversation.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from chatserver.context import Context
from chatserver.db import sessions as db
from chatserver.errors import NotFound
from chatserver.mail.tokens import link_token, read_link_token
from chatserver.services.sessions import issue_device_token
from chatserver.timeutil import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenedLink:
    """What a conversation link opens: its widget, and (unless the link expired) the session
    with a visitor token of its own for this device."""

    site_key: str
    session_id: str | None = None
    visitor_token: str | None = None

    @property
    def expired(self) -> bool:
        return self.session_id is None


def conversation_link(ctx: Context, session_id: str) -> str:
    """The absolute link to the conversation (for the emails), valid for mail_link_lifetime_s."""
    expires = utcnow() + timedelta(seconds=ctx.settings.mail_link_lifetime_s)
    token = link_token(ctx.settings.secret_key, session_id, expires)
    return f"{ctx.settings.public_url.rstrip('/')}/c/{token}"


async def open_link(ctx: Context, token: str) -> OpenedLink:
    """Open a conversation link: a new device token for its session, or, for a genuine link
    past its expiry, only the widget (to start a new conversation). A forged token, or one
    whose session was deleted, is 404 (`link_not_found`) with no detail."""
    found = read_link_token(ctx.settings.secret_key, token)
    if found is None:
        raise NotFound("no such link", code="link_not_found")
    session_id, expires = found
    async with ctx.engine.connect() as conn:
        row = await db.get(conn, session_id)
    if row is None:
        raise NotFound("no such link", code="link_not_found")
    if expires <= utcnow():
        return OpenedLink(site_key=row["site_key"])
    try:
        visitor_token = await issue_device_token(ctx, session_id)
    except NotFound:  # deleted meanwhile
        raise NotFound("no such link", code="link_not_found") from None
    log.info("conversation link opened for session %s", session_id)
    return OpenedLink(site_key=row["site_key"], session_id=session_id,
                      visitor_token=visitor_token)
