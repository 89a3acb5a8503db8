"""Database outages as every floor sees them: which errors mean "unavailable, retry" rather
than a bug or bad input, and the outage log, which reports an outage once and then
summarises instead of logging every failed request, frame and task."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable

from asyncmy import errors as mysql_errors
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

log = logging.getLogger(__name__)

# MySQL/MariaDB errors that mean "cannot talk to it now, try again": too many connections
# (1040), shutdown in progress (1053), lock wait timeout (1205), deadlock (1213), and the
# client's can't connect / server gone away / lost connection (2002, 2003, 2006, 2013).
UNAVAILABLE_MYSQL_CODES = frozenset({1040, 1053, 1205, 1213, 2002, 2003, 2006, 2013})
UNAVAILABLE_SQLITE = ("database is locked", "unable to open database file", "disk I/O error")


def is_unavailable(exc: BaseException) -> bool:
    """Does this database error mean \"unavailable, retry\" (not a bug or bad input)? Takes
    SQLAlchemy's errors and the driver's own (which the pool's logs carry)."""
    if isinstance(exc, PoolTimeout | ConnectionError | TimeoutError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError | mysql_errors.OperationalError | sqlite3.OperationalError):
        orig = getattr(exc, "orig", exc)
        args = getattr(orig, "args", ())
        if args and isinstance(args[0], int):
            return args[0] in UNAVAILABLE_MYSQL_CODES
        return any(text in str(orig) for text in UNAVAILABLE_SQLITE)
    return False


# During an outage every request, frame and background task fails the same way: the first
# failure is logged, then at most one line per OUTAGE_LOG_EVERY_S says how many followed.
OUTAGE_LOG_EVERY_S = 10.0


class OutageLog:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.last = -OUTAGE_LOG_EVERY_S
        self.quiet: dict[str, int] = {}

    def __call__(self, kind: str, exc: BaseException, detail: str = "") -> None:
        """Log that a `kind` of work (a request, a frame, a background task) failed because
        the database is unavailable, or only count it if a report went out recently."""
        now = self.clock()
        if now - self.last < OUTAGE_LOG_EVERY_S:
            self.quiet[kind] = self.quiet.get(kind, 0) + 1
            return
        cause = type(getattr(exc, "orig", None) or exc.__cause__ or exc).__name__
        since = ""
        if self.quiet:
            kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.quiet.items()))
            since = f"; {sum(self.quiet.values())} more since the last report ({kinds})"
        log.warning("database unavailable (%s): %s%s failed%s", cause, kind,
                    f" {detail}" if detail else "", since)
        self.last, self.quiet = now, {}


outage_log = OutageLog()
