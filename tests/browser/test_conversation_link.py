"""The conversation link (/c/<token>) in Chromium: it opens the same conversation in the widget
on another device (a fresh browser context), from Parley's own origin whatever the widget's
allowed origins, while the first device keeps it; an expired link offers a new conversation."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import timedelta

import pytest

from chatserver.mail.tokens import link_token
from chatserver.services.links import conversation_link
from chatserver.timeutil import utcnow
from tests.helpers.browser import Site, Visitor
from tests.helpers.browser_servers import Agent, Servers
from tests.helpers.wait import wait_until

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)


def _link(servers: Servers, session_id: str) -> str:
    assert servers.ctx is not None
    return servers.url + conversation_link(servers.ctx, session_id)  # public_url is unset


def _saved(v: Visitor, key: str) -> dict[str, str]:
    raw = wait_until(lambda: v.storage().get(f"parley:{key}"), 10, "a stored conversation")
    saved: dict[str, str] = json.loads(raw)
    return saved


def _send(v: Visitor, text: str) -> None:
    box = v.widget("textarea.pw-input")
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")


def _bubbles(v: Visitor) -> list[str]:
    texts: list[str] = v.widget(".pw-log .pw-msg .pw-bubble").all_text_contents()
    return texts


def _no_csp_violations(v: Visitor) -> None:
    bad = [c for c in v.console if "Content Security Policy" in c or "Refused to" in c]
    assert bad == [], bad


def test_the_link_opens_the_conversation_on_another_device_and_both_keep_it(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)  # allowed: the host page's origin only
    alex = agents(key)
    alex.connect()

    # The first device: the customer's site.
    laptop = visitor()
    laptop.page.goto(servers.page_url(key))
    laptop.widget(".pw-launcher").click()
    _send(laptop, "Hello from the laptop")
    sid = _saved(laptop, key)["sid"]
    alex.accept(sid)
    alex.say(sid, "Hi, Alex here. Your order ships tomorrow.")
    expect(laptop.widget(".pw-msg--agent .pw-bubble").last).to_have_text(
        "Hi, Alex here. Your order ships tomorrow.")

    # Another device opens the link: the widget opens by itself on the whole conversation.
    phone = visitor()
    resp = phone.page.goto(_link(servers, sid))
    assert resp is not None and resp.status == 200
    assert resp.headers["content-security-policy"].startswith("default-src 'none'")
    panel = phone.widget(".pw-panel")
    expect(panel).to_be_visible()
    expect(phone.widget(".pw-msg--agent .pw-bubble").last).to_have_text(
        "Hi, Alex here. Your order ships tomorrow.")
    assert "Hello from the laptop" in _bubbles(phone)
    # The widget's stylesheets apply under the page's policy (the panel is a fixed box).
    assert panel.evaluate("el => getComputedStyle(el).position") == "fixed"
    saved = _saved(phone, key)
    assert saved["sid"] == sid and saved["token"] != _saved(laptop, key)["token"]

    # The phone writes in the same conversation; the agent and the laptop see it.
    _send(phone, "Written on the phone")
    assert alex.expect("message", sender_type="visitor", text="Written on the phone")[
        "session_id"] == sid
    expect(laptop.widget(".pw-msg--visitor .pw-bubble").last).to_have_text("Written on the phone")

    # The laptop's token still works after the link was opened (twice: each click a token).
    phone.page.goto(_link(servers, sid))
    expect(phone.widget(".pw-msg--agent .pw-bubble")).to_have_count(2)  # welcome, Alex
    _send(laptop, "Still here on the laptop")
    expect(phone.widget(".pw-msg--visitor .pw-bubble").last).to_have_text("Still here on the laptop")
    wait_until(lambda: [m["text"] for m in servers.messages(sid) if m["sender_type"] == "visitor"]
               == ["Hello from the laptop", "Written on the phone", "Still here on the laptop"],
               10, "the three visitor messages in the one session")
    assert {s["id"] for s in servers.sessions(key)} == {sid}
    for v in (laptop, phone):
        _no_csp_violations(v)
    phone.shot("conversation-link")


def test_a_link_replaces_another_conversation_stored_on_parleys_origin(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)
    alex = agents(key)
    alex.connect()
    first, second = (servers.call(lambda: _session(servers, key)) for _ in range(2))
    for sid, text in ((first, "About the first order"), (second, "About the second order")):
        alex.accept(sid)
        alex.say(sid, text)
    v = visitor()
    v.page.goto(_link(servers, first))
    expect(v.widget(".pw-msg--agent .pw-bubble").last).to_have_text("About the first order")
    v.page.goto(_link(servers, second))
    expect(v.widget(".pw-msg--agent .pw-bubble").last).to_have_text("About the second order")
    assert _saved(v, key)["sid"] == second
    _no_csp_violations(v)


def test_an_expired_link_says_so_and_starts_a_new_conversation(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)
    old = servers.call(lambda: _session(servers, key))
    expired = link_token(servers.settings.secret_key, old, utcnow() - timedelta(days=1))
    v = visitor()
    resp = v.page.goto(f"{servers.url}/c/{expired}")
    assert resp is not None and resp.status == 410
    expect(v.page.get_by_role("heading", name="This link has expired")).to_be_visible()
    expect(v.widget(".pw-panel")).to_have_count(0)
    v.page.get_by_role("link", name="Start a new conversation").click()
    expect(v.widget(".pw-panel")).to_be_visible()
    _send(v, "A new question")
    wait_until(lambda: len(servers.sessions(key)) == 2, 10, "a new session")
    new = _saved(v, key)["sid"]
    assert new != old
    wait_until(lambda: [m["text"] for m in servers.messages(new)
                        if m["sender_type"] == "visitor"] == ["A new question"],
               10, "the new question stored")
    _no_csp_violations(v)


async def _session(servers: Servers, key: str) -> str:
    import tornado.httpclient

    resp = await tornado.httpclient.AsyncHTTPClient().fetch(
        f"{servers.url}/api/widgets/{key}/sessions", method="POST", body="{}",
        headers={"Content-Type": "application/json"})
    return str(json.loads(resp.body)["session_id"])
