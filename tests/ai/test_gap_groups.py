"""Grouping unanswered questions (services/knowledge_gaps.py), without a server."""

from __future__ import annotations

import numpy as np
import pytest

from chatserver.services.knowledge_gaps import SAME_QUESTION, group_by_terms, group_by_vectors

pytestmark = pytest.mark.once


def test_vectors_join_the_first_close_group() -> None:
    a = np.array([1.0, 0.0])
    near = np.array([SAME_QUESTION + 0.01, np.sqrt(1 - (SAME_QUESTION + 0.01) ** 2)])
    far = np.array([0.0, 1.0])
    assert group_by_vectors(np.stack([a, far, near, a])) == [[0, 2, 3], [1]]


def test_without_the_model_shared_words_group() -> None:
    texts = ["Do you sell gift cards?", "gift cards, do you sell them", "Student discount?",
             "??", "??"]
    assert group_by_terms(texts) == [[0, 1], [2], [3, 4]]
