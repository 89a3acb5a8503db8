"""The outbox across real `chatctl serve` processes on the suite's database: a server killed
(SIGKILL) in the middle of its queue and started again delivers everything, twice only what
the SMTP server had taken before the row was marked (same Message-ID); two servers sharing
the queue deliver each email once, and both do work."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from chatserver.config import Settings, env_name
from chatserver.db.engine import create_engine
from chatserver.services.outbox_sender import CONCURRENCY
from tests.helpers.database import clear_tables
from tests.helpers.outbox import expire_leases, queue, rows_of
from tests.helpers.procs import ChatServer, RestartableServer
from tests.helpers.settings import TEST_SECRET, make_settings
from tests.helpers.smtp import Received, SmtpSink
from tests.helpers.wait import wait_until

pytestmark = pytest.mark.slow

SENT_LINE = re.compile(r"outbox (\d+) \(test\) sent")


@pytest.fixture
def sink() -> Any:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def settings(db_url: str, tmp_path: Path, sink: SmtpSink) -> Settings:
    asyncio.run(clear_tables(db_url))
    return make_settings(db_url, tmp_path / "data", **sink.settings(), smtp_timeout_s=2.0)


def _env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    names = ("database_url", "smtp_host", "smtp_port", "smtp_tls", "mail_from",
             "mail_reply_domain", "public_url", "mail_retry_base_s", "smtp_timeout_s")
    return {**{env_name(n): str(getattr(settings, n)) for n in names},
            "PARLEY_DATA_DIR": str(tmp_path / "data"), "PARLEY_SECRET_KEY": TEST_SECRET,
            "PARLEY_AI_PROVIDER": "none", "PARLEY_LOG_LEVEL": "INFO"}


def _all_sent(settings: Settings, count: int) -> Any:
    def probe() -> Any:
        found = asyncio.run(rows_of(settings))
        return found if len(found) == count and all(r["status"] == "sent" for r in found) \
            else None

    return probe


def test_a_server_killed_mid_queue_delivers_everything_after_its_restart(
        settings: Settings, sink: SmtpSink, tmp_path: Path) -> None:
    total, kill_at = 24, 9
    asyncio.run(queue_rows(settings, total))
    server = RestartableServer(_env(settings, tmp_path), tmp_path)
    killed: list[Received] = []

    def kill_in_data(mail: Received) -> None:
        # The SMTP server has taken the email; the sender dies before it hears "250".
        if len(sink.received) == kill_at and not killed and server.proc is not None:
            killed.append(mail)
            os.kill(server.proc.pid, signal.SIGKILL)

    sink.on_receive = kill_in_data
    try:
        server.start()
        assert server.wait(30) == -signal.SIGKILL
        at_kill = asyncio.run(rows_of(settings))
        sent_before = {r["recipient"] for r in at_kill if r["status"] == "sent"}
        leased = [r for r in at_kill if r["lease_owner"] is not None]
        assert killed and killed[0].recipients[0] not in sent_before
        assert 1 <= len(leased) <= CONCURRENCY and len(sent_before) < kill_at
        assert any(r["status"] == "pending" and r["lease_owner"] is None for r in at_kill)
        # While it is down, the dead process's leases run out (PARLEY_SMTP_TIMEOUT_S x 4 +
        # 30 s; moved into the past here rather than waited for).
        assert asyncio.run(expire_leases_of(settings)) == len(leased)
        sink.on_receive = None
        server.start()
        found = wait_until(_all_sent(settings, total), 30, "every row sent after the restart")
        server.terminate()
        assert server.wait(15) == 0
    finally:
        server.kill()

    copies = Counter(m.recipients[0] for m in sink.received)
    assert set(copies) == {r["recipient"] for r in found}
    twice = {rcpt for rcpt, n in copies.items() if n > 1}
    # Sent twice: the email taken as the process died, and at most the others in flight
    # then; never one marked sent before; no email three times.
    assert killed[0].recipients[0] in twice and max(copies.values()) == 2
    assert not twice & sent_before and len(twice) <= CONCURRENCY
    ids = {r["recipient"]: r["message_id"] for r in found}
    for mail in sink.received:
        assert mail.message["Message-ID"] == ids[mail.recipients[0]]


def test_two_servers_share_the_queue_and_send_each_email_once(
        settings: Settings, sink: SmtpSink, tmp_path: Path) -> None:
    total = 300
    # The SMTP server holds every email until more are in flight at once than one process
    # ever sends (CONCURRENCY): then both processes are delivering.
    both = threading.Event()
    waiting = 0

    async def hold() -> None:
        nonlocal waiting
        waiting += 1
        while not both.is_set():
            if waiting > CONCURRENCY:
                both.set()
            await asyncio.sleep(0.005)

    sink.hold = hold
    # Long enough for the held emails not to time out while the other process starts.
    env = _env(settings.replace(smtp_timeout_s=10.0), tmp_path)
    with ChatServer(env, tmp_path / "a.log") as a, ChatServer(env, tmp_path / "b.log") as b:
        asyncio.run(queue_rows(settings, total))
        found = wait_until(_all_sent(settings, total), 60, "every row sent")
        logs = [a.log(), b.log()]
    assert both.is_set()
    copies = Counter(m.recipients[0] for m in sink.received)
    assert len(copies) == total and set(copies.values()) == {1}
    by_process = [{int(i) for i in SENT_LINE.findall(log)} for log in logs]
    assert all(by_process) and not by_process[0] & by_process[1]
    assert by_process[0] | by_process[1] == {r["id"] for r in found}


async def queue_rows(settings: Settings, count: int) -> None:
    engine = create_engine(settings)
    try:
        await queue(engine, settings, count)
    finally:
        await engine.dispose()


async def expire_leases_of(settings: Settings) -> int:
    engine = create_engine(settings)
    try:
        return await expire_leases(engine)
    finally:
        await engine.dispose()
