"""The admin's figures in Chromium, as fixed after they were tried: the dashboard's "Resolved
by the AI" card shows the share resolved (0 % with an empty bar when the AI resolved none,
not a full bar), and the wait and first-response chart spans the whole 30-day period, a day
with figures drawn even alone, its axis in seconds when the times are short."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pytest

from chatserver.api.ui import ADMIN_DIR
from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import DESKTOP, Site, Visitor
from tests.helpers.browser_servers import Agent, Servers
from tests.helpers.inbox import VisitorSocket, visitors

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

__all__ = ["visitors"]  # the fixture, used by name


@pytest.fixture(scope="module", autouse=True)
def admin_built() -> None:
    if not (ADMIN_DIR / "index.html").exists():
        skip_or_fail("the admin UI is not built (make build)")


def test_ai_share_at_zero_and_the_response_chart_over_30_days(
        site: Site, servers: Servers, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor], visitors: Callable[..., VisitorSocket]) -> None:
    key = site.widget(business_name="Figures Co", ai_enabled=False)
    alex = agents(key)
    alex.connect()
    # Today: one conversation, escalated and answered by a person; none resolved by the AI.
    vis = visitors(key, visitor_name="Una")
    vis.say("I need a person")
    vis.send({"type": "escalate"})
    vis.expect("escalated")
    alex.accept(vis.session_id)
    alex.say(vis.session_id, "Hello Una")

    v = visitor(DESKTOP)
    page = v.page
    page.goto(servers.url + "/admin/")
    page.get_by_label("Email").fill("root@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    card = page.get_by_test_id("kpi-ai")
    expect(card).to_contain_text("Resolved by the AI")
    today = page.get_by_test_id("kpi-today").locator(".kpi-value")
    expect(today).not_to_have_text("0")
    conversations = int(today.inner_text().replace(",", ""))
    expect(card.locator(".kpi-value")).to_have_text("0%")
    expect(card).to_contain_text(f"0 of {conversations} today's conversations")
    bar = card.get_by_test_id("share-bar")
    expect(bar).to_have_attribute("aria-label", "0% resolved by the AI")
    fill = card.get_by_test_id("share-fill").bounding_box()
    track = bar.bounding_box()
    assert fill is not None and track is not None and track["width"] > 50
    assert fill["width"] == 0  # empty, not a full bar
    v.shot("admin-dashboard-ai-share")

    page.get_by_role("button", name="Open analytics").click()
    chart = page.get_by_test_id("chart-response-times")
    expect(chart).to_have_attribute("data-points", "30")
    expect(chart).to_have_attribute("data-unit", "seconds")
    chart.scroll_into_view_if_needed()
    v.shot("admin-response-times")
    expect(chart).to_contain_text("seconds")  # the axis's title
    expect(chart).to_contain_text(re.compile(r"\d+ s"))  # its ticks
    expect(chart).not_to_contain_text(re.compile(r"\d m\b"))
    # Today's figures are drawn although no other day has any (a dot, not a line to nowhere).
    expect(chart.locator(".recharts-line-dots circle, .recharts-line-dot").first).to_be_visible()
