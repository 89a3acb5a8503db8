"""Password rules and bcrypt hashing (off the event loop: a hash takes ~0.2 s at cost 12)."""

from __future__ import annotations

import asyncio
import functools
import secrets

import bcrypt

from chatserver.errors import ValidationError

MIN_LENGTH = 8
# bcrypt only looks at the first 72 bytes: a longer password would silently be truncated.
MAX_BYTES = 72
COMMON = frozenset("""password password1 password123 12345678 123456789 1234567890 qwertyui
qwerty123 11111111 00000000 iloveyou admin123 administrator letmein1 welcome1 passw0rd
abcdefgh abcd1234 sunshine princess football baseball dragon12 monkey12 changeme secret12
trustno1 parley123""".split())


def check_password(password: str, *, username: str = "", email: str = "") -> None:
    problem = password_problem(password, username=username, email=email)
    if problem:
        raise ValidationError(f"password {problem}", code="weak_password",
                              fields={"password": problem})


def password_problem(password: str, *, username: str = "", email: str = "") -> str | None:
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if len(password.encode()) > MAX_BYTES:
        return f"must be at most {MAX_BYTES} bytes"
    lowered = password.lower()
    if lowered in COMMON or len(set(password)) < 4:
        return "is too common or too simple"
    if lowered in {username.lower(), email.lower(), email.split("@")[0].lower()}:
        return "must not be your username or email"
    return None


def _hash(password: str, rounds: int) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)).decode()


def _verify(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode()[:MAX_BYTES], hashed.encode())
    except ValueError:
        return False


@functools.cache
def _dummy_hash(rounds: int) -> str:
    """A real hash of the configured cost, made once, to check against when there is no user:
    an unknown email then costs what a known one does, so timing does not tell which exist."""
    return _hash(secrets.token_urlsafe(16), rounds)


def _verify_or_dummy(password: str, hashed: str | None, rounds: int) -> bool:
    ok = _verify(password, hashed or _dummy_hash(rounds))
    return ok and hashed is not None


async def hash_password(password: str, rounds: int) -> str:
    return await asyncio.get_running_loop().run_in_executor(None, _hash, password, rounds)


async def verify_password(password: str, hashed: str | None, rounds: int) -> bool:
    """Whether the password matches the hash; with no hash (no such user), False after the
    same work: one check against a dummy hash of cost ``rounds`` (the configured cost)."""
    return await asyncio.get_running_loop().run_in_executor(
        None, _verify_or_dummy, password, hashed, rounds)
