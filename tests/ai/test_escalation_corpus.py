"""Escalation detection against the labelled corpus: recall per reason, false escalations."""

from __future__ import annotations

from collections import Counter

from chatserver.ai.base import Turn
from chatserver.ai.escalation import detect
from tests.ai import load_corpus

MIN_RECALL = 0.90
MAX_FALSE_ESCALATIONS = 0.05


def test_detection_recall_and_false_escalations() -> None:
    items = load_corpus()
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    misses: list[str] = []
    for item in items:
        history = [Turn(t["role"], t["text"]) for t in item["turns"]]
        got = detect(history) or "none"
        totals[item["expect"]] += 1
        if got == item["expect"]:
            hits[item["expect"]] += 1
        else:
            misses.append(f"{item['id']}: expected {item['expect']}, got {got}: "
                          f"{history[-1].text!r}")
    print()
    for label in sorted(totals):
        print(f"{label:18} {hits[label]:3}/{totals[label]:3} = {hits[label] / totals[label]:.0%}")
    false_rate = 1 - hits["none"] / totals["none"]
    print(f"false escalations: {false_rate:.1%} of {totals['none']} ordinary conversations")
    print("\n".join(misses))
    for label in ("explicit_request", "frustration", "repeated_failure"):
        assert hits[label] / totals[label] >= MIN_RECALL, (label, misses)
    assert false_rate <= MAX_FALSE_ESCALATIONS, misses
