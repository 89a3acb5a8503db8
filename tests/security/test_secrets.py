"""Secrets stay out of logs and out of answers that did not issue them.

The server runs as in production (``chatserver.server.serve``: the access log, request ids,
the HTTP server's body limit) with logging set up as ``chatctl serve`` does, at DEBUG, the
most talkative level an operator can choose; a day of chat goes through it: sign-ins right
and wrong, a password reset and change, a widget with its knowledge base, a visitor talking
to the AI (an OpenAI-compatible provider, the fake one, with an API key) and to an agent,
forged and revoked tokens. Then no log line may contain a password, a password hash, the AI
provider's key, a JWT, a visitor token or a visitor token's stored hash, and no answer or
frame a token it did not issue (the recording every security test gets:
tests/security/conftest.py).
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tornado.httpclient

from chatserver.logs import setup_logging
from chatserver.server import serve
from tests.helpers.database import clear_tables
from tests.helpers.fake_openai import FakeOpenAI
from tests.helpers.leaks import Ledger, LogLines, RecordingApi, log_leaks
from tests.helpers.settings import make_settings
from tests.helpers.sockets import WS, ws_url
from tests.helpers.tokens import forge

PASSWORDS = {"admin": "admin-secret-pass-1", "agent": "agent-secret-pass-2",
             "reset": "reset-secret-pass-3", "changed": "changed-secret-pass-4"}
AI_KEY = "sk-or-v1-secret-ai-provider-key-0123456789"


class _Client:
    """What RecordingApi needs of a client (get_url, fetch) for a server on a known port."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.http = tornado.httpclient.AsyncHTTPClient()

    def get_url(self, path: str) -> str:
        return self.base + path

    async def fetch(self, path: str, **kw: Any) -> Any:
        return await self.http.fetch(self.base + path, **kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def production_logging() -> Iterator[LogLines]:
    """Logging as `chatctl serve --log-level DEBUG` sets it up, plus a handler reading it;
    the test's own logging is put back afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, {name: logging.getLogger(name).level
                                            for name in logging.root.manager.loggerDict})
    setup_logging("text", "DEBUG")
    lines = LogLines()
    root.addHandler(lines)
    yield lines
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


async def _day_of_chat(api: RecordingApi, port: int) -> None:
    """Everything that handles a secret, once."""
    base = f"http://127.0.0.1:{port}"
    admin = (await api.post("/api/auth/register", {
        "username": "root", "email": "root@example.com", "password": PASSWORDS["admin"]})).json
    assert (await api.post("/api/auth/login", {"email": "root@example.com",
                                               "password": PASSWORDS["agent"]})).code == 401
    token = (await api.post("/api/auth/login", {"email": "root@example.com",
                                                "password": PASSWORDS["admin"]})).json["token"]
    widget = (await api.post("/api/widgets", {"business_name": "Acme", "ai_enabled": True},
                             token=token)).json["widget"]
    key = widget["site_key"]
    assert (await api.post(f"/api/widgets/{key}/knowledge", {
        "title": "How long do refunds take?", "body": "Refunds take five working days."},
        token=token)).code == 201
    agent = (await api.post("/api/auth/register", {
        "username": "alex", "email": "alex@example.com", "password": PASSWORDS["agent"],
        "role": "agent"}, token=token)).json["user"]
    await api.put(f"/api/widgets/{key}/agents/{agent['id']}", token=token)
    assert (await api.post(f"/api/auth/users/{agent['id']}/password",
                           {"password": PASSWORDS["reset"]}, token=token)).code == 204
    alex = (await api.post("/api/auth/agent-login", {"email": "alex@example.com",
                                                     "password": PASSWORDS["reset"]})).json["token"]

    session = (await api.post(f"/api/widgets/{key}/sessions", {
        "visitor_name": "Vera", "visitor_email": "vera@example.com"},
        headers={"User-Agent": "Mozilla/5.0 secret-test"})).json
    sid, vtoken = session["session_id"], session["visitor_token"]
    visitor = await WS.connect(ws_url(base, f"/ws/{sid}"))
    await visitor.send({"type": "auth", "token": vtoken, "last_seq": 0})
    await visitor.expect("ready")
    await visitor.say("How long do refunds take?")
    await visitor.expect("message", timeout=10, sender_type="ai")
    await api.get(f"/api/widgets/{key}/sessions/{sid}/messages", token=vtoken)
    await api.post(f"/api/widgets/escalate/{key}/{sid}", {}, token=vtoken)

    agent_ws = await WS.connect(ws_url(base, f"/ws/agent/{agent['id']}"))
    await agent_ws.send({"type": "auth", "token": alex, "last_seq": {}})
    await agent_ws.expect("ready")
    await agent_ws.send({"type": "accept", "session_id": sid})
    await agent_ws.expect("accepted")
    await agent_ws.say("Hello Vera, Alex here.", session_id=sid)
    await visitor.expect("message", sender_type="agent")
    await visitor.send({"type": "close", "rating": 5})
    await visitor.expect("session_closed")

    # Refusals: a wrong visitor token, a forged JWT, a stolen-then-revoked token.
    intruder = await WS.connect(ws_url(base, f"/ws/{sid}"))
    await intruder.send({"type": "auth", "token": vtoken[:-2] + "xx"})
    assert await intruder.closed() == 4401
    forged = forge(admin["user"]["id"], key="not-the-server-key-but-long-enough-32b")
    assert (await api.get("/api/auth/me", token=forged)).code == 401
    changed = await api.post("/api/auth/password", {"current_password": PASSWORDS["reset"],
                                                    "new_password": PASSWORDS["changed"]},
                             token=alex)
    assert changed.code == 200
    assert await agent_ws.closed() == 4401  # revoked by the change
    assert (await api.get("/api/auth/me", token=alex)).code == 401
    assert (await api.post("/api/auth/logout", token=changed.json["token"])).code == 204
    assert (await api.get("/api/nope", token=token)).code == 404
    assert (await api.request("POST", "/api/auth/login", body=b"{" + b"x" * 70_000)).code == 413
    for ws in (visitor, agent_ws, intruder):
        ws.close()


async def test_a_day_of_chat_logs_no_secret_even_at_debug(
        db_url: str, tmp_path: Path, ledger: Ledger, production_logging: LogLines) -> None:
    await clear_tables(db_url)
    port = _free_port()
    async with FakeOpenAI() as provider:
        settings = make_settings(db_url, tmp_path / "data", host="127.0.0.1", port=port,
                                 log_level="DEBUG", ai_provider="openai",
                                 ai_base_url=provider.base_url, ai_api_key=AI_KEY)
        ready, stop = asyncio.Event(), asyncio.Event()
        server = asyncio.ensure_future(serve(settings, ready=ready, stop=stop, notify=False))
        await asyncio.wait_for(ready.wait(), 10)
        try:
            await _day_of_chat(RecordingApi(_Client(port), ledger), port)
        finally:
            stop.set()
            await asyncio.wait_for(server, 20)
        assert provider.requests and provider.requests[0].headers["authorization"] == \
            f"Bearer {AI_KEY}"
    ledger.passwords |= {*PASSWORDS.values(), AI_KEY}
    lines = production_logging.lines
    assert any("POST /api/auth/login" in line for line in lines)  # the access log was read
    assert any("accepted by agent" in line for line in lines)  # and the services' lines
    found = log_leaks(ledger, lines)
    assert not found, "\n".join(found[:20])
    # The tokens this flow issued were many; each answer carried only its own.
    assert len([t for t in ledger.issued if t.startswith("pv_")]) == 1
    assert len(ledger.issued) >= 5
