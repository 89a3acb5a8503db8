"""The agent UI's Settings screen in Chromium: an agent turns a team email off with the
keyboard, sees it saved, finds it still off after a reload, sees a refused save undone; and
the server honours the choice (the waiting visitor's email reaches the others, not them),
with a link that opens the inbox on that visitor, ready to accept.

Mail is switched on for this test only (the browser suite's server runs without it): the
server's settings point at a real SMTP server on loopback, and an outbox sender runs on the
server's loop.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from chatserver.api.ui import AGENT_DIR
from chatserver.services.outbox_sender import OutboxSender
from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import DESKTOP, Site
from tests.helpers.browser_servers import Servers
from tests.helpers.smtp import SmtpSink

try:
    from playwright.sync_api import Page, Route, expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)


@pytest.fixture(scope="module", autouse=True)
def inbox_built() -> None:
    if not (AGENT_DIR / "index.html").exists():
        skip_or_fail("the agent inbox is not built (make build)")


@dataclass
class Person:
    email: str
    token: str


def _agent(site: Site, key: str, name: str) -> Person:
    tag = uuid.uuid4().hex[:8]
    email = f"settings-{tag}@example.com"
    auth = {"Authorization": f"Bearer {site.admin}"}
    resp = site.http.post("/api/auth/register", headers=auth, json={
        "username": f"settings-{tag}", "email": email, "password": PASSWORD, "role": "agent",
        "display_name": name})
    assert resp.status_code == 201, resp.text
    user_id = resp.json()["user"]["id"]
    assert site.http.put(f"/api/widgets/{key}/agents/{user_id}", headers=auth).status_code == 200
    token = site.http.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    return Person(email, token.json()["token"])


def _sign_in(page: Page, servers: Servers, person: Person) -> None:
    page.goto(f"{servers.url}/agent/")
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("queue-count")).to_be_visible()


def _refuse_saves(route: Route) -> None:
    if route.request.method == "PUT":
        route.fulfill(status=503, content_type="application/json", body=(
            '{"error": {"code": "unavailable", "message": "The database is unavailable."}}'))
    else:
        route.continue_()


def test_an_agent_turns_off_the_waiting_email_and_does_not_get_it(
        site: Site, servers: Servers, visitor: Any, smtp_sink: SmtpSink) -> None:
    key = site.widget(business_name="Quiet Co")
    alice = _agent(site, key, "Alice")
    bob = _agent(site, key, "Bob")
    v = visitor(DESKTOP)
    page: Page = v.page
    _sign_in(page, servers, bob)

    page.get_by_role("link", name="Profile").click()  # the notifications are in the profile
    expect(page).to_have_url(re.compile(r"/agent/profile$"))
    expect(page.get_by_role("heading", name="Notifications")).to_be_visible()
    waiting = page.get_by_role("switch", name="A visitor is waiting")
    status = page.get_by_test_id("settings-status")
    for name in ("A visitor is waiting", "A visitor left their email", "Daily digest",
                 "A teammate mentioned me"):
        expect(page.get_by_role("switch", name=name)).to_be_checked()
    # With the keyboard: Tab reaches the switch, Space turns it off.
    waiting.focus()
    page.keyboard.press("Space")
    expect(status).to_have_text("Saved")
    expect(waiting).not_to_be_checked()
    v.shot("agent-settings")
    page.reload()
    expect(page.get_by_role("switch", name="A visitor is waiting")).not_to_be_checked()
    expect(page.get_by_role("switch", name="Daily digest")).to_be_checked()

    # A save the server refuses is undone, and the screen says so.
    page.route("**/api/auth/me/settings", _refuse_saves)
    digest = page.get_by_role("switch", name="Daily digest")
    digest.click()
    expect(status).to_contain_text("Not saved")
    expect(digest).to_be_checked()
    page.unroute("**/api/auth/me/settings")
    resp = site.http.get("/api/auth/me/settings", headers={"Authorization": f"Bearer {bob.token}"})
    assert resp.json()["settings"]["notifications"] == {
        "waiting": False, "offline_email": True, "digest": True, "mention": True}

    # The server honours it: a visitor waits, and the email reaches Alice and the widget's
    # owner, not Bob.
    ctx = servers.ctx
    assert ctx is not None
    before = ctx.settings
    ctx.settings = before.replace(**smtp_sink.settings(public_url=servers.url),
                                  notify_waiting_s=1)
    sender = OutboxSender(ctx, interval_s=0.05)

    async def start() -> None:
        sender.start()

    servers.call(start)
    try:
        s = site.http.post(f"/api/widgets/{key}/sessions", json={"visitor_name": "Wendy"}).json()
        sid = s["session_id"]
        resp = site.http.post(f"/api/widgets/escalate/{key}/{sid}", json={},
                              headers={"Authorization": f"Bearer {s['visitor_token']}"})
        assert resp.status_code == 200, resp.text
        mails = smtp_sink.wait_for_sync(1)
        assert len(mails) == 1, [(m.recipients, str(m.message["Subject"])) for m in mails]
        mail = mails[0]
    finally:
        ctx.settings = before
        servers.call(sender.stop)
    assert sorted(mail.recipients) == sorted([alice.email, "root@example.com"])
    assert bob.email not in mail.recipients
    assert "Wendy" in str(mail.message["Subject"])
    link = re.search(r"https?://\S+/agent/chats/\S+", mail.text)
    assert link is not None and link.group(0) == f"{servers.url}/agent/chats/{sid}"
    # The link opens the inbox on Wendy, waiting, and she can be taken from there.
    page.goto(link.group(0))
    expect(page.get_by_test_id("queue").locator(f"li[data-session='{sid}']")).to_be_visible()
    expect(page.get_by_text("Wendy is waiting for a person.")).to_be_visible()
    page.get_by_role("button", name="Accept this chat").click()
    expect(page.get_by_test_id("chat-title")).to_have_text("Wendy")
