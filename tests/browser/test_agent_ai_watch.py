"""The agent workspace in Chromium: an agent watches a conversation the AI is having with a
visitor on a real widget page, sees the AI's reply arrive, takes the conversation over (the AI
stops) and answers; a canned reply created in one inbox is used at once in another, already
open, with its variables filled in.

Reuses the browser suite's fixtures (tests/helpers/browser.py): one Chromium, the chat server
in-process on the test database, the fake OpenAI-compatible provider on loopback.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import pytest

from chatserver.api.ui import AGENT_DIR
from tests.helpers import skip_or_fail
from tests.helpers.browser import DESKTOP, Site, Visitor
from tests.helpers.browser_servers import Servers
from tests.helpers.fake_openai import FakeOpenAIThread
from tests.helpers.inbox import Person, VisitorSocket, make_agent, sign_in, visitors

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

__all__ = ["visitors"]  # the fixture, used by name

SLOW = " ".join(f"part{i}" for i in range(60))


@pytest.fixture(scope="module", autouse=True)
def inbox_built() -> None:
    if not (AGENT_DIR / "index.html").exists():
        skip_or_fail("the agent inbox is not built (make build)")


def _open_widget(v: Visitor, servers: Servers, key: str) -> None:
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    expect(v.widget(".pw-panel")).to_be_visible()


def _say(v: Visitor, text: str) -> None:
    box = v.widget("textarea.pw-input")
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")


def test_an_agent_watches_the_ai_and_takes_the_conversation_over(
        site: Site, servers: Servers, visitor: Callable[..., Visitor],
        fake_ai: FakeOpenAIThread) -> None:
    key = site.widget(business_name="Acme", ai_enabled=True,
                      ai_settings={"provider": "openai", "model": "fake/default"})
    alice = make_agent(site, key, "Alice")
    agent_tab = visitor(DESKTOP)
    page = sign_in(agent_tab, servers, alice)
    expect(page.get_by_text("The AI is not in any conversation.")).to_be_visible()

    fake_ai.behaviour.reply = "Orders ship within 24 hours."
    fake_ai.behaviour.delay = 0.05
    shopper = visitor(DESKTOP)
    _open_widget(shopper, servers, key)
    _say(shopper, "How long does shipping take?")
    expect(shopper.widget(".pw-msg--ai[data-state=sent]").first).to_contain_text(
        "Orders ship within 24 hours.", timeout=15_000)

    # The conversation appears in the inbox's AI list, with the visitor's question.
    ai_list = page.get_by_test_id("ai-chats")
    card = ai_list.get_by_role("button", name="Watch the AI's chat with")
    expect(card).to_have_count(1)
    expect(card.get_by_test_id("ai-question")).to_have_text("How long does shipping take?")
    expect(page.get_by_test_id("ai-count")).to_have_text("1")
    card.click()
    view = page.get_by_test_id("watch-view")
    transcript = view.get_by_test_id("transcript")
    expect(transcript).to_contain_text("How long does shipping take?")
    expect(transcript).to_contain_text("Orders ship within 24 hours.")
    expect(view.get_by_test_id("watch-status")).to_contain_text("You are watching the AI")
    expect(page.get_by_test_id("composer")).to_have_count(0)  # read-only

    # The visitor asks again: the question and the AI's streamed reply appear as they happen.
    fake_ai.behaviour.reply = SLOW
    fake_ai.behaviour.delay = 0.15  # nine seconds of streaming
    _say(shopper, "And to Canada?")
    expect(transcript).to_contain_text("And to Canada?")
    expect(card.get_by_test_id("ai-question")).to_have_text("And to Canada?")
    expect(transcript).to_contain_text("part3", timeout=10_000)  # streaming, not finished
    agent_tab.shot("agent-watch-ai")

    # Take over mid-stream: the chat is Alice's, the visitor sees her join, the AI stops.
    view.get_by_role("button", name="Take over").click()
    expect(page.get_by_test_id("chat-title")).to_be_visible()
    chat = page.get_by_test_id("transcript")
    expect(chat).to_contain_text("Alice joined the conversation.")
    expect(chat).to_contain_text("And to Canada?")
    expect(shopper.widget(".pw-note", has_text="Alice joined the conversation.")).to_be_visible()
    expect(ai_list.get_by_role("button")).to_have_count(0)
    ai_bubbles = shopper.widget(".pw-msg--ai[data-state=sent]").count()
    time.sleep(2.0)  # the rest of the stream would have arrived by now
    assert shopper.widget(".pw-msg--ai[data-state=sent]").count() == ai_bubbles
    assert "part59" not in (shopper.widget(".pw-log").text_content() or "")
    assert "part59" not in (chat.text_content() or "")
    expect(shopper.widget(".pw-msg--ai[data-state=streaming]")).to_have_count(0)  # dropped

    composer = page.get_by_test_id("composer")
    composer.fill("Hi, Alice here: yes, we ship to Canada in 5 days.")
    composer.press("Enter")
    expect(composer).to_have_value("")
    reply = shopper.widget(".pw-msg--agent", has_text="we ship to Canada in 5 days")
    expect(reply).to_be_visible()
    expect(reply.locator(".pw-who")).to_have_text("Alice")


def test_a_waiting_card_shows_the_question_and_the_whole_conversation(
        site: Site, servers: Servers, visitor: Callable[..., Visitor],
        visitors: Callable[..., VisitorSocket]) -> None:
    key = site.widget(business_name="Acme")
    alice = make_agent(site, key, "Alice")
    page = sign_in(visitor(DESKTOP), servers, alice)
    vera = visitors(key, visitor_name="Vera Lynn")
    vera.say("Can I change the address of order 77?")
    ai = vera.expect("message", sender_type="ai", timeout=15)  # the offline responder
    vera.send({"type": "escalate", "reason": "explicit_request"})
    row = page.get_by_test_id("queue").locator(f"li[data-session='{vera.session_id}']")
    expect(row.get_by_test_id("preview")).to_have_text("Can I change the address of order 77?")
    expect(row).to_contain_text("Asked for a person")
    row.get_by_test_id("open-waiting").click()
    view = page.get_by_test_id("watch-view")
    expect(view.get_by_test_id("watch-title")).to_have_text("Vera Lynn")
    transcript = view.get_by_test_id("transcript")
    expect(transcript).to_contain_text("Can I change the address of order 77?")
    expect(transcript).to_contain_text(ai["text"][:40])
    expect(transcript).to_contain_text("The conversation was handed to a person.")
    vera.say("It is urgent!")
    expect(transcript).to_contain_text("It is urgent!")
    view.get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("chat-title")).to_have_text("Vera Lynn")
    composer = page.get_by_test_id("composer")
    composer.fill("On it, Vera.")
    composer.press("Enter")
    assert vera.expect("message", sender_type="agent")["text"] == "On it, Vera."


def _admin(site: Site) -> Person:
    me = site.http.get("/api/auth/me", headers={"Authorization": f"Bearer {site.admin}"})
    user = me.json()["user"]
    return Person(user["id"], user["email"], user["display_name"], site.admin)


def test_a_canned_reply_made_in_one_inbox_is_used_in_another_open_one(
        site: Site, servers: Servers, visitor: Callable[..., Visitor],
        visitors: Callable[..., VisitorSocket]) -> None:
    key = site.widget(business_name="Canned Goods Co")  # a name the admin's select tells apart
    bob = make_agent(site, key, "Bob Stone")
    bob_page = sign_in(visitor(DESKTOP), servers, bob)
    vera = visitors(key, visitor_name="Vera Lynn")
    vera.say("Hello?")
    vera.send({"type": "escalate"})
    row = bob_page.get_by_test_id("queue").locator(f"li[data-session='{vera.session_id}']")
    row.get_by_role("button", name="Accept chat with Vera Lynn").click()
    composer = bob_page.get_by_test_id("composer")
    expect(composer).to_be_visible()

    # The admin (the widget's manager) writes a team reply for the widget in their inbox.
    admin_tab = visitor(DESKTOP)
    admin_page = sign_in(admin_tab, servers, _admin(site))
    admin_page.get_by_role("link", name="Replies").click()
    expect(admin_page.get_by_role("heading", name="Canned replies")).to_be_visible()
    expect(admin_page.get_by_text("replies for all widgets by admins")).to_be_visible()
    admin_page.get_by_role("button", name="New reply").click()
    form = admin_page.get_by_role("form", name="New canned reply")
    form.get_by_test_id("canned-target").select_option(label="The team, Canned Goods Co")
    form.get_by_label("Shortcut").fill("ship")
    form.get_by_label("Title").fill("Shipping times")
    form.get_by_label("Text").fill("Hi {{visitor.first_name}}, we ship within a day. {{agent.first_name}}")
    form.get_by_role("button", name="Create").click()
    item = admin_page.locator("[data-canned=ship]")
    expect(item).to_contain_text("Team: Canned Goods Co")
    admin_tab.shot("agent-canned-replies")

    # Bob's inbox, open all along, offers it at once; inserted, its variables are filled.
    composer.press_sequentially("/shi")
    picker = bob_page.get_by_test_id("canned-picker")
    expect(picker).to_contain_text("/ship")
    expect(picker).to_contain_text("Shipping times")
    composer.press("Enter")
    expect(composer).to_have_value("Hi Vera, we ship within a day. Bob")
    composer.press("Enter")
    assert vera.expect("message", sender_type="agent")["text"] == "Hi Vera, we ship within a day. Bob"

    # Changed in one inbox, changed in the other; deleted, gone.
    item.get_by_role("button", name="Edit").click()
    edit = admin_page.get_by_role("form", name="Edit canned reply")
    edit.get_by_label("Text").fill("Hi {{visitor.first_name}}, it ships today.")
    edit.get_by_role("button", name="Save").click()
    expect(item).to_contain_text("it ships today")
    composer.press_sequentially("/shi")
    expect(picker).to_contain_text("it ships today")
    composer.press("Escape")
    composer.fill("")
    item.get_by_role("button", name="Delete").click()
    item.get_by_role("button", name="Delete /ship?").click()
    expect(item).to_have_count(0)
    composer.press_sequentially("/shi")
    expect(bob_page.get_by_test_id("canned-picker")).to_contain_text("No canned response matches.")

    # Bob keeps a personal reply: only "Only me" is offered to him (he manages no widget),
    # the admin never sees it, and his picker marks it as his.
    bob_page.get_by_role("link", name="Replies").click()
    bob_page.get_by_role("button", name="New reply").click()
    form = bob_page.get_by_role("form", name="New canned reply")
    expect(form.get_by_test_id("canned-target").locator("option")).to_have_text(["Only me (personal)"])
    form.get_by_label("Shortcut").fill("mine")
    form.get_by_label("Text").fill("Speaking personally, {{visitor.name|friend}}.")
    form.get_by_role("button", name="Create").click()
    expect(bob_page.locator("[data-canned=mine]")).to_contain_text("Only you")
    expect(admin_page.get_by_text("No canned replies yet.")).to_be_visible()
    bob_page.get_by_role("link", name="Inbox").click()
    bob_page.get_by_test_id("active-chats").get_by_role("button").first.click()
    composer = bob_page.get_by_test_id("composer")
    composer.fill("")  # the "/shi" left from before
    composer.press_sequentially("/min")
    expect(bob_page.get_by_test_id("canned-picker")).to_contain_text("yours")
    composer.press("Enter")
    expect(composer).to_have_value("Speaking personally, Vera Lynn.")
