"""A few statements run on MariaDB's driver (asyncmy) itself: the message writer's, which every
message runs, in a transaction SQLAlchemy began and commits, or (the writer's common batch)
one its packet begins and commits on a connection the writer holds.

SQLAlchemy's execution of one statement (a greenlet switch into its synchronous core, an
execution context, the compiled cache's lookup, the result's rows) cost 175-244 us of CPU
where asyncmy alone took 104-111 (`python -m bench.driver`). A statement here is still written
with SQLAlchemy (the tables stay the one source of the schema), compiled once for the
connection's dialect, and given its parameters in the compiled order. Parameters go to the
driver as they are: no type's bind processing (a JSON value is given already encoded).
`fetch`, `fetch_each` and `fetch_last` run the same statements through SQLAlchemy on SQLite.

Several statements can go in one packet (`fetch_each`, `fetch_last`: one round trip where
each costs its own; asyncmy's connections accept several statements, as PyMySQL's do), ended
by the transaction's COMMIT when nothing follows them.

A driver error becomes the SQLAlchemy error the rest of Parley expects (IntegrityError for a
duplicate key, OperationalError for a lost server), and a lost connection is invalidated, as
SQLAlchemy does for its own statements. SQLite runs everything through SQLAlchemy
(`driver_connection` is None there).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from asyncmy import errors as mysql_errors
from asyncmy.constants.SERVER_STATUS import SERVER_STATUS_IN_TRANS
from asyncmy.cursors import DictCursor
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Executable


class Prepared:
    """A statement compiled once for a dialect: the statement (for SQLAlchemy), its SQL and
    the order of its parameters (for the driver)."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        self.statement = statement
        compiled: Any = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        self.sql: str = compiled.string
        self.names = tuple(compiled.positiontup or ())

    def args(self, params: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(params[name] for name in self.names)


def prepared(build: Callable[..., Executable]) -> Callable[..., Prepared]:
    """`build(*sizes)` -> a statement; the result, called as `(dialect, *sizes)`, gives it
    compiled, once per dialect and sizes (a list is one parameter per item: the driver has
    no expanding parameters)."""

    @functools.lru_cache(maxsize=256)
    def get(dialect: Dialect, *sizes: int) -> Prepared:
        return Prepared(build(*sizes), dialect)

    return get


def driver_connection(conn: AsyncConnection) -> Any | None:
    """The driver's connection under `conn` (begun), or None where statements go through
    SQLAlchemy (SQLite)."""
    if conn.dialect.name == "sqlite":
        return None
    return conn.sync_connection.connection.driver_connection  # type: ignore[union-attr]


async def fetch(conn: AsyncConnection, statement: Prepared,
                params: dict[str, Any]) -> list[Any]:
    """Run the statement, on the driver where there is one; its rows, by column name."""
    driver = driver_connection(conn)
    if driver is None:
        return list((await conn.execute(statement.statement, params)).mappings())
    args = statement.args(params)
    try:
        async with driver.cursor(DictCursor) as cursor:
            await cursor.execute(statement.sql, args)
            rows: list[dict[str, Any]] = await cursor.fetchall()
            return rows
    except mysql_errors.Error as exc:
        raise await _translated(conn, exc, statement.sql, args) from exc


async def fetch_last(conn: AsyncConnection, statements: Sequence[tuple[Prepared, dict[str, Any]]],
                     *, commit: bool = False) -> list[Any]:
    """Run the statements in order (`fetch_each`); the last one's rows, by column name."""
    return (await fetch_each(conn, statements, commit=commit))[-1]


async def fetch_each(conn: AsyncConnection, statements: Sequence[tuple[Prepared, dict[str, Any]]],
                     *, commit: bool = False) -> list[list[Any]]:
    """Run the statements in order; each one's rows, by column name (none for a statement
    that returns none). On the driver they go in one packet, one round trip, followed by
    COMMIT if `commit` (the transaction then ends with them, and SQLAlchemy's commit at the
    end of the block sends nothing: db/engine.py). The server runs none after one that
    fails (nor the COMMIT), whose error is raised. Through SQLAlchemy one by one where there
    is no driver (SQLite; the block's commit ends the transaction)."""
    driver = driver_connection(conn)
    if driver is None:
        answers = []
        for statement, params in statements:
            result = await conn.execute(statement.statement, params)
            answers.append(list(result.mappings()) if result.returns_rows else [])
        return answers
    sql = ";\n".join(statement.sql for statement, _ in statements)
    args = tuple(arg for statement, params in statements for arg in statement.args(params))
    if commit:
        sql += ";\nCOMMIT"
    try:
        async with driver.cursor(DictCursor) as cursor:
            await cursor.execute(sql, args)
            answers = [list(await cursor.fetchall() or ())]
            for _ in statements[1:]:
                await cursor.nextset()  # the next statement's answer, or its error
                answers.append(list(await cursor.fetchall() or ()))
            if commit:
                await cursor.nextset()
                # COMMIT's answer may carry no status (asyncmy then keeps the insert's).
                driver.server_status &= ~SERVER_STATUS_IN_TRANS
            return answers
    except mysql_errors.Error as exc:
        raise await _translated(conn, exc, sql, args) from exc


async def _translated(conn: AsyncConnection, exc: mysql_errors.Error, sql: str,
                      args: Sequence[Any]) -> StatementError:
    """SQLAlchemy's error for the driver's, the connection invalidated if it is lost."""
    lost = conn.dialect.is_disconnect(exc, None, None)  # type: ignore[arg-type]
    if lost:
        await conn.invalidate()
    return DBAPIError.instance(sql, args, exc, mysql_errors.Error,
                               connection_invalidated=lost, dialect=conn.dialect)
