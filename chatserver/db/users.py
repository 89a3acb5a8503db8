"""SQL for users and login throttling."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.schema import login_failures, users


async def insert_user(conn: AsyncConnection, **values: Any) -> int:
    result = await conn.execute(insert(users).values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


async def get(conn: AsyncConnection, user_id: int) -> RowMapping | None:
    return (await conn.execute(select(users).where(users.c.id == user_id))).mappings().first()


async def find(conn: AsyncConnection, ident: str) -> RowMapping | None:
    """A user by id, username or email."""
    conds = [func.lower(users.c.username) == ident.lower(), users.c.email == ident.lower()]
    if ident.isdigit():
        conds.append(users.c.id == int(ident))
    return (await conn.execute(select(users).where(or_(*conds)))).mappings().first()


async def by_email(conn: AsyncConnection, email: str) -> RowMapping | None:
    stmt = select(users).where(users.c.email == email.lower())
    return (await conn.execute(stmt)).mappings().first()


async def exists(conn: AsyncConnection, *, username: str, email: str) -> tuple[bool, bool]:
    """Whether the username (in any case: MariaDB's collation ignores case, SQLite's does
    not, so the comparison is made here) or the email is taken."""
    name, email = username.lower(), email.lower()
    rows = (await conn.execute(select(users.c.username, users.c.email).where(
        or_(func.lower(users.c.username) == name, users.c.email == email)))).all()
    return any(r.username.lower() == name for r in rows), any(r.email == email for r in rows)


async def list_all(conn: AsyncConnection) -> list[RowMapping]:
    return list((await conn.execute(select(users).order_by(users.c.id))).mappings())


async def count(conn: AsyncConnection, *, role: str | None = None) -> int:
    stmt = select(func.count()).select_from(users)
    if role:
        stmt = stmt.where(users.c.role == role)
    return int((await conn.execute(stmt)).scalar_one())


async def count_admins_for_update(conn: AsyncConnection) -> int:
    """Count admins, locking their rows so two demotions cannot both pass the last-admin check."""
    ids = (await conn.execute(select(users.c.id).where(users.c.role == "admin")
                              .with_for_update())).scalars().all()
    return len(ids)


async def update_user(conn: AsyncConnection, user_id: int, *, bump_tokens: bool = False,
                      **values: Any) -> bool:
    if bump_tokens:
        values["token_version"] = users.c.token_version + 1
    result = await conn.execute(update(users).where(users.c.id == user_id).values(**values))
    return result.rowcount > 0


async def delete_user(conn: AsyncConnection, user_id: int) -> bool:
    return (await conn.execute(delete(users).where(users.c.id == user_id))).rowcount > 0


async def count_failures(conn: AsyncConnection, keys: list[str], since: datetime) -> list[int]:
    """Failures of each key since ``since``, in the order of ``keys`` (in one query; keys
    compared as the database compares them: MariaDB's collation folds case and accents)."""
    key = login_failures.c.key
    stmt = select(*[func.coalesce(func.sum(case((key == k, 1), else_=0)), 0) for k in keys]) \
        .where(key.in_(keys), login_failures.c.created_at >= since)
    return [int(n) for n in (await conn.execute(stmt)).one()]


async def oldest_failure(conn: AsyncConnection, keys: list[str], since: datetime) -> datetime | None:
    stmt = select(func.min(login_failures.c.created_at)).where(
        login_failures.c.key.in_(keys), login_failures.c.created_at >= since)
    value: datetime | None = (await conn.execute(stmt)).scalar()
    return value


async def record_failures(conn: AsyncConnection, keys: list[str], at: datetime) -> None:
    await conn.execute(insert(login_failures), [{"key": k, "created_at": at} for k in keys])


async def clear_failures(conn: AsyncConnection, keys: list[str]) -> None:
    await conn.execute(delete(login_failures).where(login_failures.c.key.in_(keys)))


async def prune_failures(conn: AsyncConnection, before: datetime) -> None:
    await conn.execute(delete(login_failures).where(login_failures.c.created_at < before))


async def avatar_owner(conn: AsyncConnection, avatar_id: str) -> int | None:
    """The id of the user whose current avatar this is, if any."""
    stmt = select(users.c.id).where(users.c.avatar_id == avatar_id)
    value: int | None = (await conn.execute(stmt)).scalar()
    return value
