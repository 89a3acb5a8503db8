"""The admin UI's Privacy page in Chromium against the real server: an admin finds a visitor by
email, downloads their ZIP (visitor.json with every message, and their file), then erases them
after typing the email again; the visitor's markers are then found nowhere in the database and
another visitor is untouched. An agent has no Privacy page.

Screenshot: test-artifacts/screenshots/admin-privacy.png."""

from __future__ import annotations

import json
import os
import re
import zipfile
from typing import Any

import pytest

from chatserver.api.ui import ADMIN_DIR
from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import Site, Visitor
from tests.helpers.browser_servers import Servers
from tests.helpers.privacy import WIDGET_FIELDS, found_in_tables, plant

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)


@pytest.fixture(scope="module", autouse=True)
def admin_built() -> None:
    if not (ADMIN_DIR / "index.html").exists():
        skip_or_fail("the admin UI is not built (make build)")


def _sign_in(page: Page, servers: Servers, email: str) -> None:
    page.goto(servers.url + "/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_an_admin_finds_exports_and_erases_a_visitor(servers: Servers, site: Site,
                                                     visitor: Any, tmp_path: Any) -> None:
    key = site.widget(**WIDGET_FIELDS)
    assert servers.ctx is not None
    ctx = servers.ctx
    v = servers.run(plant(ctx, key, "zbp"))
    other = servers.run(plant(ctx, key, "zbq"))
    admin: Visitor = visitor(accept_downloads=True)
    page = admin.page
    _sign_in(page, servers, "root@example.com")

    page.get_by_role("link", name="Privacy").first.click()
    expect(page).to_have_url(re.compile(r"/admin/privacy$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy")
    page.get_by_label("Find by").select_option(label="Email")
    page.get_by_role("textbox", name="Email").fill(v.email.upper())
    page.get_by_role("button", name="Find").click()
    row = page.get_by_test_id("privacy-session")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-session", v.session_id)
    expect(row).to_contain_text(v.markers["name"])
    admin.shot("admin-privacy")

    with page.expect_download() as info:
        page.get_by_role("button", name="Export (ZIP)").click()
    path = tmp_path / "visitor.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("visitor.json"))
        (conv,) = doc["conversations"]
        assert any(v.markers["msg"] in m["text"] for m in conv["messages"])
        assert any(v.markers["inbound"] in m["text"] for m in conv["messages"])
        assert zf.read(conv["files"][0]["path"]).endswith(v.markers["content"].encode())

    page.get_by_role("button", name="Erase…").click()
    dialog = page.get_by_role("dialog")
    confirm = dialog.get_by_role("button", name="Erase for good")
    expect(confirm).to_be_disabled()
    dialog.get_by_role("textbox").fill("someone-else@example.org")
    expect(confirm).to_be_disabled()
    dialog.get_by_role("textbox").fill(v.email.upper())
    confirm.click()
    expect(page.get_by_test_id("privacy-erased")).to_contain_text("Erased 1 conversation")
    assert servers.run(found_in_tables(ctx, list(v.markers.values()))) == []
    assert servers.run(found_in_tables(ctx, [other.markers["msg"]]))

    page.get_by_role("button", name="Find").click()
    expect(page.get_by_text("Nothing found")).to_be_visible()


def test_an_admin_sets_a_widgets_retention_in_the_builder(servers: Servers, site: Site,
                                                          visitor: Any) -> None:
    key = site.widget()
    page = visitor().page
    _sign_in(page, servers, "root@example.com")
    page.goto(f"{servers.url}/admin/widgets/{key}/privacy")
    expect(page.get_by_text("Conversations are kept until deleted by hand.")).to_be_visible()
    page.get_by_role("switch", name="Erase old conversations").click()
    days = page.get_by_label("Keep conversations for (days)")
    days.fill("0")
    expect(page.get_by_text("must be between 1 and 36500")).to_be_visible()
    days.fill("30")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("All changes saved.")).to_be_visible()
    got = site.http.get(f"/api/widgets/{key}", headers=site._auth()).json()["widget"]
    assert got["retention_days"] == 30


def test_an_agent_has_no_privacy_page(servers: Servers, site: Site, visitor: Any) -> None:
    key = site.widget()
    site.agent(key, "Alex").close()
    users = site.http.get("/api/auth/users", headers=site._auth()).json()["users"]
    email = max((u for u in users if u["role"] == "agent"), key=lambda u: u["id"])["email"]
    agent: Visitor = visitor()
    page = agent.page
    _sign_in(page, servers, email)
    expect(page.get_by_role("link", name="Privacy")).to_have_count(0)
    page.goto(servers.url + "/admin/privacy")
    expect(page.get_by_role("heading", name="Admins only")).to_be_visible()
