"""Labels in Debian's Chromium against the real server: an admin creates a label on the admin
UI's Labels page; an agent puts it on a waiting chat from the inbox and another agent's open
inbox shows the chip at once (no reload) and can filter by it; after the chat is closed, the
history filtered by that label shows only it, the filters are in the URL, and a saved view
brings them back. Screenshots go to test-artifacts/screenshots/labels-*.png.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable

import pytest

from chatserver.api.ui import ADMIN_DIR, AGENT_DIR
from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import Site, Visitor, axe_violations
from tests.helpers.browser_servers import Servers
from tests.helpers.inbox import VisitorSocket, make_agent, sign_in, visitors

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

__all__ = ["visitors"]  # the fixture, used by name


@pytest.fixture(scope="module", autouse=True)
def uis_built() -> None:
    if not (AGENT_DIR / "index.html").exists() or not (ADMIN_DIR / "index.html").exists():
        skip_or_fail("the agent inbox or the admin UI is not built (make build)")


def admin_creates_label(admin: Visitor, servers: Servers, name: str) -> None:
    page = admin.page
    page.goto(servers.url + "/admin/login")
    page.get_by_label("Email").fill("root@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    page.get_by_role("link", name="Labels").first.click()
    expect(page).to_have_url(re.compile(r"/admin/labels$"))
    page.get_by_role("button", name="New label").click()
    dialog = page.get_by_role("dialog", name="New label")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("purple").check(force=True)
    expect(dialog).to_contain_text(f"Preview: {name}")
    dialog.get_by_role("button", name="Add label").click()
    expect(dialog).to_have_count(0)
    row = page.get_by_test_id("labels-table").locator(f"tr[data-label='{name}']")
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("0 conversations")
    assert axe_violations(admin, "[data-testid=labels-table]") == []
    # The chip is the palette's purple: dark text on a light background.
    chip = row.locator(".badge")
    assert chip.evaluate("e => getComputedStyle(e).color") == "rgb(107, 33, 168)"




def test_a_label_is_made_applied_seen_live_and_filtered_on(
        site: Site, servers: Servers, visitor: Callable[..., Visitor],
        visitors: Callable[..., VisitorSocket]) -> None:
    name = f"VIP {uuid.uuid4().hex[:4]}"
    # CSP bypassed so that axe-core can be injected (its checks are the point, not the CSP).
    admin = visitor(bypass_csp=True)
    admin_creates_label(admin, servers, name)
    admin.shot("labels-admin")

    key = site.widget(business_name="Labelled shop")
    alice = make_agent(site, key, "Alice")
    bob = make_agent(site, key, "Bob")
    va, vb = visitor(bypass_csp=True), visitor()
    alice_page = sign_in(va, servers, alice)
    bob_page = sign_in(vb, servers, bob)

    vera = visitors(key, visitor_name="Vera Lynn")
    vera.say("My order is late")
    vera.send({"type": "escalate"})
    walt = visitors(key, visitor_name="Walt White")
    walt.say("Just a question")
    walt.send({"type": "escalate"})
    for page in (alice_page, bob_page):
        expect(page.get_by_test_id("queue-count")).to_have_text("2")

    # Alice labels Vera's waiting chat from its card.
    vera_card = alice_page.get_by_test_id("queue").locator(f"li[data-session='{vera.session_id}']")
    vera_card.get_by_role("button", name="Labels of the chat with Vera Lynn").click()
    picker = alice_page.get_by_role("group", name="Labels of the chat with Vera Lynn")
    picker.get_by_label(name).check()
    expect(vera_card.get_by_test_id("label-chip")).to_have_text(name)
    assert axe_violations(va, "[data-testid=queue] li[data-session] > div.mt-2") == []
    alice_page.keyboard.press("Escape")
    expect(picker).to_have_count(0)

    # Bob's open inbox shows the chip without a reload, on Vera's card only.
    bob_vera = bob_page.get_by_test_id("queue").locator(f"li[data-session='{vera.session_id}']")
    bob_walt = bob_page.get_by_test_id("queue").locator(f"li[data-session='{walt.session_id}']")
    expect(bob_vera.get_by_test_id("label-chip")).to_have_text(name)
    expect(bob_walt.get_by_test_id("label-chip")).to_have_count(0)
    vb.shot("labels-live-chip")
    # ... and can narrow his lists to that label.
    bob_page.get_by_label("Label", exact=True).select_option(label=name)
    expect(bob_vera).to_be_visible()
    expect(bob_walt).to_have_count(0)
    expect(bob_page.get_by_test_id("inbox-filter")).to_contain_text("1 hidden by the filter")
    bob_page.get_by_role("button", name="Show all").click()
    expect(bob_walt).to_be_visible()

    # The admin renames and recolours it: the chip in Bob's open inbox follows at once.
    old, name = name, f"Gold {uuid.uuid4().hex[:4]}"
    apage = admin.page
    apage.get_by_test_id("labels-table").locator(f"tr[data-label='{old}']").get_by_role(
        "button", name=f"Edit {old}").click()
    dialog = apage.get_by_role("dialog", name=f"Edit “{old}”")
    dialog.get_by_label("Name").fill(name)
    dialog.get_by_label("amber").check(force=True)
    dialog.get_by_role("button", name="Save").click()
    expect(apage.get_by_test_id("labels-table").locator(f"tr[data-label='{name}']")).to_be_visible()
    chip = bob_vera.get_by_test_id("label-chip")
    expect(chip).to_have_text(name)
    expect(chip).to_have_css("color", "rgb(146, 64, 14)")  # the palette's amber text

    # Alice accepts Vera (the chip follows into the chat's header) and closes; Walt leaves.
    vera_card.get_by_role("button", name="Accept chat with Vera Lynn").click()
    expect(alice_page.get_by_test_id("chat-title")).to_have_text("Vera Lynn")
    header = alice_page.locator("header").filter(has=alice_page.get_by_test_id("chat-title"))
    expect(header.get_by_test_id("label-chip")).to_have_text(name)
    header.get_by_role("button", name="Close").click()
    alice_page.get_by_role("button", name="Close conversation").click()
    vera.expect("session_closed")
    walt.send({"type": "close"})
    walt.expect("session_closed")

    # The history, filtered by the label, shows Vera's conversation only; the URL says so.
    alice_page.get_by_role("link", name="History").click()
    results = alice_page.get_by_test_id("history-results")
    expect(results.locator("li")).to_have_count(2)
    filters = alice_page.get_by_test_id("history-filters")
    expect(filters.get_by_test_id("filter-label")).to_be_hidden()  # folded while none is set
    filters.get_by_role("button", name="Filters").click()
    filters.get_by_test_id("filter-label").select_option(label=name)
    expect(filters.get_by_role("button", name="Filters · 1 on")).to_be_visible()
    expect(results.locator("li")).to_have_count(1)
    expect(results).to_contain_text("Vera Lynn")
    expect(results.get_by_test_id("label-chip")).to_have_text(name)
    expect(alice_page).to_have_url(re.compile(r"/agent/history\?label=\d+$"))
    # Opening the conversation keeps the filters in the URL.
    results.get_by_role("button").filter(has_text="Vera Lynn").click()
    expect(alice_page).to_have_url(re.compile(rf"/agent/history/{vera.session_id}\?label=\d+$"))
    past = alice_page.get_by_role("region", name="Past chat with Vera Lynn")
    expect(past.get_by_test_id("label-chip")).to_have_text(name)
    assert axe_violations(va, "[data-testid=history-filters]") == []
    va.shot("labels-history-filtered")

    # Saved as a view, cleared, then picked again: the filter comes back.
    filters.get_by_role("button", name="Save view").click()
    filters.get_by_label("View name").fill("My VIPs")
    filters.get_by_role("button", name="Save", exact=True).click()
    expect(filters.get_by_label("Saved view")).to_have_value(re.compile(r"^\d+$"))
    filters.get_by_role("button", name="Clear filters").click()
    expect(results.locator("li")).to_have_count(2)
    expect(filters.get_by_test_id("filter-label")).to_have_value("")
    filters.get_by_label("Saved view").select_option(label="My VIPs")
    expect(results.locator("li")).to_have_count(1)
    expect(results).to_contain_text("Vera Lynn")
    expect(filters.get_by_test_id("filter-label")).to_contain_text(name)
    assert filters.get_by_test_id("filter-label").evaluate(
        "e => e.options[e.selectedIndex].text") == name
    # The view is kept on the server: a reload still lists it.
    alice_page.reload()
    views = alice_page.get_by_test_id("history-filters").get_by_label("Saved view")
    expect(views.locator("option", has_text="My VIPs")).to_have_count(1)
    # ... until deleted.
    views.select_option(label="My VIPs")
    alice_page.get_by_test_id("history-filters").get_by_role("button", name="Delete view").click()
    expect(views.locator("option", has_text="My VIPs")).to_have_count(0)
    expect(views).to_contain_text("No saved views")

    # The admin's delete confirmation says how many conversations carry the label.
    admin.page.reload()
    row = admin.page.get_by_test_id("labels-table").locator(f"tr[data-label='{name}']")
    expect(row).to_contain_text("1 conversation")
    row.get_by_role("button", name=f"Delete {name}").click()
    expect(admin.page.get_by_test_id("delete-label-impact")).to_contain_text(
        "It is on 1 conversation; it will be taken off all of them.")
    admin.page.get_by_role("button", name="Delete label").click()
    expect(row).to_have_count(0)
