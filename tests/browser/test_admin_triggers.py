"""The widget builder's Triggers tab in Chromium (docs/admin.md): an admin adds a proactive
trigger, sees it in the live preview's bubble, its counts, switches it off, edits and deletes it;
a returning-visitor trigger is refused without visitor tracking, with the reason shown."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import Site, Visitor
from tests.helpers.browser_servers import Servers

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)


def _sign_in(page: Any, servers: Servers) -> None:
    page.goto(f"{servers.url}/admin/login")
    page.get_by_label("Email").fill("root@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def _triggers(site: Site, key: str) -> list[dict[str, Any]]:
    resp = site.http.get(f"/api/widgets/{key}/triggers",
                         headers={"Authorization": f"Bearer {site.admin}"})
    assert resp.status_code == 200, resp.text
    found: list[dict[str, Any]] = resp.json()["triggers"]
    return found


def test_an_admin_manages_triggers_with_the_preview_and_the_counts(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(business_name="Trigger shop")
    page = visitor().page
    _sign_in(page, servers)
    page.goto(f"{servers.url}/admin/widgets/{key}/triggers")
    expect(page.get_by_role("tab", name="Triggers")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("No triggers yet")).to_be_visible()

    page.get_by_role("button", name="Add trigger").click()
    dialog = page.get_by_role("dialog", name="New trigger")
    dialog.get_by_label("Name").fill("pricing-help")
    dialog.get_by_label("Message", exact=True).fill("Questions about our plans?")
    dialog.get_by_label("Page URL").select_option("glob")
    dialog.get_by_label("URL pattern").fill("/pricing*")
    dialog.get_by_label("Seconds on the page").fill("10")
    # The live preview shows the bubble as it is typed.
    preview = page.frame_locator("[data-testid=widget-preview]")
    expect(preview.locator("parley-widget .pw-trigger")).to_contain_text("Questions about our plans?")
    # Returning visitors need visitor tracking: the switch is off limits.
    expect(dialog.get_by_role("switch", name="Returning visitors only")).to_be_disabled()
    dialog.get_by_role("button", name="Save trigger").click()
    expect(dialog).to_have_count(0)
    row = page.locator("li[data-trigger='pricing-help']")
    expect(row).to_contain_text("URL matches /pricing* · after 10 s")
    expect(row.get_by_test_id("trigger-counts")).to_contain_text("Shown 0 · opened 0 · answered 0")
    [saved] = _triggers(site, key)
    assert (saved["url_match"], saved["url_pattern"], saved["delay_s"]) == ("glob", "/pricing*", 10)

    # A second with the same name: the server's refusal is shown in the dialog.
    page.get_by_role("button", name="Add trigger").click()
    dialog = page.get_by_role("dialog", name="New trigger")
    dialog.get_by_label("Name").fill("pricing-help")
    dialog.get_by_label("Message", exact=True).fill("Again")
    dialog.get_by_role("button", name="Save trigger").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Another trigger of this widget has that name.")
    dialog.get_by_role("button", name="Cancel").click()

    # Counts come from the widget's beacons.
    for event in ("shown", "shown", "opened"):
        resp = site.http.post(f"/api/widgets/{key}/trigger-events",
                              json={"trigger_id": saved["id"], "event": event})
        assert resp.status_code == 204, resp.text
    page.reload()
    expect(row.get_by_test_id("trigger-counts")).to_contain_text("Shown 2 · opened 1 · answered 0")

    row.get_by_role("button", name="Preview").click()
    expect(preview.locator("parley-widget .pw-trigger")).to_contain_text("Questions about our plans?")
    row.get_by_role("switch", name="pricing-help on").click()
    expect(row.get_by_role("switch", name="pricing-help on")).not_to_be_checked()
    assert _triggers(site, key)[0]["enabled"] is False

    row.get_by_role("button", name="Edit pricing-help").click()
    dialog = page.get_by_role("dialog", name="Edit pricing-help")
    dialog.get_by_label("Message", exact=True).fill("Comparing plans? Ask us.")
    dialog.get_by_role("button", name="Save trigger").click()
    expect(row).to_contain_text("Comparing plans? Ask us.")
    assert _triggers(site, key)[0]["message"] == "Comparing plans? Ask us."

    row.get_by_role("button", name="Delete pricing-help").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete trigger").click()
    expect(page.get_by_text("No triggers yet")).to_be_visible()
    assert _triggers(site, key) == []
