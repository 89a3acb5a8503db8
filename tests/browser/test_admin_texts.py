"""The widget builder's Texts tab in Chromium (docs/widget.md "Overriding texts"): an admin
picks a language, sees its defaults, types an override, the real widget preview shows it in
that language (right to left for Arabic), and the save stores it on the widget."""

from __future__ import annotations

import os
import re
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


def sign_in(page: Page, servers: Servers) -> None:
    page.goto(servers.url + "/")
    expect(page).to_have_url(re.compile(r"/admin/login$"))
    page.get_by_label("Email").fill("root@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_an_admin_overrides_a_text_and_the_preview_shows_it(
        servers: Servers, site: Site, visitor: Any) -> None:
    key = site.widget()
    admin: Visitor = visitor(bypass_csp=True)  # axe is injected
    page = admin.page
    sign_in(page, servers)
    page.goto(f"{servers.url}/admin/widgets/{key}/texts")
    root = page.frame_locator("iframe[title='Widget preview']").locator("parley-widget .pw-root")
    expect(root.locator(".pw-panel")).to_be_visible()

    page.get_by_label("Language", exact=True).select_option("fr")
    expect(root.locator(".pw-panel")).to_have_attribute("lang", "fr")
    expect(root.locator("textarea.pw-input")).to_have_attribute("placeholder", "Écrivez un message…")
    page.get_by_label("Find a text").fill("placeholder")
    expect(page.get_by_text("Écrivez un message…")).to_be_visible()  # the default, beside
    page.get_by_label("panel.placeholder").fill("Votre question pour Acme ?")
    expect(root.locator("textarea.pw-input")).to_have_attribute("placeholder", "Votre question pour Acme ?")

    page.get_by_label("Language", exact=True).select_option("ar")
    expect(root.locator(".pw-panel")).to_have_attribute("dir", "rtl")
    expect(root.locator("textarea.pw-input")).to_have_attribute("placeholder", "اكتب رسالة…")
    # axe on the Texts tab itself (the rest of the builder has its own checks).
    axe_violations(admin)  # injects axe-core
    found = page.evaluate("async () => (await axe.run('#panel-texts', {resultTypes: ['violations']}))"
                          ".violations.filter((v) => ['serious', 'critical'].includes(v.impact))"
                          ".map((v) => [v.id, v.nodes.map((n) => n.target)])")
    assert found == [], found
    admin.shot("admin-builder-texts")

    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("All changes saved.")).to_be_visible()
    widget = site.http.get(f"/api/widgets/{key}", headers=site._auth()).json()["widget"]
    assert widget["text_overrides"] == {"fr": {"panel.placeholder": "Votre question pour Acme ?"}}
