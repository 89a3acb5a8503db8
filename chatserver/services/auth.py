"""Sign-in: JWTs for agents and admins, revocation by token version, login throttling.

A token names its user by id (``sub``) and by the user's random ``token_key`` (``uk``), and
carries the user's token version (``tv``): it is good only while the row with that id is
the same user (ids are never reused, and the key tells even if one were) at that version."""

from __future__ import annotations

import asyncio
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt

from chatserver.context import Context
from chatserver.db import users as db
from chatserver.errors import Forbidden, RateLimited, Unauthorized
from chatserver.services.access import Actor, SignedIn
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


async def authenticate(ctx: Context, token: str) -> tuple[SignedIn, dict[str, Any]]:
    """The actor behind a bearer token, checked against the user's row (revocation, deletion,
    another user under the same id): the one query of every signed-in request and socket."""
    claims = decode_token(ctx, token)
    async with ctx.engine.connect() as conn:
        row = await db.get(conn, int(claims["sub"]))
    if row is None or row["token_version"] != claims["tv"] \
            or not hmac.compare_digest(row["token_key"].encode(), claims["uk"].encode()):
        raise Unauthorized("the token has been revoked; sign in again", code="token_revoked")
    return SignedIn(id=row["id"], role=row["role"], display_name=row["display_name"]), claims


# Sign-in throttling (OWASP's authentication cheat sheet: throttle by address and by
# account and address, never lock the account itself). A failure counts against three keys:
# the account from that address and the address are refused (429) past their limits; the
# account alone is only ever slowed, so nobody can lock someone else out, while a guesser
# spread over many addresses meets a growing delay on every guess.

# The delay once an account has had PARLEY_LOGIN_MAX_FAILURES failures in the window, from
# any addresses; it doubles with each further failure, up to PARLEY_LOGIN_SLOWDOWN_MAX_S.
SLOWDOWN_FIRST_S = 0.25


def slowdown_s(account_failures: int, allowed: int, cap_s: float) -> float:
    """How long to wait before answering a sign-in to an account that failed this often."""
    if account_failures < allowed:
        return 0.0
    return min(cap_s, SLOWDOWN_FIRST_S * 2.0 ** min(account_failures - allowed, 16))


@dataclass(frozen=True)
class ThrottleKeys:
    """login_failures keys of one attempt: the account, the account from this address, and
    the address (login_failures.key is 300 characters: the address comes first, whole)."""

    account: str
    pair: str
    address: str

    @classmethod
    def of(cls, email: str, ip: str) -> ThrottleKeys:
        account = email.lower()[:254]
        return cls(f"acct:{account}", f"pair:{ip}|{account}"[:300], f"ip:{ip}")

    @property
    def all(self) -> list[str]:
        return [self.account, self.pair, self.address]


async def _throttle(ctx: Context, keys: ThrottleKeys) -> None:
    """429 (with Retry-After) when this address failed too often on this account or on any;
    otherwise wait as long as the account's failures from everywhere say (never refuse)."""
    s = ctx.settings
    since = utcnow() - timedelta(seconds=s.login_window_s)
    async with ctx.engine.connect() as conn:
        account, pair, address = await db.count_failures(conn, keys.all, since)
        over = [key for key, n, limit in ((keys.pair, pair, s.login_max_failures),
                                          (keys.address, address,
                                           s.login_max_failures_per_address)) if n >= limit]
        if over:
            oldest = await db.oldest_failure(conn, over, since)
            wait = s.login_window_s if oldest is None else \
                max(1, int((oldest - since).total_seconds()) + 1)
            raise RateLimited("too many failed sign-ins; try again later",
                              code="too_many_attempts", headers={"Retry-After": str(wait)})
    delay = slowdown_s(account, s.login_max_failures, s.login_slowdown_max_s)
    if delay > 0:
        await asyncio.sleep(delay)


async def _record_failure(ctx: Context, keys: ThrottleKeys) -> None:
    now = utcnow()
    async with ctx.engine.begin() as conn:
        await db.record_failures(conn, keys.all, now)
        await db.prune_failures(conn, now - timedelta(seconds=ctx.settings.login_window_s * 2))


async def login(ctx: Context, email: str, password: str, ip: str, *,
                roles: tuple[str, ...] = ("admin", "agent")) -> dict[str, Any]:
    """Check credentials (throttled by account and address, and by address; slowed by
    account) and issue a token."""
    keys = ThrottleKeys.of(email, ip)
    await _throttle(ctx, keys)
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
        await db.clear_failures(conn, [keys.pair])
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


async def change_own_password(ctx: Context, actor: Actor, current: str, new: str,
                              ip: str) -> dict[str, Any]:
    """Change one's own password: every old token is revoked, a fresh one is returned."""
    assert actor.id is not None
    async with ctx.engine.connect() as conn:
        row = await db.get(conn, actor.id)
    if row is None:
        raise Unauthorized("the token has been revoked; sign in again", code="token_revoked")
    # A wrong current password counts as a failed sign-in of the account from this address: a
    # stolen token must not test guesses here that the sign-in throttle would stop.
    keys = ThrottleKeys.of(row["email"], ip)
    await _throttle(ctx, keys)
    if not await verify_password(current, row["password_hash"], ctx.settings.bcrypt_rounds):
        await _record_failure(ctx, keys)
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


async def register(ctx: Context, data: dict[str, Any], actor: Actor | None,
                   ip: str | None = None) -> dict[str, Any]:
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
                             display_name=fields["display_name"], first_becomes_admin=first,
                             actor=None if self_signup else actor, ip=ip)
    if not self_signup:
        return {"user": user}
    return {"token": await token_for(ctx, user["id"]), "user": user}
