"""The knowledge-sources bench's generated site (bench/knowledge_sources.py): 200 distinct
pages whose main text, not their navigation, is what the extractor keeps."""

from __future__ import annotations

import pytest

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
