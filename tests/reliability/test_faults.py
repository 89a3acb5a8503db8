"""No loss, no duplicates, no lies under faults (the short run of harness.py, ~80 s).

Ten chats through a socket-dropping proxy to `chatctl serve` on a private mariadbd; meanwhile
the server is SIGKILLed and restarted once and the database is stopped for 10 s. The full run
(50 chats, 3 kills, the database stopped and then killed for 30 s each, a few minutes) is
`make soak`'s first part, or
`.venv/bin/python -m tests.reliability.harness --full`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import skip_or_fail
from tests.helpers.mariadb import mariadb_available
from tests.reliability.harness import Config, run

pytestmark = pytest.mark.slow


def test_no_loss_no_duplicates_no_false_acks_under_faults(tmp_path: Path) -> None:
    if not mariadb_available():
        skip_or_fail("mariadbd and mariadb-install-db are not installed")
    report = run(Config.short(), tmp_path)
    print(report.text())
    assert not report.violations, report.text()
    f = report.figures
    # The faults did happen, and the load went through them.
    assert f["faults"].get("kill") == 1 and f["faults"].get("db") == 1, f
    assert f["sockets_dropped_by_proxy"] > 0 and f["server_pids"] == 2, f
    assert f["faults"].get("storm", 0) >= 1, f  # every socket resumed at once, at least once
    assert f["errors_during_outage"].get("unavailable", 0) > 0, f
    assert f["messages_written"] > 400 and f["messages_acked"] == f["messages_written"], f
    assert f["max_ack_delay_after_last_fault_s"] <= 60, f
