"""Proactive messages in Chromium (docs/widget.md "Proactive triggers", docs/privacy.md). A URL
trigger shows its bubble once per page view, after the page loaded; with visitor tracking off,
a page view with a trigger not acted on asks for the config, the trigger chunk and the shown
beacon only, and leaves nothing in the browser; a dismissal is remembered and no trigger shows
again; Parley.trigger(name) fires a js trigger, and answering it starts a conversation whose
first message is the trigger's; a widget without triggers never loads the chunk."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.helpers.browser import NOTHING_STORED, Site, Visitor, chat_requests, everything_stored
from tests.helpers.browser_servers import Servers
from tests.helpers.wait import wait_until

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

# Before the widget: when the page finished loading, and when each trigger beacon left.
RECORD = """
addEventListener("load", () => { window.__loadedAt = performance.now(); });
window.__beacons = [];
const realFetch = window.fetch;
window.fetch = function (url, init) {
  if (String(url).includes("/trigger-events")) {
    window.__beacons.push({ at: performance.now(), ...JSON.parse(init.body) });
  }
  return realFetch.apply(this, arguments);
};
"""

def page_url(servers: Servers, key: str, name: str) -> str:
    return f"{servers.host_origin}/page/{name}?" + urlencode({"key": key})


def add_trigger(site: Site, key: str, **body: Any) -> dict[str, Any]:
    resp = site.http.post(f"/api/widgets/{key}/triggers", json=body,
                          headers={"Authorization": f"Bearer {site.admin}"})
    assert resp.status_code == 201, resp.text
    trigger: dict[str, Any] = resp.json()["trigger"]
    return trigger


def counts(site: Site, key: str) -> dict[str, dict[str, int]]:
    resp = site.http.get(f"/api/widgets/{key}/triggers",
                         headers={"Authorization": f"Bearer {site.admin}"})
    return {t["name"]: t["counts"] for t in resp.json()["triggers"]}


def beacons(v: Visitor) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = v.page.evaluate("() => window.__beacons")
    return got


def test_a_url_trigger_shows_once_after_load_stores_nothing_and_a_dismissal_is_remembered(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)
    first = add_trigger(site, key, name="pricing", message="Questions about our plans?",
                        url_match="glob", url_pattern="/page/pricing*")
    later = add_trigger(site, key, name="pricing-later", message="Still comparing plans?",
                        url_match="contains", url_pattern="pricing", delay_s=2)
    add_trigger(site, key, name="checkout", message="Need help to pay?",
                url_match="glob", url_pattern="/page/checkout")
    v = visitor()
    v.context.add_init_script(RECORD)
    asked = chat_requests(v, servers)
    v.page.goto(page_url(servers, key, "pricing"))
    bubble = v.widget(".pw-trigger")
    expect(bubble).to_have_text(re.compile("Questions about our plans?"))
    shown = beacons(v)
    assert [b["trigger_id"] for b in shown] == [first["id"]] and shown[0]["event"] == "shown"
    assert shown[0]["at"] >= v.page.evaluate("() => window.__loadedAt")  # never before load
    # The delayed one replaces it; the first does not come back (once per page view).
    expect(bubble).to_have_text(re.compile("Still comparing plans?"))
    got = beacons(v)
    assert [(b["trigger_id"], b["event"]) for b in got] == [
        (first["id"], "shown"), (later["id"], "shown")]
    assert got[1]["at"] >= 2000
    v.page.evaluate("() => dispatchEvent(new Event('scroll'))")
    assert len(beacons(v)) == 2
    # Tracking off, nothing acted on: the config, the chunk and the beacons only; nothing kept.
    chunk = [r for r in asked if r.startswith("GET /widget/triggers.")]
    assert asked == ["GET /widget.js", f"GET /api/widgets/{key}/config", *chunk,
                     f"POST /api/widgets/{key}/trigger-events",
                     f"POST /api/widgets/{key}/trigger-events"], asked
    assert len(chunk) == 1
    assert everything_stored(v) == NOTHING_STORED
    assert v.sockets == [] and servers.sessions(key) == []
    assert counts(site, key)["pricing"] == {"shown": 1, "opened": 0, "answered": 0}

    # Another page: its own trigger only. Dismissed: remembered, and nothing shows again.
    v.page.goto(page_url(servers, key, "checkout"))
    expect(bubble).to_have_text(re.compile("Need help to pay?"))
    v.widget(".pw-trigger-x").click()
    expect(bubble).to_have_count(0)
    assert v.storage() == {f"parley:td:{key}": "1"}
    v.page.goto(page_url(servers, key, "pricing"))
    v.page.wait_for_function("() => !!(window.Parley && window.Parley.trigger)")  # the chunk ran
    v.page.wait_for_timeout(3000)  # past idle and the 2 s trigger
    expect(bubble).to_have_count(0)
    assert beacons(v) == []
    assert v.console == [], v.console


def test_parley_trigger_fires_a_js_trigger_and_the_answer_starts_with_its_message(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)
    trigger = add_trigger(site, key, name="help", kind="js", message="Stuck on the form?")
    v = visitor()
    v.context.add_init_script(RECORD)
    v.page.goto(page_url(servers, key, "signup"))
    expect(v.widget(".pw-launcher")).to_be_visible()
    v.page.wait_for_function("() => !!(window.Parley && window.Parley.trigger)")
    v.page.wait_for_timeout(1500)  # idle: a js trigger waits for its call
    expect(v.widget(".pw-trigger")).to_have_count(0)
    v.page.evaluate("() => window.Parley.trigger('nope')")
    v.page.evaluate("() => window.Parley.trigger('help')")
    expect(v.widget(".pw-trigger")).to_have_text(re.compile("Stuck on the form?"))
    v.widget(".pw-trigger-msg").click()
    expect(v.widget(".pw-welcome")).to_contain_text("Stuck on the form?")
    with v.page.expect_response(lambda r: r.url.endswith(f"/api/widgets/{key}/sessions")) as made:
        box = v.widget("textarea.pw-input")
        box.fill("Yes, the date field")
        box.press("Enter")
    assert made.value.status == 201, made.value.text()
    assert json.loads(made.value.request.post_data or "{}")["trigger_id"] == trigger["id"]
    sid = made.value.json()["session_id"]
    expect(v.widget(".pw-msg--visitor")).to_contain_text("Yes, the date field")
    rows = wait_until(lambda: (lambda m: m if any(x["sender_type"] == "visitor" for x in m)
                               else None)(servers.messages(sid)), 10, "the visitor's message")
    assert (rows[0]["sender_type"], rows[0]["text"]) == ("ai", "Stuck on the form?")
    assert [(m["sender_type"], m["text"]) for m in rows if m["sender_type"] != "system"] == [
        ("ai", "Stuck on the form?"), ("visitor", "Yes, the date field")]
    # Shown once in the panel: the server's first message, not the welcome beside it.
    expect(v.widget(".pw-log").get_by_text("Stuck on the form?")).to_have_count(1)
    assert counts(site, key)["help"] == {"shown": 1, "opened": 1, "answered": 1}
    assert v.console == [], v.console


def test_a_widget_without_triggers_never_loads_the_chunk(
        site: Site, servers: Servers, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(ai_enabled=False)
    v = visitor()
    asked = chat_requests(v, servers)
    v.page.goto(page_url(servers, key, "pricing"))
    expect(v.widget(".pw-launcher")).to_be_visible()
    v.page.wait_for_timeout(1500)
    assert asked == ["GET /widget.js", f"GET /api/widgets/{key}/config"], asked
    assert v.page.evaluate("() => typeof window.Parley.trigger") == "undefined"
