"""Visitor tracking in Chromium (docs/privacy.md). Off (the default), a page load without
interaction asks for the loader and the config only and leaves nothing in the browser. On, the
visitor shows in the agents' Visitors view with their page, the pages viewed before the chat
join the conversation's context, and an agent can start a conversation from the list: the
visitor sees the message by the launcher, answers, and the conversation is the agent's with
both messages."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import NOTHING_STORED, Site, Visitor, chat_requests, everything_stored
from tests.helpers.browser_servers import Servers
from tests.helpers.inbox import make_agent, sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

PRICING, CHECKOUT = "Pricing · Acme", "Checkout · Acme"


def site_page(servers: Servers, key: str, name: str, title: str) -> str:
    return f"{servers.host_origin}/page/{name}?" + urlencode({"key": key, "title": title})


def test_tracking_off_a_page_view_asks_for_the_config_only_and_stores_nothing(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)
    v = visitor()
    asked = chat_requests(v, servers)
    v.page.goto(site_page(servers, key, "pricing", PRICING))
    expect(v.widget(".pw-launcher")).to_be_visible()
    v.page.evaluate("() => history.pushState({}, '', '/page/checkout')")  # an SPA navigation
    v.page.wait_for_timeout(1500)
    assert asked == ["GET /widget.js", f"GET /api/widgets/{key}/config"], asked
    assert everything_stored(v) == NOTHING_STORED
    assert v.sockets == [] and servers.sessions(key) == []
    assert v.console == [], v.console


def test_an_admin_switches_tracking_on_in_the_widget_builder(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(business_name="Builder shop")
    page = visitor().page
    page.goto(f"{servers.url}/admin/login")
    page.get_by_label("Email").fill("root@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    page.goto(f"{servers.url}/admin/widgets/{key}/prechat")
    switch = page.get_by_role("switch", name="Track visitors before they chat")
    expect(switch).not_to_be_checked()
    switch.click()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("All changes saved.")).to_be_visible()
    widget = site.http.get(f"/api/widgets/{key}",
                           headers={"Authorization": f"Bearer {site.admin}"}).json()["widget"]
    assert widget["visitor_tracking"] is True


def _visitor_row(inbox: Any, tid: str) -> Any:
    return inbox.get_by_test_id("visitors").locator(f"li[data-visitor='{tid}']")


def test_tracking_on_the_agent_sees_the_visitor_and_the_pre_chat_pages_join_the_chat(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False, business_name="Acme", visitor_tracking=True)
    alice = make_agent(site, key, "Alice")
    inbox = sign_in(visitor(), servers, alice)

    v = visitor()
    asked = chat_requests(v, servers)
    with v.page.expect_response(lambda r: r.url.endswith("/track")) as first:
        v.page.goto(site_page(servers, key, "pricing", PRICING))
    assert first.value.status == 200, first.value.text()
    with v.page.expect_response(lambda r: r.url.endswith("/track")) as second:
        v.page.goto(site_page(servers, key, "checkout", CHECKOUT))
    assert second.value.status == 200, second.value.text()
    stored = v.storage()
    tid = stored[f"parley:t:{key}"]
    assert list(stored) == [f"parley:t:{key}"]  # the tracking id, and nothing else
    assert servers.sessions(key) == [] and v.sockets == []  # no conversation yet
    assert not any("/sessions" in r for r in asked)

    inbox.get_by_role("link", name="Visitors").click()
    row = _visitor_row(inbox, tid)
    expect(row).to_be_visible()
    expect(row.get_by_test_id("visitor-page")).to_have_text(CHECKOUT)
    expect(row).to_contain_text("2 pages")
    expect(row).to_contain_text("Acme")

    # The visitor starts a chat: the conversation carries the pages viewed before it.
    v.widget(".pw-launcher").click()
    with v.page.expect_response(lambda r: r.url.endswith(f"/api/widgets/{key}/sessions")) as made:
        box = v.widget("textarea.pw-input")
        box.fill("A question about the prices")
        box.press("Enter")
    assert made.value.status == 201, made.value.text()
    assert json.loads(made.value.request.post_data or "{}")["tracking_id"] == tid
    sid = made.value.json()["session_id"]
    context = servers.run(_context_of(servers, sid))
    assert context is not None
    urls = [p["url"] for p in context["pages"]]
    assert urls[:2] == [f"{servers.host_origin}/page/pricing",
                        f"{servers.host_origin}/page/checkout"], urls
    # The list says they are chatting now (their next heartbeat tells, once the widget has
    # kept its conversation: a heartbeat sent before that still says "not chatting").
    v.page.wait_for_function(f"() => !!localStorage.getItem('parley:{key}')")
    v.page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    expect(row).to_contain_text("Chatting")
    assert v.console == [], v.console


def test_an_agent_starts_a_conversation_from_the_list(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False, business_name="Acme", visitor_tracking=True)
    alice = make_agent(site, key, "Alice")
    inbox_tab = visitor()
    inbox = sign_in(inbox_tab, servers, alice)
    inbox.get_by_role("link", name="Visitors").click()

    v = visitor()
    with v.page.expect_response(lambda r: r.url.endswith("/track")):
        v.page.goto(site_page(servers, key, "pricing", PRICING))
    tid = v.storage()[f"parley:t:{key}"]
    row = _visitor_row(inbox, tid)
    expect(row).to_be_visible()
    row.get_by_role("button", name="Invite to chat").click()
    row.get_by_label("First message").fill("Hi! Need a hand with our plans?")
    row.get_by_role("button", name="Send").click()
    expect(row).to_contain_text("Invited by Alice")
    inbox_tab.shot("agent-visitors")
    assert servers.sessions(key) == []  # nothing is a conversation yet

    # The visitor's next heartbeat (here: coming back to the tab) brings the message.
    with v.page.expect_response(lambda r: r.url.endswith("/track")):
        v.page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    bubble = v.widget(".pw-invite")
    expect(bubble).to_be_visible()
    expect(bubble).to_contain_text("Alice")
    expect(bubble).to_contain_text("Hi! Need a hand with our plans?")
    v.shot("widget-invitation")
    bubble.locator(".pw-invite-msg").click()
    expect(v.widget(".pw-welcome")).to_contain_text("Hi! Need a hand with our plans?")

    box = v.widget("textarea.pw-input")
    with v.page.expect_response(lambda r: r.url.endswith(f"/api/widgets/{key}/sessions")) as made:
        box.fill("Yes, which plan has SSO?")
        box.press("Enter")
    assert made.value.status == 201, made.value.text()
    expect(v.widget(".pw-msg--visitor").first).to_be_visible()
    # The agent's message is the conversation's first, from the server now, shown once.
    expect(v.widget(".pw-welcome")).to_have_count(0)
    agent_msgs = v.widget(".pw-msg--agent", has_text="Hi! Need a hand with our plans?")
    expect(agent_msgs).to_have_count(1)
    expect(v.widget(".pw-invite")).to_have_count(0)

    [session] = servers.sessions(key)
    assert session["status"] == "assigned" and session["assigned_agent_id"] == alice.id
    assert session["ai_mode"] is False or session["ai_mode"] == 0
    expect(inbox.get_by_role("status").filter(has_text="is now yours")).to_be_visible()
    inbox.get_by_role("link", name="Inbox").click()
    chat = inbox.get_by_test_id("active-chats").locator(f"[data-session='{session['id']}']")
    expect(chat).to_be_visible()
    chat.click()
    transcript = inbox.get_by_test_id("transcript")
    expect(transcript).to_contain_text("Hi! Need a hand with our plans?")
    expect(transcript).to_contain_text("Yes, which plan has SSO?")
    texts = servers.run(_messages(servers, session["id"]))
    assert texts == [("agent", "Hi! Need a hand with our plans?"),
                     ("visitor", "Yes, which plan has SSO?")], texts
    assert not re.search(r"error", " ".join(v.console)), v.console


async def _context_of(servers: Servers, sid: str) -> dict[str, Any] | None:
    from chatserver.services import visitor_context

    assert servers.ctx is not None
    return await visitor_context.of_session(servers.ctx, sid)


async def _messages(servers: Servers, sid: str) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from chatserver.db.schema import messages

    assert servers.ctx is not None
    async with servers.ctx.engine.connect() as conn:
        rows = (await conn.execute(select(messages.c.sender_type, messages.c.text)
                                   .where(messages.c.session_id == sid)
                                   .order_by(messages.c.seq))).all()
    return [(r[0], r[1]) for r in rows]


def test_a_withdrawn_invitation_never_reaches_the_visitor(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False, visitor_tracking=True)
    alice = make_agent(site, key, "Alice")
    inbox = sign_in(visitor(), servers, alice)
    inbox.get_by_role("link", name="Visitors").click()
    v = visitor()
    with v.page.expect_response(lambda r: r.url.endswith("/track")):
        v.page.goto(site_page(servers, key, "pricing", PRICING))
    row = _visitor_row(inbox, v.storage()[f"parley:t:{key}"])
    row.get_by_role("button", name="Invite to chat").click()
    row.get_by_label("First message").fill("Hello?")
    row.get_by_role("button", name="Send").click()
    expect(row).to_contain_text("Invited by Alice")
    row.get_by_role("button", name="Withdraw").click()
    expect(row.get_by_role("button", name="Invite to chat")).to_be_visible()
    with v.page.expect_response(lambda r: r.url.endswith("/track")) as beat:
        v.page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    assert beat.value.json()["invite"] is None
    expect(v.widget(".pw-invite")).to_have_count(0)
