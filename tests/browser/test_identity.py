"""Identity verification in Chromium (docs/identity.md): a host page hands the widget a token
its server signed, the agent inbox shows the visitor as Verified; on a widget that enforces
signed identities, a page's unsigned name and email are refused politely and never reach the
agent; on one that requires them, an anonymous visitor is asked to sign in."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest

from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import DESKTOP, Site, Visitor
from tests.helpers.browser_servers import Servers
from tests.helpers.inbox import make_agent, sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)


def secret_of(site: Site, key: str) -> str:
    resp = site.http.post(f"/api/widgets/{key}/identity-secret", json={},
                          headers={"Authorization": f"Bearer {site.admin}"})
    assert resp.status_code == 201, resp.text
    secret: str = resp.json()["secret"]
    return secret


def page_identifies(v: Visitor, who: dict[str, Any]) -> None:
    """The host page's own script calls Parley.identify(who) as soon as the widget loads."""
    v.page.add_init_script(
        f"window.addEventListener('parley:load', () => window.Parley.identify({json.dumps(who)}))")


def chat(v: Visitor, servers: Servers, key: str, text: str) -> None:
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    box = v.widget("textarea.pw-input")
    box.fill(text)
    box.press("Enter")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state",
                                                               re.compile("sent|seen"))


def to_queue(v: Visitor, site: Site, key: str) -> None:
    """The visitor asks for a person (idempotent: the AI may have handed over already)."""
    saved = json.loads(v.storage()[f"parley:{key}"])
    resp = site.http.post(f"/api/widgets/escalate/{key}/{saved['sid']}", json={},
                          headers={"Authorization": f"Bearer {saved['token']}"})
    assert resp.status_code == 200, resp.text


def test_a_signed_visitor_is_verified_and_an_unsigned_claim_is_refused(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(business_name="Signed shop")
    secret = secret_of(site, key)
    # The site's server signs who is logged in; its page hands the token to the widget.
    token = jwt.encode({"sub": "cust-981", "name": "Grace Hopper", "email": "grace@example.com",
                        "aud": key, "exp": int(time.time()) + 600}, secret, algorithm="HS256")
    grace = visitor(DESKTOP)
    page_identifies(grace, {"token": token})
    chat(grace, servers, key, "Hello, I need help with my invoice")
    to_queue(grace, site, key)
    [row] = servers.sessions(key)
    assert row["visitor_verified"] and row["visitor_user_id"] == "cust-981"
    assert row["visitor_email"] == "grace@example.com"

    # A widget that enforces signed identities: a page claiming a name and email unsigned.
    strict = site.widget(business_name="Strict shop", enforce_identity=True)
    eve = visitor(DESKTOP)
    page_identifies(eve, {"name": "Eve", "email": "eve@example.com"})
    chat(eve, servers, strict, "Hi, it's me")
    expect(eve.widget(".pw-notice")).to_have_text(
        "We couldn't confirm who you are, so you're chatting as a guest.")
    to_queue(eve, site, strict)
    [eve_row] = servers.sessions(strict)
    assert eve_row["visitor_email"] is None and eve_row["visitor_name"] is None
    assert not eve_row["visitor_verified"]

    # The agent of both widgets: Grace is Verified in the queue, the chat and the details;
    # Eve's claimed email is nowhere.
    agent = make_agent(site, key, "Alex")
    assert site.http.put(f"/api/widgets/{strict}/agents/{agent.id}",
                         headers={"Authorization": f"Bearer {site.admin}"}).status_code == 200
    inbox = visitor(DESKTOP)
    page = sign_in(inbox, servers, agent)
    queue = page.get_by_test_id("queue")
    card = queue.locator(f"li[data-session='{row['id']}']")
    expect(card).to_contain_text("Grace Hopper")
    expect(card.get_by_test_id("identity-verified")).to_have_text("✓ Verified")
    eve_card = queue.locator(f"li[data-session='{eve_row['id']}']")
    expect(eve_card).to_be_visible()
    expect(eve_card.get_by_test_id("identity-verified")).to_have_count(0)
    expect(eve_card).not_to_contain_text("eve@example.com")
    expect(page.get_by_text("eve@example.com")).to_have_count(0)

    card.get_by_role("button", name=re.compile("Accept")).click()
    expect(page.get_by_test_id("chat-title")).to_have_text("Grace Hopper")
    header = page.locator("header", has=page.get_by_test_id("chat-title"))
    expect(header.get_by_test_id("identity-verified")).to_be_visible()
    details = page.get_by_test_id("visitor-details")
    expect(details.get_by_test_id("identity-verified")).to_be_visible()
    expect(details).to_contain_text("cust-981")
    inbox.shot("identity-verified")


def test_only_signed_in_visitors_may_chat_where_it_is_required(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(business_name="Members", require_identity=True)
    secret = secret_of(site, key)
    v = visitor(DESKTOP)
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    expect(v.widget(".pw-signin")).to_have_text("Please sign in on this site to chat with us.")
    expect(v.widget("textarea.pw-input")).to_be_hidden()
    assert servers.sessions(key) == []
    # The visitor signs in on the site; its page identifies them: the composer appears.
    token = jwt.encode({"sub": "m-1", "name": "Member One", "exp": int(time.time()) + 600},
                       secret, algorithm="HS256")
    v.page.evaluate("t => window.Parley.identify({ token: t })", token)
    expect(v.widget(".pw-signin")).to_have_count(0)
    box = v.widget("textarea.pw-input")
    box.fill("Hello")
    box.press("Enter")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state",
                                                               re.compile("sent|seen"))
    [row] = servers.sessions(key)
    assert row["visitor_verified"] and row["visitor_name"] == "Member One"


def test_an_admin_makes_the_secret_once_rotates_it_and_enforces_identity(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(business_name="Builder shop")
    admin = visitor(DESKTOP)
    page = admin.page
    page.goto(f"{servers.url}/admin/login")
    page.get_by_label("Email").fill("root@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    page.goto(f"{servers.url}/admin/widgets/{key}/identity")
    expect(page.get_by_test_id("identity-secret-state")).to_have_text("No secret yet.")
    page.get_by_role("button", name="Generate secret").click()
    shown = page.get_by_test_id("identity-secret")
    expect(shown).to_have_text(re.compile(r"^pis_[A-Za-z0-9_-]{43}$"))
    first = shown.inner_text()
    expect(page.get_by_test_id("identity-secret-state")).to_have_text("A secret is set.")
    # It verifies a token now.
    token = jwt.encode({"sub": "u1", "exp": int(time.time()) + 600}, first, algorithm="HS256")
    made = site.http.post(f"/api/widgets/{key}/sessions", json={"identity_token": token})
    assert made.status_code == 201 and made.json()["visitor_name"] is None, made.text

    page.get_by_role("button", name="Rotate secret").click()
    expect(shown).not_to_have_text(first)
    expect(page.get_by_test_id("identity-secret-state")).to_contain_text("also accepted until")
    page.get_by_role("button", name=re.compile("Finish rotation")).click()
    expect(page.get_by_test_id("identity-secret-state")).to_have_text("A secret is set.")
    page.reload()
    expect(page.get_by_test_id("identity-secret")).to_have_count(0)  # shown once only

    page.get_by_role("switch", name="Only trust signed identities").click()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("All changes saved.")).to_be_visible()
    widget = site.http.get(f"/api/widgets/{key}",
                           headers={"Authorization": f"Bearer {site.admin}"}).json()["widget"]
    assert widget["enforce_identity"] is True and widget["require_identity"] is False
    assert first not in json.dumps(widget)
