"""Who a conversation belongs to: the visitor record of a device token or a verified identity
(docs/privacy.md, "Visitors and their conversations"; services/visitors.py has the rest).

A browser keeps one device token per widget (the widget's localStorage, written at the first
interaction). The token opens every conversation of its visitor. A verified visitor (a signed
identity, docs/identity.md) is one visitor per widget and user id: every device that
identifies as them gets a device token of that visitor, and with it their conversations. A
device token of a verified visitor is never used without their identity token (a signed-out
browser starts anonymous), and an unverified claim never reaches a verified visitor's history.
"""

from __future__ import annotations

import secrets
import uuid

from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from chatserver.context import Context
from chatserver.db import visitors as db
from chatserver.services import identity
from chatserver.services.access import hash_token
from chatserver.services.auth import VISITOR_TOKEN_PREFIX
from chatserver.timeutil import utcnow


def new_visitor_token() -> str:
    """256 random bits with a prefix that can never be mistaken for a JWT."""
    return VISITOR_TOKEN_PREFIX + secrets.token_urlsafe(32)


def _hash(device_token: str | None) -> str | None:
    if not isinstance(device_token, str) or not device_token.startswith(VISITOR_TOKEN_PREFIX) \
            or len(device_token) > 200:
        return None
    return hash_token(device_token)


async def of_device(ctx: Context, widget_id: int, device_token: str | None) -> RowMapping | None:
    token_hash = _hash(device_token)
    if token_hash is None:
        return None
    async with ctx.engine.connect() as conn:
        return await db.by_token(conn, widget_id, token_hash)


async def verified(ctx: Context, widget_id: int, who: identity.VerifiedIdentity) -> str:
    """The visitor of a user id, made at first sight (two devices at once: one is made)."""
    now = utcnow()
    named = {"name": who.name, "email": who.email, "last_seen_at": now}
    try:
        async with ctx.engine.begin() as conn:
            row = await db.by_user(conn, widget_id, who.user_id)
            if row is not None:
                await db.update_visitor(conn, row["id"], **named)
                return str(row["id"])
            visitor_id = str(uuid.uuid4())
            await db.insert_visitor(conn, id=visitor_id, widget_id=widget_id,
                                    user_id=who.user_id, created_at=now, **named)
            return visitor_id
    except IntegrityError:  # made by another request in between
        async with ctx.engine.connect() as conn:
            row = await db.by_user(conn, widget_id, who.user_id)
        assert row is not None
        return str(row["id"])


async def device(ctx: Context, visitor_id: str, current: RowMapping | None,
                  device_token: str | None) -> str:
    """This device's token of the visitor: the one it holds if it is theirs, else a new one."""
    if current is not None and current["id"] == visitor_id and device_token:
        return device_token
    token = new_visitor_token()
    async with ctx.engine.begin() as conn:
        await db.add_token(conn, visitor_id, hash_token(token), utcnow())
    return token


async def for_conversation(ctx: Context, widget: RowMapping, device_token: str | None,
                           who: identity.VerifiedIdentity | None, *, name: str | None,
                           email: str | None) -> tuple[str, str]:
    """(visitor id, device token) of a visitor starting a conversation: the verified one, or
    the anonymous one this device's token names, or a new anonymous visitor."""
    current = await of_device(ctx, widget["id"], device_token)
    if who is not None:
        visitor_id = await verified(ctx, widget["id"], who)
        return visitor_id, await device(ctx, visitor_id, current, device_token)
    now = utcnow()
    if current is not None and current["user_id"] is None:
        claims = {k: v for k, v in (("name", name), ("email", email)) if v}
        async with ctx.engine.begin() as conn:
            await db.update_visitor(conn, current["id"], last_seen_at=now, **claims)
        assert device_token is not None
        return str(current["id"]), device_token
    visitor_id, token = str(uuid.uuid4()), new_visitor_token()
    async with ctx.engine.begin() as conn:
        await db.insert_visitor(conn, id=visitor_id, widget_id=widget["id"], name=name,
                                email=email, created_at=now, last_seen_at=now)
        await db.add_token(conn, visitor_id, hash_token(token), now)
    return visitor_id, token
