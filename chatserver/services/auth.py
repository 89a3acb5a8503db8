"""Sign-in: JWTs for agents and admins, revocation by token version, login throttling.

A token names its user by id (``sub``) and by the user's random ``token_key`` (``uk``), and
carries the user's token version (``tv``): it is good only while the row with that id is
the same user (ids are never reused, and the key tells even if one were) at that version."""

from __future__ import annotations

import hmac
import secrets
import time
from datetime import timedelta
from typing import Any

import jwt

from chatserver.context import Context
from chatserver.db import users as db
from chatserver.errors import Forbidden, RateLimited, Unauthorized
from chatserver.services.access import Actor
from chatserver.services.passwords import check_password, hash_password, verify_password
from chatserver.services.users import public, revoke_sockets
from chatserver.timeutil import utcnow

ALGORITHM = "HS256"
VISITOR_TOKEN_PREFIX = "pv_"  # noqa: S105 - a prefix, not a secret


def issue_token(ctx: Context, user: dict[str, Any] | Any, token_version: int) -> str:
    now = int(time.time())
    claims = {
        "sub": str(user["id"]),
        "role": user["role"],
        "tv": token_version,
        "uk": user["token_key"],
        "iat": now,
        "exp": now + ctx.settings.jwt_lifetime_s,
        "iss": ctx.settings.jwt_issuer,
        "aud": ctx.settings.jwt_audience,
        "jti": secrets.token_hex(8),
    }
    return jwt.encode(claims, ctx.settings.secret_key, algorithm=ALGORITHM)


def decode_token(ctx: Context, token: str) -> dict[str, Any]:
    """Verify signature, algorithm, expiry, issuer and audience; 401 otherwise."""
    if token.startswith(VISITOR_TOKEN_PREFIX):
        raise Unauthorized("a visitor token cannot sign in here", code="invalid_token")
    try:
        claims: dict[str, Any] = jwt.decode(
            token, ctx.settings.secret_key, algorithms=[ALGORITHM],
            issuer=ctx.settings.jwt_issuer, audience=ctx.settings.jwt_audience,
            options={"require": ["exp", "iat", "sub", "iss", "aud"]})
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired; sign in again", code="token_expired") from None
    except jwt.PyJWTError:
        raise Unauthorized("the token is not valid", code="invalid_token") from None
    if not str(claims.get("sub", "")).isdigit() or not isinstance(claims.get("tv"), int) \
            or not isinstance(claims.get("uk"), str):
        raise Unauthorized("the token is not valid", code="invalid_token")
    return claims


async def authenticate(ctx: Context, token: str) -> tuple[Actor, dict[str, Any]]:
    """The actor behind a bearer token, checked against the user's row (revocation, deletion,
    another user under the same id): the one query of every signed-in request and socket."""
    claims = decode_token(ctx, token)
    async with ctx.engine.connect() as conn:
        row = await db.get(conn, int(claims["sub"]))
    if row is None or row["token_version"] != claims["tv"] \
            or not hmac.compare_digest(row["token_key"].encode(), claims["uk"].encode()):
        raise Unauthorized("the token has been revoked; sign in again", code="token_revoked")
    return Actor(id=row["id"], role=row["role"], display_name=row["display_name"]), claims


def _throttle_keys(email: str, ip: str) -> list[str]:
    return [f"acct:{email.lower()[:254]}", f"ip:{ip}"]


async def _refuse_if_throttled(ctx: Context, keys: list[str]) -> None:
    """429 (with Retry-After) when any key has had too many failures in the window."""
    s = ctx.settings
    since = utcnow() - timedelta(seconds=s.login_window_s)
    async with ctx.engine.connect() as conn:
        failures = await db.count_failures(conn, keys, since)
        if failures >= s.login_max_failures:
            oldest = await db.oldest_failure(conn, keys, since)
            wait = s.login_window_s if oldest is None else \
                max(1, int((oldest - since).total_seconds()) + 1)
            raise RateLimited("too many failed sign-ins; try again later",
                              code="too_many_attempts", headers={"Retry-After": str(wait)})


async def _record_failure(ctx: Context, keys: list[str]) -> None:
    now = utcnow()
    async with ctx.engine.begin() as conn:
        await db.record_failures(conn, keys, now)
        await db.prune_failures(conn, now - timedelta(seconds=ctx.settings.login_window_s * 2))


async def login(ctx: Context, email: str, password: str, ip: str, *,
                roles: tuple[str, ...] = ("admin", "agent")) -> dict[str, Any]:
    """Check credentials (throttled per account and per IP) and issue a token."""
    keys = _throttle_keys(email, ip)
    await _refuse_if_throttled(ctx, keys)
    async with ctx.engine.connect() as conn:
        row = await db.by_email(conn, email)
    ok = await verify_password(password, row["password_hash"] if row else None,
                               ctx.settings.bcrypt_rounds)
    if not ok or row is None:
        await _record_failure(ctx, keys)
        raise Unauthorized("wrong email or password", code="invalid_credentials")
    if row["role"] not in roles:
        raise Forbidden("this account cannot sign in here", code="role_not_allowed")
    async with ctx.engine.begin() as conn:
        await db.clear_failures(conn, keys[:1])
        await db.update_user(conn, row["id"], last_login_at=utcnow())
        row = await db.get(conn, row["id"])
    assert row is not None
    return {"token": issue_token(ctx, row, row["token_version"]), "user": public(row)}


async def logout(ctx: Context, actor: Actor) -> None:
    """Revoke every token of this user."""
    assert actor.id is not None
    async with ctx.engine.begin() as conn:
        await db.update_user(conn, actor.id, bump_tokens=True)
    await revoke_sockets(ctx, actor.id)


async def change_own_password(ctx: Context, actor: Actor, current: str,
                              new: str) -> dict[str, Any]:
    """Change one's own password: every old token is revoked, a fresh one is returned."""
    assert actor.id is not None
    async with ctx.engine.connect() as conn:
        row = await db.get(conn, actor.id)
    if row is None:
        raise Unauthorized("the token has been revoked; sign in again", code="token_revoked")
    # A wrong current password counts as a failed sign-in of the account: a stolen token must
    # not test guesses here that the sign-in throttle would stop.
    account = _throttle_keys(row["email"], "")[:1]
    await _refuse_if_throttled(ctx, account)
    if not await verify_password(current, row["password_hash"], ctx.settings.bcrypt_rounds):
        await _record_failure(ctx, account)
        raise Forbidden("the current password is wrong", code="wrong_password",
                        fields={"current_password": "is wrong"})
    check_password(new, username=row["username"], email=row["email"])
    hashed = await hash_password(new, ctx.settings.bcrypt_rounds)
    async with ctx.engine.begin() as conn:
        await db.update_user(conn, actor.id, password_hash=hashed, bump_tokens=True)
        row = await db.get(conn, actor.id)
    assert row is not None
    await revoke_sockets(ctx, actor.id)
    return {"token": issue_token(ctx, row, row["token_version"]), "user": public(row)}


async def token_for(ctx: Context, user_id: int) -> str:
    async with ctx.engine.connect() as conn:
        row = await db.get(conn, user_id)
    assert row is not None
    return issue_token(ctx, row, row["token_version"])


async def register(ctx: Context, data: dict[str, Any], actor: Actor | None) -> dict[str, Any]:
    """The first user becomes admin; then an admin creates users, or anyone may when the
    ``allow_registration`` setting is on (as an agent). Self-registration signs the user in."""
    from chatserver.services.users import create_user, parse_new_user

    fields = parse_new_user(data)
    requested = fields["role"] or "agent"
    async with ctx.engine.connect() as conn:
        first = await db.count(conn) == 0
    if first:
        role, self_signup = "admin", True
    elif actor is not None and actor.is_admin:
        role, self_signup = requested, False
    elif actor is not None:
        raise Forbidden("only an admin may create users", code="admin_required")
    elif ctx.settings.allow_registration:
        if requested != "agent":
            raise Forbidden("only an admin may create admins", code="admin_required")
        role, self_signup = "agent", True
    else:
        raise Forbidden("registration is closed; ask an admin for an account",
                        code="registration_closed")
    user = await create_user(ctx, username=fields["username"], email=fields["email"],
                             password=fields["password"], role=role,
                             display_name=fields["display_name"], first_becomes_admin=first)
    if not self_signup:
        return {"user": user}
    return {"token": await token_for(ctx, user["id"]), "user": user}
