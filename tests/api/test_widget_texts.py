"""An admin's texts instead of the widget's defaults, per language (docs/widget.md "Overriding
texts"): validated, stored on the widget, shown in its public config."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chatserver.services.widget_texts import PLURAL_KEYS, TEXT_KEYS, WIDGET_LANGUAGES
from tests.helpers.accounts import admin_and_agent, register
from tests.helpers.api import Api

I18N = Path(__file__).resolve().parents[2] / "widget" / "src" / "i18n"
PLURAL = re.compile(r"\.(zero|one|two|few|many|other)$")


@pytest.mark.once
def test_the_keys_are_the_widgets() -> None:
    en = json.loads((I18N / "en.json").read_text(encoding="utf-8"))
    assert TEXT_KEYS == {k for k in en if not PLURAL.search(k)}
    assert PLURAL_KEYS == {PLURAL.sub("", k) for k in en if PLURAL.search(k)}
    assert sorted(WIDGET_LANGUAGES) == sorted(p.stem for p in I18N.glob("*.json"))


async def _widget(api: Api) -> tuple[str, str]:
    admin = (await register(api, "root"))["token"]
    w = (await api.post("/api/widgets", {"business_name": "Acme"}, token=admin)).json["widget"]
    return admin, w["site_key"]


async def test_overrides_are_stored_and_public(api: Api) -> None:
    admin, key = await _widget(api)
    assert (await api.get(f"/api/widgets/{key}", token=admin)).json["widget"]["text_overrides"] == {}
    config = (await api.get(f"/api/widgets/{key}/config")).json
    assert config["text_overrides"] == {} and config["language"] == "en"
    overrides = {"fr": {"panel.placeholder": "  Votre question…  ", "launcher.unread.one": "{n} nouveau"},
                 "ar": {"escalate.person": "تحدث معنا"}, "de": {"sub.ai": ""}}
    resp = await api.put(f"/api/widgets/{key}", {"text_overrides": overrides, "language": "ar"},
                         token=admin)
    assert resp.code == 200, resp.json
    stored = {"fr": {"panel.placeholder": "Votre question…", "launcher.unread.one": "{n} nouveau"},
              "ar": {"escalate.person": "تحدث معنا"}}  # trimmed; an empty text is no override
    assert resp.json["widget"]["text_overrides"] == stored
    config = (await api.get(f"/api/widgets/{key}/config")).json
    assert config["text_overrides"] == stored and config["language"] == "ar"
    resp = await api.put(f"/api/widgets/{key}", {"text_overrides": {}}, token=admin)
    assert resp.json["widget"]["text_overrides"] == {}
    assert (await api.get(f"/api/widgets/{key}/config")).json["text_overrides"] == {}


@pytest.mark.parametrize("bad", [
    {"he": {"panel.placeholder": "x"}},                     # not a language of the widget
    {"fr": {"panel.nope": "x"}},                            # not a text of the widget
    {"fr": {"launcher.unread.lots": "x"}},                  # not a plural form
    {"fr": {"launcher.unread": "x"}},                       # a plural text needs its form
    {"fr": {"panel.placeholder": 3}},
    {"fr": {"panel.placeholder": "x" * 501}},
    {"fr": {"panel.placeholder": "two\nlines"}},
    {"fr": ["panel.placeholder"]},
    ["fr"],
])
async def test_bad_overrides_are_refused_field_by_field(api: Api, bad: object) -> None:
    admin, key = await _widget(api)
    resp = await api.put(f"/api/widgets/{key}", {"text_overrides": bad}, token=admin)
    assert resp.code == 422 and resp.error_code == "validation_failed", resp.json
    assert any(f.startswith("text_overrides") for f in resp.json["error"]["fields"])
    assert (await api.get(f"/api/widgets/{key}", token=admin)).json["widget"]["text_overrides"] == {}


async def test_the_whole_map_has_a_size_limit(api: Api) -> None:
    admin, key = await _widget(api)
    keys = sorted(TEXT_KEYS)[:10]
    big = {lang: {k: "x" * 300 for k in keys} for lang in WIDGET_LANGUAGES}  # 24,000 characters
    resp = await api.put(f"/api/widgets/{key}", {"text_overrides": big}, token=admin)
    assert resp.code == 422 and "text_overrides" in resp.json["error"]["fields"]


async def test_an_agent_cannot_change_texts(api: Api) -> None:
    admin, agent, _user = await admin_and_agent(api)
    w = (await api.post("/api/widgets", {"business_name": "Acme"}, token=admin)).json["widget"]
    resp = await api.put(f"/api/widgets/{w['site_key']}",
                         {"text_overrides": {"fr": {"panel.placeholder": "x"}}}, token=agent)
    assert resp.code in (403, 404)
