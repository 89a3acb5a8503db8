"""The escalation corpus is well formed, balanced and honest about its tags."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from difflib import SequenceMatcher
from typing import Any

import pytest

from tests.ai import CORPUS_PATH, LABELS, LANGS, load_corpus

ITEM_KEYS = {"id", "lang", "expect", "turns", "note"}
OPTIONAL_KEYS = {"tags"}
SYSTEM_REASONS = {"no_knowledge_match", "model_request", "ai_error", "budget_exhausted"}

# Minimum sizes: overall, and per language.
MIN_TOTAL = {"explicit_request": 40, "frustration": 25, "repeated_failure": 20, "none": 80}
MIN_PER_LANG = {"explicit_request": 8, "frustration": 3, "repeated_failure": 3, "none": 15}
MIN_MENTIONS, MIN_MENTIONS_PER_LANG = 30, 5

# A "mention" item must really contain a word a naive detector could trip on.
MENTION_WORDS = {
    "en": r"human|agent|person|people|operator|representative|speak|talk|someone|staff|live chat",
    "es": r"human|agente|persona|operador|representante|habla|alguien|asesor",
    "fr": r"humain|agent|personne|opérateur|conseiller|parle|quelqu'un",
    "de": r"mensch|mitarbeiter|person|persön|agent|betreiber|sprechen|jemand|berater",
}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CORPUS_PATH.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def items() -> list[dict[str, Any]]:
    return load_corpus()


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def _last_visitor(item: dict[str, Any]) -> str:
    text: str = item["turns"][-1]["text"]
    return text


def test_top_level(doc: dict[str, Any]) -> None:
    assert set(doc) == {"about", "labels", "tags", "items"}
    assert tuple(doc["labels"]) == LABELS
    assert all(isinstance(v, str) and v for v in doc["labels"].values())
    assert all(isinstance(v, str) and v for v in doc["tags"].values())
    assert isinstance(doc["items"], list) and doc["items"]


def test_every_item_has_the_schema(doc: dict[str, Any], items: list[dict[str, Any]]) -> None:
    declared_tags = set(doc["tags"])
    for it in items:
        where = it.get("id", it)
        assert ITEM_KEYS <= set(it) <= ITEM_KEYS | OPTIONAL_KEYS, where
        assert isinstance(it["id"], str) and re.fullmatch(r"(en|es|fr|de)-[a-z_]+-\d{2,3}", it["id"]), where
        assert it["id"].startswith(it["lang"] + "-"), where
        assert it["lang"] in LANGS, where
        assert it["expect"] in LABELS and it["expect"] not in SYSTEM_REASONS, where
        assert isinstance(it["note"], str) and len(it["note"].strip()) >= 10, where
        if "tags" in it:
            tags = it["tags"]
            assert isinstance(tags, list) and tags and set(tags) <= declared_tags, where
            assert len(set(tags)) == len(tags), where
        turns = it["turns"]
        assert isinstance(turns, list) and turns, where
        for t in turns:
            assert set(t) == {"role", "text"}, where
            assert t["role"] in ("visitor", "ai"), where
            assert isinstance(t["text"], str) and t["text"] == t["text"].strip() and t["text"], where
            assert len(t["text"]) <= 1000, where
        assert turns[0]["role"] == "visitor", f"{where}: a conversation starts with the visitor"
        assert turns[-1]["role"] == "visitor", f"{where}: the last turn must be the visitor's"


def test_ids_are_unique_and_last_turns_are_not_duplicated(items: list[dict[str, Any]]) -> None:
    ids = Counter(it["id"] for it in items)
    assert [i for i, n in ids.items() if n > 1] == []
    convs = Counter(json.dumps(it["turns"], ensure_ascii=False) for it in items)
    assert [c for c, n in convs.items() if n > 1] == [], "the same conversation twice"
    one_liners = Counter(_norm(_last_visitor(it)) for it in items if len(it["turns"]) == 1)
    assert [t for t, n in one_liners.items() if n > 1] == [], "the same one-line item twice"


def test_counts_per_label_and_language(items: list[dict[str, Any]]) -> None:
    per = Counter((it["expect"], it["lang"]) for it in items)
    mentions = Counter(it["lang"] for it in items if "mention" in it.get("tags", []))
    lines = [f"{'label':<18}" + "".join(f"{lang:>5}" for lang in LANGS) + f"{'all':>6}"]
    for label in LABELS:
        row = [per[(label, lang)] for lang in LANGS]
        lines.append(f"{label:<18}" + "".join(f"{n:>5}" for n in row) + f"{sum(row):>6}")
    lines.append(f"{'none: mentions':<18}" + "".join(f"{mentions[lang]:>5}" for lang in LANGS)
                 + f"{sum(mentions.values()):>6}")
    print("\nescalation corpus\n" + "\n".join(lines))
    for label in LABELS:
        total = sum(per[(label, lang)] for lang in LANGS)
        assert total >= MIN_TOTAL[label], (label, total)
        for lang in LANGS:
            assert per[(label, lang)] >= MIN_PER_LANG[label], (label, lang, per[(label, lang)])
    assert sum(mentions.values()) >= MIN_MENTIONS
    assert all(mentions[lang] >= MIN_MENTIONS_PER_LANG for lang in LANGS), mentions


def test_tags_fit_their_labels(items: list[dict[str, Any]]) -> None:
    only = {"mention": "none", "resolved_after_failure": "none", "caps_acronym": "none",
            "caps_positive": "none", "repeated_question": "frustration", "shouting": "frustration",
            "swearing": "frustration", "typo": "explicit_request", "one_word": "explicit_request"}
    for it in items:
        for tag in it.get("tags", []):
            if tag in only:
                assert it["expect"] == only[tag], (it["id"], tag)


def test_mention_items_really_mention_a_trigger_word(items: list[dict[str, Any]]) -> None:
    for it in items:
        if "mention" in it.get("tags", []):
            text = _last_visitor(it).casefold()
            assert re.search(MENTION_WORDS[it["lang"]], text), (it["id"], text)


def test_shouting_items_are_mostly_capitals(items: list[dict[str, Any]]) -> None:
    for it in items:
        if "shouting" in it.get("tags", []):
            letters = [c for c in _last_visitor(it) if c.isalpha()]
            assert sum(c.isupper() for c in letters) / len(letters) > 0.8, it["id"]


def test_repeated_questions_repeat_an_earlier_visitor_turn_after_an_ai_answer(
        items: list[dict[str, Any]]) -> None:
    for it in items:
        if "repeated_question" not in it.get("tags", []):
            continue
        turns = it["turns"]
        last = _norm(turns[-1]["text"])
        earlier = [i for i, t in enumerate(turns[:-1]) if t["role"] == "visitor"
                   and SequenceMatcher(None, _norm(t["text"]), last).ratio() >= 0.85]
        assert earlier, it["id"]
        assert any(t["role"] == "ai" for t in turns[earlier[0] + 1:-1]), it["id"]


def test_repeated_failure_items_follow_at_least_two_ai_answers(items: list[dict[str, Any]]) -> None:
    for it in items:
        if it["expect"] != "repeated_failure":
            continue
        roles = [t["role"] for t in it["turns"]]
        first_ai = roles.index("ai")
        assert roles.count("ai") >= 2, it["id"]
        assert roles[first_ai:].count("visitor") >= 2, f"{it['id']}: two 'did not help' turns"


def test_frustration_is_judged_on_wording_not_only_on_length(items: list[dict[str, Any]]) -> None:
    """Each frustration item carries a sign in its last turn, or repeats a question."""
    signs = re.compile(
        r"!!|\?\?|useless|joke|ridiculous|kidding|unbelievable|seriously|annoying|damn|pathetic|"
        r"f\*+|tomadura|vergüenza|joder|no sirve|desastre|creer|n'importe quoi|foutez|marre|blague|nul|"
        r"witz|mist|nutzlos|lächerlich|verdammt", re.IGNORECASE)
    for it in items:
        if it["expect"] != "frustration" or "repeated_question" in it.get("tags", []):
            continue
        text = _last_visitor(it)
        letters = [c for c in text if c.isalpha()]
        caps = sum(c.isupper() for c in letters) / len(letters) > 0.8
        assert caps or signs.search(text), (it["id"], text)
