"""The agent inbox (/agent) in Debian's Chromium against the real server: agents sign in,
take escalated chats from the queue, talk with a visitor (a real visitor socket), transfer,
close, search the history; a lost accept race, a reload and a server restart mid-chat.

Reuses the browser suite's fixtures (tests/helpers/browser.py): one Chromium for the whole
package, the chat server in-process on the test database, and a fresh context per page.
Screenshots go to test-artifacts/screenshots/agent-*.png.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable

import pytest

from chatserver.api.ui import AGENT_DIR
from tests.helpers import skip_or_fail
from tests.helpers.browser import DESKTOP, Site, Visitor
from tests.helpers.browser_servers import Agent, Servers, ai_says
from tests.helpers.inbox import VisitorSocket, make_agent, sign_in, visitors

try:
    from playwright.sync_api import Page, WebSocketRoute, expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

__all__ = ["visitors"]  # the fixture, used by name

TABLET = {"width": 820, "height": 1180}
_names = itertools.count(1)
# Stands in for the browser's Notification (granted) and counts WebAudio tones, so a test can
# see a new chat announced without a desktop or speakers.
RECORD_ANNOUNCEMENTS = """
window.__notes = []; window.__beeps = 0;
class FakeNotification {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.__notes.push({ title, body: options && options.body }); }
  close() {}
}
window.Notification = FakeNotification;
const create = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () { window.__beeps += 1; return create.call(this); };
Document.prototype.hasFocus = () => false;
"""


@pytest.fixture(scope="module", autouse=True)
def inbox_built() -> None:
    if not (AGENT_DIR / "index.html").exists():
        skip_or_fail("the agent inbox is not built (make build)")


def seqs(page: Page) -> list[int]:
    return [int(s) for s in page.locator("[data-testid=transcript] li[data-seq]").evaluate_all(
        "els => els.map(e => e.dataset.seq)")]


def no_csp_violations(v: Visitor) -> None:
    bad = [c for c in v.console if "Content Security Policy" in c or "Refused to" in c]
    assert bad == [], bad


def test_an_agent_takes_a_chat_talks_transfers_and_closes(
        site: Site, servers: Servers, visitor: Callable[..., Visitor],
        visitors: Callable[..., VisitorSocket]) -> None:
    key = site.widget(business_name="Acme")
    alice = make_agent(site, key, "Alice")
    bob = make_agent(site, key, "Bob")
    resp = site.http.post("/api/canned-responses", headers={"Authorization": f"Bearer {site.admin}"},
                          json={"shortcut": "thanks", "title": "Thank you",
                                "text": "Thank you for waiting, we are on it.", "site_key": key})
    assert resp.status_code == 201, resp.text

    va = visitor(DESKTOP)
    page = sign_in(va, servers, alice)
    expect(page.get_by_text("Nobody is waiting.")).to_be_visible()
    vb = visitor(TABLET)
    bob_page = sign_in(vb, servers, bob)

    # A visitor asks the AI part first, then for a person: the chat arrives in the queue.
    vera = visitors(key, visitor_name="Vera Lynn", visitor_email="vera@example.com",
                    page_url="https://shop.example.com/cart", timezone="Europe/Paris")
    vera.say("Where is my order 1234?")
    ai = vera.expect("message", sender_type="ai", timeout=15)  # the offline responder
    vera.send({"type": "escalate"})
    row = page.get_by_test_id("queue").locator(f"li[data-session='{vera.session_id}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Vera Lynn")
    expect(row).to_contain_text("vera@example.com")
    expect(row).to_contain_text(re.compile("Asked for a person|AI had no answer"))
    expect(row).to_contain_text("Acme")
    # The preview is the visitor's own question, not the AI's last line or the hand-over.
    expect(row.get_by_test_id("preview")).to_have_text("Where is my order 1234?")
    expect(row.get_by_test_id("wait")).to_have_text(re.compile(r"^\d+s$"))
    expect(page).to_have_title("(1) Parley inbox")
    va.shot("agent-queue")

    # Accept with the keyboard: `a` takes the oldest.
    page.locator("body").press("a")
    expect(page.get_by_test_id("chat-title")).to_have_text("Vera Lynn")
    expect(page).to_have_url(re.compile(rf"/agent/chats/{vera.session_id}$"))
    transcript = page.get_by_test_id("transcript")
    expect(transcript).to_contain_text("Where is my order 1234?")
    expect(transcript).to_contain_text("Alice joined the conversation.")
    ai_part = transcript.locator("li[data-sender=ai]").first
    expect(ai_part).to_contain_text(ai["text"][:40])
    expect(ai_part.get_by_title("Answered by the AI assistant")).to_have_text("AI")
    vera.expect("agent_joined")
    details = page.get_by_test_id("visitor-details")
    expect(details).to_contain_text("https://shop.example.com/cart")
    expect(details).to_contain_text("Safari 17 on macOS")
    expect(details).to_contain_text("Europe/Paris")
    expect(page.get_by_test_id("queue-count")).to_have_text("0")

    # Agent -> visitor, with Enter; Shift+Enter makes a new line.
    composer = page.get_by_test_id("composer")
    composer.fill("Hello Vera!")
    composer.press("Shift+Enter")
    composer.press_sequentially("Let me check.")
    composer.press("Enter")
    got = vera.expect("message", sender_type="agent")
    assert got["text"] == "Hello Vera!\nLet me check." and got["sender_name"] == "Alice"
    expect(composer).to_have_value("")
    # The agent's screen said `seen` for what it shows.
    vera.expect("seen", by="agent")

    # Visitor -> agent: typing, the message, and a read receipt for the agent's message.
    vera.send({"type": "typing", "on": True})
    expect(page.get_by_test_id("typing")).to_contain_text("Vera Lynn is typing")
    vera.say("Thanks! It was order 1234 from Tuesday.")
    expect(transcript).to_contain_text("It was order 1234 from Tuesday.")
    expect(page.get_by_test_id("typing")).to_have_count(0)
    vera.send({"type": "seen", "seq": got["seq"]})
    expect(page.get_by_test_id("seen")).to_be_visible()

    # A canned response with "/".
    composer.press_sequentially("/than")
    picker = page.get_by_test_id("canned-picker")
    expect(picker).to_contain_text("/thanks")
    composer.press("Enter")
    expect(composer).to_have_value("Thank you for waiting, we are on it.")
    composer.press("Enter")
    vera.expect("message", text="Thank you for waiting, we are on it.")
    va.shot("agent-chat")

    # A draft survives switching away and a reload; the reload resumes the chat as it was.
    composer.fill("A draft in progress")
    page.wait_for_timeout(400)
    before = seqs(page)
    page.reload()
    expect(page.get_by_test_id("chat-title")).to_have_text("Vera Lynn")
    expect(page.get_by_test_id("transcript")).to_contain_text("Thank you for waiting")
    expect(page.get_by_test_id("composer")).to_have_value("A draft in progress")
    expect(page.locator("[data-testid=transcript] li[data-seq]")).to_have_count(len(before))
    assert seqs(page) == before == sorted(set(before))

    # The server restarts mid-chat: "Reconnecting…", a message written meanwhile is sent
    # once after the reconnect, and what the visitor said meanwhile arrives once.
    vera.close()
    servers.stop_chat()
    expect(page.get_by_test_id("connection")).to_contain_text("Reconnecting")
    va.shot("agent-reconnecting")
    composer = page.get_by_test_id("composer")
    composer.fill("Sent while the server was away")
    composer.press("Enter")
    expect(page.get_by_text("Sending…")).to_be_visible()
    servers.start_chat()
    expect(page.get_by_test_id("connection")).to_have_count(0, timeout=20_000)
    expect(page.get_by_text("Sending…")).to_have_count(0)
    vera.connect(last_seq=before[-1])
    vera.say("Are you still there?")
    expect(page.get_by_test_id("transcript")).to_contain_text("Are you still there?")
    stored = [m["text"] for m in servers.messages(vera.session_id)]
    assert stored.count("Sent while the server was away") == 1
    assert seqs(page) == sorted(set(seqs(page)))
    assert len(seqs(page)) == len(stored)

    # Transfer to Bob, who is online: Alice's chat ends, Bob's inbox has it with its history.
    page.get_by_role("button", name="Transfer").click()
    page.get_by_test_id("transfer-targets").get_by_text("Bob").click()
    expect(page.get_by_test_id("ended")).to_contain_text("Transferred to Bob")
    expect(page.get_by_text("Transferred to Bob").first).to_be_visible()
    chat_in_bob = bob_page.get_by_test_id("active-chats").locator(f"[data-session='{vera.session_id}']")
    expect(chat_in_bob).to_be_visible()
    expect(chat_in_bob.get_by_test_id("unread")).to_be_visible()
    chat_in_bob.click()
    expect(bob_page.get_by_test_id("transcript")).to_contain_text("Where is my order 1234?")
    expect(bob_page.get_by_test_id("transcript")).to_contain_text(
        "Alice transferred the conversation to Bob.")
    vb.shot("agent-tablet-transferred")
    vera.say("Hi Bob")
    expect(bob_page.get_by_test_id("transcript")).to_contain_text("Hi Bob")

    # Bob closes with a note for the team.
    bob_page.get_by_role("button", name="Close", exact=True).click()
    bob_page.get_by_test_id("close-note").fill("Order 1234 re-shipped.")
    bob_page.get_by_role("button", name="Close conversation").click()
    vera.expect("session_closed", by="agent")
    expect(bob_page.get_by_test_id("ended")).to_contain_text("Closed")
    closed = next(s for s in servers.sessions() if s["id"] == vera.session_id)
    assert closed["status"] == "closed" and closed["close_note"] == "Order 1234 re-shipped."

    # The history finds it by text and by visitor, and shows it read-only.
    page.get_by_role("link", name="History").click()
    page.get_by_test_id("history-search").fill("order 1234")
    result = page.get_by_test_id("history-results").locator("li").first
    expect(result).to_contain_text("Vera Lynn")
    result.click()
    expect(page.get_by_test_id("transcript")).to_contain_text("Hi Bob")
    expect(page.get_by_test_id("composer")).to_have_count(0)
    # A past reply can still become a draft answer for the AI, as in the inbox.
    reply = page.get_by_test_id("transcript").locator(
        "li[data-sender='agent']", has_text="Sent while the server was away")
    reply.hover()
    reply.get_by_role("button", name="Save as answer").click()
    expect(page.get_by_text("Saved as a draft answer for review")).to_be_visible()
    page.get_by_test_id("history-search").fill("nobody-like-this")
    expect(page.get_by_text("No conversation matches")).to_be_visible()
    page.get_by_test_id("history-search").fill("vera@example")
    expect(page.get_by_test_id("history-results").locator("li")).to_have_count(1)
    va.shot("agent-history")
    no_csp_violations(va)
    no_csp_violations(vb)


def test_a_second_agent_racing_to_accept_sees_who_took_it(
        site: Site, servers: Servers, visitor: Callable[..., Visitor],
        visitors: Callable[..., VisitorSocket], agents: Callable[..., Agent]) -> None:
    key = site.widget(business_name="Racers")
    carol = make_agent(site, key, "Carol")
    v = visitor(DESKTOP)
    # Hold back queue updates on Carol's socket once the race starts, so her Accept reaches
    # the server after Dave's, as when both click at once.
    hold = {"queue": False}

    def route(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def to_page(message: str | bytes) -> None:
            if hold["queue"] and isinstance(message, str) and '"queue_update"' in message:
                return
            ws.send(message)

        server.on_message(to_page)
        ws.on_message(lambda m: server.send(m))

    v.page.route_web_socket(re.compile(r".*/ws/agent/\d+$"), route)
    v.page.add_init_script(RECORD_ANNOUNCEMENTS)
    page = sign_in(v, servers, carol)
    dave = agents(key, "Dave")
    dave.connect()

    walt = visitors(key, visitor_name="Walt")
    walt.say("I need a human")
    walt.send({"type": "escalate"})
    row = page.get_by_test_id("queue").locator(f"li[data-session='{walt.session_id}']")
    expect(row).to_be_visible()
    # The arrival was announced: a beep (WebAudio) and a desktop notification.
    notes = v.page.evaluate("() => window.__notes")
    assert notes and notes[0]["title"] == "New chat waiting" and "Walt" in notes[0]["body"], notes
    assert v.page.evaluate("() => window.__beeps") >= 1
    hold["queue"] = True
    dave.accept(walt.session_id)
    row.get_by_role("button", name=re.compile("Accept")).click()
    expect(row).to_contain_text("Taken by Dave")
    expect(page.get_by_role("alert").filter(has_text="Taken by Dave")).to_be_visible()
    v.shot("agent-race-lost")
    hold["queue"] = False


def test_sign_in_errors_sign_out_and_revocation(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(business_name="Auth")
    erin = make_agent(site, key, "Erin")
    v = visitor(DESKTOP)
    page = v.page
    page.goto(f"{servers.url}/agent/chats/not-a-chat")
    expect(page).to_have_url(re.compile(r"/agent/login$"))
    page.get_by_label("Email").fill(erin.email)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("don't match")
    v.shot("agent-login-error")
    page = sign_in(v, servers, erin)
    token = page.evaluate("() => localStorage.getItem('parley:token')")
    assert token and token.count(".") == 2

    # Presence: away and back; the help overlay lists the shortcuts.
    switch = page.get_by_role("switch")
    switch.click()
    expect(switch).to_have_text("Away")
    switch.click()
    expect(switch).to_have_text("Online")
    page.locator("body").press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_contain_text("Accept the chat")
    v.shot("agent-help")
    page.keyboard.press("Escape")

    # Revoked elsewhere (sign-out from another device): back to the sign-in page, saying why.
    assert site.http.post("/api/auth/logout",
                          headers={"Authorization": f"Bearer {token}"}).status_code == 204
    expect(page).to_have_url(re.compile(r"/agent/login$"), timeout=10_000)
    expect(page.get_by_role("status")).to_contain_text("signed out")
    assert page.evaluate("() => localStorage.getItem('parley:token')") is None

    # Sign out with the button: the token is revoked on the server too.
    page = sign_in(v, servers, erin)
    token = page.evaluate("() => localStorage.getItem('parley:token')")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("status")).to_contain_text("You signed out.")
    assert site.http.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    no_csp_violations(v)


def test_keyboard_moves_between_chats_and_unread_counts_follow(
        site: Site, servers: Servers, visitor: Callable[..., Visitor],
        visitors: Callable[..., VisitorSocket]) -> None:
    key = site.widget(business_name="Keys", ai_enabled=False)
    fay = make_agent(site, key, "Fay")
    v = visitor(DESKTOP)
    page = sign_in(v, servers, fay)
    first = visitors(key, visitor_name="Uma")
    first.say("First question")
    first.send({"type": "escalate"})
    second = visitors(key, visitor_name="Ivan")
    second.say("Second question")
    second.send({"type": "escalate"})
    queue = page.get_by_test_id("queue").locator("li")
    expect(queue).to_have_count(2)
    expect(queue.first).to_contain_text("Uma")  # oldest first

    body = page.locator("body")
    body.press("a")
    expect(page.get_by_test_id("chat-title")).to_have_text("Uma")
    page.get_by_test_id("composer").press("Escape")
    body.press("a")
    expect(page.get_by_test_id("chat-title")).to_have_text("Ivan")
    expect(page.get_by_test_id("queue-count")).to_have_text("0")

    # Uma writes while Ivan's chat is open: her chat counts it, and opening it clears it.
    chats = page.get_by_test_id("active-chats")
    uma = chats.locator(f"[data-session='{first.session_id}']")
    first.say("Are you there?")
    first.say("Hello?")
    expect(uma.get_by_test_id("unread")).to_have_text("2")
    expect(uma).to_contain_text("Hello?")
    page.get_by_test_id("composer").press("Escape")
    body.press("k")
    title = page.get_by_test_id("chat-title")
    expect(title).not_to_have_text("Ivan")
    expect(title).to_have_text("Uma")
    expect(uma.get_by_test_id("unread")).to_have_count(0)
    body.press("j")
    expect(title).to_have_text("Ivan")
    page.get_by_test_id("composer").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(title).to_have_text("Uma")
    v.shot("agent-two-chats")


def test_ai_answers_show_their_markdown_and_sources_in_the_transcript(
        site: Site, servers: Servers, visitor: Callable[..., Visitor],
        visitors: Callable[..., VisitorSocket]) -> None:
    key = site.widget(business_name="Acme")
    alice = make_agent(site, key, "Alice")
    v = visitor(DESKTOP)
    page = sign_in(v, servers, alice)
    vera = visitors(key, visitor_name="Vera")
    vera.say("How do **refunds** work? [x](https://example.com/v)")
    vera.expect("message", sender_type="ai", timeout=15)  # the offline responder
    answer = ("**Refunds** take *5 working days*:\n- ask the [help centre](https://help.example.com/r)\n"
              "- or reply `REFUND`\n\nNot a link: [this](javascript:alert(1)) <b>nor this</b>")
    ai_says(servers, vera.session_id, answer, sources=[
        {"id": 1, "title": "Refund policy", "url": "https://help.example.com/r"},
        {"id": 2, "title": "Typed-in <i>answer</i>", "url": None}])
    vera.expect("message", sender_type="ai", text=answer)
    vera.send({"type": "escalate"})
    expect(page.get_by_test_id("queue").locator(f"li[data-session='{vera.session_id}']")).to_be_visible()
    page.locator("body").press("a")
    transcript = page.get_by_test_id("transcript")
    mine = transcript.locator("li[data-sender=visitor]").first
    expect(mine).to_contain_text("How do **refunds** work? [x](https://example.com/v)")
    # A visitor's text is not Markdown (no bold, no [x](…) link text); its URL is clickable.
    expect(mine.locator("strong")).to_have_count(0)
    expect(mine.locator("a")).to_have_text(["https://example.com/v"])
    expect(mine.locator("a")).to_have_attribute("rel", "noopener noreferrer")

    ai = transcript.locator("li[data-sender=ai]", has_text="take 5 working days")
    expect(ai.locator("strong")).to_have_text("Refunds")
    expect(ai.locator("em")).to_have_text("5 working days")
    expect(ai.locator("ul:not([aria-label]) > li")).to_have_text(["ask the help centre", "or reply REFUND"])
    expect(ai.locator("code")).to_have_text("REFUND")
    expect(ai.locator("p").last).to_have_text("Not a link: [this](javascript:alert(1)) <b>nor this</b>")
    link = ai.get_by_role("link", name="help centre")
    expect(link).to_have_attribute("href", "https://help.example.com/r")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    sources = ai.get_by_role("list", name="Sources")
    expect(sources.get_by_role("listitem")).to_have_text(["Refund policy (help.example.com)",
                                                          "Typed-in <i>answer</i>"])
    expect(sources.get_by_role("link")).to_have_count(1)
    expect(sources.get_by_role("link", name="Refund policy (help.example.com)")).to_have_attribute(
        "href", "https://help.example.com/r")
    assert page.locator("[data-testid=transcript] :is(b, i, [href^='javascript'])").count() == 0

    assert v.dialogs == []


def test_an_agent_reopens_an_ended_conversation_from_the_history_and_replies(
        site: Site, servers: Servers, visitor: Callable[..., Visitor],
        visitors: Callable[..., VisitorSocket]) -> None:
    key = site.widget(business_name="Reopeners", ai_enabled=False)
    erin = make_agent(site, key, "Erin")
    # Nobody was online: the visitor left an email and closed the chat.
    olga = visitors(key, visitor_name="Olga")
    olga.say("Do you ship to Norway?")
    olga.send({"type": "escalate"})
    olga.expect("escalated")
    olga.send({"type": "leave_email", "email": "olga@example.com"})
    olga.expect("email_saved")
    olga.send({"type": "close"})
    olga.expect("session_closed")
    # Another ended conversation, with no email: nothing to reopen.
    nemo = visitors(key, visitor_name="Nemo")
    nemo.say("Just looking")
    nemo.send({"type": "close"})
    nemo.expect("session_closed")

    v = visitor(DESKTOP)
    page = sign_in(v, servers, erin)
    page.goto(f"{servers.url}/agent/history/{nemo.session_id}")
    expect(page.get_by_test_id("transcript")).to_contain_text("Just looking")
    expect(page.get_by_test_id("reopen")).to_have_count(0)
    page.goto(f"{servers.url}/agent/history/{olga.session_id}")
    expect(page.get_by_test_id("transcript")).to_contain_text("Do you ship to Norway?")
    reopen = page.get_by_role("button", name="Reopen and reply")
    expect(reopen).to_be_visible()
    v.shot("agent-history-reopen")
    reopen.click()

    # The conversation opens in the inbox, assigned to Erin, and her reply reaches the visitor.
    expect(page).to_have_url(re.compile(rf"/agent/chats/{olga.session_id}$"))
    transcript = page.get_by_test_id("transcript")
    expect(transcript).to_contain_text("Erin reopened the conversation.")
    expect(transcript).to_contain_text("Do you ship to Norway?")
    olga.expect("agent_joined")
    composer = page.get_by_test_id("composer")
    composer.fill("Yes, we ship to Norway.")
    composer.press("Enter")
    got = olga.expect("message", sender_type="agent")
    assert got["text"] == "Yes, we ship to Norway." and got["sender_name"] == "Erin"
    row = next(s for s in servers.sessions() if s["id"] == olga.session_id)
    assert row["status"] == "assigned" and row["assigned_agent_id"] == erin.id
    no_csp_violations(v)
