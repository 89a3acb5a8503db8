"""The text of an uploaded document (PDF, Word .docx, HTML, Markdown, plain text) as
Documents, one per section or run of pages, each titled so that an answer's source says where
in the file it comes from (docs/knowledge.md, "Documents").

`extract_file` is CPU-bound and runs in a worker process (``ctx.file_workers``), never on the
event loop: it takes a path and returns plain, picklable values. Whatever is wrong with a file
is a SourceError whose message names the file and says why; a library's exception never
escapes (broken files make pypdf and python-docx raise almost anything)."""

from __future__ import annotations

import codecs
import importlib
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import docx
import filetype
import yaml
from docx.table import Table
from docx.text.paragraph import Paragraph
from markdown_it import MarkdownIt
from pypdf import PdfReader
from pypdf.generic import Destination

from chatserver.sources.document import Document, SourceError

# More text than this is a dump, not knowledge someone curated: 100 entries of the largest
# size (document.MAX_ENTRY_CHARS), which also bounds the worker's memory.
MAX_TEXT_CHARS = 2_000_000
# Pages shorter than this are put together with the next ones, so that a slide deck does not
# become hundreds of one-line entries; a longer page is a Document of its own.
PAGE_GROUP_CHARS = 3_000
# In a PDF without bookmarks, a line in a font this much larger than the body text's, and no
# longer than HEADING_CHARS, is a heading: it starts a Document.
HEADING_SCALE = 1.15
HEADING_CHARS = 120
# A .docx is a zip: refuse one that would inflate past this before parsing it (a zip bomb).
MAX_DOCX_BYTES = 200_000_000
_HEAD_BYTES = 8192
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MARKDOWN = {".md", ".markdown"}
_TEXT = {".txt", ".text"}
_HTML = {".html", ".htm"}
_TYPES = "a PDF, a Word file (.docx), HTML, Markdown or plain text"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def extract_file(path: str, name: str, *, max_pages: int) -> list[Document]:
    """The Documents of the file at `path`, uploaded as `name`: typed by its content first
    (PDF, DOCX), its extension second (.md, .markdown, .txt, .html, .htm).

    Raises SourceError: file_broken, file_encrypted, file_empty, file_not_text,
    file_too_large, file_too_many_pages (a PDF of more than `max_pages`) or
    file_type_unsupported."""
    src = Path(path)
    kind = _kind(src, name)
    if kind == "pdf":
        docs = _pdf(src, name, max_pages)
    elif kind == "docx":
        docs = _docx(src, name)
    elif kind == "html":
        docs = _html(src, name)
    elif kind == "markdown":
        docs = _markdown(_read_text(src, name), name)
    else:
        docs = [Document(_stem(name), _tidy(_read_text(src, name)))]
    docs = [d for d in docs if d.text.strip()]
    if not docs:
        raise SourceError(f"{name} has no text", code="file_empty")
    _check_size(sum(len(d.text) for d in docs), name)
    return docs


def _kind(path: Path, name: str) -> str:
    with path.open("rb") as f:
        head = f.read(_HEAD_BYTES)
    if not head:
        raise SourceError(f"{name} is empty", code="file_empty")
    ext = Path(name).suffix.lower()
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") and _is_docx(path):
        return "docx"
    if head.startswith(_OLE_MAGIC) and _office_encrypted(path):
        # Word keeps a password-protected .docx inside an OLE container, not a zip.
        raise _encrypted(name)
    if ext in (".pdf", ".docx"):
        raise _broken(name, "a PDF" if ext == ".pdf" else "a Word document")
    guessed = filetype.guess(head)
    if guessed is not None:
        hint = ": save it as .docx and upload that" if ext == ".doc" else f"; upload {_TYPES}"
        raise SourceError(f"{name} is not a document that can be read ({guessed.mime}){hint}",
                          code="file_type_unsupported")
    if ext in _MARKDOWN:
        return "markdown"
    if ext in _TEXT:
        return "text"
    if ext in _HTML or (not ext and head.lstrip()[:15].lower().startswith((b"<!doctype html",
                                                                         b"<html"))):
        return "html"
    raise SourceError(f"{name} is not a type that can be read: upload {_TYPES}",
                      code="file_type_unsupported")


def _is_docx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return "word/document.xml" in z.namelist()
    except Exception:  # any failure means "not a readable zip"
        return False


def _office_encrypted(path: Path) -> bool:
    """An OLE file holding an encrypted Office document (its stream names are UTF-16)."""
    return "EncryptedPackage".encode("utf-16-le") in path.read_bytes()


def _broken(name: str, what: str) -> SourceError:
    return SourceError(f"{name} could not be read: it is damaged or not {what}",
                       code="file_broken")


def _encrypted(name: str) -> SourceError:
    return SourceError(f"{name} is protected by a password: upload a copy saved without one",
                       code="file_encrypted")


def _check_size(chars: int, name: str) -> None:
    if chars > MAX_TEXT_CHARS:
        raise SourceError(f"{name} has more than {MAX_TEXT_CHARS:,} characters of text: split "
                          "it into smaller files", code="file_too_large")


def _stem(name: str) -> str:
    """The title a file's name gives: "Price list.pdf" -> "Price list"."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    return " ".join(stem.split()) or "Untitled"


def _tidy(text: str, *, squeeze: bool = False) -> str:
    """Control characters gone, at most one blank line in a row; `squeeze` (text from a PDF,
    whose spaces are layout): runs of spaces one and lines unindented."""
    text = _CONTROL.sub("", _newlines(text))
    if squeeze:
        lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    else:
        lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n ")


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _read_text(path: Path, name: str) -> str:
    data = path.read_bytes()
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")  # what Windows Notepad calls "Unicode"
        else:
            text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"{name} is not UTF-8 text: save it as UTF-8 and upload it again",
                          code="file_not_text") from None
    if "\x00" in text:
        raise SourceError(f"{name} is not text", code="file_not_text")
    _check_size(len(text), name)
    return text


# PDF


def _pdf(path: Path, name: str, max_pages: int) -> list[Document]:
    try:
        reader = PdfReader(path)
        encrypted = reader.is_encrypted
    except Exception:  # pypdf raises many kinds on a broken file
        raise _broken(name, "a PDF") from None
    if encrypted:
        try:  # no user password: anyone may read it, only editing is restricted
            opened = bool(reader.decrypt(""))
        except Exception:  # an encryption pypdf cannot open
            opened = False
        if not opened:
            raise _encrypted(name)
    try:
        count = len(reader.pages)
    except Exception:
        raise _broken(name, "a PDF") from None
    if count > max_pages:
        raise SourceError(f"{name} has {count} pages; the limit is {max_pages}",
                          code="file_too_many_pages")
    pages: list[str] = []
    lines: list[list[tuple[float, str]]] = []  # per page: its lines' font sizes and text
    total = 0
    for number, page in enumerate(reader.pages, 1):
        sized = _SizedLines()
        try:
            text = _tidy(page.extract_text(visitor_text=sized), squeeze=True)
        except Exception:
            raise SourceError(f"{name} could not be read: page {number} is damaged",
                              code="file_broken") from None
        total += len(text)
        _check_size(total, name)
        pages.append(text)
        lines.append(sized.lines())
    if not any(pages):
        raise SourceError(f"{name} has no text to read: its pages are pictures (a scan?). "
                          "Upload a version with selectable text (run it through OCR)",
                          code="file_empty")
    starts = _outline(reader) or _font_headings(lines)
    return _page_documents(_pdf_title(reader) or _stem(name), pages, starts)


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


def _sections(title: str, blocks: Iterable[tuple[int, str]]) -> list[Document]:
    """Documents from (heading level, text) blocks, level 0 for body text: each heading starts
    one titled by it, after its parent heading ("Shipping — Abroad"); text before the first
    heading is titled `title`."""
    docs: list[Document] = []
    heads: dict[int, str] = {}
    body: list[str] = []
    for level, text in [*blocks, (-1, "end")]:
        if not level or not text:  # an empty heading starts nothing
            if text.strip():
                body.append(text)
            continue
        if body:
            docs.append(Document(title, _tidy("\n\n".join(body))))
            body = []
        if level < 0:
            break
        parent = next((heads[k] for k in range(level - 1, 0, -1) if k in heads), None)
        heads = {k: v for k, v in heads.items() if k < level} | {level: text}
        title = f"{parent} — {text}" if parent else text
    return docs


def _docx(path: Path, name: str) -> list[Document]:
    try:
        with zipfile.ZipFile(path) as z:
            inflated = sum(info.file_size for info in z.infolist())
    except Exception:
        raise _broken(name, "a Word document") from None
    if inflated > MAX_DOCX_BYTES:
        raise SourceError(f"{name} is too large to read ({inflated:,} bytes unpacked)",
                          code="file_too_large")
    try:
        doc = docx.Document(str(path))
        title = " ".join((doc.core_properties.title or "").split()) or _stem(name)
        blocks = list(_docx_blocks(doc.iter_inner_content()))
    except Exception:  # python-docx, lxml and zipfile errors alike
        raise _broken(name, "a Word document") from None
    return _sections(title, blocks)


def _docx_blocks(items: Iterator[Paragraph | Table]) -> Iterator[tuple[int, str]]:
    """Paragraphs (Heading 1 and 2, and Title, as headings) and tables as "cell · cell"
    lines."""
    for item in items:
        if isinstance(item, Paragraph):
            text = " ".join(item.text.split())
            yield _heading_level(item), text
        else:
            lines = []
            for row in item.rows:
                seen: list[object] = []
                cells: list[str] = []
                for cell in row.cells:  # a merged cell comes once per grid column it spans
                    if not any(cell._tc is tc for tc in seen):
                        seen.append(cell._tc)
                        cells.append(" ".join(cell.text.split()))
                if any(cells):
                    lines.append(" · ".join(c for c in cells if c))
            yield 0, "\n".join(lines)


def _heading_level(paragraph: Paragraph) -> int:
    """1 or 2 for a Heading 1 or 2 paragraph (or one in a style based on them; Title counts
    as 1), else 0."""
    style = paragraph.style
    for _ in range(5):
        if style is None:
            return 0
        found = {"title": 1, "heading 1": 1, "heading 2": 2}.get((style.name or "").lower())
        if found:
            return found
        style = style.base_style
    return 0


def _markdown(text: str, name: str) -> list[Document]:
    """Headings of levels 1 to 3 start Documents; a `title:` in YAML front matter, or the
    file's name, titles the text before the first one."""
    title, text = _stem(name), _newlines(text)
    matter = re.match(r"---\n(.*?)\n---[ \t]*(\n|$)", text, re.DOTALL)
    if matter:
        text = text[matter.end():]
        try:
            fields = yaml.safe_load(matter.group(1))
        except yaml.YAMLError:
            fields = None
        if isinstance(fields, dict) and isinstance(fields.get("title"), str | int | float):
            title = " ".join(str(fields["title"]).split()) or title
    lines = text.split("\n")
    tokens = MarkdownIt("commonmark").parse(text)
    blocks: list[tuple[int, str]] = []
    start = 0
    for i, token in enumerate(tokens):
        if (token.type != "heading_open" or token.level != 0 or token.map is None
                or token.tag not in ("h1", "h2", "h3")):
            continue
        blocks.append((0, "\n".join(lines[start:token.map[0]])))
        children = tokens[i + 1].children or []
        heading = "".join(c.content if c.type != "softbreak" else " " for c in children)
        blocks.append((int(token.tag[1]), " ".join(heading.split())))
        start = token.map[1]
    blocks.append((0, "\n".join(lines[start:])))
    return _sections(title, blocks)


def _html(path: Path, name: str) -> list[Document]:
    # sources/html.py (trafilatura) is imported on first use, by name: it is another
    # extractor's module, and the worker that reads only PDFs need not load it.
    module = importlib.import_module("chatserver.sources.html")
    extract: Callable[[bytes, str | None], Document] = module.extract_html
    try:
        doc = extract(path.read_bytes(), None)
    except SourceError as exc:
        raise SourceError(f"{name}: {exc.message}", code=exc.code) from None
    return [Document(" ".join(doc.title.split()) or _stem(name), doc.text)]
