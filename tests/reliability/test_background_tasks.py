"""A background task that fails because the database is down logs a warning (an outage is not a
bug, and the soak and fault runs allow no ERROR lines or tracebacks); any other failure still
logs an ERROR with its traceback."""

from __future__ import annotations

import asyncio
import logging

import pymysql
import pytest
from sqlalchemy.exc import OperationalError

from chatserver.tasks import drain, spawn


async def _fail(exc: BaseException) -> None:
    raise exc


def _run(exc: BaseException) -> None:
    async def go() -> None:
        spawn(_fail(exc))
        await drain(1.0)

    asyncio.run(go())


def test_a_task_stopped_by_a_database_outage_logs_a_warning(
        caplog: pytest.LogCaptureFixture) -> None:
    lost = OperationalError("SELECT 1", {}, pymysql.err.OperationalError(
        2013, "Lost connection to MySQL server during query"))
    with caplog.at_level(logging.INFO, logger="chatserver.tasks"):
        _run(lost)
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert "database is unavailable (OperationalError)" in record.getMessage()


def test_a_task_that_fails_otherwise_logs_an_error_with_its_traceback(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="chatserver.tasks"):
        _run(ValueError("a bug"))
    (record,) = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None
