"""The admin UI's Mail page in Chromium against the real server: an email that could not be
sent puts a warning badge on Mail in the nav; the page lists it with the SMTP server's answer
beside the emails waiting to go; Retry puts it back in the queue and the badge goes. An agent
sees no Mail page.

Screenshot: test-artifacts/screenshots/admin-mail.png."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from sqlalchemy import delete, update

from chatserver.api.ui import ADMIN_DIR
from chatserver.db.schema import outbox
from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import Site, Visitor
from tests.helpers.browser_servers import Servers
from tests.helpers.outbox import queue, rows

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

REFUSAL = "550 5.1.1 <lost@example.com>: Recipient address rejected: User unknown"


@pytest.fixture(scope="module", autouse=True)
def admin_built() -> None:
    if not (ADMIN_DIR / "index.html").exists():
        skip_or_fail("the admin UI is not built (make build)")


@pytest.fixture(autouse=True)
def empty_outbox(servers: Servers) -> Any:
    """The servers are the browser suite's: leave no email behind for its other tests."""
    yield

    async def clear() -> None:
        assert servers.ctx is not None
        async with servers.ctx.engine.begin() as conn:
            await conn.execute(delete(outbox))

    servers.run(clear())


def _seed(servers: Servers, prefix: str = "") -> list[int]:
    """One email that failed (a 550), one waiting; their ids."""
    assert servers.ctx is not None
    ctx = servers.ctx
    mail = ctx.settings.replace(smtp_host="127.0.0.1", mail_from="Support <s@parley.test>",
                                public_url="http://127.0.0.1:9")

    async def seed() -> list[int]:
        await queue(ctx.engine, mail, 1, prefix=prefix + "lost")
        async with ctx.engine.begin() as conn:
            await conn.execute(update(outbox).values(status="failed", attempts=1,
                                                     last_error=REFUSAL))
        await queue(ctx.engine, mail, 1, prefix=prefix + "later")
        return [r["id"] for r in await rows(ctx.engine)]

    return servers.run(seed())


def _sign_in(page: Page, servers: Servers, email: str) -> None:
    page.goto(servers.url + "/admin/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_a_failed_email_shows_in_the_nav_and_is_retried_from_the_mail_page(
        servers: Servers, site: Site, visitor: Any) -> None:
    failed_id, pending_id = _seed(servers)
    admin: Visitor = visitor()
    page = admin.page
    _sign_in(page, servers, "root@example.com")
    badge = page.get_by_test_id("mail-failed-badge").first
    expect(badge).to_be_visible()
    expect(badge).to_have_text(re.compile(r"^1"))

    page.get_by_role("link", name=re.compile(r"^Mail")).first.click()
    expect(page).to_have_url(re.compile(r"/admin/mail$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mail")
    failed = page.get_by_test_id("failed-email")
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text("lost0@x.test")
    expect(failed).to_contain_text(REFUSAL)
    expect(page.get_by_test_id("pending-email")).to_contain_text("later0@x.test")
    admin.shot("admin-mail")

    failed.get_by_role("button", name="Retry").click()
    expect(page.get_by_text("will be sent again now")).to_be_visible()
    expect(page.get_by_text("No failed emails")).to_be_visible()
    expect(page.get_by_test_id("pending-email")).to_have_count(2)
    expect(page.get_by_test_id("mail-failed-badge")).to_have_count(0)
    found = {r["id"]: r for r in servers.run(rows(servers.ctx.engine))}  # type: ignore[union-attr]
    assert found[failed_id]["status"] == "pending" and found[failed_id]["attempts"] == 0
    assert found[pending_id]["status"] == "pending"


def test_an_agent_has_no_mail_page(servers: Servers, site: Site, visitor: Any) -> None:
    _seed(servers)
    key = site.widget()
    site.agent(key, "Alex").close()
    users = site.http.get("/api/auth/users", headers=site._auth()).json()["users"]
    email = max((u for u in users if u["role"] == "agent"), key=lambda u: u["id"])["email"]
    agent: Visitor = visitor()
    page = agent.page
    _sign_in(page, servers, email)
    expect(page.get_by_role("link", name=re.compile(r"^Mail"))).to_have_count(0)
    expect(page.get_by_test_id("mail-failed-badge")).to_have_count(0)
    page.goto(servers.url + "/admin/mail")
    expect(page.get_by_role("heading", name="Admins only")).to_be_visible()
