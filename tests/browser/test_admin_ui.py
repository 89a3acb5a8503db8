"""The admin UI (/admin) in Debian's Chromium against the real server: an admin builds a widget
and sees the real widget preview the unsaved colour, saves it, allows a site, copies the tag,
embeds that tag on a page of another origin where a visitor chats; creates an agent and gives
them the widget; finds the conversation counted in analytics. An agent who is not an admin
sees no user administration.

Reuses the browser suite's fixtures (tests/helpers/browser.py). Screenshots go to
test-artifacts/screenshots/admin-*.png.
"""

from __future__ import annotations

import os
import re
import uuid
from typing import Any

import httpx
import pytest

from chatserver.api.ui import ADMIN_DIR
from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import Site, Visitor
from tests.helpers.browser_servers import Servers

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

NEW_COLOR = "#e91e63"


@pytest.fixture(scope="module", autouse=True)
def admin_built() -> None:
    if not (ADMIN_DIR / "index.html").exists():
        skip_or_fail("the admin UI is not built (make build)")


def sign_in(page: Page, servers: Servers, email: str, password: str = PASSWORD) -> None:
    page.goto(servers.url + "/")
    expect(page).to_have_url(re.compile(r"/admin/login$"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def preview_root(page: Page) -> Any:
    return page.frame_locator("iframe[title='Widget preview']").locator("parley-widget .pw-root")


def test_an_admin_builds_a_widget_embeds_it_and_sees_the_chat_counted(
        servers: Servers, site: Site, visitor: Any) -> None:
    admin: Visitor = visitor(permissions=["clipboard-read", "clipboard-write"])
    page = admin.page
    sign_in(page, servers, "root@example.com")
    expect(page.get_by_test_id("kpi-today")).to_be_visible()

    # A new widget: the preview is the real widget, showing the settings before they are saved.
    page.get_by_role("link", name="Widgets").click()
    page.get_by_role("button", name="New widget").first.click()
    expect(page).to_have_url(re.compile(r"/admin/widgets/new$"))
    root = preview_root(page)
    expect(root.locator(".pw-launcher")).to_be_visible()
    expect(root.locator(".pw-panel")).to_be_visible()
    before = root.evaluate("e => e.style.getPropertyValue('--pw-primary')")
    assert before == "#007bff"
    page.get_by_label("Primary colour", exact=True).fill(NEW_COLOR)
    expect(root).to_have_attribute("style", re.compile(f"--pw-primary: {NEW_COLOR}"))
    launcher_bg = root.locator(".pw-launcher").evaluate("e => getComputedStyle(e).backgroundColor")
    assert launcher_bg == "rgb(233, 30, 99)", launcher_bg
    page.get_by_role("tab", name="Messages").click()
    name = f"Shop {uuid.uuid4().hex[:6]}"
    page.get_by_label("Business name").fill(name)
    page.get_by_label("Title").fill("Talk to the shop")
    expect(root.locator(".pw-title")).to_have_text("Talk to the shop")
    page.get_by_label("Welcome message").fill("Welcome to the shop!")
    expect(root.locator(".pw-msg", has_text="Welcome to the shop!")).to_be_visible()
    admin.shot("admin-builder-preview")
    # A mistake is shown under its field, with the server's wording, and blocks the save.
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Create widget").click()
    expect(page.get_by_text("is required")).to_be_visible()
    page.get_by_label("Title").fill("Talk to the shop")

    page.get_by_role("button", name="Create widget").click()
    expect(page).to_have_url(re.compile(r"/admin/widgets/[A-Za-z0-9_-]+/install$"))
    key = page.url.rsplit("/", 2)[1]
    widget = site.http.get(f"/api/widgets/{key}", headers=site._auth()).json()["widget"]
    assert widget["primary_color"] == NEW_COLOR and widget["business_name"] == name

    # Allow the customer's site, save, copy the tag.
    page.get_by_label("Add a site").fill(servers.host_origin)
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("All changes saved.")).to_be_visible()
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied!")).to_be_visible()
    tag = page.evaluate("navigator.clipboard.readText()")
    assert tag == f'<script src="{servers.url}/widget.js" data-site-key="{key}" async></script>'
    admin.shot("admin-builder-install")

    # A page of another origin (the customer's site) that embeds exactly the copied tag; a
    # visitor chats there. (The page comes from the host-page server: Chromium refuses a page
    # made up by the test the right to load from a loopback address.)
    guest: Visitor = visitor()
    assert tag in httpx.get(servers.page_url(key)).text
    guest.page.goto(servers.page_url(key))
    guest.widget(".pw-launcher").click()
    expect(guest.widget(".pw-title")).to_have_text("Talk to the shop")
    box = guest.widget("textarea.pw-input")
    box.fill("Hello, is anyone there?")
    box.press("Enter")
    expect(guest.widget(".pw-msg--visitor").last).to_have_attribute("data-state", re.compile("sent"))
    assert len(servers.sessions(key)) == 1

    # A new agent, given the widget.
    page.get_by_role("link", name="Users").click()
    page.get_by_role("button", name="Add user").click()
    dialog = page.get_by_role("dialog")
    email = f"sam-{uuid.uuid4().hex[:6]}@example.com"
    dialog.get_by_label("Email").fill(email)
    dialog.get_by_label("Name", exact=True).fill("Sam Agent")
    dialog.get_by_label("Password", exact=True).fill(PASSWORD)
    dialog.get_by_label(name).check()
    dialog.get_by_role("button", name="Add user").click()
    row = page.get_by_test_id("user-row").filter(has_text=email)
    expect(row).to_contain_text(name)
    agents = site.http.get(f"/api/widgets/{key}/agents", headers=site._auth()).json()["agents"]
    assert [a["email"] for a in agents] == [email]
    admin.shot("admin-users")

    # Analytics: the conversation is counted for this widget.
    page.get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", name="Analytics", level=1)).to_be_visible()
    page.get_by_label("Widget", exact=True).select_option(label=name)
    expect(page.get_by_test_id("total-conversations")).to_contain_text("1")
    expect(page.get_by_test_id("outcome-legend")).to_contain_text("Still open")
    bars = page.get_by_test_id("chart-conversations").locator(".recharts-bar-rectangle path")
    expect(bars.first).to_be_visible()
    admin.shot("admin-analytics")

    # The dashboard counts it today.
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_test_id("kpi-today").locator(".kpi-value")).not_to_have_text("0")
    admin.shot("admin-dashboard")
    assert [m for m in admin.console if "Content Security Policy" in m] == []


def test_an_agent_sees_only_what_their_role_allows(servers: Servers, site: Site, visitor: Any) -> None:
    n = uuid.uuid4().hex[:6]
    resp = site.http.post("/api/auth/register", headers=site._auth(), json={
        "username": f"only-agent-{n}", "email": f"only-agent-{n}@example.com",
        "password": PASSWORD, "role": "agent", "display_name": "Olly"})
    assert resp.status_code == 201, resp.text
    v: Visitor = visitor()
    sign_in(v.page, servers, f"only-agent-{n}@example.com")
    nav = v.page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Analytics")).to_be_visible()
    expect(nav.get_by_role("link", name="Users")).to_have_count(0)
    v.page.goto(servers.url + "/admin/users")
    expect(v.page.get_by_role("heading", name="Admins only")).to_be_visible()
    v.page.get_by_role("button", name="Sign out").click()
    expect(v.page).to_have_url(re.compile(r"/admin/login$"))
    expect(v.page.get_by_text("You are signed out.")).to_be_visible()
