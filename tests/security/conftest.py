"""Fixtures for the security suite (docs/security.md, "What the tests prove").

Every test here runs against the real server (port 0) on the suite's database, SQLite or
MariaDB. Two things happen to every test without asking:

- its REST exchanges and socket frames are recorded, and after the test they are scanned: no
  response and no frame may carry a token other than the one that response issued, a password
  the test sent, a password hash or a visitor token's hash; a cookie, if any, must be HttpOnly,
  Secure and SameSite;
- every log line written during the test is scanned the same way (and for anything shaped like
  a JWT or a visitor token).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from chatserver.services import chat, routing
from chatserver.services.access import SignedIn
from tests.helpers.accounts import login, register
from tests.helpers.api import Api
from tests.helpers.files import upload
from tests.helpers.leaks import Ledger, LogLines, RecordingApi, log_leaks
from tests.helpers.sockets import WS


@pytest.fixture
def ledger() -> Ledger:
    return Ledger()


@pytest.fixture
def api(http_server_client: Any, ledger: Ledger) -> RecordingApi:
    return RecordingApi(http_server_client, ledger)


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    """The log lines of the test (INFO and up, as the server logs by default)."""
    handler = LogLines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(autouse=True)
def nothing_leaks(ledger: Ledger, log_lines: LogLines,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail the test if a response, a frame or a log line gave a secret away."""
    init = WS.__init__

    def recording_init(self: WS, conn: Any) -> None:
        init(self, conn)
        ledger.sockets.append(self)

    monkeypatch.setattr(WS, "__init__", recording_init)
    yield
    found = ledger.leaks() + log_leaks(ledger, log_lines.lines)
    assert not found, "secrets leaked:\n" + "\n".join(found[:20])


# --- two tenants -------------------------------------------------------------------------

@dataclass
class Tenant:
    """A widget with its owner (an agent who created it), a member agent, visitor sessions
    (active, waiting, assigned, closed), a knowledge entry and a canned response, all marked
    with a string that must never reach another tenant."""

    name: str
    key: str
    marker: str
    owner: str  # JWTs
    agent: str
    owner_id: int
    agent_id: int
    sessions: dict[str, dict[str, Any]]  # state -> session (session_id, visitor_token)
    entry_id: int
    canned_id: int
    upload_id: str  # a file in the active session
    label_id: int  # a label (labels are everyone's) on the tenant's closed session
    view_id: int  # a saved view of the tenant's agent
    trigger_id: int  # a proactive trigger of the widget
    source_id: int  # a knowledge source (a document) of the widget

    @property
    def session_ids(self) -> list[str]:
        return [s["session_id"] for s in self.sessions.values()]


@dataclass
class Tenants:
    admin: str
    a: Tenant
    b: Tenant


async def _tenant(api: Api, ctx: Any, admin: str, name: str) -> Tenant:
    marker = f"zq{name}{uuid.uuid4().hex[:10]}"
    owner = (await register(api, f"owner-{name}", role="agent", token=admin))["user"]
    agent = (await register(api, f"agent-{name}", role="agent", token=admin))["user"]
    owner_token, agent_token = await login(api, f"owner-{name}"), await login(api, f"agent-{name}")
    resp = await api.post("/api/widgets", {"business_name": f"Shop {marker}", "ai_enabled": False,
                                           "widget_title": f"Title {marker}"}, token=owner_token)
    assert resp.code == 201, resp
    key = resp.json["widget"]["site_key"]
    assert (await api.put(f"/api/widgets/{key}/agents/{agent['id']}", token=admin)).code == 200
    entry = await api.post(f"/api/widgets/{key}/knowledge", {
        "title": f"Refunds {marker}", "body": f"Refunds take 5 days {marker}"}, token=owner_token)
    canned = await api.post("/api/canned-responses", {
        "site_key": key, "shortcut": "hello", "title": f"Hi {marker}",
        "text": f"Hello from {marker}"}, token=owner_token)
    assert entry.code == 201 and canned.code == 201, (entry, canned)
    sessions = {}
    actor = SignedIn(id=agent["id"], role="agent", display_name=agent["display_name"])
    for state in ("active", "waiting", "assigned", "closed"):
        resp = await api.post(f"/api/widgets/{key}/sessions", {
            "visitor_name": f"Vis {marker}", "visitor_email": f"{marker}@example.com"})
        assert resp.code == 201, resp
        s = resp.json
        sid = s["session_id"]
        await chat.send_message(ctx, sid, sender_type="visitor", text=f"{state} words {marker}",
                                client_msg_id=f"v-{state}")
        if state != "active":
            await chat.escalate(ctx, key, sid, reason="explicit_request",
                                visitor_token=s["visitor_token"])
        if state in ("assigned", "closed"):
            await routing.accept(ctx, actor, sid)
            await chat.send_message(ctx, sid, sender_type="agent", text=f"agent says {marker}",
                                    client_msg_id="a-1", actor=actor)
        if state == "closed":
            await chat.close(ctx, sid, by="agent", actor=actor, note=f"note {marker}")
        sessions[state] = s
    up = await upload(api, key, sessions["active"]["session_id"], f"notes {marker}".encode(),
                      name=f"notes-{marker}.txt", token=sessions["active"]["visitor_token"])
    assert up.code == 201, up
    # Labels are everyone's (an admin's catalogue), so the name carries no marker.
    label = await api.post("/api/labels", {"name": f"Label {name}", "color": "teal"}, token=admin)
    view = await api.post("/api/agents/views", {"name": f"View {marker}",
                                                "filters": {"q": marker}}, token=agent_token)
    assert label.code == 201 and view.code == 201, (label, view)
    trigger = await api.post(f"/api/widgets/{key}/triggers", {
        "name": "greet", "message": f"Hello {marker}"}, token=owner_token)
    assert trigger.code == 201, trigger
    source = await api.request("POST", f"/api/widgets/{key}/knowledge/files?name=faq.md",
                               body=f"# Hours {marker}\n\nWe open at nine.\n", token=owner_token)
    assert source.code == 201, source
    closed = sessions["closed"]["session_id"]
    assert (await api.put(f"/api/agents/sessions/{closed}/labels/{label.json['label']['id']}",
                          token=agent_token)).code == 200
    return Tenant(name, key, marker, owner_token, agent_token, owner["id"], agent["id"],
                  sessions, entry.json["entry"]["id"], canned.json["canned_response"]["id"],
                  up.json["upload"]["id"], label.json["label"]["id"], view.json["view"]["id"],
                  trigger.json["trigger"]["id"], source.json["source"]["id"])


@pytest.fixture
def tenants(api: Api, ctx: Any) -> Any:
    """An async factory: ``t = await tenants()``."""

    async def build() -> Tenants:
        admin = (await register(api, "root"))["token"]
        return Tenants(admin, await _tenant(api, ctx, admin, "a"),
                       await _tenant(api, ctx, admin, "b"))

    return build

