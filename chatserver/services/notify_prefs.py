"""Which team emails a user gets: the Notifications section of their settings.

Stored in ``users.notify_prefs`` as only the choices the user made ({"digest": false});
NULL or a missing key means the default. Every email is on by default: an agent who never
opens the settings screen still hears about a visitor left waiting, and one click turns it
off. A key added later starts at its default for everyone.
"""

from __future__ import annotations

from typing import Any

from chatserver.context import Context
from chatserver.db import notify as db
from chatserver.errors import BadRequest, ValidationError

WAITING = "waiting"  # a visitor waited notify_waiting_s and nobody accepted
OFFLINE_EMAIL = "offline_email"  # a visitor left an email outside hours or with nobody online
DIGEST = "digest"  # the daily digest of missed conversations
MENTION = "mention"  # a teammate @mentioned them in a private note (services/notes.py)

DEFAULTS: dict[str, bool] = {WAITING: True, OFFLINE_EMAIL: True, DIGEST: True, MENTION: True}


def effective(stored: Any) -> dict[str, bool]:
    """Every key with the user's choice or its default (a stored value that is not a
    boolean, or a key no longer known, is ignored)."""
    chosen = stored if isinstance(stored, dict) else {}
    return {key: chosen[key] if isinstance(chosen.get(key), bool) else default
            for key, default in DEFAULTS.items()}


def wants(user: Any, key: str) -> bool:
    """Whether this user (a users row) gets the team email `key`."""
    return effective(user["notify_prefs"])[key]


def parse(value: Any) -> dict[str, bool]:
    """The changes a request asks for: a JSON object of known keys and booleans."""
    if not isinstance(value, dict):
        raise BadRequest("notifications must be an object", code="invalid_type",
                         fields={"notifications": "must be an object"})
    unknown = sorted(set(value) - set(DEFAULTS))
    if unknown:
        raise ValidationError(
            "unknown notification: " + ", ".join(unknown), code="unknown_setting",
            fields={f"notifications.{k}": "is not a notification" for k in unknown})
    wrong = sorted(k for k, v in value.items() if not isinstance(v, bool))
    if wrong:
        raise BadRequest("notification choices are true or false", code="invalid_type",
                         fields={f"notifications.{k}": "must be true or false" for k in wrong})
    return dict(value)


async def get(ctx: Context, user_id: int) -> dict[str, bool]:
    async with ctx.engine.connect() as conn:
        return effective(await db.prefs(conn, user_id))


async def update(ctx: Context, user_id: int, changes: dict[str, bool]) -> dict[str, bool]:
    """Apply parsed changes; the user's choices after them."""
    async with ctx.engine.begin() as conn:
        stored = await db.prefs(conn, user_id, for_update=True)
        chosen = {k: v for k, v in (stored if isinstance(stored, dict) else {}).items()
                  if k in DEFAULTS}
        if changes:
            chosen.update(changes)
            await db.set_prefs(conn, user_id, chosen)
    return effective(chosen)
