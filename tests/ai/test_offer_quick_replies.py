"""The widget's quick replies to the AI's offer of a person (widget/src/i18n/<lang>.json,
`quick.yes` and `quick.no`) are sent as the visitor's words: the server must read each
language's buttons as the answer they are."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from chatserver.ai.offer import answer_to_offer

pytestmark = pytest.mark.once
PACKS = sorted((Path(__file__).parents[2] / "widget" / "src" / "i18n").glob("*.json"))


def test_there_are_packs() -> None:
    assert len(PACKS) >= 8


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.stem)
def test_the_buttons_answer_the_offer(pack: Path) -> None:
    texts = json.loads(pack.read_text(encoding="utf-8"))
    assert answer_to_offer(texts["quick.yes"]) == "yes"
    assert answer_to_offer(texts["quick.no"]) == "no"
