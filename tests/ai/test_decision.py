"""Answer, hedge or decline on made-up dense scores (`decide`, `decision`), and what the
offline responder says for each."""

from __future__ import annotations

from typing import Any

import pytest

from chatserver.ai.base import AIRequest, Passage, Turn
from chatserver.ai.knowledge import (
    ANSWER_MARGIN,
    HEDGE_MARGIN,
    HEDGE_SIMILARITY,
    MIN_SIMILARITY,
    decide,
    decision,
    query_text,
)
from chatserver.ai.offline import OfflineResponder

RULE = {"answer_min": 0.87, "hedge_min": 0.84, "hedge_margin": 0.035, "answer_margin": 0.01}


@pytest.mark.parametrize(("best", "second", "expected"), [
    (0.95, 0.80, "answer"),     # confident, far ahead
    (0.87, 0.855, "answer"),    # at the threshold, leading by more than the answer margin
    (0.90, 0.895, "decline"),   # confident but two entries tie: neither answered nor hedged
    (0.90, 0.88, "answer"),     # confident, leading by 0.02
    (0.86, 0.80, "hedge"),      # middling, clearly ahead
    (0.84, 0.80, "hedge"),      # at the hedge threshold, leading by more than its margin
    (0.86, 0.84, "decline"),    # middling and not ahead: a near miss between two entries
    (0.839, 0.70, "decline"),   # below the hedge band
    (0.86, None, "hedge"),      # a knowledge base of one entry: no second to lead
    (0.87, None, "answer"),
])
def test_decide(best: float, second: float | None, expected: str) -> None:
    assert decide(best, second, **RULE) == expected


def test_the_defaults_are_the_tuned_ones() -> None:
    assert (MIN_SIMILARITY, ANSWER_MARGIN, HEDGE_SIMILARITY, HEDGE_MARGIN) == \
        (0.875, 0.01, 0.84, 0.035)
    assert decide(0.86, 0.80) == "hedge" and decide(0.88, 0.70) == "answer"


def test_no_hedge_band_when_it_starts_at_the_answer_threshold() -> None:
    assert decide(0.86, 0.70, answer_min=0.87, hedge_min=0.87) == "decline"


def _dense(*scores: float) -> list[Passage]:
    return [Passage(i + 1, f"Entry {i + 1}?", f"Answer {i + 1}.", s, 0.0, similarity=s)
            for i, s in enumerate(scores)]


def test_decision_on_passages() -> None:
    assert decision(_dense(0.93, 0.81)) == "answer"
    assert decision(_dense(0.855, 0.81)) == "hedge"
    assert decision(_dense(0.855, 0.85)) == "decline"
    assert decision(_dense(0.855, 0.81), 0.85) == "answer"
    assert decision(_dense(0.855, 0.81), hedge_similarity=0.87) == "decline"
    assert decision([]) == "decline"
    bm25 = [Passage(1, "Shipping?", "Two days.", 3.0, 1.0, 2, 2)]
    assert decision(bm25) == "answer"  # BM25: confident() or decline, never a hedge


def test_the_previous_visitor_message_always_goes_in_front() -> None:
    history = [Turn("visitor", "do you sell gift cards?"), Turn("ai", "Yes."),
               Turn("visitor", "and is there a limit on how much I can load onto one of them?")]
    assert query_text(history) == ("do you sell gift cards? and is there a limit on how much "
                                   "I can load onto one of them?")
    assert query_text(history[:1]) == "do you sell gift cards?"
    assert query_text([]) == ""


async def _respond(passages: list[Passage], language: str = "en") -> tuple[str, Any]:
    pieces: list[str] = []

    async def emit(text: str) -> None:
        pieces.append(text)

    outcome = await OfflineResponder().respond(AIRequest(
        business_name="Acme", history=[Turn("visitor", "when does my parcel arrive?")],
        passages=passages, settings={}, language=language), emit)
    return "".join(pieces), outcome


@pytest.mark.parametrize(("language", "lead_in", "offer"), [
    ("en", "This might help:", "a person?"),
    ("es", "Esto podría ayudarle:", "persona?"),
    ("fr", "Ceci pourrait vous aider :", "personne ?"),
    ("de", "Vielleicht hilft Ihnen das:", "verbinden?"),
])
async def test_a_middling_match_is_hedged_with_an_offer(io_loop: Any, language: str,
                                                        lead_in: str, offer: str) -> None:
    text, outcome = await _respond(_dense(0.855, 0.80), language)
    assert text.startswith(lead_in + "\n\nAnswer 1.") and text.endswith(offer), text
    assert outcome.sources == [1] and outcome.offer and not outcome.no_match


async def test_a_confident_match_answers_and_a_tie_declines(io_loop: Any) -> None:
    text, outcome = await _respond(_dense(0.92, 0.80))
    assert text == "Answer 1." and outcome.sources == [1] and not outcome.offer
    text, outcome = await _respond(_dense(0.86, 0.85))
    assert outcome.no_match and not outcome.sources and "person" in text
