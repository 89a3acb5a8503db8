"""Engine creation for MariaDB (aiomysql) and SQLite (aiosqlite)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiomysql
from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from chatserver.config import Settings
from chatserver.errors import ConfigError
from chatserver.outage import is_unavailable, outage_log

log = logging.getLogger(__name__)

# A health check never waits longer than this on the database.
HEALTH_TIMEOUT_S = 2.0


def parse_url(raw: str) -> URL:
    try:
        url = make_url(raw)
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise ConfigError(f"not a database URL: {raw!r}") from None
    if url.drivername not in ("sqlite+aiosqlite", "mysql+aiomysql", "mariadb+aiomysql"):
        raise ConfigError(
            f"unsupported database driver {url.drivername!r}: "
            "use mysql+aiomysql:// or sqlite+aiosqlite:///")
    return url


def ensure_sqlite_dir(url: URL) -> None:
    """SQLite creates the file but not its directory."""
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def is_sqlite(engine_or_url: AsyncEngine | URL) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, AsyncEngine) else engine_or_url
    return url.get_backend_name() == "sqlite"


def create_engine(settings: Settings, url: str | None = None) -> AsyncEngine:
    parsed = parse_url(url or settings.effective_database_url)
    if parsed.get_backend_name() == "sqlite":
        ensure_sqlite_dir(parsed)
        engine = create_async_engine(parsed, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    connect_args: dict[str, Any] = {"connect_timeout": settings.db_connect_timeout_s}
    if settings.db_statement_timeout_s > 0:
        connect_args["async_creator_fn"] = functools.partial(
            _timed_connection, settings.db_statement_timeout_s)
    if "charset" not in parsed.query:
        connect_args["charset"] = "utf8mb4"
    engine = create_async_engine(
        parsed,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_pre_ping=True,
        pool_recycle=settings.db_pool_recycle_s,
        pool_timeout=settings.db_connect_timeout_s,
        connect_args=connect_args,
    )
    quiet_pool_outages(engine)
    return engine


class TimedConnection(aiomysql.Connection):  # type: ignore[misc]
    """An aiomysql connection whose every answer (a statement's result, an OK for COMMIT,
    ROLLBACK or a ping) must come within `statement_timeout_s`. aiomysql has no read timeout:
    a server that hangs instead of refusing (SIGSTOP, a full disk, a network black hole) would
    hold a request, a socket's frame or the message writer forever. On time-out the
    connection is closed (its protocol state is unknown) and a "lost connection" error (2013)
    is raised, which SQLAlchemy treats as a disconnect and Parley as unavailable."""

    statement_timeout_s = 0.0

    async def _read_query_result(self, unbuffered: bool = False) -> Any:
        async with self._answer_in_time():
            return await super()._read_query_result(unbuffered=unbuffered)

    async def _read_ok_packet(self) -> Any:
        async with self._answer_in_time():
            return await super()._read_ok_packet()

    @contextlib.asynccontextmanager
    async def _answer_in_time(self) -> AsyncIterator[None]:
        try:
            async with asyncio.timeout(self.statement_timeout_s):
                yield
        except TimeoutError:
            self.close()
            raise aiomysql.OperationalError(
                2013, f"Lost connection to server: no answer in {self.statement_timeout_s} s"
            ) from None


async def _timed_connection(statement_timeout_s: float, **kwargs: Any) -> TimedConnection:
    """aiomysql's connect_timeout covers opening the TCP connection only; the server's
    greeting and the log-in are given the statement timeout too."""
    conn = TimedConnection(**kwargs)
    conn.statement_timeout_s = statement_timeout_s
    try:
        async with asyncio.timeout(statement_timeout_s + (conn.connect_timeout or 0)):
            await conn._connect()
    except TimeoutError:
        conn.close()
        raise aiomysql.OperationalError(
            2003, f"Can't connect to server: no greeting in {statement_timeout_s} s") from None
    return conn


class _PoolOutageFilter(logging.Filter):
    """The pool logs an ERROR with a traceback when it cannot reset or close a connection
    whose server is gone (killed, restarting). That is the outage every request is already
    reporting: count it in the outage log's one line instead."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is None or not is_unavailable(exc):
            return True
        outage_log("connection reset", exc)
        return False


_POOL_FILTER = _PoolOutageFilter()


def quiet_pool_outages(engine: AsyncEngine) -> None:
    pool_cls = type(engine.sync_engine.pool)
    pool_logger = logging.getLogger(f"{pool_cls.__module__}.{pool_cls.__name__}")
    if _POOL_FILTER not in pool_logger.filters:
        pool_logger.addFilter(_POOL_FILTER)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


async def check(engine: AsyncEngine) -> bool:
    """True when the database answers a trivial query within HEALTH_TIMEOUT_S."""
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_S):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        return True
    except Exception as exc:
        log.warning("database check failed: %s", type(exc).__name__)
        return False
