"""The widget as a visitor uses it, in Chromium, on a host page of another origin, against the
real server; an agent answers on the real agent socket."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.browser import MOBILE, Site, Visitor, axe_violations
from tests.helpers.browser_servers import Agent, Servers, ai_says, stream_ai_reply
from tests.helpers.fake_openai import FakeOpenAIThread
from tests.helpers.wait import wait_until

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

PRECHAT = [
    {"name": "name", "label": "Your name", "type": "text", "required": True},
    {"name": "email", "label": "Email", "type": "email", "required": True},
    {"name": "topic", "label": "Topic", "type": "select", "options": ["Sales", "Support"]},
]


def open_widget(v: Visitor, servers: Servers, key: str, **params: str) -> None:
    v.page.goto(servers.page_url(key, **params))
    launcher = v.widget(".pw-launcher")
    expect(launcher).to_be_visible()
    launcher.click()
    expect(v.widget(".pw-panel")).to_be_visible()


def session_of(v: Visitor, key: str) -> dict[str, Any]:
    raw = v.storage().get(f"parley:{key}")
    assert raw, f"no conversation stored for {key}: {v.storage()}"
    saved: dict[str, Any] = json.loads(raw)
    return saved


def send(v: Visitor, text: str) -> None:
    box = v.widget("textarea.pw-input")
    box.fill(text)
    box.press("Enter")
    expect(box).to_have_value("")


def bubbles(v: Visitor, who: str = "") -> list[str]:
    texts: list[str] = v.widget(f".pw-log .pw-msg{who} .pw-bubble").all_text_contents()
    return texts


def test_a_visitor_talks_to_the_ai_then_to_a_person_and_comes_back(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    key = site.widget(enable_prechat_form=True, prechat_fields=PRECHAT)
    alex = agents(key)
    alex.connect()  # online, so the queue has someone to wait for
    v = visitor()
    v.page.goto(servers.page_url(key))
    launcher = v.widget(".pw-launcher")
    expect(launcher).to_be_visible()
    expect(launcher).to_have_attribute("aria-label", "Open chat")

    # Privacy: nothing stored, no session, no socket until the visitor does something.
    launcher.click()
    expect(v.widget(".pw-prechat")).to_be_visible()
    assert v.storage() == {} and v.sockets == [] and servers.sessions(key) == []

    # The pre-chat form checks its fields and says what is wrong, by each field.
    start = v.widget("button", has_text="Start chat")
    start.click()
    name = v.page.get_by_label("Your name")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_be_focused()
    expect(v.widget("#pw-pre-name-err")).to_have_text("Please fill this in.")
    name.fill("Ada")
    v.page.get_by_label("Email").fill("ada-at-example")
    start.click()
    expect(v.widget("#pw-pre-email-err")).to_contain_text("email address")
    expect(v.page.get_by_label("Email")).to_be_focused()
    v.page.get_by_label("Email").fill("ada@example.com")
    v.page.get_by_label("Topic").select_option("Support")
    start.click()
    composer = v.widget("textarea.pw-input")
    expect(composer).to_be_focused()
    saved = session_of(v, key)
    sid = saved["sid"]
    [row] = servers.sessions(key)
    assert row["id"] == sid and row["visitor_name"] == "Ada"
    assert row["visitor_email"] == "ada@example.com"
    assert row["visitor_info"]["prechat"] == {"name": "Ada", "email": "ada@example.com",
                                              "topic": "Support"}
    assert "?" not in (row["visitor_info"]["page_url"] or "")  # no query string sent

    # A message, pending until acked; the AI answers (streamed, then final).
    send(v, "What is Parley?")
    mine = v.widget(".pw-msg--visitor").last
    expect(mine).to_have_attribute("data-state", re.compile("sent|seen"))
    expect(v.widget(".pw-msg--ai[data-state=sent]").first).to_be_visible(timeout=15_000)
    expect(v.widget(".pw-msg--ai .pw-who").first).to_contain_text("Assistant")
    expect(v.widget(".pw-msg--ai")).to_have_count(1)  # the streamed copy was replaced

    # An AI reply shown word by word as it streams, replaced by the final message.
    seen: list[str] = []

    def check(_index: int, so_far: str) -> None:
        streaming = v.widget(".pw-msg--ai[data-state=streaming] .pw-bubble")
        expect(streaming).to_have_text(so_far)
        seen.append(so_far)

    reply_id = stream_ai_reply(servers, sid, ["Parley ", "is ", "a ", "self-hosted ", "chat."],
                               between=check)
    final = v.widget(f".pw-msg--ai[data-key='{reply_id}']")
    expect(final).to_have_attribute("data-state", "sent")
    expect(final.locator(".pw-bubble")).to_have_text("Parley is a self-hosted chat.")
    assert seen[0] == "Parley " and len(seen) == 5
    assert v.widget(f"[data-key='{reply_id}']").count() == 1

    # Talk to a person: the queue position, then the agent joins and answers.
    v.widget("button", has_text="Talk to a person").click()
    expect(v.widget(".pw-banner")).to_contain_text("You're number 1 in the queue")
    expect(v.widget(".pw-sub")).to_have_text("Waiting for a person…")
    alex.expect("queue_update")
    alex.accept(sid)
    expect(v.widget(".pw-note", has_text="Alex joined the conversation.")).to_be_visible()
    expect(v.widget(".pw-sub")).to_have_text("You're chatting with Alex")
    expect(v.widget(".pw-banner")).to_be_hidden()

    alex.send({"type": "typing", "session_id": sid, "on": True})
    expect(v.widget(".pw-typing")).to_have_text("Alex is typing…")
    ack = alex.say(sid, "Hi Ada, I'm Alex. How can I help?")
    agent_msg = v.widget(".pw-msg--agent", has_text="Hi Ada, I'm Alex")
    expect(agent_msg).to_be_visible()
    expect(agent_msg.locator(".pw-who")).to_have_text("Alex")
    expect(v.widget(".pw-typing")).to_be_hidden()
    # The visitor has the panel open: a read receipt goes to the agent.
    assert alex.expect("seen", session_id=sid)["seq"] >= ack["seq"]

    # Typing reaches the agent; the agent's read receipt marks the visitor's message seen.
    composer.press_sequentially("My order")
    assert alex.expect("typing", session_id=sid)["on"] is True
    composer.press("Enter")
    ack_visitor = alex.expect("message", session_id=sid, sender_type="visitor")
    alex.send({"type": "seen", "session_id": sid, "seq": ack_visitor["seq"]})
    expect(v.widget(".pw-msg--visitor").last.locator(".pw-state")).to_have_text(" · Seen")
    v.shot("desktop-conversation")
    before = bubbles(v)

    # A reload (or another page of the site) continues the same conversation.
    v.page.reload()
    expect(v.widget(".pw-panel")).to_be_visible()  # it was open: it opens again
    expect(v.widget(".pw-msg--agent", has_text="Hi Ada")).to_be_visible()
    wait_until(lambda: bubbles(v) == before, 10, f"the same transcript after reload: {before}")
    expect(v.widget(".pw-msg--visitor").last.locator(".pw-state")).to_have_text(" · Seen")
    assert session_of(v, key)["sid"] == sid

    # Closed, a reply raises the unread badge; opening clears it.
    v.widget(".pw-icon[aria-label='Close chat']").click()
    expect(v.widget(".pw-panel")).to_be_hidden()
    alex.say(sid, "Are you still there?")
    badge = v.widget(".pw-badge")
    expect(badge).to_have_text("1")
    expect(launcher).to_have_attribute("aria-label", re.compile("1 unread message"))
    launcher.click()
    expect(badge).to_be_hidden()

    # The agent ends the chat; the visitor rates it.
    alex.send({"type": "close", "session_id": sid})
    expect(v.widget(".pw-ended")).to_be_visible()
    expect(composer).to_be_hidden()
    v.shot("desktop-rating")
    v.widget("button[aria-label^='5 of 5']").click()
    expect(v.widget(".pw-ended")).to_contain_text("Thanks for your feedback")
    wait_until(lambda: servers.sessions(key)[0]["rating"] == 5, 10, "the rating to be stored")
    assert [m for m in v.console if "error" in m] == []


def test_a_message_typed_while_the_server_is_down_is_delivered_once(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)
    v = visitor()
    open_widget(v, servers, key)
    send(v, "first")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", "sent")
    sid = session_of(v, key)["sid"]

    servers.stop_chat()
    expect(v.widget(".pw-banner")).to_contain_text("Reconnecting", timeout=10_000)
    send(v, "typed while you were away")
    pending = v.widget(".pw-msg--visitor", has_text="typed while you were away")
    expect(pending).to_have_attribute("data-state", "pending")
    expect(pending.locator(".pw-state")).to_have_text(" · Sending…")
    assert json.loads(v.storage()[f"parley:{key}"])["outbox"][0]["text"] == \
        "typed while you were away"
    time.sleep(1.0)

    servers.start_chat()  # same port, same database
    expect(pending).to_have_attribute("data-state", "sent", timeout=25_000)
    expect(v.widget(".pw-banner")).not_to_contain_text("Reconnecting")
    rows = [m for m in servers.messages(sid) if m["text"] == "typed while you were away"]
    assert len(rows) == 1, rows
    assert bubbles(v, "--visitor").count("typed while you were away") == 1
    assert session_of(v, key)["outbox"] == []
    # Once more after a reload: still exactly once.
    v.page.reload()
    v.widget(".pw-launcher").click()
    expect(v.widget(".pw-msg--visitor", has_text="typed while you were away")).to_have_count(1)
    assert len([m for m in servers.messages(sid) if m["text"] == "typed while you were away"]) == 1


def test_on_a_phone_the_panel_is_full_screen_with_large_targets(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    v = visitor(viewport=MOBILE, is_mobile=True, has_touch=True, device_scale_factor=2)
    v.page.goto(servers.page_url(key))
    launcher = v.widget(".pw-launcher")
    expect(launcher).to_be_visible()
    box = launcher.bounding_box()
    assert box and box["width"] >= 48 and box["height"] >= 48
    launcher.tap()
    panel = v.widget(".pw-panel")
    expect(panel).to_be_visible()
    assert panel.bounding_box() == {"x": 0, "y": 0, **{"width": MOBILE["width"],
                                                        "height": MOBILE["height"]}}
    expect(panel).to_have_attribute("aria-modal", "true")
    expect(launcher).to_be_hidden()
    for target in v.widget(".pw-panel button:visible, .pw-panel textarea").all():
        b = target.bounding_box()
        assert b and b["height"] >= 44, (target.evaluate("e => e.outerHTML"), b)
    # 16 px text in inputs: phones do not zoom in when the field is focused.
    assert v.widget("textarea.pw-input").evaluate("e => getComputedStyle(e).fontSize") == "16px"
    # Full screen, the panel is modal: Tab stays inside it.
    for _ in range(8):
        v.page.keyboard.press("Tab")
        assert v.page.evaluate("() => document.activeElement.tagName") == "PARLEY-WIDGET"
    send(v, "Hello from my phone")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", re.compile("sent"))
    v.shot("mobile-conversation")
    v.widget(".pw-icon[aria-label='Close chat']").tap()
    expect(launcher).to_be_visible()


STYLE_PROBES = {
    ".pw-launcher": ["width", "height", "background-color", "border-radius", "position", "bottom",
                     "right"],
    ".pw-panel": ["width", "height", "background-color", "font-family", "font-size", "color",
                  "position"],
    ".pw-title": ["font-size", "font-weight", "color", "line-height", "letter-spacing",
                  "text-transform"],
    ".pw-welcome .pw-bubble": ["font-size", "color", "background-color", "padding-left",
                               "border-top-left-radius"],
    "textarea.pw-input": ["font-size", "color", "background-color", "border-top-width",
                          "height"],
    ".pw-send": ["width", "height", "background-color", "transform", "opacity"],
}


def widget_styles(v: Visitor) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for selector, props in STYLE_PROBES.items():
        el = v.widget(selector).first
        style = el.evaluate("(e, props) => { const s = getComputedStyle(e);"
                            " return Object.fromEntries(props.map(p => [p, s.getPropertyValue(p)])) }",
                            props)
        out[selector] = {"box": el.bounding_box(), **style}
    return out


def test_a_hostile_host_stylesheet_does_not_change_the_widget(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    plain, hostile = visitor(), visitor()
    open_widget(plain, servers, key)
    open_widget(hostile, servers, key, style="hostile")
    # The hostile stylesheet works on the page itself...
    assert hostile.page.locator("#title").evaluate("e => getComputedStyle(e).color") \
        == "rgb(255, 0, 0)"
    # ...and on nothing of the widget.
    assert widget_styles(hostile) == widget_styles(plain)
    a = plain.widget(".pw-panel").screenshot(animations="disabled")
    b = hostile.widget(".pw-panel").screenshot(animations="disabled")
    assert a == b, "the panel looks different on the hostile page"
    hostile.shot("desktop-hostile-page")


def test_the_widget_does_not_restyle_the_host_page(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    probe = ("() => ['#title', '#para', '#buy', 'body'].map(s => {"
             " const c = getComputedStyle(document.querySelector(s));"
             " return [c.font, c.color, c.margin, c.padding, c.display, c.background] })")
    bare = visitor()
    bare.page.goto(servers.page_url(key, tag="0"))
    with_widget = visitor()
    open_widget(with_widget, servers, key)
    assert with_widget.page.evaluate(probe) == bare.page.evaluate(probe)
    globals_added = with_widget.page.evaluate(
        "() => Object.keys(window).filter(k => /parley/i.test(k))")
    assert globals_added == ["Parley"]


def test_markup_in_messages_is_shown_as_text_and_runs_nothing(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)  # the first message goes straight to the queue
    eve = agents(key, display_name='<img src=x onerror="alert(9)">Eve')
    eve.connect()
    v = visitor()
    open_widget(v, servers, key)
    payload = "<img src=x onerror=alert(1)>"
    send(v, payload)
    mine = v.widget(".pw-msg--visitor").last
    expect(mine).to_have_attribute("data-state", re.compile("sent|seen"))
    expect(mine.locator(".pw-bubble")).to_have_text(payload)
    sid = session_of(v, key)["sid"]
    eve.expect("queue_update")
    eve.accept(sid)
    hostile = ("<script>alert(2)</script><img src=x onerror=alert(3)> see "
               "https://example.com/help?a=1&b=<b>2</b> or javascript:alert(4) "
               "or <a href=\"javascript:alert(5)\">this</a>")
    eve.say(sid, hostile)
    theirs = v.widget(".pw-msg--agent", has_text="see https://example.com")
    expect(theirs.locator(".pw-bubble")).to_have_text(hostile)
    expect(theirs.locator(".pw-who")).to_have_text('<img src=x onerror="alert(9)">Eve')
    links = theirs.locator("a")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://example.com/help?a=1&b=")
    expect(links).to_have_attribute("target", "_blank")
    expect(links).to_have_attribute("rel", re.compile(r"\bnoopener\b.*\bnoreferrer\b"))
    counts = v.page.evaluate("""() => {
        const root = document.querySelector('parley-widget').shadowRoot;
        return ['img', 'script', 'svg[onload]', 'a[href^="javascript"]', 'b']
            .map(s => root.querySelectorAll(s).length) }""")
    assert counts == [0, 0, 0, 0, 0]
    time.sleep(0.3)
    assert v.dialogs == []


def test_axe_core_finds_no_serious_accessibility_violations(
        servers: Servers, site: Site, agents: Callable[..., Agent],
        visitor: Callable[..., Visitor]) -> None:
    key = site.widget(enable_prechat_form=True, prechat_fields=PRECHAT)
    alex = agents(key)
    alex.connect()
    v = visitor()
    v.page.goto(servers.page_url(key))
    expect(v.widget(".pw-launcher")).to_be_visible()
    found = {"launcher": axe_violations(v)}
    v.widget(".pw-launcher").click()
    expect(v.widget(".pw-prechat")).to_be_visible()
    found["pre-chat form"] = axe_violations(v)
    v.widget("button", has_text="Start chat").click()
    expect(v.widget(".pw-err").first).to_be_visible()
    found["form errors"] = axe_violations(v)
    v.page.get_by_label("Your name").fill("Ada")
    v.page.get_by_label("Email").fill("ada@example.com")
    v.widget("button", has_text="Start chat").click()
    send(v, "Hello, see https://example.com")
    expect(v.widget(".pw-msg--ai").first).to_be_visible(timeout=15_000)
    v.widget("button", has_text="Talk to a person").click()
    expect(v.widget(".pw-banner")).to_contain_text("queue")
    found["conversation and queue"] = axe_violations(v)
    alex.expect("queue_update")
    sid = session_of(v, key)["sid"]
    alex.accept(sid)
    alex.send({"type": "close", "session_id": sid})
    expect(v.widget(".pw-ended")).to_be_visible()
    found["rating"] = axe_violations(v)
    assert found == {state: [] for state in found}, json.dumps(found, indent=1)


def test_keyboard_only_open_type_send_close(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    v = visitor()
    v.page.goto(servers.page_url(key))
    expect(v.widget(".pw-launcher")).to_be_visible()
    focused = "() => { const a = document.activeElement; return a && a.shadowRoot && " \
              "a.shadowRoot.activeElement ? a.shadowRoot.activeElement.className : a && a.id }"
    for _ in range(10):
        v.page.keyboard.press("Tab")
        if v.page.evaluate(focused) == "pw-launcher":
            break
    assert v.page.evaluate(focused) == "pw-launcher"
    v.page.keyboard.press("Enter")
    expect(v.widget(".pw-panel")).to_be_visible()
    expect(v.widget("textarea.pw-input")).to_be_focused()
    expect(v.widget(".pw-launcher")).to_have_attribute("aria-expanded", "true")
    v.page.keyboard.type("Typed with the keyboard only")
    v.page.keyboard.press("Enter")
    expect(v.widget(".pw-msg--visitor", has_text="Typed with the keyboard only")).to_be_visible()
    v.page.keyboard.press("Shift+Enter")  # a new line, not a send
    expect(v.widget("textarea.pw-input")).to_have_value("\n")
    v.page.keyboard.press("Escape")
    expect(v.widget(".pw-panel")).to_be_hidden()
    assert v.page.evaluate(focused) == "pw-launcher"
    expect(v.widget(".pw-launcher")).to_have_attribute("aria-expanded", "false")
    v.page.keyboard.press("Space")
    expect(v.widget("textarea.pw-input")).to_be_focused()


def test_outside_business_hours_the_visitor_can_leave_an_email(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    # Open one minute a week, at a time that is not now.
    now = time.gmtime()
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(now.tm_wday + 3) % 7]
    key = site.widget(business_hours={day: [["03:00", "03:01"]]}, timezone="UTC")
    v = visitor()
    v.page.goto(servers.page_url(key))
    launcher = v.widget(".pw-launcher")
    expect(launcher).to_contain_text("We reply by email")
    expect(launcher).to_have_attribute("aria-label", re.compile("we reply by email"))
    launcher.click()
    expect(v.widget(".pw-sub")).to_have_text("We're away · we reply by email")
    send(v, "Is my order shipped?")
    v.widget("button", has_text="Leave a message for the team").click()
    form = v.widget(".pw-card", has_text="Nobody is available right now")
    expect(form).to_be_visible()
    email = v.page.get_by_label("Your email")
    email.fill("not an email")
    form.locator("button", has_text="Send").click()
    expect(email).to_have_attribute("aria-invalid", "true")
    email.fill("ada@example.com")
    form.locator("button", has_text="Send").click()
    expect(v.widget(".pw-saved")).to_have_text("Thanks! We'll reply to ada@example.com.")
    sid = session_of(v, key)["sid"]
    wait_until(lambda: next(s for s in servers.sessions() if s["id"] == sid)["offline_email"]
               == "ada@example.com", 10, "the email to be stored")
    v.shot("desktop-away-email")


def test_a_site_not_allowed_gets_no_widget(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(allowed_origins=["https://elsewhere.example"])
    v = visitor()
    with v.page.expect_console_message(lambda m: "not available on this page" in m.text) as msg:
        v.page.goto(servers.page_url(key))
    assert servers.host_origin in msg.value.text  # it says which origin to allow
    assert v.page.locator("parley-widget").count() == 0
    assert v.page.evaluate("() => typeof window.Parley") == "object"


def test_the_javascript_api_and_the_demo_page(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(enable_prechat_form=True, prechat_fields=PRECHAT[:2])
    v = visitor()
    v.page.goto(f"{servers.url}/test-widget.html?key={key}")
    expect(v.widget(".pw-launcher")).to_be_visible()
    v.page.evaluate("""() => {
        window.events = [];
        for (const e of ['open', 'close', 'message', 'session'])
            Parley.on(e, d => events.push([e, d && d.text || null]));
        Parley.identify({name: 'Grace', email: 'grace@example.com'});
        Parley.open();
    }""")
    expect(v.page.get_by_label("Your name")).to_have_value("Grace")
    expect(v.page.get_by_label("Email")).to_have_value("grace@example.com")
    v.widget("button", has_text="Start chat").click()
    send(v, "Hi from the demo page")
    # Under the demo page's strict Content-Security-Policy the socket works too.
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", re.compile("sent"))
    v.page.evaluate("() => Parley.close()")
    expect(v.widget(".pw-panel")).to_be_hidden()
    events = v.page.evaluate("() => events")
    assert [e[0] for e in events[:3]] == ["open", "session", "message"]
    assert ["message", "Hi from the demo page"] in events and ["close", None] in events


def test_dark_theme_and_reduced_motion(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(primary_color="#ffd800")  # a light brand colour: dark text on it
    v = visitor(color_scheme="dark")
    open_widget(v, servers, key, theme="auto")
    panel = v.widget(".pw-panel")
    assert panel.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(23, 25, 28)"
    assert v.widget(".pw-head").evaluate("e => getComputedStyle(e).color") == "rgb(17, 17, 17)"
    send(v, "Hello in the dark")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", re.compile("sent"))
    assert axe_violations(v) == []
    v.shot("desktop-dark")
    # The visitor asked for less motion (every other test): no transitions at all.
    assert panel.evaluate("e => getComputedStyle(e).transitionDuration") == "0s"
    moving = visitor(reduced_motion="no-preference")
    moving.page.goto(servers.page_url(key))
    expect(moving.widget(".pw-launcher")).to_be_visible()
    assert moving.widget(".pw-launcher").evaluate(
        "e => getComputedStyle(e).transitionDuration") == "0.3s, 0.3s"
    assert v.widget(".pw-launcher").evaluate(
        "e => getComputedStyle(e).transitionDuration") == "0s"


def test_the_visitor_ends_the_conversation_and_starts_another(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    v = visitor()
    open_widget(v, servers, key)
    # Nobody is online: the assistant still answers, and asking for a person says what happens.
    expect(v.widget(".pw-sub")).to_have_text("Our assistant replies instantly")
    expect(v.widget("button", has_text="Leave a message for the team")).to_be_visible()
    send(v, "Just a quick question")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", re.compile("sent"))
    first = session_of(v, key)["sid"]
    v.widget("button[aria-label='End conversation']").click()
    v.widget(".pw-confirm button", has_text="End chat").click()
    expect(v.widget(".pw-ended")).to_be_visible()
    wait_until(lambda: next(s for s in servers.sessions() if s["id"] == first)["status"]
               == "closed", 10, "the session to be closed")
    v.widget("button[aria-label^='4 of 5']").click()
    wait_until(lambda: next(s for s in servers.sessions() if s["id"] == first)["rating"] == 4,
               10, "the rating to be stored")
    v.widget("button", has_text="Start a new conversation").click()
    expect(v.widget("textarea.pw-input")).to_be_focused()
    # The conversation is forgotten until the visitor writes again; the device token, which
    # lists their conversations (docs/privacy.md), stays.
    assert set(v.storage()) == {f"parley:v:{key}"}
    expect(v.widget(".pw-log .pw-msg:not(.pw-welcome)")).to_have_count(0)
    send(v, "Another question")
    expect(v.widget(".pw-msg--visitor").last).to_have_attribute("data-state", re.compile("sent"))
    assert session_of(v, key)["sid"] != first


def test_an_ai_reply_from_the_provider_streams_into_the_widget(
        servers: Servers, site: Site, visitor: Callable[..., Visitor],
        fake_ai: FakeOpenAIThread) -> None:
    """The whole AI path in a browser: the visitor's question goes to an OpenAI-compatible
    provider (the fake, on loopback), its streamed chunks appear word by word, and the final
    stored message replaces them."""
    reply = "Parley is a self-hosted chat you can put on any website in one line."
    fake_ai.behaviour.reply = reply
    fake_ai.behaviour.delay = 0.08
    key = site.widget(ai_settings={"provider": "openai", "model": "fake/default"})
    v = visitor()
    v.page.goto(servers.page_url(key))
    v.widget(".pw-launcher").click()
    send(v, "What is Parley, in one sentence?")
    streaming = v.widget(".pw-msg--ai[data-state=streaming] .pw-bubble")
    expect(streaming).to_be_visible(timeout=10_000)
    partial = streaming.text_content() or ""
    assert partial and reply.startswith(partial.strip()) and partial.strip() != reply
    final = v.widget(".pw-msg--ai[data-state=sent] .pw-bubble")
    expect(final).to_have_text(reply, timeout=15_000)
    expect(v.widget(".pw-msg--ai")).to_have_count(1)
    request = fake_ai.fake.completions[-1]
    assert request.messages[-1] == {"role": "user", "content": "What is Parley, in one sentence?"}
    assert request.api_key == "sk-browser"


ANSWER = ("**Refunds** take *5 working days*.\n\n"
          "- Ask in the [help centre](https://help.example.com/refunds)\n"
          "- or reply `REFUND`\n\n"
          "1. Sign in\n2. Open _Orders_\n\n"
          "Not a link: [this](javascript:alert(1)) <b>nor this</b>")
SOURCES = [{"id": 1, "title": "Refund policy", "url": "https://help.example.com/refunds"},
           {"id": 2, "title": "Typed-in answer <i>", "url": None},
           {"id": 3, "title": "Odd entry", "url": "javascript:alert(2)"}]


def test_ai_answers_show_their_markdown_and_their_sources(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    v = visitor()
    open_widget(v, servers, key)
    send(v, "**my words** stay as [typed](https://example.com/x)")
    expect(v.widget(".pw-msg--ai[data-state=sent]").first).to_be_visible(timeout=15_000)
    mine = v.widget(".pw-msg--visitor .pw-bubble").first
    expect(mine).to_have_text("**my words** stay as [typed](https://example.com/x)")
    expect(mine.locator("strong")).to_have_count(0)
    reply = ai_says(servers, session_of(v, key)["sid"], ANSWER, sources=SOURCES)

    def check() -> None:
        msg = v.widget(f".pw-msg--ai[data-key='{reply}']")
        bubble = msg.locator(".pw-bubble")
        expect(bubble.locator("strong")).to_have_text("Refunds")
        expect(bubble.locator("em")).to_have_text(["5 working days", "Orders"])
        expect(bubble.locator("ul > li")).to_have_text(["Ask in the help centre", "or reply REFUND"])
        expect(bubble.locator("ol > li")).to_have_text(["Sign in", "Open Orders"])
        expect(bubble.locator("code")).to_have_text("REFUND")
        expect(bubble.locator("p").last).to_have_text(
            "Not a link: [this](javascript:alert(1)) <b>nor this</b>")
        link = bubble.locator("a")
        expect(link).to_have_count(1)
        expect(link).to_have_text("help centre")
        expect(link).to_have_attribute("href", "https://help.example.com/refunds")
        expect(link).to_have_attribute("target", "_blank")
        expect(link).to_have_attribute("rel", re.compile(r"\bnoopener\b.*\bnoreferrer\b"))
        sources = msg.get_by_role("list", name="Sources")
        expect(sources.get_by_role("listitem")).to_have_text(
            ["Refund policy (help.example.com)", "Typed-in answer <i>", "Odd entry"])
        expect(sources.get_by_role("link")).to_have_count(1)
        expect(sources.get_by_role("link", name="Refund policy (help.example.com)")).to_have_attribute(
            "href", "https://help.example.com/refunds")
        expect(sources.get_by_role("link")).to_have_attribute("target", "_blank")
        assert v.page.evaluate("""() => {
            const root = document.querySelector('parley-widget').shadowRoot;
            return root.querySelectorAll('b, i, [href^="javascript"]').length }""") == 0

    check()  # live
    assert axe_violations(v) == []
    v.page.reload()  # and from the history
    v.page.evaluate("() => Parley.open()")
    check()
    time.sleep(0.2)
    assert v.dialogs == []


def test_the_ai_offers_a_person_and_a_quick_reply_answers(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    v = visitor()
    open_widget(v, servers, key)
    send(v, "Where is my parcel?")
    expect(v.widget(".pw-msg--ai[data-state=sent]").first).to_be_visible(timeout=15_000)
    sid = session_of(v, key)["sid"]
    offer = ai_says(servers, sid, "I don't know that. Would you like me to connect you with "
                                  "a person?", offer=True)
    replies = v.widget(f".pw-msg--ai[data-key='{offer}']").get_by_role("group", name="Quick replies")
    expect(replies.get_by_role("button")).to_have_text(["Yes, a person please", "No thanks"])
    assert axe_violations(v) == []
    # Only under the newest message: a later one takes them away.
    later = ai_says(servers, sid, "Still there? Would you like a person?", offer=True)
    expect(replies).to_have_count(0)
    replies = v.widget(f".pw-msg--ai[data-key='{later}']").get_by_role("group", name="Quick replies")
    # From the keyboard: the answer is sent as the visitor's own message.
    replies.get_by_role("button", name="Yes, a person please").focus()
    v.page.keyboard.press("Enter")
    mine = v.widget(".pw-msg--visitor").last
    expect(mine.locator(".pw-bubble")).to_have_text("Yes, a person please")
    expect(mine).to_have_attribute("data-state", re.compile("sent|seen"))
    expect(v.widget(".pw-replies")).to_have_count(0)
    expect(v.widget("textarea.pw-input")).to_be_focused()
    wait_until(lambda: any(m["sender_type"] == "visitor" and m["text"] == "Yes, a person please"
                           for m in servers.messages(sid)), 10, "the quick reply stored")
