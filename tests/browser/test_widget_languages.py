"""The widget in the visitor's language, in Chromium (docs/widget.md "Languages"): chosen from
the browser's languages, with the widget's default language after them; Arabic (and Hebrew)
visitors get a right-to-left panel; an admin's text overrides show; each language passes axe."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.browser import DESKTOP, MOBILE, Site, Visitor, axe_violations
from tests.helpers.browser_servers import Servers

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture explains; on CI it is an error
    if os.environ.get("CI"):
        raise
    pytest.skip("Playwright for Python is missing", allow_module_level=True)

PHONE: dict[str, Any] = {"viewport": MOBILE, "is_mobile": True, "has_touch": True}
COMPUTER: dict[str, Any] = {"viewport": DESKTOP}

# What each language's visitor must see (widget/src/i18n/<lang>.json); nobody is online, so
# the chip offers to leave a message (escalate.away).
EXPECTED = {
    "en-US": {"lang": "en", "dir": "ltr", "open": "Open chat", "placeholder": "Write a message…",
              "person": "Leave a message for the team", "close": "Close chat"},
    "fr-FR": {"lang": "fr", "dir": "ltr", "open": "Ouvrir le chat", "placeholder": "Écrivez un message…",
              "person": "Laisser un message à l'équipe", "close": "Fermer le chat"},
    "ar-EG": {"lang": "ar", "dir": "rtl", "open": "فتح المحادثة", "placeholder": "اكتب رسالة…",
              "person": "اترك رسالة للفريق", "close": "إغلاق المحادثة"},
}


def open_panel(v: Visitor, servers: Servers, key: str, label: str) -> None:
    v.page.goto(servers.page_url(key))
    launcher = v.widget(".pw-launcher")
    expect(launcher).to_have_attribute("aria-label", label)
    launcher.click()
    expect(v.widget(".pw-panel")).to_be_visible()


@pytest.mark.parametrize("device", ["phone", "desktop"])
@pytest.mark.parametrize("locale", list(EXPECTED))
def test_the_widget_speaks_the_visitors_language(
        servers: Servers, site: Site, visitor: Callable[..., Visitor], locale: str,
        device: str) -> None:
    want = EXPECTED[locale]
    key = site.widget()
    v = visitor(locale=locale, **(PHONE if device == "phone" else COMPUTER))
    assert v.page.evaluate("() => navigator.languages[0]") == locale
    open_panel(v, servers, key, want["open"])
    panel = v.widget(".pw-panel")
    expect(panel).to_have_attribute("dir", want["dir"])
    expect(panel).to_have_attribute("lang", want["lang"])
    expect(v.widget("textarea.pw-input")).to_have_attribute("placeholder", want["placeholder"])
    expect(v.widget(".pw-chip", has_text=want["person"])).to_be_visible()
    expect(v.widget(f".pw-head button[aria-label='{want['close']}']")).to_be_visible()
    # Messages take their own direction (an English sentence in an Arabic panel, and back).
    expect(v.widget(".pw-log .pw-bubble").first).to_have_attribute("dir", "auto")
    if want["dir"] == "rtl":
        # Mirrored: the head's text starts on the right, the send button is on the left.
        head = v.widget(".pw-head").bounding_box()
        title = v.widget(".pw-title").bounding_box()
        send = v.widget(".pw-send").bounding_box()
        box = v.widget("textarea.pw-input").bounding_box()
        assert head and title and send and box
        assert title["x"] + title["width"] > head["x"] + head["width"] / 2
        assert send["x"] < box["x"]
    problems = axe_violations(v)
    assert problems == [], problems
    v.shot(f"widget-language-{locale}-{device}")


def test_the_launcher_is_where_the_site_put_it_whatever_the_direction(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(position="bottom-right")
    v = visitor(locale="ar-EG")
    open_panel(v, servers, key, EXPECTED["ar-EG"]["open"])
    launcher = v.widget(".pw-launcher").bounding_box()
    panel = v.widget(".pw-panel").bounding_box()
    assert launcher and panel
    assert launcher["x"] > DESKTOP["width"] / 2 and panel["x"] > DESKTOP["width"] / 2


def test_a_hebrew_visitor_gets_a_right_to_left_panel_with_the_default_texts(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    v = visitor(locale="he-IL")
    open_panel(v, servers, key, "Open chat")
    expect(v.widget(".pw-panel")).to_have_attribute("dir", "rtl")
    expect(v.widget(".pw-panel")).to_have_attribute("lang", "en")
    expect(v.widget("textarea.pw-input")).to_have_attribute("placeholder", "Write a message…")


def test_a_region_falls_back_to_its_language_and_else_the_widgets_default(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget(language="de")
    v = visitor(locale="pt-BR")
    open_panel(v, servers, key, "Abrir o chat")
    expect(v.widget("textarea.pw-input")).to_have_attribute("placeholder", "Escreva uma mensagem…")
    w = visitor(locale="ja-JP")  # no Japanese: the widget's default language, German
    open_panel(w, servers, key, "Chat öffnen")
    expect(w.widget("textarea.pw-input")).to_have_attribute("placeholder", "Nachricht schreiben…")
    # Only the visitor's language was downloaded.
    packs = [r for r in w.page.evaluate(
        "() => performance.getEntriesByType('resource').map((e) => e.name)") if "/widget/i18n-" in r]
    assert len(packs) == 1 and "/i18n-de." in packs[0], packs


def test_an_admins_override_shows_in_the_visitors_language_only(
        servers: Servers, site: Site, visitor: Callable[..., Visitor]) -> None:
    key = site.widget()
    resp = site.http.put(f"/api/widgets/{key}", headers=site._auth(), json={"text_overrides": {
        "fr": {"panel.placeholder": "Posez votre question à Acme…", "launcher.open": "Discuter avec Acme",
               "escalate.away": "Écrivez à l'équipe"},
    }})
    assert resp.status_code == 200, resp.text
    v = visitor(locale="fr-FR")
    open_panel(v, servers, key, "Discuter avec Acme")
    expect(v.widget("textarea.pw-input")).to_have_attribute("placeholder", "Posez votre question à Acme…")
    expect(v.widget(".pw-chip", has_text="Écrivez à l'équipe")).to_be_visible()
    expect(v.widget(".pw-head button[aria-label='Fermer le chat']")).to_be_visible()  # not overridden
    e = visitor(locale="en-US")
    open_panel(e, servers, key, "Open chat")
    expect(e.widget("textarea.pw-input")).to_have_attribute("placeholder", "Write a message…")
