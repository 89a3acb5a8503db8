"""A PDF's text as Documents (files.extract_file reads PDFs through `read_pdf`): runs of
pages, cut at the headings wherever they stand on the page (bookmarks found as lines, or
lines in a larger font), each titled by its heading."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import Destination

from chatserver.sources.document import Document, SourceError
from chatserver.sources.text import broken, check_size, stem, tidy
from chatserver.sources.text import encrypted as locked

# Pages shorter than this are put together with the next ones, so that a slide deck does not
# become hundreds of one-line entries; a longer page is a Document of its own.
PAGE_GROUP_CHARS = 3_000
# In a PDF without bookmarks, a line in a font this much larger than the body text's, and no
# longer than HEADING_CHARS, is a heading: it starts a Document.
HEADING_SCALE = 1.15
HEADING_CHARS = 120


def read_pdf(path: Path, name: str, max_pages: int) -> list[Document]:
    try:
        reader = PdfReader(path)
        encrypted = reader.is_encrypted
    except Exception:  # pypdf raises many kinds on a broken file
        raise broken(name, "a PDF") from None
    if encrypted:
        try:  # no user password: anyone may read it, only editing is restricted
            opened = bool(reader.decrypt(""))
        except Exception:  # an encryption pypdf cannot open
            opened = False
        if not opened:
            raise locked(name)
    try:
        count = len(reader.pages)
    except Exception:
        raise broken(name, "a PDF") from None
    if count > max_pages:
        raise SourceError(f"{name} has {count} pages; the limit is {max_pages}",
                          code="file_too_many_pages")
    pages: list[str] = []
    lines: list[list[tuple[float, str]]] = []  # per page: its lines' font sizes and text
    total = 0
    for number, page in enumerate(reader.pages, 1):
        sized = _SizedLines()
        try:
            text = tidy(page.extract_text(visitor_text=sized), squeeze=True)
        except Exception:
            raise SourceError(f"{name} could not be read: page {number} is damaged",
                              code="file_broken") from None
        total += len(text)
        check_size(total, name)
        pages.append(text)
        lines.append(sized.lines())
    if not any(pages):
        raise SourceError(f"{name} has no text to read: its pages are pictures (a scan?). "
                          "Upload a version with selectable text (run it through OCR)",
                          code="file_empty")
    starts = _outline(reader) or _font_headings(lines)
    return _page_documents(_pdf_title(reader) or stem(name), pages, starts)


class _SizedLines:
    """pypdf's `visitor_text`: the page's text pieces gathered into lines (same baseline),
    each with the smallest font size on it."""

    def __init__(self) -> None:
        self.pieces: list[tuple[float, float, str]] = []  # baseline, font size, text

    def __call__(self, text: str, cm: list[float], tm: list[float], font: object,
                 size: float) -> None:
        if text.strip():
            scale = abs(tm[3] * cm[3]) or 1.0
            self.pieces.append((round(tm[5] * cm[3] + cm[5], 1), size * scale, text))

    def lines(self) -> list[tuple[float, str]]:
        out: list[tuple[float, float, list[str]]] = []
        for y, size, text in self.pieces:
            if out and out[-1][0] == y:
                out[-1] = (y, min(out[-1][1], size), [*out[-1][2], text])
            else:
                out.append((y, size, [text]))
        return [(size, " ".join(" ".join(parts).split())) for _, size, parts in out]


def _font_headings(pages: list[list[tuple[float, str]]]) -> dict[int, list[str]]:
    """Page index -> the headings on it, for a PDF without bookmarks: short lines (a wrapped
    heading's lines joined) in a font at least HEADING_SCALE times the body text's (the size
    most of the characters are in). None when the body's size is the only one."""
    chars: dict[float, int] = {}
    for page in pages:
        for size, text in page:
            chars[round(size, 1)] = chars.get(round(size, 1), 0) + len(text)
    if not chars:
        return {}
    body = max(chars, key=lambda size: chars[size])
    starts: dict[int, list[str]] = {}
    for i, page in enumerate(pages):
        heads: list[str] = []
        previous = False  # the line before was a heading line too
        for size, text in page:
            heading = (size >= body * HEADING_SCALE and len(text) <= HEADING_CHARS
                       and any(c.isalpha() for c in text))
            if heading and previous and len(heads[-1]) + len(text) < HEADING_CHARS:
                heads[-1] = f"{heads[-1]} {text}"
            elif heading:
                heads.append(text)
            previous = heading
        if heads:
            starts[i] = heads
    return starts


def _pdf_title(reader: PdfReader) -> str | None:
    """The title in the PDF's properties, unless it is a file name ("Microsoft Word -
    Guide.docx") or a placeholder."""
    try:
        info = reader.metadata
        title = " ".join(str(info.title or "").split()) if info is not None else ""
    except Exception:  # a damaged info dictionary: no title
        return None
    if not title or re.search(r"\.\w{2,4}$", title) or title.lower() in {"untitled", "title"}:
        return None
    return title


def _outline(reader: PdfReader) -> dict[int, list[str]]:
    """Page index -> the bookmarks (of the first two levels) on it, in outline order."""
    starts: dict[int, list[str]] = {}

    def walk(items: Iterable[object], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                if depth < 2:
                    walk(item, depth + 1)
            elif isinstance(item, Destination):
                page = reader.get_destination_page_number(item)
                title = " ".join(str(item.title or "").split())
                if page is not None and page >= 0 and title:
                    starts.setdefault(page, []).append(title)

    try:
        walk(reader.outline, 1)
    except Exception:  # a damaged outline: split by pages only
        return {}
    return starts


def _page_documents(title: str, pages: list[str],
                    starts: dict[int, list[str]]) -> list[Document]:
    """Runs of pages as Documents titled "Returns" (its heading) or "Guide (p. 3)": a run
    ends at a heading (a bookmark or a heading line, `starts`) or when it reaches
    PAGE_GROUP_CHARS. A heading found as a line of its page's text starts its section there
    (the line itself left out: it is the title), so sections that flow one after another
    over the pages are cut apart; a page's first heading not found starts its section with
    the page, a later one is looked for on the next page (a bookmark set just before a page
    break points to the page before its heading)."""
    runs: list[tuple[str | None, list[tuple[int, str]]]] = []
    section: str | None = None
    size, fresh = 0, True
    missed: list[str] = []
    for i, page in enumerate(pages):
        pieces, missed = _cut_at_headings(page, [*missed, *starts.get(i, [])])
        for heading, text in pieces:
            if heading is not None:
                section, fresh = heading, True
            if not text:
                continue
            if fresh or size + len(text) > PAGE_GROUP_CHARS:
                runs.append((section, []))
                size, fresh = 0, False
            runs[-1][1].append((i, text))
            size += len(text)
    docs: list[Document] = []
    titles: set[str] = set()
    for heading, run in runs:
        first, last = run[0][0] + 1, run[-1][0] + 1
        where = f"p. {first}" if first == last else f"pp. {first}–{last}"
        text = "\n\n".join(t for _, t in run)
        # A section is named by its heading alone: the file's title and the pages in it
        # dilute the title's vector (bench/ai_imported.py: 17-18 of 51 answered against 24
        # for the same knowledge typed; heading alone: 24). The pages name a run without a
        # heading, and a heading met again (a long section's next run, a repeated heading).
        head = heading if heading and heading not in titles else \
            f"{heading or title} ({where})" if len(pages) > 1 else (heading or title)
        titles.add(head)
        docs.append(Document(head, text))
    return docs


def _cut_at_headings(text: str, headings: list[str]
                     ) -> tuple[list[tuple[str | None, str]], list[str]]:
    """A page's text as (heading that starts here or None, text) pieces, cut before each of
    `headings` that is a whole line (or wrapped over lines) of it, in order; the first one,
    when it is not found, starts the page. And the later headings not found."""
    pieces: list[tuple[str | None, str]] = []
    missed: list[str] = []
    current: str | None = None
    pos = 0
    for n, heading in enumerate(headings):
        pattern = r"(?m)^[ \t]*" + r"\s+".join(map(re.escape, heading.split())) + r"[ \t]*$"
        found = re.compile(pattern).search(text, pos)
        if found is None:
            if n == 0:
                current = heading
            else:
                missed.append(heading)
            continue
        pieces.append((current, text[pos:found.start()].strip()))
        current, pos = heading, found.end()
    pieces.append((current, text[pos:].strip()))
    return [(h, t) for h, t in pieces if h is not None or t], missed


# Word, Markdown: headings start Documents
