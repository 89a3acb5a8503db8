"""A background task that fails because the database is down logs a warning (an outage is not a
bug, and the soak and fault runs allow no ERROR lines or tracebacks); any other failure still
logs an ERROR with its traceback."""

from __future__ import annotations

import asyncio
import logging

import pymysql
import pytest
from sqlalchemy.exc import OperationalError

from chatserver import tasks
from chatserver.outage import OutageLog
from chatserver.tasks import drain, spawn


async def _fail(exc: BaseException) -> None:
    raise exc


def _run(exc: BaseException) -> None:
    async def go() -> None:
        spawn(_fail(exc))
        await drain(1.0)

    asyncio.run(go())


def test_a_task_stopped_by_a_database_outage_logs_a_warning(
        caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tasks, "outage_log", OutageLog())  # no report from an earlier test
    lost = OperationalError("SELECT 1", {}, pymysql.err.OperationalError(
        2013, "Lost connection to MySQL server during query"))
    with caplog.at_level(logging.INFO):
        _run(lost)
    (record,) = caplog.records
    assert record.levelno == logging.WARNING and record.exc_info is None
    assert record.getMessage() == \
        "database unavailable (OperationalError): background task failed"


def test_a_task_that_fails_otherwise_logs_an_error_with_its_traceback(
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="chatserver.tasks"):
        _run(ValueError("a bug"))
    (record,) = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None
