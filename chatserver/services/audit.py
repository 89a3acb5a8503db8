"""The audit log of admin actions: who changed what, when, and from where.

Invariant: an entry is written by `record` on the connection of the change it records, inside
that change's transaction — a change that rolls back leaves no entry, a committed change always
has its entry. `details` holds what changed (field names, a role, a count), never a password,
a token or a secret's value: callers pass names, and `record` drops any key that looks like a
secret as a second guard.

Every admin action calls `record`: widgets (services/widgets.py), users (users.py), knowledge
entries (knowledge.py), team canned responses (canned.py), labels (labels.py), outbox retries
(outbox_admin.py). Later actions (a secret rotated, retention changed, a visitor exported or
erased) call it the same way with their own code. The log is kept: nothing prunes it
(docs/privacy.md, "Audit log").
"""

from __future__ import annotations

import base64
import getpass
import os
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.context import Context
from chatserver.db import audit as db
from chatserver.db import users as users_db
from chatserver.errors import BadRequest
from chatserver.services.access import Actor, require_admin
from chatserver.timeutil import iso, utcnow

# An actor with no id is the operator at `chatctl` unless it is this one: Parley itself (a
# scheduled task, e.g. retention), recorded as actor type "system".
SYSTEM = Actor(id=None, role="admin", display_name="system")

ACTION_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*\.?$")
TARGET_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
# Keys that must never reach `details`, whatever a caller passes.
SECRET_KEY_RE = re.compile(r"password|secret|token|api_key|hash", re.IGNORECASE)
PAGE_DEFAULT = 50
PAGE_MAX = 500  # also what `chatctl audit` fetches per round trip


def os_user() -> str:
    """Who runs this process (the operator at chatctl); "alice (sudo as parley)" when alice ran
    it through sudo."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no name for this uid (a bare container)
        user = f"uid {os.getuid()}"
    by = os.environ.get("SUDO_USER", "")
    return f"{by} (sudo as {user})" if by and by != user else user


def _clean(details: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in details.items() if not SECRET_KEY_RE.search(k)}


async def record(conn: AsyncConnection, actor: Actor, action: str, target_type: str,
                 target_id: str | int | None, details: dict[str, Any] | None = None) -> None:
    """Write one entry on `conn`, which must be the change's own transaction."""
    assert ACTION_RE.match(action) and not action.endswith("."), action
    if actor.id is not None:
        user = await users_db.get(conn, actor.id)
        actor_type, name = "user", (user["username"] if user else f"user {actor.id}")
    elif actor == SYSTEM:
        actor_type, name = "system", "parley"
    else:
        actor_type, name = "chatctl", os_user()
    await db.insert_entry(
        conn, created_at=utcnow(), actor_type=actor_type, actor_id=actor.id,
        actor_name=name[:100], action=action, target_type=target_type,
        target_id=None if target_id is None else str(target_id)[:64],
        details=_clean(details or {}), ip=actor.ip)


def view(row: RowMapping) -> dict[str, Any]:
    return {"id": row["id"], "at": iso(row["created_at"]),
            "actor": {"type": row["actor_type"], "id": row["actor_id"],
                      "name": row["actor_name"]},
            "action": row["action"], "target_type": row["target_type"],
            "target_id": row["target_id"], "details": row["details"], "ip": row["ip"]}


def _instant(text: str, name: str, *, end: bool) -> datetime:
    """A date (YYYY-MM-DD, UTC; as `to`, the whole day included) or an ISO date-time."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1) if end else day, time())
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise BadRequest(f"{name} must be a date YYYY-MM-DD or an ISO date-time",
                         code="invalid_filter", fields={name: "not a date"}) from None
    return moment


def encode_cursor(entry_id: int) -> str:
    return base64.urlsafe_b64encode(f"a{entry_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if raw[:1] == "a" and raw[1:].isdigit() and len(raw) < 20:
            return int(raw[1:])
    except (ValueError, UnicodeDecodeError):
        pass
    raise BadRequest("cursor is not one this API gave", code="invalid_cursor",
                     fields={"cursor": "invalid"})


def parse_filter(params: dict[str, str | None]) -> db.AuditFilter:
    """The filters of a listing (REST query or chatctl options): actor (a user id, a
    username, `chatctl` or `system`), action (a prefix: `widget` or `widget.update`),
    target_type and target_id, from and to, cursor. Bad input is a 400 `invalid_filter`."""
    def bad(name: str, why: str) -> BadRequest:
        return BadRequest(f"{name} {why}", code="invalid_filter", fields={name: why})

    out: dict[str, Any] = {}
    actor = (params.get("actor") or "").strip()
    if actor in ("chatctl", "system"):
        out["actor_type"] = actor
    elif actor.isascii() and actor.isdigit():
        if len(actor) > 12:
            raise bad("actor", "is not a user id")
        out["actor_id"] = int(actor)
    elif actor:
        if len(actor) > 100:
            raise bad("actor", "is too long")
        out["actor_type"], out["actor_name"] = "user", actor
    action = (params.get("action") or "").strip()
    if action:
        if len(action) > 64 or not ACTION_RE.match(action):
            raise bad("action", "must be an action code or its start, e.g. widget.update")
        out["action_prefix"] = action
    target_type = (params.get("target_type") or "").strip()
    if target_type:
        if not TARGET_TYPE_RE.match(target_type):
            raise bad("target_type", "must be a target type, e.g. widget or user")
        out["target_type"] = target_type
    target_id = (params.get("target_id") or "").strip()
    if target_id:
        if len(target_id) > 64:
            raise bad("target_id", "is too long")
        out["target_id"] = target_id
    if params.get("from"):
        out["since"] = _instant(str(params["from"]).strip(), "from", end=False)
    if params.get("to"):
        out["until"] = _instant(str(params["to"]).strip(), "to", end=True)
    if out.get("since") and out.get("until") and out["since"] >= out["until"]:
        raise bad("to", "must be after from")
    if params.get("cursor"):
        out["before_id"] = _decode_cursor(str(params["cursor"]))
    return db.AuditFilter(**out)


def parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return PAGE_DEFAULT
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6) or not 1 <= int(raw) <= PAGE_MAX:
        raise BadRequest(f"limit must be a whole number from 1 to {PAGE_MAX}",
                         code="invalid_filter", fields={"limit": "out of range"})
    return int(raw)


async def list_entries(ctx: Context, actor: Actor, f: db.AuditFilter,
                       limit: int = PAGE_DEFAULT) -> dict[str, Any]:
    """A page of entries, newest first, and the cursor of the next page (None at the end)."""
    require_admin(actor)
    async with ctx.engine.connect() as conn:
        rows = await db.page(conn, f, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return {"entries": [view(r) for r in rows],
            "next_cursor": encode_cursor(rows[-1]["id"]) if more else None}
