"""Does knowledge imported from web pages or a PDF answer as well as the same knowledge typed
as Q&A entries? The labelled questions of one business (tests/ai/eval/, tune split by
default) run through the product's retrieval (bench/ai_eval.py's `parley`) three times:

- qa:   the business's entries as they are (Q&A pairs);
- html: one web page per entry (navigation, cookie banner and footer around; the entry's
        title as <h1>, its answer as the text), each read back with `extract_html` and turned
        into article entries with `to_entries`, as a web source is imported;
- pdf:  one PDF (fpdf2) with a bookmarked heading per entry, the entries flowing one after
        another over the pages, read back with `extract_file` (which cuts it at each
        bookmark's heading line, so each section becomes an article of its own);
- pdf-paged: the same PDF with each entry on a page of its own (each bookmark starts a page,
        so each section starts a page).

An imported passage counts as the labelled entry whose page or section its text came from
(most shared word trigrams with the entry's title and answer), so right / wrong / declined
mean the same as in bench/ai_eval.py.

    .venv/bin/python -m bench.ai_imported [--business bike_shop] [--misses]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path
from typing import Any

from bench.ai_eval import HEADER, Parley, Ranked, Result, Tally, load_sets
from chatserver.ai.base import Turn
from chatserver.ai.knowledge import KnowledgeIndex
from chatserver.sources.document import Document, to_entries
from chatserver.sources.files import extract_file
from chatserver.sources.html import extract_html

NAV = ('<header><nav class="menu"><a href="/">Home</a> <a href="/shop">Shop</a> '
       '<a href="/help">Help</a> <a href="/login">Sign in to your account</a></nav></header>')
COOKIES = ('<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your '
           "experience. By clicking accept you agree to all cookies.</p><button>Accept all "
           "cookies</button></div>")
FOOTER = ("<footer><p>Copyright 2026. All rights reserved.</p><p><a href=\"/imprint\">"
          'Imprint</a> · <a href="/privacy">Privacy policy</a></p></footer>')
VARIANTS = ("qa", "html", "pdf", "pdf-paged")
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def page(entry: dict[str, Any], business: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in entry["body"].split("\n\n"))
    return (f"<!doctype html><html><head><title>{entry['title']} | {business}</title></head>"
            f"<body>{NAV}{COOKIES}<main><article><h1>{entry['title']}</h1>{paragraphs}"
            f"</article></main>{FOOTER}</body></html>")


def html_documents(entries: list[dict[str, Any]], business: str) -> list[Document]:
    return [extract_html(page(e, business).encode(), f"https://shop.example/help/{e['id']}")
            for e in entries]


def pdf_documents(entries: list[dict[str, Any]], business: str, path: Path,
                  paged: bool = False) -> list[Document]:
    """The entries as one PDF, flowing (`paged`: each on a page of its own), read back."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(f"{business} customer guide")
    if (FONT_DIR / "DejaVuSans.ttf").exists():  # Unicode (€, accents); the core fonts are Latin-1
        pdf.add_font("Body", "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font("Body", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        family = "Body"
    else:
        family = "Helvetica"
    pdf.add_page()
    for n, e in enumerate(entries):
        if paged and n:
            pdf.add_page()
        pdf.start_section(e["title"])  # a bookmark, as a word processor's heading makes
        pdf.set_font(family, "B", 14)
        pdf.multi_cell(0, 8, e["title"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 11)
        for para in e["body"].split("\n\n"):
            pdf.multi_cell(0, 6, para, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        pdf.ln(4)
    pdf.output(str(path))
    return extract_file(str(path), path.name, max_pages=500)


def trigrams(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i:i + 3]) for i in range(max(0, len(words) - 2))}


class Attribution:
    """Which labelled entry an imported passage's text came from."""

    def __init__(self, entries: list[dict[str, Any]]) -> None:
        self.grams = {e["id"]: trigrams(f"{e['title']} {e['body']}") for e in entries}
        self.cache: dict[str, int | None] = {}

    def __call__(self, text: str) -> int | None:
        if text not in self.cache:
            mine = trigrams(text)
            best = max(self.grams, key=lambda eid: len(mine & self.grams[eid]))
            self.cache[text] = best if mine & self.grams[best] else None
        return self.cache[text]


def imported_entries(docs: list[Document]) -> list[dict[str, Any]]:
    """The article entries a source of `docs` becomes, numbered from 1001 (no labelled id)."""
    rows = [e for doc in docs for e in to_entries(doc)]
    return [{**e, "id": 1001 + i} for i, e in enumerate(rows)]


def rank_imported(retriever: Parley, index: KnowledgeIndex, history: list[Turn],
                  attribute: Attribution) -> Ranked:
    """The product's ranking and decision on the imported entries, each passage counted as
    the labelled entry it came from (best score per labelled entry, best first)."""
    from chatserver.ai.knowledge import query_text as product_query

    vector = retriever.embedder.embed_query(product_query(history))
    wide = index.search(history[-1].text, k=len(index.titles()), vector=vector,
                        lexical_weight=retriever.lexical_weight)
    ranked = retriever.rank_turns(index, history)  # the decision (answered) on the same query
    best: dict[int, float] = {}
    for p in wide:
        eid = attribute(f"{p.title} {p.text}")
        if eid is not None and eid not in best:
            best[eid] = p.score
    return Ranked(list(best.items()), ranked.answered)


def run(business: dict[str, Any], variant: str, retriever: Parley) -> list[Result]:
    entries = business["entries"]
    name = business["business"]
    attribute = Attribution(entries)
    if variant == "qa":
        rows, index = entries, retriever.index(entries)
    else:
        with tempfile.TemporaryDirectory(prefix="parley-imported-") as tmp:
            docs = html_documents(entries, name) if variant == "html" else \
                pdf_documents(entries, name, Path(tmp) / "guide.pdf",
                              paged=variant == "pdf-paged")
        rows = imported_entries(docs)
        index = retriever.index(rows)
    results = []
    for q in business["questions"]:
        turns = [Turn("visitor", t) for t in (q.get("previous"), q["text"]) if t]
        ranked = retriever.rank_turns(index, turns) if variant == "qa" else \
            rank_imported(retriever, index, turns, attribute)
        results.append(Result(q, business["file"].removesuffix(".json"), ranked))
    print(f"{variant}: {len(rows)} entries indexed")
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--business", default="bike_shop", help="a file name in tests/ai/eval/")
    ap.add_argument("--misses", action="store_true", help="list the questions that differ")
    args = ap.parse_args()
    business = next(b for b in load_sets("all") if b["file"] == f"{args.business}.json")
    retriever = Parley()
    outcomes: dict[str, list[Result]] = {}
    print(f"{'variant':<22}" + HEADER[22:])
    rows = []
    for variant in VARIANTS:
        outcomes[variant] = results = run(business, variant, retriever)
        all_, in_scope = Tally(), Tally()
        for r in results:
            all_.add(r)
            if r.expected is not None:
                in_scope.add(r)
        rows += [all_.row(f"{variant} all"), in_scope.row(f"{variant} in-scope")]
    print("\n".join([HEADER, *rows]))
    if args.misses:
        for variant in VARIANTS[1:]:
            for qa, imp in zip(outcomes["qa"], outcomes[variant], strict=True):
                if qa.outcome() != imp.outcome():
                    print(f"{variant}: {qa.question['text']!r} expected {qa.expected}: "
                          f"qa {qa.outcome()} -> {imp.outcome()} (top {imp.ranked.top})")


if __name__ == "__main__":
    main()
