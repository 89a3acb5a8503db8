"""The outage log: one line for the first failure, then one per OUTAGE_LOG_EVERY_S at most."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import OperationalError

from chatserver.outage import OUTAGE_LOG_EVERY_S, OutageLog


def test_an_outage_is_reported_once_then_summarised(caplog: pytest.LogCaptureFixture) -> None:
    now = [100.0]
    report = OutageLog(clock=lambda: now[0])
    exc = OperationalError("SELECT 1", {}, ConnectionRefusedError(111, "refused"))
    caplog.set_level(logging.WARNING, logger="chatserver.outage")
    report("request", exc, "GET /api/sessions")
    for _ in range(50):
        now[0] += 0.1
        report("message frame", exc)
    report("request", exc, "POST /api/x")
    assert [r.getMessage() for r in caplog.records] == [
        "database unavailable (ConnectionRefusedError): request GET /api/sessions failed"]
    now[0] += OUTAGE_LOG_EVERY_S
    report("background task", exc)
    assert caplog.records[-1].getMessage() == (
        "database unavailable (ConnectionRefusedError): background task failed; 51 more since "
        "the last report (50 message frame, 1 request)")
    now[0] += OUTAGE_LOG_EVERY_S
    report("request", exc, "GET /")
    assert caplog.records[-1].getMessage().endswith("request GET / failed")
    assert len(caplog.records) == 3
