"""The knowledge base's Sources section in Chromium (docs/admin.md): an admin adds a shop's
sitemap through the form and sees it fetched and Ready with what it added, uploads a Markdown
document through the file input and sees it listed, and sees a broken PDF refused with the
server's message naming the file; an agent of the widget sees the list without the forms.

The shop is tests/helpers/site.py's loopback site, reached as shop.test through its resolver,
on a chat server of this module whose settings allow fetching it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from chatserver.api.ui import ADMIN_DIR
from chatserver.services import source_sync
from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import Site
from tests.helpers.browser_servers import Servers
from tests.helpers.site import HOST, OFF_SITE
from tests.helpers.site import Site as Shop

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

BROKEN_PDF = b"%PDF-1.7 garbage"
GUIDE_MD = b"""# Care guide

## Washing

Our mugs go in the dishwasher; the gold-rimmed ones are washed by hand.

## Microwave

Every piece without a metal rim is safe in the microwave.
"""


@pytest.fixture(scope="module", autouse=True)
def admin_built() -> None:
    if not (ADMIN_DIR / "index.html").exists():
        skip_or_fail("the admin UI is not built (make build)")


@pytest.fixture(scope="module")
def fetching(servers: Servers, site: Site) -> Iterator[Servers]:
    """A chat server that may fetch the shop (fast, keyword search only), on the suite's
    database (so `site`'s admin signs in here too)."""
    running = Servers(servers.settings.replace(
        fetch_allow=f"{HOST},{OFF_SITE}", kb_crawl_rate=100.0, ai_dense=False)).start()
    yield running
    running.close()


@pytest.fixture(scope="module")
def shop(fetching: Servers) -> Iterator[Shop]:
    running = Shop()
    fetching.run(running.start())
    yield running
    fetching.run(running.stop())


@pytest.fixture(autouse=True)
def loopback_names(shop: Shop, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source_sync, "resolver", shop.resolver)


def sign_in(page: Page, servers: Servers, email: str) -> None:
    page.goto(f"{servers.url}/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def sources(servers: Servers, token: str, key: str) -> list[dict[str, Any]]:
    resp = httpx.get(f"{servers.url}/api/widgets/{key}/knowledge/sources",
                     headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200, resp.text
    found: list[dict[str, Any]] = resp.json()["sources"]
    return found


def test_an_admin_adds_a_sitemap_and_documents_and_an_agent_reads_them(
        fetching: Servers, site: Site, shop: Shop, visitor: Any) -> None:
    key = site.widget(business_name="Source shop")
    email = f"ana-{key[:8]}@example.com"
    resp = site.http.post("/api/auth/register", headers={"Authorization": f"Bearer {site.admin}"},
                          json={"username": f"ana-{key[:8]}", "email": email,
                                "password": PASSWORD, "role": "agent"})
    assert resp.status_code == 201, resp.text
    assert site.http.put(f"/api/widgets/{key}/agents/{resp.json()['user']['id']}",
                         headers={"Authorization": f"Bearer {site.admin}"}).status_code == 200
    page = visitor().page
    sign_in(page, fetching, "root@example.com")
    page.goto(f"{fetching.url}/admin/widgets/{key}/knowledge")
    section = page.get_by_role("region", name="Sources")
    expect(section.get_by_text("No sources yet.")).to_be_visible()

    # A sitemap through the form: fetched, then Ready with the pages it added.
    form = section.get_by_role("form", name="Add a web page or site")
    form.get_by_label("URL").fill(shop.url("/sitemap-pages.xml"))
    form.get_by_label("What to import").select_option("sitemap")
    form.get_by_label("Max pages").fill("10")
    form.get_by_label("Re-sync").select_option(label="Daily")
    form.get_by_role("button", name="Add source").click()
    row = section.get_by_test_id("kb-source").filter(has_text="sitemap-pages.xml")
    expect(row.get_by_role("status")).to_contain_text("Ready — 3 passages", timeout=30_000)
    expect(row.get_by_test_id("kb-source-result")).to_contain_text("3 added, 0 changed, 0 removed")
    row.get_by_text("Last sync:").click()
    expect(row.get_by_text("Added: Shipping rates")).to_be_visible()
    expect(row).to_contain_text("every 24 h")
    expect(row.get_by_role("link", name=f"{HOST}/sitemap-pages.xml")).to_have_attribute(
        "href", shop.url("/sitemap-pages.xml"))
    [saved] = sources(fetching, site.admin, key)
    assert (saved["kind"], saved["sync_hours"], saved["max_pages"]) == ("sitemap", 24, 10)
    assert sorted(saved["result"]["added"]) == ["About Acme", "Returns", "Shipping rates"]

    # A Markdown document through the file input: listed, read.
    upload = section.get_by_label("Document")
    upload.set_input_files({"name": "care-guide.md", "mimeType": "text/markdown",
                            "buffer": GUIDE_MD})
    doc = section.get_by_test_id("kb-source").filter(has_text="care-guide.md")
    expect(doc.get_by_role("status")).to_contain_text("Ready")
    expect(doc.get_by_role("button", name="Replace care-guide.md")).to_be_visible()
    expect(doc.get_by_role("button", name="Sync care-guide.md now")).to_have_count(0)
    assert {s["name"] for s in sources(fetching, site.admin, key)} >= {"care-guide.md"}

    # A broken PDF: the server's message, naming the file; nothing is added.
    upload.set_input_files({"name": "broken.pdf", "mimeType": "application/pdf",
                            "buffer": BROKEN_PDF})
    expect(section.get_by_role("alert")).to_contain_text("broken.pdf")
    assert len(sources(fetching, site.admin, key)) == 2

    # An agent of the widget reads the list; no forms, no buttons.
    other = visitor().page
    sign_in(other, fetching, email)
    other.goto(f"{fetching.url}/admin/widgets/{key}/knowledge")
    listed = other.get_by_role("region", name="Sources")
    expect(listed.get_by_test_id("kb-source")).to_have_count(2)
    expect(listed.get_by_role("form", name="Add a web page or site")).to_have_count(0)
    expect(listed.get_by_role("button", name="Delete care-guide.md")).to_have_count(0)

    # Delete, confirmed.
    doc.get_by_role("button", name="Delete care-guide.md").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete source").click()
    expect(doc).to_have_count(0)
    assert [s["name"] for s in sources(fetching, site.admin, key)] == [saved["name"]]
