"""A server that sends email, in Chromium: ending the chat in the widget offers the transcript
by email when the visitor gave an address, an agent sends it from the inbox's history, and
each email arrives at a real SMTP server on loopback with the whole conversation."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import AXE, Site, Visitor
from tests.helpers.browser_servers import Servers, mail_server
from tests.helpers.settings import make_settings
from tests.helpers.smtp import SmtpSink, free_port, module_smtp_sink

__all__ = ["module_smtp_sink"]  # a fixture

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

PRECHAT = [{"name": "name", "label": "Your name", "type": "text", "required": True},
           {"name": "email", "label": "Email", "type": "email", "required": False}]


@pytest.fixture(scope="module")
def mail_servers(db_url: str, tmp_path_factory: pytest.TempPathFactory,
                 module_smtp_sink: SmtpSink, site: Site) -> Iterator[Servers]:
    """This module's own chat server, on the suite's database as it is (the package's admin
    signs in here too): with mail, and the outbox's sender running."""
    settings = make_settings(db_url, tmp_path_factory.mktemp("mail-browser-data"),
                             sessions_per_ip_per_minute=10_000,
                             **module_smtp_sink.settings(public_url=f"http://127.0.0.1:{free_port()}"))
    with mail_server(settings) as (running, _):
        yield running


@pytest.fixture(scope="module")
def admin(mail_servers: Servers, site: Site) -> Iterator[httpx.Client]:
    """The package's admin, on this module's server."""
    with httpx.Client(base_url=mail_servers.url, timeout=10,
                      headers={"Authorization": f"Bearer {site.admin}"}) as client:
        yield client


def make_widget(admin: httpx.Client, servers: Servers, **fields: Any) -> str:
    resp = admin.post("/api/widgets", json={"business_name": "Acme", "ai_enabled": False,
                                            "allowed_origins": [servers.host_origin], **fields})
    assert resp.status_code == 201, resp.text
    key: str = resp.json()["widget"]["site_key"]
    return key


def start_chat(v: Visitor, servers: Servers, key: str, email: str) -> None:
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    v.page.get_by_label("Your name").fill("Vera")
    v.page.get_by_label("Email").fill(email)
    v.widget("button", has_text="Start chat").click()
    box = v.widget("textarea.pw-input")
    box.fill("Where is my order <42>?")
    box.press("Enter")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute(
        "data-state", re.compile("sent|seen"))


def test_the_visitor_gets_the_transcript_by_email(
        mail_servers: Servers, admin: httpx.Client, module_smtp_sink: SmtpSink,
        visitor: Callable[..., Visitor]) -> None:
    key = make_widget(admin, mail_servers, enable_prechat_form=True, prechat_fields=PRECHAT,
                      language="fr")
    before = len(module_smtp_sink.received)
    v = visitor()
    start_chat(v, mail_servers, key, "vera@example.test")
    v.widget("button[aria-label='End conversation']").click()
    box = v.page.get_by_label("Email me the transcript")
    expect(box).to_be_visible()
    expect(box).not_to_be_checked()
    assert axe_clean(v)
    v.shot("end-with-transcript")
    box.check()
    v.widget(".pw-confirm button", has_text="End chat").click()
    expect(v.widget(".pw-ended")).to_be_visible()
    mail = module_smtp_sink.wait_for_sync(before + 1)[-1]
    assert mail.recipients == ["vera@example.test"]
    assert mail.message["Subject"] == "Votre conversation avec Acme"
    assert "Where is my order <42>?" in mail.text and "Vous · " in mail.text
    assert "Where is my order &lt;42&gt;?" in mail.html


def test_no_transcript_offered_without_an_email(
        mail_servers: Servers, admin: httpx.Client, visitor: Callable[..., Visitor]) -> None:
    key = make_widget(admin, mail_servers, enable_prechat_form=True, prechat_fields=PRECHAT)
    v = visitor()
    start_chat(v, mail_servers, key, "")
    v.widget("button[aria-label='End conversation']").click()
    expect(v.widget(".pw-confirm button", has_text="End chat")).to_be_visible()
    expect(v.widget(".pw-confirm input[type=checkbox]")).to_have_count(0)


def test_an_agent_emails_the_transcript_from_the_history(
        mail_servers: Servers, admin: httpx.Client, module_smtp_sink: SmtpSink,
        visitor: Callable[..., Visitor]) -> None:
    key = make_widget(admin, mail_servers)
    email = f"mailer-{uuid.uuid4().hex[:8]}@example.com"
    agent = admin.post("/api/auth/register", json={
        "username": email.split("@")[0], "email": email, "password": PASSWORD,
        "role": "agent", "display_name": "Alex"}).json()["user"]
    assert admin.put(f"/api/widgets/{key}/agents/{agent['id']}").status_code == 200
    resp = admin.post(f"/api/widgets/{key}/sessions",
                          json={"visitor_name": "Vera", "visitor_email": "vera@example.test"})
    assert resp.status_code == 201, resp.text
    sid = resp.json()["session_id"]
    before = len(module_smtp_sink.received)
    page = visitor().page
    page.goto(f"{mail_servers.url}/agent/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("queue-count")).to_be_visible()
    page.goto(f"{mail_servers.url}/agent/history/{sid}")
    button = page.get_by_role("button", name="Email transcript")
    expect(button).to_be_visible()
    button.click()
    expect(page.get_by_role("status").filter(has_text="Transcript sent to vera@example.test")) \
        .to_be_visible()
    mails = module_smtp_sink.wait_for_sync(before + 1)
    assert mails[-1].recipients == ["vera@example.test"]
    assert mails[-1].message["Subject"] == "Your conversation with Acme"


def axe_clean(v: Visitor) -> bool:
    if not v.page.evaluate("() => typeof axe !== 'undefined'"):
        v.page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = v.page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [r["id"] for r in results["violations"] if r["impact"] in ("serious", "critical")]
    assert bad == [], bad
    return True
