"""Who is asking, and the one place that checks what they may touch.

Anything a user asks for by id goes through an ``access_*`` helper here. An object that exists
but belongs to somebody else is reported as not found, never as forbidden.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chatserver.db import sessions as sessions_db
from chatserver.db import visitors as visitors_db
from chatserver.db import widgets as widgets_db
from chatserver.errors import Forbidden, NotFound, Unauthorized


@dataclass(frozen=True)
class Actor:
    """A signed-in user, or the operator at the CLI (id None, admin rights)."""

    id: int | None
    role: str
    display_name: str = ""
    # The client's address when the request came over REST (the audit log records it).
    ip: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class SignedIn(Actor):
    """A user signed in with a token: unlike the operator, always has an id."""

    id: int


OPERATOR = Actor(id=None, role="admin", display_name="operator")


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("only an admin may do that", code="admin_required")


async def sees_widget(conn: AsyncConnection, actor: Actor, widget: RowMapping) -> bool:
    """Admins see every widget; owners and the widget's agents see it."""
    if actor.is_admin or (actor.id is not None and widget["owner_id"] == actor.id):
        return True
    return actor.id is not None and await widgets_db.is_member(conn, widget["id"], actor.id)


async def access_widget(conn: AsyncConnection, actor: Actor, site_key: str, *,
                        manage: bool = False) -> RowMapping:
    """The widget if the actor may see it (manage: may change it); 404 otherwise.

    Admins see and manage every widget; owners manage their own; agents of a widget see it.
    """
    row = await widgets_db.by_site_key(conn, site_key)
    if row is None:
        raise NotFound("no such widget", code="widget_not_found")
    if not await sees_widget(conn, actor, row):
        raise NotFound("no such widget", code="widget_not_found")
    if manage and not (actor.is_admin or row["owner_id"] == actor.id):
        raise Forbidden("only the widget's owner or an admin may change it", code="not_owner")
    return row


async def visible_widget_ids(conn: AsyncConnection, actor: Actor) -> list[int]:
    return await widgets_db.visible_widget_ids(conn, None if actor.is_admin else actor.id)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _opens(conn: AsyncConnection, row: RowMapping, token_hash: str) -> bool:
    """The token is the session's first (no query: the common case), one of its visitor's
    device tokens (visitor_tokens: their other conversations, another device of a verified
    visitor) or one of its own device tokens (session_tokens: a conversation link opened on
    another device)."""
    if hmac.compare_digest(row["visitor_token_hash"], token_hash):
        return True
    if row["visitor_id"] is not None and await visitors_db.opens(conn, row["visitor_id"],
                                                                  token_hash):
        return True
    found = False
    for candidate in await sessions_db.device_token_hashes(conn, row["id"]):
        found |= hmac.compare_digest(candidate, token_hash)
    return found


async def token_opens(engine: AsyncEngine, row: RowMapping, visitor_token: str) -> bool:
    """Does the visitor token open the session of this row (`sessions_db.for_visitor_sockets`)?
    A connection only when it is not the session's first token."""
    token_hash = hash_token(visitor_token)
    if hmac.compare_digest(row["visitor_token_hash"], token_hash):
        return True
    async with engine.connect() as conn:
        return await _opens(conn, row, token_hash)


async def access_session(conn: AsyncConnection, site_key: str | None, session_id: str, *,
                         visitor_token: str | None = None, actor: Actor | None = None,
                         for_update: bool = False) -> RowMapping:
    """The session if the caller may touch it: its visitor (by any of its tokens) or an agent
    of its widget. Anything else, including a valid token of another session, is 404. A site key
    of None skips the widget check (the socket URL names only the session)."""
    if visitor_token is None and actor is None:
        raise Unauthorized("a visitor token or a signed-in agent is required")
    row = await sessions_db.get(conn, session_id, for_update=for_update) if len(session_id) <= 36 else None
    if row is None or (site_key is not None and row["site_key"] != site_key):
        raise NotFound("no such session", code="session_not_found")
    if visitor_token is not None:
        if not await _opens(conn, row, hash_token(visitor_token)):
            raise NotFound("no such session", code="session_not_found")
        return row
    assert actor is not None
    widget = await widgets_db.by_id(conn, row["widget_id"])
    if widget is not None and await sees_widget(conn, actor, widget):
        return row
    raise NotFound("no such session", code="session_not_found")
