"""Users: agents and admins (one table, a role)."""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from chatserver.context import Context
from chatserver.db import users as db
from chatserver.errors import Conflict, NotFound, ValidationError
from chatserver.services.access import Actor, require_admin
from chatserver.services.audit import record
from chatserver.services.passwords import check_password, hash_password
from chatserver.services.publish import profile_changed, revoke
from chatserver.storage.avatars import avatar_key
from chatserver.timeutil import iso, utcnow
from chatserver.validate import Fields

ROLES = ("admin", "agent")
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")


async def revoke_sockets(ctx: Context, user_id: int) -> None:
    """Tell every process to close this user's sockets (their tokens were just revoked)."""
    await revoke(ctx, user_id)


def new_token_key() -> str:
    """The random key a user's tokens carry (``users.token_key``): 128 bits, in hex."""
    return secrets.token_hex(16)


def avatar_url(avatar_id: str | None) -> str | None:
    """Where an avatar is served (api/avatars.py), relative to the server."""
    return None if avatar_id is None else f"/api/avatars/{avatar_id}"


def public(row: RowMapping) -> dict[str, Any]:
    """A user as any API shows it: never the hash, the token version or key."""
    return {
        "id": row["id"],
        "username": row["username"],
        "email": row["email"],
        "role": row["role"],
        "display_name": row["display_name"],
        "max_chats": row["max_chats"],
        "created_at": iso(row["created_at"]),
        "last_login_at": iso(row["last_login_at"]),
        "avatar_url": avatar_url(row["avatar_id"]),
    }


def parse_new_user(data: dict[str, Any]) -> dict[str, Any]:
    f = Fields(data)
    out = {
        "username": f.text("username", required=True, max_len=64, pattern=USERNAME_RE,
                          pattern_help="may use letters, digits, '.', '_' and '-' (2-64)"),
        "email": f.email("email", required=True),
        "password": f.password("password"),
        "role": f.choice("role", ROLES),
        "display_name": f.text("display_name", max_len=100),
    }
    f.check()
    return out


async def create_user(ctx: Context, *, username: str, email: str, password: str,
                      role: str = "agent", display_name: str | None = None,
                      first_becomes_admin: bool = False,
                      actor: Actor | None = None, ip: str | None = None) -> dict[str, Any]:
    """A new user. `actor` is who creates them (an admin, the operator at chatctl); None when
    they sign themselves up (the first admin, open registration) from `ip`."""
    f = Fields({"username": username, "email": email})
    username = f.text("username", required=True, pattern=USERNAME_RE,
                     pattern_help="may use letters, digits, '.', '_' and '-' (2-64)") or ""
    email = f.email("email", required=True) or ""
    f.check()
    if role not in ROLES:
        raise ValidationError("role must be admin or agent", fields={"role": "must be admin or agent"})
    check_password(password, username=username, email=email)
    hashed = await hash_password(password, ctx.settings.bcrypt_rounds)
    async with ctx.engine.begin() as conn:
        if first_becomes_admin and await db.count(conn) == 0:
            role = "admin"
        taken_name, taken_email = await db.exists(conn, username=username, email=email)
        if taken_name or taken_email:
            fields = {}
            if taken_name:
                fields["username"] = "is taken"
            if taken_email:
                fields["email"] = "is taken"
            raise Conflict("a user with that username or email exists", code="user_exists",
                           fields=fields)
        try:
            user_id = await db.insert_user(
                conn, username=username, email=email, password_hash=hashed, role=role,
                display_name=(display_name or username)[:100], created_at=utcnow(),
                token_key=new_token_key())
        except IntegrityError:
            raise Conflict("a user with that username or email exists",
                           code="user_exists") from None
        row = await db.get(conn, user_id)
        assert row is not None
        by = actor or Actor(id=user_id, role=role, ip=ip)
        await record(conn, by, "user.create", "user", user_id,
                     {"username": username, "role": role, "self_signup": actor is None})
    return public(row)


async def list_users(ctx: Context) -> list[dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        return [public(r) for r in await db.list_all(conn)]


async def get_user(ctx: Context, user_id: int) -> dict[str, Any]:
    async with ctx.engine.connect() as conn:
        row = await db.get(conn, user_id)
    if row is None:
        raise NotFound("no such user", code="user_not_found")
    return public(row)


async def find_user(ctx: Context, ident: str) -> dict[str, Any]:
    """A user by id, username or email (for the CLI)."""
    async with ctx.engine.connect() as conn:
        row = await db.find(conn, ident)
    if row is None:
        raise NotFound(f"no user {ident!r}", code="user_not_found")
    return public(row)


async def _guard_last_admin(conn: Any, row: RowMapping) -> None:
    if row["role"] == "admin" and await db.count_admins_for_update(conn) <= 1:
        raise Conflict("cannot remove or demote the last admin", code="last_admin")


async def delete_user(ctx: Context, actor: Actor, user_id: int) -> None:
    require_admin(actor)
    async with ctx.engine.begin() as conn:
        row = await db.get(conn, user_id)
        if row is None:
            raise NotFound("no such user", code="user_not_found")
        await _guard_last_admin(conn, row)
        # Recorded first: the actor may be deleting themselves (their name is read from users).
        await record(conn, actor, "user.delete", "user", user_id,
                     {"username": row["username"], "role": row["role"]})
        await db.delete_user(conn, user_id)
    await revoke_sockets(ctx, user_id)
    if row["avatar_id"]:
        await ctx.storage.delete([avatar_key(row["avatar_id"])])


async def set_role(ctx: Context, actor: Actor, user_id: int, role: str) -> dict[str, Any]:
    require_admin(actor)
    if role not in ROLES:
        raise ValidationError("role must be admin or agent", fields={"role": "must be admin or agent"})
    async with ctx.engine.begin() as conn:
        row = await db.get(conn, user_id)
        if row is None:
            raise NotFound("no such user", code="user_not_found")
        if row["role"] != role:
            if role != "admin":
                await _guard_last_admin(conn, row)
            await db.update_user(conn, user_id, role=role, bump_tokens=True)
            await record(conn, actor, "user.role_change", "user", user_id,
                         {"username": row["username"], "from": row["role"], "to": role})
        new = await db.get(conn, user_id)
    assert new is not None
    if new["role"] != row["role"]:
        await revoke_sockets(ctx, user_id)
    return public(new)


async def set_password(ctx: Context, actor: Actor, user_id: int, password: str) -> None:
    """Set a user's password (an admin's reset) and revoke every token the user holds."""
    require_admin(actor)
    async with ctx.engine.connect() as conn:
        row = await db.get(conn, user_id)
    if row is None:
        raise NotFound("no such user", code="user_not_found")
    check_password(password, username=row["username"], email=row["email"])
    hashed = await hash_password(password, ctx.settings.bcrypt_rounds)
    async with ctx.engine.begin() as conn:
        if not await db.update_user(conn, user_id, password_hash=hashed, bump_tokens=True):
            raise NotFound("no such user", code="user_not_found")
        await record(conn, actor, "user.password_reset", "user", user_id,
                     {"username": row["username"]})
    await revoke_sockets(ctx, user_id)


async def update_profile(ctx: Context, user_id: int, data: dict[str, Any]) -> dict[str, Any]:
    f = Fields(data)
    values: dict[str, Any] = {}
    if f.has("display_name"):
        values["display_name"] = f.text("display_name", required=True, max_len=100)
    if f.has("max_chats"):
        values["max_chats"] = f.integer("max_chats", min=1, max=100)
    f.check()
    async with ctx.engine.begin() as conn:
        if values and not await db.update_user(conn, user_id, **values):
            raise NotFound("no such user", code="user_not_found")
        row = await db.get(conn, user_id)
    if row is None:
        raise NotFound("no such user", code="user_not_found")
    if "display_name" in values:
        await profile_changed(ctx, user_id, row["display_name"])
    return public(row)
