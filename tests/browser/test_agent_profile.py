"""The profile in Chromium: an admin signs in once at /admin and is signed in at /agent too,
changes their display name and picture in the profile, and the visitor's widget shows the new
name as it is (no role added); a file that is not a picture is refused with a message; the
password is changed with this tab staying signed in; signing out of the inbox signs the admin
out too."""

from __future__ import annotations

import io
import os
import re
import uuid
from collections.abc import Callable

import pytest
from PIL import Image

from chatserver.api.ui import ADMIN_DIR, AGENT_DIR
from tests.helpers import skip_or_fail
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import DESKTOP, Site, Visitor, axe_violations
from tests.helpers.browser_servers import Servers

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

NEW_PASSWORD = "a-brand-new-passphrase"


@pytest.fixture(scope="module", autouse=True)
def uis_built() -> None:
    if not (AGENT_DIR / "index.html").exists() or not (ADMIN_DIR / "index.html").exists():
        skip_or_fail("the agent inbox or the admin UI is not built (make build)")


def picture() -> bytes:
    img = Image.new("RGB", (300, 200), (220, 120, 30))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def make_admin(site: Site, key: str, name: str) -> tuple[str, int]:
    tag = uuid.uuid4().hex[:6]
    email = f"boss-{tag}@example.com"
    auth = {"Authorization": f"Bearer {site.admin}"}
    resp = site.http.post("/api/auth/register", headers=auth, json={
        "username": f"boss-{tag}", "email": email, "password": PASSWORD, "role": "admin",
        "display_name": name})
    assert resp.status_code == 201, resp.text
    user_id: int = resp.json()["user"]["id"]
    assert site.http.put(f"/api/widgets/{key}/agents/{user_id}", headers=auth).status_code == 200
    return email, user_id


def admin_sign_in(page: Page, servers: Servers, email: str) -> None:
    page.goto(servers.url + "/admin/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_an_admin_changes_name_and_picture_and_the_visitor_sees_them(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(business_name="Profile Co")
    email, _user_id = make_admin(site, key, "Ada")
    me = visitor(DESKTOP, bypass_csp=True)  # for axe's script; the CSP has its own tests
    page = me.page

    # One sign-in: at /admin, and the inbox opens signed in; its profile is linked.
    admin_sign_in(page, servers, email)
    page.get_by_role("link", name="Your profile").click()
    expect(page).to_have_url(re.compile(r"/agent/profile$"))
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    expect(page.get_by_test_id("me")).to_have_text("Ada")

    # The display name.
    name = page.get_by_label("Display name")
    expect(name).to_have_value("Ada")
    name.fill("Ada Lovelace")
    page.get_by_role("button", name="Save name").click()
    expect(page.get_by_test_id("name-status")).to_contain_text("Saved")
    expect(page.get_by_test_id("me")).to_have_text("Ada Lovelace")

    # A file that is not a picture is refused, and the screen says why.
    avatar_input = page.get_by_test_id("avatar-input")
    avatar_input.set_input_files(files=[{"name": "me.png", "mimeType": "image/png",
                                         "buffer": b"<html><script>alert(1)</script></html>"}])
    expect(page.get_by_test_id("avatar-status")).to_contain_text("not a picture")
    expect(page.get_by_test_id("avatar-img")).to_have_count(0)
    # A picture is taken, and shown (the square the server made).
    avatar_input.set_input_files(files=[{"name": "me.png", "mimeType": "image/png",
                                         "buffer": picture()}])
    expect(page.get_by_test_id("avatar-status")).to_have_text("Picture saved.")
    img = page.get_by_test_id("avatar-img").first
    expect(img).to_be_visible()
    src = img.get_attribute("src") or ""
    assert re.fullmatch(r"/api/avatars/[0-9a-f]{32}", src), src
    page.wait_for_function("(i) => i.complete && i.naturalWidth === 192", arg=img.element_handle())
    me.shot("agent-profile")
    assert axe_violations(me) == []

    # A visitor asks for a person; the admin takes the chat in the inbox and answers.
    v = visitor(DESKTOP)
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    composer = v.widget("textarea.pw-input")
    composer.fill("Hello, I need help")
    composer.press("Enter")
    v.widget("button", has_text="Talk to a person").click()
    page.get_by_role("link", name="Inbox").click()
    # (An admin sees every widget's queue: other tests' visitors may wait there too.)
    page.get_by_test_id("queue").locator("li", has_text="Hello, I need help").get_by_role(
        "button", name=re.compile("^Accept chat with")).click()
    page.get_by_test_id("composer").fill("Hi, I'm Ada. How can I help?")
    page.get_by_test_id("composer").press("Enter")

    # The visitor sees the name as the admin wrote it: no "(admin)", no "Agent".
    expect(v.widget(".pw-note", has_text="Ada Lovelace joined the conversation.")).to_be_visible()
    expect(v.widget(".pw-sub")).to_have_text("You're chatting with Ada Lovelace")
    reply = v.widget(".pw-msg--agent", has_text="How can I help?")
    expect(reply.locator(".pw-who")).to_have_text("Ada Lovelace")
    # And the picture: in the panel's header, and beside the agent's message.
    head = v.widget(".pw-avatar img")
    expect(head).to_have_attribute("src", re.compile(r"^http://[^/]+/api/avatars/[0-9a-f]{32}$"))
    assert (head.get_attribute("src") or "").endswith(src)
    face = reply.locator(".pw-face")
    expect(face).to_be_visible()
    v.page.wait_for_function("(el) => el.complete && el.naturalWidth === 192",
                             arg=face.element_handle())
    v.shot("widget-agent-avatar")
    # Another page of the site (a reload): the picture comes back with the conversation.
    v.page.reload()
    expect(v.widget(".pw-sub")).to_have_text("You're chatting with Ada Lovelace")
    expect(v.widget(".pw-avatar img")).to_have_attribute("src", re.compile(f"{re.escape(src)}$"))
    shown = " ".join(v.widget(".pw-panel").all_text_contents())
    assert "(admin)" not in shown and "Agent" not in shown


def test_password_change_keeps_this_tab_and_sign_out_ends_both_apps(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(business_name="Password Co")
    email, _user_id = make_admin(site, key, "Grace")
    me = visitor(DESKTOP)
    page = me.page
    admin_sign_in(page, servers, email)
    old_token = page.evaluate("() => localStorage.getItem('parley:token')")
    assert old_token
    page.goto(servers.url + "/agent/profile")
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()

    # Wrong current password: said, nothing changes.
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password, again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_test_id("password-status")).to_have_text("Your current password is wrong.")

    # Right: this tab stays signed in with a new token; the old one is revoked.
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_test_id("profile-notice")).to_contain_text("Your password was changed")
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    new_token = page.evaluate("() => localStorage.getItem('parley:token')")
    assert new_token and new_token != old_token
    assert site.http.get("/api/auth/me", headers={
        "Authorization": f"Bearer {old_token}"}).status_code == 401
    page.get_by_role("link", name="Inbox").click()
    expect(page.get_by_test_id("queue-count")).to_be_visible()
    expect(page.get_by_test_id("connection")).to_have_count(0)  # the socket is connected
    login = site.http.post("/api/auth/login", json={"email": email, "password": NEW_PASSWORD})
    assert login.status_code == 200

    # The admin, open in another tab of the same browser, is signed in with the new token;
    # signing out of the inbox signs it out too.
    admin_tab = me.context.new_page()
    admin_tab.goto(servers.url + "/admin/")
    expect(admin_tab.get_by_role("heading", level=1)).to_contain_text("Hello, Grace")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Parley inbox")).to_be_visible()
    expect(admin_tab).to_have_url(re.compile(r"/admin/login$"))
    expect(admin_tab.get_by_role("button", name="Sign in")).to_be_visible()
    admin_tab.reload()
    expect(admin_tab.get_by_role("button", name="Sign in")).to_be_visible()
