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

from chatserver.sources.document import Document, SourceError
from chatserver.sources.pdf import read_pdf
from chatserver.sources.text import (
    broken,
    check_size,
    encrypted,
    newlines,
    stem,
    tidy,
)

# A .docx is a zip: refuse one that would inflate past this before parsing it (a zip bomb).
MAX_DOCX_BYTES = 200_000_000
_HEAD_BYTES = 8192
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MARKDOWN = {".md", ".markdown"}
_TEXT = {".txt", ".text"}
_HTML = {".html", ".htm"}
_TYPES = "a PDF, a Word file (.docx), HTML, Markdown or plain text"


def extract_file(path: str, name: str, *, max_pages: int) -> list[Document]:
    """The Documents of the file at `path`, uploaded as `name`: typed by its content first
    (PDF, DOCX), its extension second (.md, .markdown, .txt, .html, .htm).

    Raises SourceError: file_broken, file_encrypted, file_empty, file_not_text,
    file_too_large, file_too_many_pages (a PDF of more than `max_pages`) or
    file_type_unsupported."""
    src = Path(path)
    kind = _kind(src, name)
    if kind == "pdf":
        docs = read_pdf(src, name, max_pages)
    elif kind == "docx":
        docs = _docx(src, name)
    elif kind == "html":
        docs = _html(src, name)
    elif kind == "markdown":
        docs = _markdown(_read_text(src, name), name)
    else:
        docs = [Document(stem(name), tidy(_read_text(src, name)))]
    docs = [d for d in docs if d.text.strip()]
    if not docs:
        raise SourceError(f"{name} has no text", code="file_empty")
    check_size(sum(len(d.text) for d in docs), name)
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
        raise encrypted(name)
    if ext in (".pdf", ".docx"):
        raise broken(name, "a PDF" if ext == ".pdf" else "a Word document")
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
    check_size(len(text), name)
    return text


# PDF


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
            docs.append(Document(title, tidy("\n\n".join(body))))
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
        raise broken(name, "a Word document") from None
    if inflated > MAX_DOCX_BYTES:
        raise SourceError(f"{name} is too large to read ({inflated:,} bytes unpacked)",
                          code="file_too_large")
    try:
        doc = docx.Document(str(path))
        title = " ".join((doc.core_properties.title or "").split()) or stem(name)
        blocks = list(_docx_blocks(doc.iter_inner_content()))
    except Exception:  # python-docx, lxml and zipfile errors alike
        raise broken(name, "a Word document") from None
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
    title, text = stem(name), newlines(text)
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
    return [Document(" ".join(doc.title.split()) or stem(name), doc.text)]
