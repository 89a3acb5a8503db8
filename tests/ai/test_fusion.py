"""The hybrid ranking of a dense index (`KnowledgeIndex.search`): the cosine ranking fused
with the BM25 ranking by reciprocal rank, the decision still on the cosines. Made-up unit
vectors, so each entry's cosine with the question is chosen by the test."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from chatserver.ai.base import Passage
from chatserver.ai.knowledge import KnowledgeIndex, decision, dense_texts

pytestmark = pytest.mark.once

ENTRIES: list[dict[str, Any]] = [
    {"id": 1, "kind": "qa", "title": "Which payment methods do you accept?",
     "body": "All major cards and bank transfer."},
    {"id": 2, "kind": "qa", "title": "How long does delivery take?",
     "body": "Two to four working days."},
    {"id": 3, "kind": "qa", "title": "Do you sell the Vortex 9 helmet?",
     "body": "Yes, in three sizes."},
    {"id": 4, "kind": "qa", "title": "Can I return a bike?", "body": "Within 30 days."},
    {"id": 5, "kind": "qa", "title": "Do you repair wheels?", "body": "Yes, while you wait."},
    {"id": 6, "kind": "qa", "title": "Where is the shop?", "body": "12 Harbour Street."},
    {"id": 7, "kind": "qa", "title": "Gift cards", "body": "From 10 to 500 euros."},
    {"id": 8, "kind": "qa", "title": "Opening hours", "body": "Monday to Saturday, 9 to 6."},
]
QUESTION = np.eye(len(ENTRIES) + 1, dtype=np.float32)[0]  # the question's direction


def index(cosines: dict[int, float]) -> KnowledgeIndex:
    """The entries, each of whose rows has the given cosine with QUESTION (orthogonal rest)."""
    vectors = {}
    for n, e in enumerate(ENTRIES, 1):
        c = cosines[e["id"]]
        v = np.zeros(len(ENTRIES) + 1, dtype=np.float32)
        v[0], v[n] = c, np.sqrt(1 - c * c)
        vectors[e["id"]] = np.stack([v] * len(dense_texts(e)))
    built = KnowledgeIndex(ENTRIES, vectors)
    assert built.dense
    return built


# Cosines in the dense order 1, 2, 4, 5, 6, 7, 8, 3: the helmet entry is last by meaning.
COSINES = {1: 0.86, 2: 0.85, 4: 0.84, 5: 0.83, 6: 0.82, 7: 0.81, 8: 0.80, 3: 0.79}


def ids(passages: list[Passage]) -> list[int]:
    return [p.entry_id for p in passages]


def test_an_entry_found_only_by_its_words_is_still_ranked() -> None:
    kb = index({**COSINES, 3: 0.815})  # dense rank 6 of 8; BM25 finds it alone
    hits = kb.search("vortex 9 helmet", k=3, vector=QUESTION)
    assert ids(hits) == [1, 2, 3]
    assert ids(kb.search("vortex 9 helmet", k=3, vector=QUESTION, lexical_weight=0)) == \
        [1, 2, 4]
    helmet = hits[2]
    assert helmet.similarity == pytest.approx(0.815, abs=1e-5)  # still its cosine
    assert helmet.score == helmet.similarity and helmet.coverage == 1.0


def test_the_words_never_displace_a_clear_dense_best() -> None:
    kb = index({**COSINES, 3: 0.85, 2: 0.84})  # dense rank 2, BM25 rank 1
    assert ids(kb.search("vortex 9 helmet", k=3, vector=QUESTION)) == [1, 3, 2]


def test_a_question_in_another_language_keeps_the_dense_order() -> None:
    """BM25 finds nothing in a Spanish question against English entries: the dense order."""
    kb = index(COSINES)
    question = "¿Cuánto tarda en llegar mi pedido?"
    assert ids(kb.search(question, k=8, vector=QUESTION)) == \
        ids(kb.search(question, k=8, vector=QUESTION, lexical_weight=0)) == \
        [1, 2, 4, 5, 6, 7, 8, 3]


def test_the_decision_is_on_the_cosines_of_the_first_and_best_other() -> None:
    """A first entry that another outscores by cosine (a heavier lexical weight than the
    product's) has a negative margin: declined, not answered."""
    kb = index({**COSINES, 1: 0.90, 3: 0.88})
    fused = kb.search("vortex 9 helmet", k=3, vector=QUESTION, lexical_weight=2.0)
    assert ids(fused)[0] == 3
    assert decision(fused) == "decline"
    clear = index({**COSINES, 1: 0.93})
    assert decision(clear.search("card payment", k=3, vector=QUESTION)) == "answer"


def test_without_vectors_search_is_bm25() -> None:
    hits = KnowledgeIndex(ENTRIES).search("vortex 9 helmet")
    assert ids(hits)[:1] == [3] and hits[0].similarity is None
