"""The widget's rough edges, in Chromium: the header's layout, contradictions between the
banner, the cards and the system lines, focus and announcements."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable

import pytest

from tests.helpers.browser import Site, Visitor
from tests.helpers.browser_servers import Agent, Servers

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

LONG = "Chat with the Acme Corporation customer happiness and support team of the world"


def test_the_header_keeps_its_height_and_cuts_long_titles(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(widget_title=LONG)
    v = visitor()
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    head = v.widget(".pw-head")
    expect(head).to_be_visible()
    end = v.widget("button[aria-label='End conversation']")
    expect(end).to_be_hidden()
    before = head.evaluate("e => e.getBoundingClientRect().height")
    title = v.widget(".pw-title")
    sub = v.widget(".pw-sub")
    box = v.widget("textarea.pw-input")
    box.fill("Hello")
    box.press("Enter")
    expect(end).to_be_visible()
    expect(end).to_have_attribute("title", "End conversation")
    assert head.evaluate("e => e.getBoundingClientRect().height") == before
    for el in (title, sub):
        style = el.evaluate("e => { const s = getComputedStyle(e); "
                            "return [s.textOverflow, s.whiteSpace, s.overflow] }")
        assert style == ["ellipsis", "nowrap", "hidden"]
    # The long title is cut, on one line.
    assert title.evaluate("e => e.scrollWidth > e.clientWidth")
    line = title.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert title.evaluate("e => e.getBoundingClientRect().height") <= line + 1
    # The icon is not the old exit arrow.
    assert not re.search(r"^M10\.09", end.locator("path").get_attribute("d") or "")
    v.shot("desktop-header-long-title")


def test_nobody_online_no_person_promised_and_the_thanks_card_goes_when_an_agent_joins(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    v = visitor()
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    box = v.widget("textarea.pw-input")
    box.fill("Can someone call me?")
    box.press("Enter")
    v.widget("button", has_text="Leave a message for the team").click()
    form = v.widget(".pw-card", has_text="Nobody is available right now")
    expect(form).to_be_visible()
    # The system line does not say a person is coming while nobody is there.
    note = v.widget(".pw-note").last
    expect(note).to_have_text("The conversation was passed to our team.")
    expect(v.widget(".pw-log")).not_to_contain_text("handed to a person")
    expect(v.widget(".pw-banner")).to_be_hidden()  # no "Connecting you to a person…"
    v.page.get_by_label("Your email").fill("ada@example.com")
    form.locator("button", has_text="Send").click()
    saved = v.widget(".pw-saved")
    expect(saved).to_have_text("Thanks! We'll reply to ada@example.com.")
    # An agent comes online and takes the conversation: the card is gone.
    sid = json.loads(v.storage()[f"parley:{key}"])["sid"]
    alex = agents(key)
    alex.connect()
    alex.accept(sid)
    expect(v.widget(".pw-note", has_text="joined the conversation")).to_be_visible()
    expect(saved).to_have_count(0)
    expect(v.widget(".pw-sub")).to_contain_text("Alex")
