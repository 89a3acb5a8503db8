"""Test assets for the AI first responder: a labelled escalation corpus (corpus.json, loaded
with :func:`load_corpus`). The fake OpenAI-compatible provider is tests/helpers/fake_openai.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

CORPUS_PATH = Path(__file__).with_name("corpus.json")
LABELS = ("explicit_request", "frustration", "repeated_failure", "none")
LANGS = ("en", "es", "fr", "de")


def load_corpus(path: Path = CORPUS_PATH) -> list[dict[str, Any]]:
    """The corpus items: {id, lang, expect, turns: [{role, text}], note, tags?}. The detector
    is judged on the last turn (always the visitor's) given all the turns before it."""
    items: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["items"]
    return items
