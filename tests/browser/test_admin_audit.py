"""The admin UI's Audit page in Chromium against the real server: an admin changes a widget's
title in the builder, opens Audit from the nav and sees the change at the top with their name
and the field's name (not its value); filtering by action leaves only that action. An agent
has no Audit page.

Screenshot: test-artifacts/screenshots/admin-audit.png."""

from __future__ import annotations

import os
import re
import uuid
from typing import Any

import pytest

from chatserver.api.ui import ADMIN_DIR
from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import Site, Visitor, axe_violations
from tests.helpers.browser_servers import Servers

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


def test_an_admin_sees_their_widget_change_in_the_audit_log_and_filters_it(
        servers: Servers, site: Site, visitor: Any) -> None:
    key = site.widget()
    title = f"Talk to us {uuid.uuid4().hex[:6]}"
    admin: Visitor = visitor(bypass_csp=True)  # for axe-core, injected below
    page = admin.page
    _sign_in(page, servers, "root@example.com")

    page.goto(f"{servers.url}/admin/widgets/{key}")
    page.get_by_role("tab", name="Messages").click()
    page.get_by_label("Title").fill(title)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("All changes saved.")).to_be_visible()

    page.get_by_role("link", name="Audit").first.click()
    expect(page).to_have_url(re.compile(r"/admin/audit$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    newest = page.get_by_test_id("audit-entry").first
    expect(newest).to_have_attribute("data-action", "widget.update")
    expect(newest).to_contain_text("root")
    expect(newest).to_contain_text("fields: widget_title")
    expect(newest).to_contain_text(f"widget {key}")
    expect(newest).not_to_contain_text(title)  # the field's name, never its value
    admin.shot("admin-audit")
    assert axe_violations(admin, "[data-testid=audit-table]") == []
    assert axe_violations(admin, "form[aria-label='Filter the audit log']") == []

    # Only widgets created: the update is gone, the creation of this widget is there.
    page.get_by_label("Action").select_option(label="Widget created")
    page.get_by_role("button", name="Apply filters").click()
    rows = page.get_by_test_id("audit-entry")
    expect(rows.first).to_have_attribute("data-action", "widget.create")
    expect(page.locator("[data-testid=audit-entry][data-action='widget.update']")).to_have_count(0)
    expect(rows.filter(has_text=f"widget {key}")).to_have_count(1)
    actions = set(rows.evaluate_all("rows => rows.map(r => r.dataset.action)"))
    assert actions == {"widget.create"}, actions

    # Back to everything: the update is listed again.
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_test_id("audit-entry").first).to_have_attribute("data-action",
                                                                       "widget.update")


def test_an_agent_has_no_audit_page(servers: Servers, site: Site, visitor: Any) -> None:
    key = site.widget()
    site.agent(key, "Alex").close()
    users = site.http.get("/api/auth/users", headers=site._auth()).json()["users"]
    email = max((u for u in users if u["role"] == "agent"), key=lambda u: u["id"])["email"]
    agent: Visitor = visitor()
    page = agent.page
    _sign_in(page, servers, email)
    expect(page.get_by_role("link", name="Audit")).to_have_count(0)
    page.goto(servers.url + "/admin/audit")
    expect(page.get_by_role("heading", name="Admins only")).to_be_visible()
