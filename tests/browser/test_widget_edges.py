"""The widget's rough edges, in Chromium: the header's layout, contradictions between the
banner, the cards and the system lines, focus and announcements."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable

import pytest

from tests.helpers.browser import Site, Visitor
from tests.helpers.browser_servers import Agent, Servers
from tests.helpers.wait import wait_until

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

LONG = "Chat with the Acme Corporation customer happiness and support team of the world"


def test_the_header_keeps_its_height_and_cuts_long_titles(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(widget_title=LONG)
    v = visitor()
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    head = v.widget(".pw-head")
    expect(head).to_be_visible()
    end = v.widget("button[aria-label='End conversation']")
    expect(end).to_be_hidden()
    before = head.evaluate("e => e.getBoundingClientRect().height")
    title = v.widget(".pw-title")
    sub = v.widget(".pw-sub")
    box = v.widget("textarea.pw-input")
    box.fill("Hello")
    box.press("Enter")
    expect(end).to_be_visible()
    expect(end).to_have_attribute("title", "End conversation")
    assert head.evaluate("e => e.getBoundingClientRect().height") == before
    for el in (title, sub):
        style = el.evaluate("e => { const s = getComputedStyle(e); "
                            "return [s.textOverflow, s.whiteSpace, s.overflow] }")
        assert style == ["ellipsis", "nowrap", "hidden"]
    # The long title is cut, on one line.
    assert title.evaluate("e => e.scrollWidth > e.clientWidth")
    line = title.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
    assert title.evaluate("e => e.getBoundingClientRect().height") <= line + 1
    # The icon is not the old exit arrow.
    assert not re.search(r"^M10\.09", end.locator("path").get_attribute("d") or "")
    v.shot("desktop-header-long-title")


def test_nobody_online_no_person_promised_and_the_thanks_card_goes_when_an_agent_joins(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    v = visitor()
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    box = v.widget("textarea.pw-input")
    # Not a request for a person ("can someone call me?" is one): the assistant would hand
    # the conversation over itself, racing the click on the chip.
    box.fill("Do you ship to Canada?")
    box.press("Enter")
    v.widget("button", has_text="Leave a message for the team").click()
    form = v.widget(".pw-card", has_text="Nobody is available right now")
    expect(form).to_be_visible()
    # The system line does not say a person is coming while nobody is there.
    note = v.widget(".pw-note").last
    expect(note).to_have_text("The conversation was passed to our team.")
    expect(v.widget(".pw-log")).not_to_contain_text("handed to a person")
    expect(v.widget(".pw-banner")).to_be_hidden()  # no "Connecting you to a person…"
    v.page.get_by_label("Your email").fill("ada@example.com")
    form.locator("button", has_text="Send").click()
    saved = v.widget(".pw-saved")
    expect(saved).to_have_text("Thanks! We'll reply to ada@example.com.")
    # An agent comes online and takes the conversation: the card is gone.
    sid = json.loads(v.storage()[f"parley:{key}"])["sid"]
    alex = agents(key)
    alex.connect()
    alex.accept(sid)
    expect(v.widget(".pw-note", has_text="joined the conversation")).to_be_visible()
    expect(saved).to_have_count(0)
    expect(v.widget(".pw-sub")).to_contain_text("Alex")


FOCUSED = """() => {
  const a = document.activeElement;
  const e = a && a.shadowRoot ? a.shadowRoot.activeElement : a;
  return e ? [e.tagName.toLowerCase(), e.className,
    e.getAttribute('aria-label') || e.getAttribute('placeholder') || e.textContent.trim()] : null;
}"""


def focused(v: Visitor) -> list[str]:
    got: list[str] = v.page.evaluate(FOCUSED)
    return got


def tab_to(v: Visitor, text: str, back: bool = False) -> None:
    for _ in range(20):
        v.page.keyboard.press("Shift+Tab" if back else "Tab")
        if text in focused(v)[2]:
            return
    raise AssertionError(f"{text!r} never got the focus (last: {focused(v)})")


def test_keyboard_only_prechat_chat_email_close_and_rating(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(enable_prechat_form=True, prechat_fields=[
        {"name": "name", "label": "Your name", "type": "text", "required": True}])
    v = visitor()
    v.page.goto(servers.page_url(key))
    expect(v.widget(".pw-launcher")).to_be_visible()
    tab_to(v, "Open chat")
    v.page.keyboard.press("Enter")
    # Pre-chat: the first field, then the message box once the chat started.
    expect(v.page.get_by_label("Your name")).to_be_focused()
    v.page.keyboard.type("Ada")
    v.page.keyboard.press("Enter")
    box = v.widget("textarea.pw-input")
    expect(box).to_be_focused()
    v.page.keyboard.type("Is anyone there?")
    v.page.keyboard.press("Enter")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", re.compile("sent"))
    # Nobody is online: leave a message for the team; the email field gets the focus.
    # Nobody is online (a widget without the AI hands over at once): the email form comes;
    # the focus stays where the visitor types, the form is said, and Shift+Tab reaches it.
    live = v.widget(".pw-sr[aria-live]")
    expect(live).to_have_text(re.compile("Nobody is available"))
    expect(box).to_be_focused()
    tab_to(v, "name@example.com", back=True)
    email = v.page.get_by_label("Your email")
    expect(email).to_be_focused()
    v.page.keyboard.type("ada@example.com")
    v.page.keyboard.press("Enter")
    expect(v.widget(".pw-saved")).to_be_visible()
    # The form became its thanks: the focus is back in the message box, and it is said.
    expect(box).to_be_focused()
    expect(live).to_have_text("Thanks. We'll reply to ada@example.com.")
    # Close: the focus goes to the launcher; open again: the message box.
    v.page.keyboard.press("Escape")
    expect(v.widget(".pw-panel")).to_be_hidden()
    assert focused(v)[1] == "pw-launcher"
    v.page.keyboard.press("Enter")
    expect(box).to_be_focused()
    # End the conversation and rate it, with the keyboard.
    tab_to(v, "End conversation", back=True)
    v.page.keyboard.press("Enter")
    expect(v.widget(".pw-confirm button", has_text="End chat")).to_be_focused()
    v.page.keyboard.press("Enter")
    expect(v.widget(".pw-ended")).to_be_visible()
    expect(v.widget(".pw-star").first).to_be_focused()
    expect(live).to_have_text("The conversation has ended.")
    for _ in range(3):
        v.page.keyboard.press("Tab")
    assert focused(v)[2].startswith("4 of 5")
    v.page.keyboard.press("Enter")
    expect(v.widget(".pw-ended p[role=status]").first).to_have_text("Thanks for your feedback (4 of 5).")
    # The stars became the thanks: the focus is on the optional comment.
    comment = v.page.get_by_label("Anything to add? (optional)")
    expect(comment).to_be_focused()
    assert v.page.evaluate("() => document.activeElement.tagName") == "PARLEY-WIDGET"
    v.page.keyboard.type("Quick and kind")
    v.page.keyboard.press("Tab")
    v.page.keyboard.press("Enter")
    expect(v.widget(".pw-ended p[role=status]", has_text="your comment was sent")).to_be_visible()
    expect(v.widget(".pw-restart")).to_be_focused()
    expect(live).to_have_text("Thanks, your comment was sent.")
    sid = json.loads(v.storage()[f"parley:{key}"])["sid"]
    wait_until(lambda: next(s for s in servers.sessions() if s["id"] == sid).get("rating_comment")
               == "Quick and kind", 10, "the comment to be stored")


HIDE = """hidden => {
  Object.defineProperty(document, 'visibilityState', {configurable: true,
    get: () => hidden ? 'hidden' : 'visible'});
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def test_a_reply_while_away_badges_the_title_chimes_and_shows_a_preview(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    alex = agents(key)
    alex.connect()
    v = visitor()
    # The chime is asked for on the tag (data-sound); count the tones made.
    v.page.add_init_script("""(() => {
      window.tones = 0;
      const Real = window.AudioContext;
      window.AudioContext = class extends Real {
        createOscillator() { window.tones++; return super.createOscillator(); } };
      new MutationObserver(() => document.querySelectorAll('script[data-site-key]')
        .forEach((s) => s.setAttribute('data-sound', '')))
        .observe(document, {childList: true, subtree: true});
    })()""")
    v.page.goto(servers.page_url(key, title="Acme shop"))
    v.widget(".pw-launcher").click()
    box = v.widget("textarea.pw-input")
    box.fill("Hello?")
    box.press("Enter")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", re.compile("sent"))
    v.widget("button", has_text="Talk to a person").click()
    sid = json.loads(v.storage()[f"parley:{key}"])["sid"]
    alex.accept(sid)
    expect(v.widget(".pw-sub")).to_contain_text("Alex")
    # The window is closed: the reply shows beside the launcher; a click opens the chat.
    v.page.keyboard.press("Escape")
    expect(v.widget(".pw-panel")).to_be_hidden()
    alex.say(sid, "We can help with that order")
    peek = v.widget(".pw-peek")
    expect(peek).to_contain_text("We can help with that order")
    expect(peek.locator("b")).to_have_text("Alex")
    assert v.page.title() == "Acme shop"  # the tab is visible: no badge
    peek.locator(".pw-peek-msg").click()
    expect(v.widget(".pw-panel")).to_be_visible()
    expect(peek).to_have_count(0)
    # Closed again (once the opened chat has the focus: Escape goes where the focus is),
    # another reply, dismissed.
    expect(v.widget("textarea.pw-input")).to_be_focused()
    v.page.keyboard.press("Escape")
    expect(v.widget(".pw-panel")).to_be_hidden()
    alex.say(sid, "Anything else?")
    expect(peek).to_be_visible()
    peek.locator("button[aria-label='Dismiss']").click()
    expect(peek).to_have_count(0)
    # The tab hidden: the title counts the replies, with a tone each; visible: given back.
    assert v.page.evaluate("() => window.tones") == 0
    v.page.evaluate(HIDE, True)
    alex.say(sid, "Still there?")
    expect(v.page).to_have_title("(1) Acme shop")
    alex.say(sid, "Hello?")
    expect(v.page).to_have_title("(2) Acme shop")
    assert v.page.evaluate("() => window.tones") == 2
    v.page.evaluate(HIDE, False)
    expect(v.page).to_have_title("Acme shop")


def test_the_launcher_hides_when_nobody_could_answer_unless_a_chat_goes_on(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(time.gmtime().tm_wday + 3) % 7]
    closed = {day: [["03:00", "03:01"]]}
    shown = site.widget(business_hours=closed, timezone="UTC")  # not asked to hide
    key = site.widget(business_hours=closed, timezone="UTC", hide_when_offline=True)
    v = visitor()
    v.page.goto(servers.page_url(shown))
    expect(v.widget(".pw-launcher")).to_be_visible()
    v.page.goto(servers.page_url(key))
    # The config is in (the launcher is labelled from it), and the widget stays hidden.
    expect(v.widget(".pw-launcher")).to_have_attribute("aria-label", re.compile("email"))
    expect(v.widget(".pw-root")).to_be_hidden()
    expect(v.widget(".pw-launcher")).to_be_hidden()
    # A browser with a conversation going on still shows it.
    v.page.evaluate("k => localStorage.setItem('parley:' + k, JSON.stringify({sid: 'x', token: 't'}))",
                    key)
    v.page.reload()
    expect(v.widget(".pw-launcher")).to_be_visible()
