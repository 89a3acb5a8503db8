"""The widget's rough edges, in Chromium: the header's layout, contradictions between the
banner, the cards and the system lines, focus and announcements."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pytest

from tests.helpers.browser import Site, Visitor
from tests.helpers.browser_servers import Servers

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

