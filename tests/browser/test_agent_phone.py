"""The agent inbox on a 390 x 844 phone, in Chromium: the list, a conversation and the
visitor's details are separate views with a way back, nothing scrolls sideways, every button
is a 44 px touch target, and the agent reads (links clickable) and replies.

A screenshot goes to test-artifacts/screenshots/agent-phone.png, and with
PARLEY_DOCS_SCREENSHOTS=1 to the docs' copy, docs/img/agent-phone.png, too (so a run of the
suite leaves the committed one alone).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from chatserver.api.ui import AGENT_DIR
from tests.helpers import skip_or_fail
from tests.helpers.browser import MOBILE, Site, Visitor
from tests.helpers.browser_servers import Servers
from tests.helpers.inbox import VisitorSocket, make_agent, sign_in, visitors

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

__all__ = ["visitors"]  # the fixture, used by name

DOCS_SHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "agent-phone.png"
TOUCH_PX = 44


@pytest.fixture(scope="module", autouse=True)
def inbox_built() -> None:
    if not (AGENT_DIR / "index.html").exists():
        skip_or_fail("the agent inbox is not built (make build)")


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    body = page.evaluate("() => document.body.scrollWidth")
    wide = page.evaluate("""(w) => [...document.querySelectorAll('body *')]
      .filter(el => el.getBoundingClientRect().right > w + 0.5)
      .slice(0, 8).map(el => el.tagName + '.' + el.className + ' ' + (el.textContent || '').slice(0, 30))""",
                         MOBILE["width"])
    assert width <= MOBILE["width"] and body <= MOBILE["width"], (width, body, wide)


def small_buttons(page: Page) -> list[str]:
    """Visible buttons and links-as-buttons smaller than a 44 px touch target."""
    found: list[str] = page.evaluate("""(min) => [...document.querySelectorAll(
        'button, a.btn, a.btn-ghost, a.btn-secondary, label.btn-secondary')]
      .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
      .filter(el => { const r = el.getBoundingClientRect();
                      return r.height < min - 0.5 || r.width < min - 0.5; })
      .map(el => (el.getAttribute('aria-label') || el.textContent || el.tagName).trim())""",
                                     TOUCH_PX)
    return found


def test_an_agent_works_a_chat_on_a_phone(
        site: Site, servers: Servers, visitor: Callable[..., Visitor],
        visitors: Callable[..., VisitorSocket]) -> None:
    key = site.widget(business_name="Phone Co")
    agent = make_agent(site, key, "Pat")
    vis = visitors(key, visitor_name="Mia", visitor_email="mia@example.com")
    vis.say("Hello, my order is https://shop.example.com/orders/42?x=1 and javascript:alert(1)")
    vis.send({"type": "escalate"})
    vis.expect("escalated")

    v = visitor(MOBILE, is_mobile=True, has_touch=True)
    page = sign_in(v, servers, agent)

    # The list, alone on the screen.
    queue = page.get_by_test_id("queue")
    expect(queue.get_by_text("Mia", exact=True)).to_be_visible()
    no_sideways_scroll(page)
    assert small_buttons(page) == []
    page.get_by_role("button", name="Accept chat with Mia").tap()

    # The conversation, alone: the list is hidden, the way back is there.
    transcript = page.get_by_test_id("transcript")
    expect(transcript).to_be_visible()
    expect(page.get_by_test_id("queue-count")).to_be_hidden()
    title = page.get_by_test_id("chat-title")
    expect(title).to_have_text("Mia")
    title_box = title.bounding_box()
    assert title_box is not None and title_box["width"] >= 100  # readable, not squeezed
    link = transcript.get_by_role("link", name="https://shop.example.com/orders/42?x=1")
    expect(link).to_have_attribute("href", "https://shop.example.com/orders/42?x=1")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(transcript.get_by_role("link")).to_have_count(1)  # javascript: stays text
    no_sideways_scroll(page)
    assert small_buttons(page) == []

    # A reply with the on-screen keyboard up (the viewport shrinks): the composer stays usable.
    composer = page.get_by_test_id("composer")
    composer.tap()
    page.set_viewport_size({"width": MOBILE["width"], "height": 500})
    expect(composer).to_be_in_viewport()
    composer.fill("Hi Mia, I am looking at order 42 now.")
    send = page.get_by_role("button", name="Send", exact=True)
    expect(send).to_be_in_viewport()
    send.tap()
    got = vis.expect("message", sender_type="agent")
    assert got["text"] == "Hi Mia, I am looking at order 42 now." and got["sender_name"] == "Pat"
    expect(transcript.get_by_text("Hi Mia, I am looking at order 42 now.")).to_be_visible()
    page.set_viewport_size(MOBILE)
    no_sideways_scroll(page)
    shot = v.shot("agent-phone")
    if os.environ.get("PARLEY_DOCS_SCREENSHOTS"):
        DOCS_SHOT.write_bytes(shot.read_bytes())

    # The visitor's details, as their own view, and back to the conversation.
    page.get_by_role("button", name="Details").tap()
    details = page.get_by_test_id("visitor-details")
    expect(details).to_be_visible()
    expect(details).to_contain_text("mia@example.com")
    box = details.bounding_box()
    assert box is not None and box["width"] >= MOBILE["width"] - 1  # the whole screen
    no_sideways_scroll(page)
    assert small_buttons(page) == []
    page.get_by_role("button", name="Hide details").tap()
    expect(details).to_be_hidden()
    expect(composer).to_be_visible()

    # Back to the list: the chat is there, open again with a tap.
    page.get_by_role("button", name="Back to the list").tap()
    chats = page.get_by_test_id("active-chats")
    expect(chats.get_by_text("Mia", exact=True)).to_be_visible()
    expect(transcript).to_be_hidden()
    no_sideways_scroll(page)
    chats.get_by_text("Mia", exact=True).tap()
    expect(page.get_by_test_id("chat-title")).to_have_text("Mia")
    no_sideways_scroll(page)

    # The other sections fit the phone too.
    for section, heading in (("History", None), ("Profile", "Your profile")):
        page.get_by_role("link", name=section).tap()
        if heading:
            expect(page.get_by_role("heading", name=heading)).to_be_visible()
        else:
            expect(page).to_have_url(re.compile(r"/agent/history$"))
        no_sideways_scroll(page)
        assert small_buttons(page) == [], section
