"""The knowledge-source benches' inputs: bench/knowledge_sources.py's generated site (200
distinct pages whose main text, not their navigation, is what the extractor keeps) and
bench/ai_imported.py's pages and PDF made of the labelled entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.ai_eval import load_sets
from bench.ai_imported import Attribution, html_documents, imported_entries, pdf_documents
from bench.knowledge_sources import generate_site, render
from chatserver.sources.html import extract_html

pytestmark = pytest.mark.once


def test_the_site_has_200_distinct_pages_with_main_text_among_navigation() -> None:
    pages = generate_site(200)
    assert len(pages) == 200
    assert len({title for title, _ in pages.values()}) == 200
    assert len({"\n".join(paragraphs) for _, paragraphs in pages.values()}) == 200
    assert all(2 <= len(paragraphs) <= 4 for _, paragraphs in pages.values())
    assert generate_site(200) == pages  # seeded: every run imports the same text
    for path in list(pages)[:3]:
        title, paragraphs = pages[path]
        doc = extract_html(render(title, paragraphs, ["/"]).encode(), "http://127.0.0.1" + path)
        assert doc.title == title
        assert paragraphs[0] in doc.text
        assert "cookies" not in doc.text and "All rights reserved" not in doc.text


def test_the_imported_knowledge_bench_traces_each_passage_to_its_entry(
        tmp_path: Path) -> None:
    """bench/ai_imported.py counts an imported passage as the labelled entry it came from:
    each page, and each section of a PDF (a page each, or flowing), traces back to its own
    entry."""
    business = next(b for b in load_sets("all") if b["file"] == "bike_shop.json")
    entries = business["entries"]
    attribute = Attribution(entries)
    pages = imported_entries(html_documents(entries, "Bikes"))
    assert [attribute(f"{e['title']} {e['body']}") for e in pages] == [e["id"] for e in entries]
    assert not any("cookies" in e["body"] for e in pages)
    paged = imported_entries(pdf_documents(entries, "Bikes", tmp_path / "g.pdf", paged=True))
    assert [attribute(e["body"]) for e in paged] == [e["id"] for e in entries]
    flowing = imported_entries(pdf_documents(entries, "Bikes", tmp_path / "f.pdf"))
    assert [attribute(e["body"]) for e in flowing] == [e["id"] for e in entries]  # cut at headings
