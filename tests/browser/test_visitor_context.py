"""The visitor's context in Chromium: a visitor in Tokyo whose browser speaks French comes from
a search page to a customer's site, starts a chat, the site calls Parley.setAttributes, the
visitor goes on to a second page; the agent who took the chat sees, live, the visitor's local
time in Tokyo, French, the referrer, both pages and the attributes. And the privacy promise:
a page view without interaction asks the chat server for the loader and the config only, even
when the site calls setAttributes and identify.

The site's pages are the host server's /page/<name> (each its own path and title); the search
page is served by Playwright's routing on an origin of its own."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest

from tests.helpers.browser import Site, Visitor, chat_requests
from tests.helpers.browser_servers import Servers
from tests.helpers.inbox import make_agent, sign_in

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

SEARCH = "http://search.example/results?q=acme+pricing"
PRICING, CHECKOUT = "Pricing · Acme", "Checkout · Acme"


def site_page(servers: Servers, key: str, name: str, title: str) -> str:
    """A page of the customer's site with its own path and title (the host server's)."""
    return f"{servers.host_origin}/page/{name}?" + urlencode({"key": key, "title": title})


def serve_search(v: Visitor, servers: Servers, key: str) -> None:
    """A search engine's results page (its own origin) linking to the site's pricing page."""
    def search_page(route: Any) -> None:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=(
            '<!doctype html><html><head><title>Search</title><link rel="icon" href="data:,">'
            f'</head><body><a id="hit" href="{escape(site_page(servers, key, "pricing", PRICING))}">'
            "Acme pricing</a></body></html>"))

    v.context.route(re.compile(r"^http://search\.example/.*"), search_page)


def tokyo_times() -> set[str]:
    """The time in Tokyo now and a minute on (the inbox shows hours and minutes)."""
    now = datetime.now(ZoneInfo("Asia/Tokyo"))
    return {(now + timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}


def test_without_interaction_only_the_loader_and_the_config_are_fetched(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)
    v = visitor(timezone_id="Asia/Tokyo", locale="fr-FR")
    asked = chat_requests(v, servers)
    v.page.goto(servers.page_url(key))
    expect(v.widget(".pw-launcher")).to_be_visible()
    # The site tells who the visitor is and gives attributes: nothing goes anywhere yet.
    v.page.evaluate("""() => {
        Parley.identify({ name: "Ada", email: "ada@example.com" });
        Parley.setAttributes({ plan: "pro", seats: 5 });
    }""")
    v.page.wait_for_timeout(1500)
    # A French visitor also gets the French texts for the launcher's labels: a static file,
    # which says no more than the Accept-Language header every request carries.
    assert asked[:2] == ["GET /widget.js", f"GET /api/widgets/{key}/config"], asked
    assert len(asked) == 3 and re.fullmatch(r"GET /widget/i18n-fr\.\w+\.js", asked[2]), asked
    assert v.sockets == [] and v.storage() == {} and servers.sessions(key) == []
    assert v.console == [], v.console


def test_the_agent_sees_where_the_visitor_is_and_what_they_viewed(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False, business_name="Acme")
    alice = make_agent(site, key, "Alice")
    inbox_tab = visitor(locale="en-GB")
    inbox = sign_in(inbox_tab, servers, alice)

    v = visitor(timezone_id="Asia/Tokyo", locale="fr-FR")
    serve_search(v, servers, key)
    asked = chat_requests(v, servers)
    v.page.goto(SEARCH)
    v.page.locator("#hit").click()
    expect(v.page).to_have_title(PRICING)
    launcher = v.widget(".pw-launcher")
    expect(launcher).to_be_visible()
    # The site gives an attribute before any interaction: it waits in the page.
    v.page.evaluate("() => Parley.setAttributes({ company: 'Acme KK' })")
    assert not any("/context" in r for r in asked)  # nothing before the first interaction

    # The visitor starts a chat: the first report goes with the conversation, then the
    # attribute held until then.
    launcher.click()
    with v.page.expect_response(lambda r: r.url.endswith("/context")
                                and "company" in (r.request.post_data or "")) as first:
        box = v.widget("textarea.pw-input")
        box.fill("Bonjour, une question sur les prix")
        box.press("Enter")
    assert first.value.status == 200, first.value.text()
    sid = json.loads(v.storage()[f"parley:{key}"])["sid"]

    # The agent takes it; the panel shows the context so far.
    row = inbox.get_by_test_id("queue").locator(f"li[data-session='{sid}']")
    expect(row).to_be_visible()
    row.get_by_role("button", name=re.compile("^Accept chat")).click()
    expect(inbox.get_by_test_id("chat-title")).to_be_visible()
    details = inbox.get_by_test_id("visitor-details")
    expect(details.get_by_test_id("visitor-language")).to_contain_text("French")
    expect(details.get_by_test_id("visitor-language")).to_contain_text("fr-FR")
    expect(details.get_by_test_id("visitor-referrer")).to_have_text("http://search.example/")
    local = details.get_by_test_id("visitor-local-time")
    expect(local).to_contain_text("Asia/Tokyo")
    shown = local.inner_text()
    assert any(t in shown for t in tokyo_times()), (shown, tokyo_times())
    expect(details.get_by_test_id("visitor-pages").locator("li")).to_have_count(1)
    expect(details.get_by_test_id("visitor-attributes")).to_contain_text("Acme KK")

    # The site gives attributes, the visitor goes on to a second page: live in the inbox.
    with v.page.expect_response(lambda r: r.url.endswith("/context")) as attrs:
        v.page.evaluate("() => Parley.setAttributes({ plan: 'pro', seats: 5 })")
    assert attrs.value.status == 200, attrs.value.text()
    attributes = details.get_by_test_id("visitor-attributes")
    expect(attributes).to_contain_text("plan")
    expect(attributes).to_contain_text("pro")
    expect(attributes).to_contain_text("seats")
    expect(attributes).to_contain_text("5")
    # A bad call is refused by the server and said in the console; the page goes on.
    with v.page.expect_response(lambda r: r.url.endswith("/context")) as bad:
        assert v.page.evaluate("() => { Parley.setAttributes({ 'Bad Key': 1 }); return 1; }") == 1
    assert bad.value.status == 422
    expect(attributes).not_to_contain_text("Bad Key")

    with v.page.expect_response(lambda r: r.url.endswith("/context")) as second:
        v.page.goto(site_page(servers, key, "checkout", CHECKOUT))
    assert second.value.status == 200, second.value.text()
    pages = details.get_by_test_id("visitor-pages").locator("li")
    expect(pages).to_have_count(2)
    # Newest first, each with its title, URL and when.
    expect(pages.nth(0)).to_contain_text(CHECKOUT)
    expect(pages.nth(0)).to_contain_text(f"{servers.host_origin}/page/checkout")
    expect(pages.nth(1)).to_contain_text(PRICING)
    expect(pages.nth(1)).to_contain_text(f"{servers.host_origin}/page/pricing")
    expect(pages.nth(0).locator("time")).to_have_text("just now")
    # The visitor's panel came back on the second page with the conversation.
    expect(v.widget(".pw-launcher")).to_be_visible()
    inbox_tab.shot("agent-visitor-context")

    # What was stored: the referrer without its query, the language and the zone.
    stored = servers.run(_context_of(servers, sid))
    assert stored is not None and stored["referrer"] == "http://search.example/"
    assert stored["timezone"] == "Asia/Tokyo" and stored["language"] == "fr-FR"
    assert stored["attributes"] == {"company": "Acme KK", "plan": "pro", "seats": 5}
    assert [p["url"] for p in stored["pages"]] == [f"{servers.host_origin}/page/pricing",
                                                   f"{servers.host_origin}/page/checkout"]
    assert [m for m in v.console if "Parley" in m] == [
        "warning: Parley: setAttributes was refused (invalid_attribute_key): attribute names are "
        "1-40 characters: a-z first, then a-z, 0-9 or _ ('Bad Key' is not)"], v.console


async def _context_of(servers: Servers, sid: str) -> dict[str, Any] | None:
    from chatserver.services import visitor_context

    assert servers.ctx is not None
    return await visitor_context.of_session(servers.ctx, sid)
