"""`chatctl serve` as a sysadmin runs it: a real process, a real MariaDB that goes away.

The database here is a private mariadbd (tests/helpers/mariadb.py) that the tests kill,
stop, freeze and restart; the shared server is never touched. The server process itself is
never restarted between the database's outages: it has to notice and recover by itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import stat
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import websockets.sync.client
from sqlalchemy.util import greenlet_spawn

from chatserver.config import Settings
from chatserver.db.engine import create_engine
from chatserver.outage import OUTAGE_LOG_EVERY_S, outage_log
from tests.helpers.mariadb import PrivateMariaDB, private_mariadb
from tests.helpers.procs import ChatServer, read_secret_key
from tests.helpers.wait import wait_until

pytestmark = pytest.mark.slow

# /api/health gives the database 2 s; a little more for the request itself.
DOWN_WITHIN_S = 5.0
# A restarted database is back by the next health check but one (the first meets the dead
# connection, which invalidates the pool).
BACK_WITHIN_S = 10.0
# With nothing in flight, SIGTERM to exit takes no more than this.
PROMPT_EXIT_S = 5.0
# PARLEY_DB_STATEMENT_TIMEOUT_S of the hung-database test.
STATEMENT_TIMEOUT_S = 2.0


@pytest.fixture(scope="module")
def mariadb() -> Iterator[PrivateMariaDB]:
    with private_mariadb() as server:
        yield server


@pytest.fixture
def private_db_url(mariadb: PrivateMariaDB) -> str:
    """The private server, running, with a freshly migrated database."""
    if not mariadb.running():
        mariadb.start()
    return mariadb.create_database("parley_life_test")


@pytest.fixture
def server(private_db_url: str, tmp_path: Path) -> Iterator[ChatServer]:
    env = {"PARLEY_DATABASE_URL": private_db_url, "PARLEY_DATA_DIR": str(tmp_path / "data"),
           "PARLEY_SECRET_KEY": "lifecycle-test-secret-" + "x" * 32,
           "PARLEY_AI_PROVIDER": "offline", "PARLEY_LOG_LEVEL": "INFO"}
    with ChatServer(env, tmp_path / "chatctl.log") as proc:
        yield proc


def _health_is(server: ChatServer, code: int, database: str) -> Any:
    def probe() -> Any:
        status, body = server.health(timeout=10)
        return body if status == code and isinstance(body, dict) and \
            body.get("database") == database else None

    return probe


def test_health_follows_the_database_down_and_back(server: ChatServer,
                                                   mariadb: PrivateMariaDB) -> None:
    wait_until(_health_is(server, 200, "ok"), 10, "health 200 at start")
    pid = server.proc.pid if server.proc else None

    for outage, what in ((mariadb.kill, "killed"), (mariadb.stop, "stopped")):
        outage()
        started = time.monotonic()
        body = wait_until(_health_is(server, 503, "down"), DOWN_WITHIN_S,
                          f"health 503 once MariaDB is {what}")
        assert body["status"] == "unavailable"
        assert time.monotonic() - started < DOWN_WITHIN_S

        mariadb.start()
        wait_until(_health_is(server, 200, "ok"), BACK_WITHIN_S,
                   f"health 200 again once the {what} MariaDB is back")

    assert server.proc is not None and server.proc.poll() is None and server.proc.pid == pid
    assert "Traceback" not in server.log(), server.log()


def test_sigterm_exits_0_promptly_and_logs_stopped(server: ChatServer) -> None:
    wait_until(_health_is(server, 200, "ok"), 10, "health 200")
    started = time.monotonic()
    server.terminate()
    assert server.wait(timeout=PROMPT_EXIT_S + 5) == 0, server.log()
    assert time.monotonic() - started < PROMPT_EXIT_S, server.log()
    last = server.log().strip().splitlines()[-1]
    assert last.endswith("stopped"), server.log()
    assert "Traceback" not in server.log(), server.log()


def test_sigterm_lets_an_in_flight_request_finish(server: ChatServer,
                                                  mariadb: PrivateMariaDB) -> None:
    """A health check stuck on a frozen database is a real slow request: it answers after
    its 2 s timeout. SIGTERM in the meantime must not cut it off."""
    wait_until(_health_is(server, 200, "ok"), 10, "health 200")
    mariadb.pause()
    try:
        with ThreadPoolExecutor(1) as pool:
            slow = pool.submit(server.health, 15)
            time.sleep(0.3)  # the request is in the handler, waiting on the database
            server.terminate()
            status, body = slow.result(timeout=15)
        assert (status, body["database"]) == (503, "down")
        assert server.wait(timeout=15) == 0, server.log()
    finally:
        mariadb.resume()
    # In the log, the shutdown began while the request was in flight, and ended after it.
    lines = server.log().strip().splitlines()
    order = [next(i for i, line in enumerate(lines) if marker in line)
             for marker in ("shutting down", "503 GET /api/health", "stopped")]
    assert order == sorted(order) and order[-1] == len(lines) - 1, server.log()


def test_two_servers_on_a_fresh_data_dir_share_one_generated_secret(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {"PARLEY_DATA_DIR": str(data_dir), "PARLEY_AI_PROVIDER": "offline"}
    first = ChatServer(env, tmp_path / "first.log")
    second = ChatServer(env, tmp_path / "second.log")
    try:
        # Both launched before either has started up, so both find no key.
        for proc in (first, second):
            proc.spawn()
        for proc in (first, second):
            proc.wait_listening()
            wait_until(_health_is(proc, 200, "ok"), 10, "health 200")
    finally:
        first.kill()
        second.kill()
    _assert_one_private_key(data_dir)


def test_ensure_secret_key_agrees_across_racing_processes(tmp_path: Path) -> None:
    mp = multiprocessing.get_context("spawn")
    racers = 4
    for round_ in range(3):
        data_dir = tmp_path / f"round{round_}"
        barrier = mp.Barrier(racers)
        results = mp.Queue()
        procs = [mp.Process(target=read_secret_key, args=(str(data_dir), barrier, results))
                 for _ in range(racers)]
        for p in procs:
            p.start()
        keys = [results.get(timeout=60) for _ in procs]
        for p in procs:
            p.join(30)
            assert p.exitcode == 0
        key = _assert_one_private_key(data_dir)
        assert keys == [key] * racers


def _assert_one_private_key(data_dir: Path) -> str:
    key_file = data_dir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in data_dir.iterdir() if "secret_key" in p.name] == ["secret_key"]
    key = key_file.read_text().strip()
    assert len(key) >= 32
    return key


def test_a_hung_database_answers_unavailable_after_the_statement_timeout(
        private_db_url: str, tmp_path: Path, mariadb: PrivateMariaDB) -> None:
    """A database that hangs instead of refusing (SIGSTOP): a socket's message gets the
    retryable `unavailable` error once the statement timeout has passed, health says the
    database is down, and the same message is stored once when the database is back."""
    env = {"PARLEY_DATABASE_URL": private_db_url, "PARLEY_DATA_DIR": str(tmp_path / "data"),
           "PARLEY_SECRET_KEY": "lifecycle-test-secret-" + "x" * 32,
           "PARLEY_AI_PROVIDER": "offline", "PARLEY_LOG_LEVEL": "INFO",
           "PARLEY_DB_STATEMENT_TIMEOUT_S": str(STATEMENT_TIMEOUT_S),
           "PARLEY_DB_CONNECT_TIMEOUT_S": "1"}
    with ChatServer(env, tmp_path / "chatctl.log") as server:
        wait_until(_health_is(server, 200, "ok"), 10, "health 200")
        session = _demo_session(server)
        with websockets.sync.client.connect(
                server.url.replace("http", "ws", 1) + f"/ws/{session['session_id']}") as ws:
            ws.send(json.dumps({"type": "auth", "token": session["visitor_token"]}))
            assert json.loads(ws.recv(timeout=10))["type"] == "ready"
            mariadb.pause()
            try:
                started = time.monotonic()
                frame = {"type": "message", "client_msg_id": "hung-1", "text": "hello?"}
                ws.send(json.dumps(frame))
                error = json.loads(ws.recv(timeout=3 * STATEMENT_TIMEOUT_S + 5))
                waited = time.monotonic() - started
                status, body = server.health(timeout=10)
            finally:
                mariadb.resume()
            assert (error["type"], error["code"], error["retryable"]) == \
                ("error", "unavailable", True), error
            assert error["client_msg_id"] == "hung-1"
            assert STATEMENT_TIMEOUT_S <= waited < 3 * STATEMENT_TIMEOUT_S + 3, waited
            assert (status, body["database"]) == (503, "down")
            # Back: the resend is stored once (or found, had the hung commit gone through).
            for _ in range(20):
                ws.send(json.dumps(frame))
                answer = json.loads(ws.recv(timeout=10))
                if answer["type"] == "ack":
                    break
                time.sleep(0.5)
            assert answer["type"] == "ack" and answer["seq"] == 1, answer
    assert "Traceback" not in server.log(), server.log()


def _demo_session(server: ChatServer) -> dict[str, Any]:
    """A widget (made by `chatctl demo`'s API path: register, create) and a session of it."""
    def post(path: str, body: dict[str, Any], token: str = "") -> Any:
        req = urllib.request.Request(server.url + path, json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"}
                                                 if token else {})})
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())

    admin = post("/api/auth/register", {"username": "root", "email": "root@example.com",
                                        "password": "correct-horse-battery"})["token"]
    key = post("/api/widgets", {"business_name": "Acme", "ai_enabled": False},
               admin)["widget"]["site_key"]
    return post(f"/api/widgets/{key}/sessions", {})  # type: ignore[no-any-return]


def test_a_connection_lost_in_an_outage_is_one_outage_line_not_a_traceback(
        private_db_url: str, tmp_path: Path, mariadb: PrivateMariaDB,
        caplog: pytest.LogCaptureFixture) -> None:
    """The pool resets a connection it gets back (a ROLLBACK, sent when a transaction is
    open); when the database was killed meanwhile it used to log an ERROR with a traceback
    ("Exception during reset or similar")."""
    settings = Settings(database_url=private_db_url, data_dir=str(tmp_path / "data"))
    outage_log.last = -OUTAGE_LOG_EVERY_S  # a fresh outage: its first failure is reported

    async def lose_a_connection() -> None:
        engine = create_engine(settings)
        try:
            raw = await engine.raw_connection()
            await raw.driver_connection.begin()  # handed back with its transaction open
            await asyncio.to_thread(mariadb.kill)
            await greenlet_spawn(raw.close)  # the pool's ROLLBACK meets a dead server
        finally:
            await engine.dispose()

    caplog.set_level(logging.INFO)
    asyncio.run(lose_a_connection())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], \
        caplog.text
    assert any(r.getMessage().startswith("database unavailable") and
               "connection reset failed" in r.getMessage() for r in caplog.records), caplog.text
