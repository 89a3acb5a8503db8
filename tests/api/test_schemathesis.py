"""Schemathesis against a live server: every response must match docs/openapi.yaml.

A real Tornado server on port 0 runs in a thread with its own event loop, on the test
database (SQLite by default, MariaDB with PARLEY_TEST_DATABASE_URL). It is seeded through the
REST API (an admin, four agents, two widgets, two sessions, knowledge entries); the schema is loaded from the
server's own /api/openapi.json and `schemathesis run` (its CLI, in a child process) runs the
coverage, fuzzing and stateful phases on every operation with the checks not_a_server_error,
status_code_conformance, response_schema_conformance, content_type_conformance,
response_headers_conformance and unsupported_method. The test fails on any failure and on
any error the server logs. About 5,000 requests, 70-100 s (the coverage phase most of it).

Keeping the run meaningful:
- Login throttling and the per-IP session limit are raised (the fuzzer signs in wrongly and
  opens sessions far more often than a person could).
- Requests carry the admin's JWT; the visitor endpoints the seeded visitor's `pv_` token.
- Path parameters often (not always) name the seeded widget, session and agent, and
  password fields often carry an acceptable password, so requests get past 404 and 422 into
  the real answers.
- Operations that would lock the admin out are pointed elsewhere rather than excluded:
  sign-out and own-password change run with tokens of agents of their own; role and
  password changes always target the "victim" agent and user deletion the "doomed" one (never
  the admin); widget deletion targets a spare widget. No operation is excluded. (Schemathesis
  does not call GET /api/openapi.json, the schema's own URL; test_openapi.py covers it.)

Exploring: PARLEY_FUZZ_SEED, PARLEY_FUZZ_MAX_EXAMPLES and PARLEY_FUZZ_CHECKS (e.g. `all`)
change the run; the full output is left in the test's tmp_path/schemathesis.out.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
import tornado.httpserver
import tornado.netutil

from chatserver.app import make_app, open_context
from chatserver.config import Settings
from chatserver.server import server_options
from chatserver.services.assistant import AIRunner
from tests.helpers.database import clear_tables
from tests.helpers.settings import make_settings

pytestmark = pytest.mark.slow

# Fixed by default so CI is reproducible; PARLEY_FUZZ_SEED explores other cases.
SEED = int(os.environ.get("PARLEY_FUZZ_SEED", "20250131"))
MAX_EXAMPLES = int(os.environ.get("PARLEY_FUZZ_MAX_EXAMPLES", "12"))
CHECKS = os.environ.get("PARLEY_FUZZ_CHECKS", ",".join([
    "not_a_server_error", "status_code_conformance", "response_schema_conformance",
    "content_type_conformance", "response_headers_conformance", "unsupported_method"]))
RUN_TIMEOUT_S = 600
PASSWORD = "fuzz-admin-password"
STRONG_PASSWORD = "Another-fine-passphrase-42"
KNOWLEDGE = """## How do I return a bike?
Bring it back within 30 days with the receipt for a full refund.

## Opening hours
We are open Monday to Friday, 9:00 to 17:00.
"""
# victim: role and password changes; doomed: deletion; leaver: sign-out; changer: own password.
AGENTS = ("victim", "doomed", "leaver", "changer")


class ErrorLog(logging.Handler):
    """Collects ERROR records (uncaught exceptions) the server logs while fuzzed."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


class ServerThread(threading.Thread):
    """The real application on 127.0.0.1:<free port>, in a thread with its own event loop."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(name="fuzzed-server", daemon=True)
        self.settings = settings
        self.port = 0
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopped: asyncio.Event | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported by start()/stop() in the test's thread
            self.error = exc
            self.ready.set()

    async def _serve(self) -> None:
        await clear_tables(self.settings.database_url)
        ai = AIRunner(self.settings)
        ctx = open_context(self.settings, ai)
        server = tornado.httpserver.HTTPServer(make_app(ctx, ai), **server_options(self.settings))
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
        server.add_sockets(sockets)
        self.port = sockets[0].getsockname()[1]
        self._loop, self._stopped = asyncio.get_running_loop(), asyncio.Event()
        self.ready.set()
        try:
            await self._stopped.wait()
        finally:
            server.stop()
            await server.close_all_connections()
            await ai.close()
            await ctx.close()

    def start_and_wait(self) -> str:
        self.start()
        assert self.ready.wait(30), "server did not start"
        if self.error:
            raise self.error
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self._loop is not None and self._stopped is not None:
            self._loop.call_soon_threadsafe(self._stopped.set)
        self.join(30)
        assert not self.is_alive(), "server did not stop"
        if self.error:
            raise self.error


def _ok(resp: httpx.Response, status: int) -> Any:
    assert resp.status_code == status, f"{resp.request.method} {resp.request.url}: " \
        f"{resp.status_code} {resp.text[:500]}"
    return resp.json()


def seed(base: str) -> dict[str, Any]:
    """An admin, four agents with a job each, a widget with sessions, and a spare widget."""
    with httpx.Client(base_url=base, timeout=30) as http:
        admin = _ok(http.post("/api/auth/register", json={
            "username": "fuzzadmin", "email": "fuzzadmin@example.com", "password": PASSWORD}),
            201)
        auth = {"Authorization": f"Bearer {admin['token']}"}
        users, tokens = {}, {}
        for name in AGENTS:
            users[name] = _ok(http.post("/api/auth/register", headers=auth, json={
                "username": name, "email": f"{name}@example.com", "password": PASSWORD,
                "role": "agent"}), 201)["user"]
            tokens[name] = _ok(http.post("/api/auth/login", json={
                "email": f"{name}@example.com", "password": PASSWORD}), 200)["token"]
        widget = _ok(http.post("/api/widgets", headers=auth, json={
            "business_name": "Fuzz", "enable_prechat_form": True,
            "business_hours": {"mon": [["09:00", "17:00"]]},
            "ai_settings": {"provider": "offline", "temperature": 0.5},
            "prechat_fields": [
                {"name": "name", "label": "Name", "type": "text"},
                {"name": "topic", "label": "Topic", "type": "select",
                 "options": ["Sales", "Support"]}]}), 201)["widget"]
        spare = _ok(http.post("/api/widgets", headers=auth, json={"business_name": "Spare"}),
                    201)["widget"]
        entries = _ok(http.post(f"/api/widgets/{widget['site_key']}/knowledge/import",
                                headers=auth, json={"format": "markdown", "content": KNOWLEDGE}),
                      201)["entries"]
        for user in users.values():
            _ok(http.put(f"/api/widgets/{widget['site_key']}/agents/{user['id']}",
                         headers=auth), 200)
        session = _ok(http.post(f"/api/widgets/{widget['site_key']}/sessions",
                                json={"visitor_name": "Vera"}), 201)
        # A second session, escalated: the queue and its history are not empty.
        other = _ok(http.post(f"/api/widgets/{widget['site_key']}/sessions", json={}), 201)
        _ok(http.post(f"/api/widgets/escalate/{widget['site_key']}/{other['session_id']}",
                      headers={"Authorization": f"Bearer {other['visitor_token']}"},
                      json={"reason": "frustration"}), 200)
    return {"admin_token": admin["token"], "tokens": tokens,
            "ids": {name: str(user["id"]) for name, user in users.items()},
            "site_key": widget["site_key"], "spare_site_key": spare["site_key"],
            "entry_id": str(entries[0]["id"]),
            "session_id": session["session_id"], "visitor_token": session["visitor_token"]}


def _toml(value: Any) -> str:
    return json.dumps(value)  # a JSON string or number is a valid TOML one


def schemathesis_config(s: dict[str, Any]) -> str:
    """schemathesis.toml for this run (per-operation tokens and path parameter values)."""
    def bearer(token: str) -> str:
        return "{ Authorization = " + _toml(f"Bearer {token}") + " }"

    def pinned(name: str, value: str) -> str:
        return "{ " + _toml(f"path.{name}") + " = " + _toml(value) + " }"

    lines = [
        f"seed = {SEED}",
        "workers = 1",
        "continue-on-failure = true",
        "[cache]", "enabled = false",
        # Throwaway tokens: show failures as they were sent.
        "[output.sanitization]", "enabled = false",
        "[generation]", f"max-examples = {MAX_EXAMPLES}", 'database = "none"',
        "[headers]", f"Authorization = {_toml('Bearer ' + s['admin_token'])}",
        "[dictionaries.site_keys]", f"values = [{_toml(s['site_key'])}]",
        "[dictionaries.session_ids]", f"values = [{_toml(s['session_id'])}]",
        "[dictionaries.user_ids]", f"values = [{_toml(s['ids']['victim'])}]",
        "[dictionaries.entry_ids]", f"values = [{_toml(s['entry_id'])}]",
        "[dictionaries.questions]", 'values = ["How do I return a bike?", "opening hours"]',
        "[dictionaries.passwords]", f"values = [{_toml(PASSWORD)}, {_toml(STRONG_PASSWORD)}]",
        "[parameters]",
        '"path.siteKey" = { dictionary = "site_keys", probability = 0.7 }',
        '"path.sessionId" = { dictionary = "session_ids", probability = 0.7 }',
        '"path.userId" = { dictionary = "user_ids", probability = 0.5 }',
        '"path.entryId" = { dictionary = "entry_ids", probability = 0.5 }',
        '"body.question" = { dictionary = "questions", probability = 0.5 }',
        # Random passwords are nearly all too weak: offer acceptable ones too.
        '"body.password" = { dictionary = "passwords", probability = 0.4 }',
        '"body.new_password" = { dictionary = "passwords", probability = 0.4 }',
        '"body.current_password" = { dictionary = "passwords", probability = 0.4 }',
        # Visitor endpoints: the visitor's token (the JWT path is the same code after auth).
        "[[operations]]",
        'include-operation-id = ["getMessages", "escalateSession", "getQueuePosition"]',
        f"headers = {bearer(s['visitor_token'])}",
        # Would sign the admin out: an agent of their own for each.
        "[[operations]]",
        'include-operation-id = "logout"',
        f"headers = {bearer(s['tokens']['leaver'])}",
        "[[operations]]",
        'include-operation-id = "changePassword"',
        f"headers = {bearer(s['tokens']['changer'])}",
        # Would lock the admin out (demote, new password, delete): never the admin's id.
        "[[operations]]",
        'include-operation-id = ["setUserRole", "setUserPassword"]',
        f"parameters = {pinned('userId', s['ids']['victim'])}",
        "[[operations]]",
        'include-operation-id = "deleteUser"',
        f"parameters = {pinned('userId', s['ids']['doomed'])}",
        # Would delete the seeded widget: the spare one.
        "[[operations]]",
        'include-operation-id = "deleteWidget"',
        f"parameters = {pinned('siteKey', s['spare_site_key'])}",
    ]
    return "\n".join(lines) + "\n"


def _schemathesis() -> str:
    exe = Path(sys.executable).with_name("schemathesis")
    found = str(exe) if exe.exists() else shutil.which("schemathesis")
    assert found, "schemathesis is not installed (pip install -e '.[test]')"
    return found


@pytest.fixture
def error_log() -> Any:
    """Server errors, collected; the thousands of 4xx access-log lines are not kept (a 5xx
    is still logged, at ERROR)."""
    handler = ErrorLog()
    handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    root, access = logging.getLogger(), logging.getLogger("tornado.access")
    level = access.level
    access.setLevel(logging.ERROR)
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    access.setLevel(level)


def test_server_conforms_to_its_openapi_document(db_url: str, tmp_path: Path,
                                                 error_log: ErrorLog) -> None:
    settings = make_settings(db_url, tmp_path / "data", login_max_failures=1_000_000,
                             login_max_failures_per_address=1_000_000,
                             sessions_per_ip_per_minute=1_000_000)
    server = ServerThread(settings)
    base = server.start_and_wait()
    try:
        config = tmp_path / "schemathesis.toml"
        config.write_text(schemathesis_config(seed(base)))
        report = tmp_path / "report.json"
        done = subprocess.run(
            [_schemathesis(), "--config-file", str(config), "--no-color", "run",
             f"{base}/api/openapi.json", "--checks", CHECKS,
             "--report", "json", "--report-json-path", str(report)],
            cwd=tmp_path, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False,
            env={**os.environ, "NO_COLOR": "1"})
    finally:
        server.stop()
    output = done.stdout + done.stderr
    (tmp_path / "schemathesis.out").write_text(output)
    print(output[-6000:])  # the summary, shown with -s or on failure
    assert done.returncode == 0, \
        f"schemathesis found problems (all of it in {tmp_path}/schemathesis.out):\n{output[-20000:]}"
    summary = json.loads(report.read_text())
    assert summary["operations"]["tested"] >= 35 and not summary["failures"], summary
    assert not error_log.records, "the server logged errors:\n" + "\n".join(error_log.records)
