"""A document becomes article entries of at most MAX_ENTRY_CHARS, cut at paragraphs."""

import pytest

from chatserver.sources.document import Document, split_paragraphs, to_entries

pytestmark = pytest.mark.once


def test_paragraphs_are_packed_up_to_the_limit() -> None:
    text = "\n\n".join(["a" * 100] * 5)
    assert split_paragraphs(text, 250) == ["a" * 100 + "\n\n" + "a" * 100] * 2 + ["a" * 100]


def test_a_paragraph_longer_than_the_limit_is_cut_at_a_space() -> None:
    text = " ".join(["word"] * 100)
    parts = split_paragraphs(text, 50)
    assert all(len(p) <= 50 for p in parts)
    assert " ".join(parts) == text


def test_entries_keep_the_url_and_number_their_parts() -> None:
    doc = Document("Shipping  rates", "\n\n".join(["x" * 15_000] * 2), "https://shop.test/ship")
    entries = to_entries(doc)
    assert [e["title"] for e in entries] == ["Shipping rates", "Shipping rates (2)"]
    assert {e["url"] for e in entries} == {"https://shop.test/ship"}
    assert {e["kind"] for e in entries} == {"article"}


def test_an_empty_title_falls_back_to_the_url() -> None:
    assert to_entries(Document("  ", "text", "https://a.test/"))[0]["title"] == "https://a.test/"
