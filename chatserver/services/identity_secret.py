"""A widget's identity secret (docs/identity.md): made, shown once, rotated, kept encrypted.

The secret is an HMAC key both sides must hold, so Parley keeps it recoverable: encrypted at
rest with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) under a key derived from
the server's secret key (HKDF-SHA256). A database dump alone does not reveal it; changing
the server's secret key makes stored identity secrets unreadable (rotate them after).

Rotation keeps two secrets valid: the new one, and the previous one until
`identity_previous_until` (a grace period the admin chooses, default a day) or until the
admin finishes the rotation, whichever comes first.
"""

from __future__ import annotations

import base64
import logging
import secrets
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import widgets as db
from chatserver.errors import Conflict, ParleyError
from chatserver.services.access import Actor, access_widget
from chatserver.services.audit import record
from chatserver.services.widget_config import invalidate_config
from chatserver.timeutil import iso, utcnow

log = logging.getLogger(__name__)

SECRET_PREFIX = "pis_"  # noqa: S105 - a prefix, so a pasted secret is recognisable
# How long the previous secret stays valid after a rotation unless the admin says otherwise:
# long enough for the site's servers to be redeployed with the new one.
DEFAULT_GRACE = timedelta(hours=24)
MAX_GRACE = timedelta(days=30)


def new_secret() -> str:
    """256 random bits (longer than HS256's 32-byte key length)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


@lru_cache(maxsize=4)
def _fernet(server_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"parley widget identity secret").derive(server_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str, server_key: str) -> str:
    return _fernet(server_key).encrypt(secret.encode()).decode()


def decrypt(stored: str, server_key: str) -> str:
    try:
        return _fernet(server_key).decrypt(stored.encode()).decode()
    except InvalidToken:
        log.warning("an identity secret cannot be decrypted: was the server's secret key "
                    "changed? Rotate the widget's identity secret")
        raise ParleyError("the widget's identity secret cannot be read with this server's "
                          "secret key; an admin must rotate it",
                          code="identity_secret_unreadable", status=503) from None


def usable_secrets(widget: RowMapping, server_key: str, now: datetime) -> list[str]:
    """The secrets a token may be signed with now: the current one, then the previous one
    while its rotation's grace lasts."""
    out: list[str] = []
    if widget["identity_secret"]:
        out.append(decrypt(widget["identity_secret"], server_key))
    until = widget["identity_previous_until"]
    if widget["identity_secret_previous"] and until is not None and until > now:
        out.append(decrypt(widget["identity_secret_previous"], server_key))
    return out


def state(row: RowMapping) -> dict[str, Any]:
    """What admins see of a widget's identity secrets (never the secrets)."""
    until = row["identity_previous_until"]
    rotating = bool(row["identity_secret_previous"]) and until is not None and until > utcnow()
    return {"identity_secret_set": bool(row["identity_secret"]),
            "identity_previous_until": iso(until) if rotating else None}


async def make_secret(ctx: Context, actor: Actor, site_key: str, *, rotate: bool,
                      grace: timedelta | None = None) -> dict[str, Any]:
    """A new identity secret for the widget, returned once (only its encryption is kept).

    Without `rotate`, a widget that already has one is refused (`identity_secret_exists`).
    With it, the old secret stays valid for `grace` (default a day; zero: not at all)."""
    grace = DEFAULT_GRACE if grace is None else max(timedelta(0), min(grace, MAX_GRACE))
    secret = new_secret()
    now = utcnow()
    key = ctx.settings.secret_key
    async with ctx.engine.begin() as conn:
        row = await access_widget(conn, actor, site_key, manage=True)
        if row["identity_secret"] and not rotate:
            raise Conflict("this widget has an identity secret already: rotate it",
                           code="identity_secret_exists")
        keep = bool(row["identity_secret"]) and grace > timedelta(0)
        await db.update_widget(
            conn, row["id"], updated_at=now, identity_secret=encrypt(secret, key),
            identity_secret_previous=row["identity_secret"] if keep else None,
            identity_previous_until=now + grace if keep else None)
        await record(conn, actor,
                     "widget.identity_secret_rotate" if row["identity_secret"]
                     else "widget.identity_secret_create", "widget", site_key,
                     {"previous_valid_hours": round(grace.total_seconds() / 3600, 2)
                      if keep else 0} if row["identity_secret"] else None)
        new = await db.by_id(conn, row["id"])
    assert new is not None
    invalidate_config(ctx, site_key)
    log.info("identity secret %s for widget %s by user %s",
             "rotated" if row["identity_secret"] else "created", row["id"], actor.id)
    return {"secret": secret, **state(new)}


async def finish_rotation(ctx: Context, actor: Actor, site_key: str) -> dict[str, Any]:
    """Stop accepting the previous secret now."""
    async with ctx.engine.begin() as conn:
        row = await access_widget(conn, actor, site_key, manage=True)
        await db.update_widget(conn, row["id"], updated_at=utcnow(),
                               identity_secret_previous=None, identity_previous_until=None)
        await record(conn, actor, "widget.identity_secret_finish", "widget", site_key)
        new = await db.by_id(conn, row["id"])
    assert new is not None
    log.info("identity secret rotation finished for widget %s by user %s", row["id"], actor.id)
    return state(new)
