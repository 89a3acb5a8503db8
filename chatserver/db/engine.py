"""Engine creation for MariaDB (asyncmy) and SQLite (aiosqlite)."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from asyncmy import errors as mysql_errors
from asyncmy.connection import Connection as MySQLConnection
from asyncmy.constants.SERVER_STATUS import SERVER_STATUS_IN_TRANS
from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from chatserver.config import DRIVERS, MYSQL_DRIVER, MYSQL_DRIVERS, Settings
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
    if url.drivername in MYSQL_DRIVERS:
        return url.set(drivername=MYSQL_DRIVER)
    if url.drivername not in DRIVERS:
        raise ConfigError(
            f"unsupported database driver {url.drivername!r}: "
            "use mysql+asyncmy:// or sqlite+aiosqlite:///")
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
    connect_args: dict[str, Any] = {
        "connect_timeout": settings.db_connect_timeout_s,
        "async_creator_fn": functools.partial(_connection, settings.db_statement_timeout_s)}
    if "charset" not in parsed.query:
        connect_args["charset"] = "utf8mb4"
    engine = create_async_engine(
        parsed,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_recycle=settings.db_pool_recycle_s,
        pool_timeout=settings.db_connect_timeout_s,
        connect_args=connect_args,
    )
    ping_idle_connections(engine)
    quiet_pool_outages(engine)
    return engine


# A pooled connection checked in less than this long ago is handed out without a ping: a
# busy, healthy pool costs no round trip per checkout (SQLAlchemy's pool_pre_ping pings on
# every checkout: a round trip per message batch and per auth). One idle longer (the server's
# wait_timeout, a restart while the process was quiet) is pinged and replaced when dead. A
# connection that dies while busy fails its statement as a disconnect, which makes SQLAlchemy
# invalidate the whole pool, so one request sees the outage rather than one per connection.
PING_IDLE_S = 5.0


def ping_idle_connections(engine: AsyncEngine) -> None:
    sync = engine.sync_engine

    @event.listens_for(sync, "checkin")
    def checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync, "checkout")
    def checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is not None and time.monotonic() - since > PING_IDLE_S:
            try:
                sync.dialect.do_ping(dbapi_conn)
            except Exception as exc:  # the pool replaces the connection and tries again
                raise DisconnectionError(f"an idle pooled connection is dead: {exc}") from exc


# How often the watchdog looks for a connection waiting too long for its answer: a statement
# times out between statement_timeout_s and this much later. A timer per statement cost ~4 %
# of a message's CPU (bench/ab.py); one look a second costs nothing measurable.
WATCHDOG_EVERY_S = 1.0


class MariaDBConnection(MySQLConnection):
    """An asyncmy connection that sends COMMIT and ROLLBACK only to an open transaction, and
    whose every answer may be given a time limit.

    **COMMIT and ROLLBACK.** Every answer of the server carries its status, whose IN_TRANS
    flag says whether a transaction is open. SQLAlchemy rolls a connection back when the pool
    takes it back even right after its commit (a round trip per transaction for nothing),
    and commits a transaction that its statements already ended (the message writer's last
    packet ends with COMMIT). Both are skipped when the last answer said no transaction is
    open. An error packet carries no status, so a statement that fails (or is cancelled)
    marks the transaction open: the ROLLBACK after it is sent.

    **Time limit** (`statement_timeout_s` > 0): asyncmy's own read timeout arms a timer for
    every packet read (a timer per statement cost ~4 % of a message's CPU, bench/ab.py);
    without any, a server that hangs instead of refusing (SIGSTOP, a full disk, a network
    black hole) would hold a request, a socket's frame or the message writer forever. The
    connection notes when it starts waiting; the loop's `Watchdog` closes one that waited
    too long, and the read fails with the driver's "lost connection" (2013), which
    SQLAlchemy treats as a disconnect and Parley as unavailable."""

    server_status: int  # the driver's, from the last answer (its stub does not declare it)
    statement_timeout_s = 0.0
    clock: Callable[[], float]  # the loop's clock, set before it connects
    waiting_since = 0.0  # loop time the current answer has been awaited since (0: none)

    async def _read_query_result(self, unbuffered: bool = False) -> Any:
        self.waiting_since = self.clock()
        try:
            return await super()._read_query_result(unbuffered)  # type: ignore[misc]
        except BaseException:
            self.server_status |= SERVER_STATUS_IN_TRANS
            raise
        finally:
            self.waiting_since = 0.0

    async def _read_ok_packet(self) -> Any:
        self.waiting_since = self.clock()
        try:
            return await super()._read_ok_packet()  # type: ignore[misc]
        except BaseException:
            self.server_status |= SERVER_STATUS_IN_TRANS
            raise
        finally:
            self.waiting_since = 0.0

    async def commit(self) -> None:
        if self.server_status & SERVER_STATUS_IN_TRANS:
            await super().commit()

    async def rollback(self) -> None:
        if self.server_status & SERVER_STATUS_IN_TRANS:
            await super().rollback()


class Watchdog:
    """Closes the connections of one event loop that wait for an answer too long. A timer
    that re-arms itself while there are connections (no task: nothing is left pending when
    the loop stops)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.connections: weakref.WeakSet[MariaDBConnection] = weakref.WeakSet()
        self.timer: asyncio.TimerHandle | None = None
        self.closed = 0  # connections it closed

    def watch(self, conn: MariaDBConnection) -> None:
        self.connections.add(conn)
        if self.timer is None:
            self.timer = self.loop.call_later(WATCHDOG_EVERY_S, self.look)

    def look(self) -> None:
        now = self.loop.time()
        for conn in list(self.connections):
            if conn.waiting_since and now - conn.waiting_since > conn.statement_timeout_s:
                log.warning("closing a database connection: no answer in %.0f s",
                            now - conn.waiting_since)
                conn.waiting_since = 0.0
                self.closed += 1
                conn.close()  # the pending read ends with "lost connection" (2013)
        self.timer = self.loop.call_later(WATCHDOG_EVERY_S, self.look) \
            if self.connections else None


_watchdogs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Watchdog] = \
    weakref.WeakKeyDictionary()


def watchdog() -> Watchdog:
    loop = asyncio.get_running_loop()
    found: Watchdog | None = _watchdogs.get(loop)
    if found is None:
        found = _watchdogs[loop] = Watchdog(loop)
    return found


async def _connection(statement_timeout_s: float, **kwargs: Any) -> MariaDBConnection:
    """The driver's connect_timeout covers opening the TCP connection only; the server's
    greeting and the log-in are given the statement timeout too."""
    conn = MariaDBConnection(**kwargs)  # type: ignore[no-untyped-call]
    conn.clock = asyncio.get_running_loop().time
    if statement_timeout_s <= 0:
        await conn.connect()
        return conn
    conn.statement_timeout_s = statement_timeout_s
    try:
        async with asyncio.timeout(statement_timeout_s + (kwargs.get("connect_timeout") or 0)):
            await conn.connect()
    except TimeoutError:
        conn.close()
        raise mysql_errors.OperationalError(
            2003, f"Can't connect to server: no greeting in {statement_timeout_s} s") from None
    watchdog().watch(conn)
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
