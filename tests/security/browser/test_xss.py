"""Stored XSS (Chatwoot CVE-2021-3741, ChatterMate CVE-2026-24399): the corpus of
tests/security/browser/xss.py, placed in everything a visitor, an agent, an admin or the AI
can write — visitor names, pre-chat labels, options and answers, page URLs, the browser's
User-Agent, the visitor context's page titles and custom attributes, visitor, agent and AI
messages (the offline knowledge responder repeats knowledge
entries holding payloads; AI text is also rendered as Markdown, and its sources' titles and URLs
are shown), widget titles, welcome messages and business names, canned
responses, knowledge entries, agent names, close notes — and shown in Chromium by the widget
(in its Shadow DOM, on a host page of another origin), the agent inbox and the admin UI.

The inbox and the admin UI run with their Content-Security-Policy bypassed: the policy would
stop inline script anyway (tests/security/test_headers.py checks it is there), and these tests
are about the rendering itself, which must not need it.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
import tornado.httpclient

from chatserver.api.static import STATIC_DIR
from chatserver.validate import clean_text
from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import Site, Visitor
from tests.helpers.browser_servers import Agent, Servers, ai_says
from tests.helpers.sockets import WS, ws_url
from tests.security.browser.xss import PAYLOADS, SHORT, TRIPWIRE, assert_inert, chunks, scan

try:
    from playwright.sync_api import Page, expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

QUESTION = "What is the secret sauce recipe?"
# An answer the offline responder gives word for word: one passage (under 600 characters).
AI_ANSWER = "The secret sauce: " + "  ".join(SHORT[:8])
assert len(AI_ANSWER) < 600


@pytest.fixture(scope="module", autouse=True)
def front_ends_built() -> None:
    for page in ("widget.js", "agent/index.html", "admin/index.html"):
        if not (STATIC_DIR / page).exists():
            message = f"the front ends are not built (make build): {page}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)


def short(n: int) -> str:
    return SHORT[n % len(SHORT)]


def hostile(visitor: Callable[..., Visitor]) -> Visitor:
    """A page with the tripwire, CSP bypassed (see the module's docstring)."""
    v = visitor(bypass_csp=True)
    v.context.add_init_script(TRIPWIRE)
    return v


def _auth(site: Site) -> dict[str, str]:
    return {"Authorization": f"Bearer {site.admin}"}


def add_knowledge(site: Site, key: str) -> None:
    entries = [{"kind": "qa", "title": QUESTION, "body": AI_ANSWER},
               *[{"kind": "article", "title": short(i), "body": body}
                 for i, body in enumerate(chunks(3000))]]
    for entry in entries:
        resp = site.http.post(f"/api/widgets/{key}/knowledge", json=entry, headers=_auth(site))
        assert resp.status_code == 201, resp.text


def make_person(site: Site, key: str, display_name: str) -> tuple[dict[str, Any], str]:
    """An agent of the widget named ``display_name``: (user, email)."""
    n = uuid.uuid4().hex[:8]
    email = f"x{n}@example.com"
    resp = site.http.post("/api/auth/register", headers=_auth(site), json={
        "username": f"x{n}", "email": email, "password": PASSWORD, "role": "agent",
        "display_name": display_name})
    assert resp.status_code == 201, resp.text
    user = resp.json()["user"]
    assert site.http.put(f"/api/widgets/{key}/agents/{user['id']}",
                         headers=_auth(site)).status_code == 200
    return user, email


# --- the widget -----------------------------------------------------------------------------

def test_the_widget_shows_hostile_text_as_text(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    labels = [short(i) for i in range(2, 6)]
    options = [short(6), short(7)]
    welcome = chunks(1000)[0]
    key = site.widget(business_name=short(0), widget_title=short(1), welcome_message=welcome,
                      enable_prechat_form=True, ai_enabled=True, prechat_fields=[
                          {"name": "name", "label": labels[0], "type": "text", "required": True},
                          {"name": "notes", "label": labels[1], "type": "textarea"},
                          {"name": "topic", "label": labels[2], "type": "select",
                           "options": options},
                          {"name": "email", "label": labels[3], "type": "email"}])
    add_knowledge(site, key)
    eve = agents(key, display_name=short(8))
    eve.connect()
    v = hostile(visitor)
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    expect(v.widget(".pw-prechat")).to_be_visible()
    assert_inert(v, "the pre-chat form", [short(1), welcome, *labels, *options])

    v.widget("input[name=name], #pw-pre-name").first.fill(short(9))
    notes = chunks(2000)[0]
    v.widget("textarea[name=notes], #pw-pre-notes").first.fill(notes)
    v.widget("select").first.select_option(label=options[1])
    v.widget("button", has_text="Start chat").click()
    box = v.widget("textarea.pw-input")
    expect(box).to_be_visible()

    # The AI first (payloads it repeats from the knowledge base), then the visitor's own.
    box.fill(QUESTION)
    box.press("Enter")
    ai = v.widget(".pw-msg--ai[data-state=sent]", has_text="The secret sauce")
    expect(ai).to_be_visible(timeout=15_000)
    sent = chunks(3500)
    for text in sent:
        box.fill(text)
        box.press("Enter")
        expect(box).to_have_value("")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state",
                                                                 re.compile("sent|seen"))
    assert_inert(v, "the AI's answer and the visitor's messages", [*sent, AI_ANSWER])

    # A person: the agent (named with a payload) answers with payloads.
    saved = json.loads(v.storage()[f"parley:{key}"])
    box.fill("I want to talk to a person please")
    box.press("Enter")
    eve.expect("queue_update", timeout=15)
    eve.accept(saved["sid"])
    said = chunks(3500)
    for text in said:
        eve.say(saved["sid"], text)
    expect(v.widget(".pw-msg--agent .pw-bubble").last).to_have_text(said[-1], timeout=15_000)
    time.sleep(0.3)  # anything that would run has run
    # ({{7*7}} and the other templates are among them: shown as written, not as 49.)
    assert_inert(v, "the agent's messages", [*said, short(8)])
    stored = [m["text"] for m in servers.messages(saved["sid"]) if m["sender_type"] == "visitor"]
    assert stored[1:1 + len(sent)] == sent  # stored as typed, not escaped or cleaned away


# --- the agent inbox ------------------------------------------------------------------------

class HostileVisitor:
    """A visitor on the real socket, with a hostile User-Agent, page URL and pre-chat form."""

    def __init__(self, servers: Servers, key: str) -> None:
        self.servers = servers
        body = {"visitor_name": short(10), "visitor_email": "hostile@example.com",
                "page_url": "https://shop.example.com/" + short(11).replace(" ", "%20")
                            + "?q=" + short(12),
                "timezone": "Europe/Paris",
                "prechat": {"name": short(13), "notes": chunks(2000)[0]}}
        self.user_agent = "Mozilla/5.0 " + short(14)

        async def create() -> dict[str, Any]:
            client = tornado.httpclient.AsyncHTTPClient()
            resp = await client.fetch(f"{servers.url}/api/widgets/{key}/sessions", method="POST",
                                      body=json.dumps(body), headers={
                                          "User-Agent": self.user_agent,
                                          "Content-Type": "application/json"})
            result: dict[str, Any] = json.loads(resp.body)
            return result

        made = servers.call(create)
        self.session_id: str = made["session_id"]
        self.token: str = made["visitor_token"]
        self.body = body

        async def connect() -> WS:
            ws = await WS.connect(ws_url(servers.url, f"/ws/{self.session_id}"))
            await ws.send({"type": "auth", "token": self.token, "last_seq": 0})
            await ws.expect("ready", timeout=10)
            return ws

        self.ws = servers.call(connect)

        # The widget's context (docs/privacy.md): a hostile page path and title, attributes.
        self.context = {"page": {"url": "https://shop.example.com/" + quote(short(21)),
                                 "title": short(22)},
                        "attributes": {f"a{n}": short(n) for n in range(23, 33)}}

        async def report() -> None:
            client = tornado.httpclient.AsyncHTTPClient()
            await client.fetch(
                f"{servers.url}/api/widgets/{key}/sessions/{self.session_id}/context",
                method="POST", body=json.dumps(self.context),
                headers={"Authorization": f"Bearer {self.token}",
                         "Content-Type": "application/json"})

        servers.call(report)

    def say(self, text: str) -> None:
        ws = self.ws
        self.servers.call(lambda: ws.say(text))

    def send(self, frame: dict[str, Any]) -> None:
        ws = self.ws
        self.servers.call(lambda: ws.send(frame))

    def expect(self, ftype: str, timeout: float = 15.0, **match: Any) -> dict[str, Any]:
        ws = self.ws
        return self.servers.call(lambda: ws.expect(ftype, timeout=timeout, **match),
                                 timeout=timeout + 5)

    def close(self) -> None:
        ws = self.ws

        async def close() -> None:
            ws.close()

        self.servers.call(close)


def sign_in_inbox(page: Page, servers: Servers, email: str) -> None:
    page.goto(f"{servers.url}/agent/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("queue-count")).to_be_visible()


def test_the_agent_inbox_shows_hostile_text_as_text(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(business_name=short(15), ai_enabled=True, enable_prechat_form=True,
                      prechat_fields=[{"name": "name", "label": short(16), "type": "text"},
                                      {"name": "notes", "label": short(17), "type": "textarea"}])
    add_knowledge(site, key)
    canned_text = chunks(3500)[0]
    resp = site.http.post("/api/canned-responses", headers=_auth(site), json={
        "site_key": key, "shortcut": "xss", "title": short(18), "text": canned_text})
    assert resp.status_code == 201, resp.text
    _me, email = make_person(site, key, short(19))
    _bob, bob_email = make_person(site, key, short(20))
    bob_page = hostile(visitor)
    sign_in_inbox(bob_page.page, servers, bob_email)  # online, so a transfer target

    v = hostile(visitor)
    page = v.page
    sign_in_inbox(page, servers, email)
    vera = HostileVisitor(servers, key)
    try:
        vera.say(QUESTION)
        vera.expect("message", sender_type="ai")
        said = chunks(3500)
        for text in said:
            vera.say(text)
        vera.send({"type": "escalate"})
        row = page.get_by_test_id("queue").locator(f"li[data-session='{vera.session_id}']")
        expect(row).to_be_visible()
        assert_inert(v, "the queue", [short(10), short(15)])

        page.locator("body").press("a")  # accept the oldest
        transcript = page.get_by_test_id("transcript")
        expect(transcript).to_contain_text("The secret sauce")
        expect(page.get_by_test_id("visitor-details")).to_contain_text("Europe/Paris")
        expect(page.get_by_test_id("visitor-attributes")).to_be_visible()  # loaded with details
        shown = [*said, AI_ANSWER, vera.body["visitor_name"], vera.body["prechat"]["notes"],
                 vera.body["prechat"]["name"],
                 clean_text(vera.context["page"]["title"], multiline=False),
                 *(clean_text(a, multiline=False) for a in vera.context["attributes"].values())]
        assert_inert(v, "the conversation and the visitor's details", shown)
        details = page.get_by_test_id("visitor-details")
        links = details.locator("a")
        for i in range(links.count()):
            assert re.match(r"^https?://", links.nth(i).get_attribute("href") or ""), \
                links.nth(i).get_attribute("href")

        # Canned responses: the picker lists them, the composer takes one, it is sent.
        composer = page.get_by_test_id("composer")
        composer.press_sequentially("/xss")
        expect(page.get_by_test_id("canned-picker")).to_contain_text("/xss")
        assert_inert(v, "the canned responses", [short(18)])
        composer.press("Enter")
        expect(composer).to_have_value(canned_text)
        composer.press("Enter")
        vera.expect("message", sender_type="agent", text=canned_text)
        expect(transcript.locator("li[data-sender=agent]")).to_have_count(1)
        assert_inert(v, "a canned response sent", [canned_text])

        # The team, to transfer to: Bob's name is a payload too.
        page.get_by_role("button", name="Transfer").click()
        expect(page.get_by_test_id("transfer-targets")).to_contain_text(short(20)[:10])
        assert_inert(v, "the transfer dialog", [short(20)])
        page.keyboard.press("Escape")

        # Closed with a hostile note; found in the history by a hostile search.
        page.get_by_role("button", name="Close", exact=True).click()
        page.get_by_test_id("close-note").fill(short(21))
        page.get_by_role("button", name="Close conversation").click()
        vera.expect("session_closed", by="agent")
        page.get_by_role("link", name="History").click()
        page.get_by_test_id("history-search").fill("onerror=__xss")
        result = page.get_by_test_id("history-results").locator("li").first
        expect(result).to_contain_text(short(10)[:10])
        assert_inert(v, "the history search", [short(10)])
        result.click()
        expect(page.get_by_test_id("transcript")).to_contain_text("The secret sauce")
        time.sleep(0.3)
        assert_inert(v, "a closed conversation", [*said, short(21)])
        assert_inert(bob_page, "another agent's inbox")
    finally:
        vera.close()


# --- AI answers: Markdown and sources, in the widget and the inbox --------------------------

# Payloads inside the Markdown AI text may use, and the text each must show (markers gone).
MARKDOWN: list[tuple[str, str]] = [
    ("[click](javascript:__xss(50))", "[click](javascript:__xss(50))"),
    ("[click](JaVaScRiPt:__xss(51))", "[click](JaVaScRiPt:__xss(51))"),
    ("[x](data:text/html,<script>__xss(52)</script>)", "[x](data:text/html,<script>__xss(52)</script>)"),
    ("**<img xss src=x onerror=__xss(53)>**", "<img xss src=x onerror=__xss(53)>"),
    ("[<svg xss onload=__xss(54)>](https://example.com/a)", "<svg xss onload=__xss(54)>"),
    ("`<script xss>__xss(55)</script>`", "<script xss>__xss(55)</script>"),
    ("_<iframe xss src=\"javascript:__xss(56)\"></iframe>_",
     "<iframe xss src=\"javascript:__xss(56)\"></iframe>"),
]
MARKDOWN_TEXT = "Markdown:\n" + "\n".join(f"- {source}" for source, _ in MARKDOWN)
# Where a source's page may point: only the http(s) ones become links.
SOURCE_URLS = [None, "javascript:__xss(60)", "JaVaScRiPt:__xss(61)",
               "data:text/html,<script>parent.__xss(62)</script>",
               'https://example.com/"><img/xss/src=x/onerror=__xss(63)>', "vbscript:__xss(64)",
               "/relative", "mailto:x@example.com"]


def hostile_answers(servers: Servers, session_id: str) -> list[str]:
    """The whole corpus as AI messages with payloads for sources' titles and URLs, and the
    payloads wrapped in Markdown; returns the texts that must be shown as written."""
    texts = chunks(3500)
    for i, text in enumerate([*texts, MARKDOWN_TEXT]):
        ai_says(servers, session_id, text, sources=[
            {"id": n, "title": short(n), "url": SOURCE_URLS[n % len(SOURCE_URLS)]}
            for n in range(i * 5, i * 5 + 5)])
    return [*texts, *SHORT[:5 * (len(texts) + 1)], *(shown for _, shown in MARKDOWN)]


def test_ai_markdown_and_sources_show_hostile_text_as_text(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=True)

    # The widget: live, then from the history after a reload.
    v = hostile(visitor)
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    box = v.widget("textarea.pw-input")
    box.fill("Hello?")
    box.press("Enter")
    expect(v.widget(".pw-msg--ai[data-state=sent]").first).to_be_visible(timeout=15_000)
    sid = json.loads(v.storage()[f"parley:{key}"])["sid"]
    shown = hostile_answers(servers, sid)
    expect(v.widget(".pw-msg--ai .pw-bubble li").last).to_have_text(MARKDOWN[-1][1])
    time.sleep(0.3)
    assert_inert(v, "the widget: AI Markdown and sources", shown)
    assert v.widget(".pw-sources a").count() > 0  # the http(s) ones are links
    v.page.reload()
    v.page.evaluate("() => Parley.open()")
    expect(v.widget(".pw-msg--ai .pw-bubble li").last).to_have_text(MARKDOWN[-1][1])
    time.sleep(0.3)
    assert_inert(v, "the widget: AI Markdown and sources from the history", shown)

    # The inbox: such a conversation, handed over (HostileVisitor fills in a pre-chat form).
    key = site.widget(ai_enabled=True, enable_prechat_form=True, prechat_fields=[
        {"name": "name", "label": "Name", "type": "text"},
        {"name": "notes", "label": "Notes", "type": "textarea"}])
    _me, email = make_person(site, key, "Ines")
    vera = HostileVisitor(servers, key)
    try:
        vera.say("Hello?")
        vera.expect("message", sender_type="ai")
        shown = hostile_answers(servers, vera.session_id)
        vera.send({"type": "escalate"})
        a = hostile(visitor)
        sign_in_inbox(a.page, servers, email)
        expect(a.page.get_by_test_id("queue").locator(f"li[data-session='{vera.session_id}']")
               ).to_be_visible()
        a.page.locator("body").press("a")  # accept the oldest
        transcript = a.page.get_by_test_id("transcript")
        items = transcript.locator("li[data-sender=ai] ul:not([aria-label]) > li")
        expect(items.last).to_have_text(MARKDOWN[-1][1])
        time.sleep(0.3)
        assert_inert(a, "the inbox: AI Markdown and sources", shown)
        assert transcript.get_by_test_id("sources").locator("a").count() > 0
    finally:
        vera.close()


# --- the admin UI ---------------------------------------------------------------------------

def sign_in_admin(page: Page, servers: Servers) -> None:
    page.goto(servers.url + "/admin/login")
    page.get_by_label("Email").fill("root@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def test_the_admin_ui_shows_hostile_text_as_text(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    welcome = chunks(1000)[1]
    keys = [site.widget(business_name=short(22 + 2 * i), widget_title=short(23 + 2 * i),
                        welcome_message=welcome, enable_prechat_form=True,
                        prechat_fields=[{"name": "name", "label": short(30 + i), "type": "text"},
                                        {"name": "notes", "label": "Notes", "type": "textarea"}])
            for i in range(3)]
    key = keys[0]
    add_knowledge(site, key)
    make_person(site, key, short(33))
    HostileVisitor(servers, key).close()  # a conversation to count, with hostile details

    v = hostile(visitor)
    page = v.page
    sign_in_admin(page, servers)
    expect(page.get_by_test_id("kpi-today")).to_be_visible()
    assert_inert(v, "the dashboard")

    page.goto(f"{servers.url}/admin/widgets")
    expect(page.get_by_text(short(22)[:12]).first).to_be_visible()
    assert_inert(v, "the widget list", [short(22), short(24), short(26)])

    page.goto(f"{servers.url}/admin/widgets/{key}")
    preview = page.frame_locator("iframe[title='Widget preview']")
    expect(preview.locator("parley-widget .pw-title")).to_have_text(short(23))
    page.get_by_role("tab", name="Messages").click()
    expect(page.get_by_label("Welcome message")).to_have_value(welcome)
    expect(preview.locator("parley-widget .pw-panel")).to_contain_text(welcome[:40])
    time.sleep(0.3)
    assert_inert(v, "the widget builder and its live preview", [short(22), short(23), welcome])

    page.goto(f"{servers.url}/admin/widgets/{key}/knowledge")
    expect(page.get_by_test_id("kb-entry").first).to_be_visible()
    assert_inert(v, "the knowledge base", [QUESTION, *SHORT[:3]])
    page.get_by_label("Question", exact=True).fill(QUESTION)
    page.get_by_role("button", name="Ask").click()
    expect(page.get_by_test_id("try-result")).to_contain_text("The secret sauce")
    assert_inert(v, "the knowledge base's answer", [AI_ANSWER])

    page.goto(f"{servers.url}/admin/users")
    expect(page.get_by_test_id("user-row").first).to_be_visible()
    assert_inert(v, "the users", [short(33)])

    page.goto(f"{servers.url}/admin/analytics")
    page.get_by_label("Widget", exact=True).select_option(label=short(22))
    expect(page.get_by_test_id("total-conversations")).to_contain_text("1")
    assert_inert(v, "the analytics", [short(22)])
    assert PAYLOADS  # the whole corpus went through at least one of the pages above


# --- the checks themselves ------------------------------------------------------------------

def test_the_checks_see_markup_that_was_parsed(servers: Servers,
                                               visitor: Callable[..., Visitor]) -> None:
    """What the tests above rely on: each markup payload, parsed (innerHTML, in a shadow root
    as the widget's), is seen by the scan, and the ones that can run call the tripwire."""
    v = hostile(visitor)
    v.page.goto(servers.page_url("none", tag="0"))
    assert_inert(v, "a clean page")
    unseen = []
    for n, payload in enumerate(PAYLOADS):
        if "<" not in payload:
            continue
        v.page.evaluate("""([n, html]) => {
            const host = document.createElement('div');
            host.id = 'probe' + n;
            document.body.appendChild(host);
            host.attachShadow({mode: 'open'}).innerHTML = html;
        }""", [n, payload])
        v.page.wait_for_timeout(30)
        problems, _ = scan(v.page)
        if not problems and not v.dialogs:
            unseen.append(payload)
        v.page.evaluate("n => document.getElementById('probe' + n).remove()", n)
    assert not unseen, unseen
    hits = v.page.evaluate("window.__xssHits")
    assert len(set(hits)) >= 5 and v.dialogs == ["36"], (hits, v.dialogs)
    # What the parsed payloads did on purpose is not this page's fault (the fixture would fail
    # the test for it): the embedded data: page may not reach its parent.
    v.errors[:] = [e for e in v.errors if "cross-origin frame" not in e]
