"""What every extractor returns (a Document per page or file section) and how a Document
becomes knowledge-base entries."""

from __future__ import annotations

from dataclasses import dataclass

from chatserver.errors import ParleyError

# An entry's body is at most this long (services/knowledge.MAX_BODY); a longer document is
# split at paragraph boundaries into parts titled "Title (2)", "Title (3)"…
MAX_ENTRY_CHARS = 20_000
MAX_TITLE_CHARS = 500


@dataclass(frozen=True)
class Document:
    """A page's or a file's main text. `text`'s paragraphs are separated by blank lines;
    `url` is the page's final URL (after redirects), None for an uploaded file."""

    title: str
    text: str
    url: str | None = None


class SourceError(ParleyError):
    """A page or file that cannot be used; the message names it and says why (`code`:
    file_broken, file_encrypted, file_empty, file_too_large, file_type_unsupported,
    url_refused, url_unreachable, …)."""

    code, status = "source_failed", 422


def split_paragraphs(text: str, limit: int = MAX_ENTRY_CHARS) -> list[str]:
    """`text` cut into parts of at most `limit` characters, at paragraph boundaries where it
    can be (a paragraph longer than `limit` is cut at a space)."""
    parts: list[str] = []
    current = ""
    for para in (p.strip() for p in text.split("\n\n")):
        while len(para) > limit:
            cut = para.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            head, para = para[:cut].rstrip(), para[cut:].lstrip()
            if current:
                parts.append(current)
                current = ""
            parts.append(head)
        if not para:
            continue
        if current and len(current) + 2 + len(para) > limit:
            parts.append(current)
            current = ""
        current = f"{current}\n\n{para}" if current else para
    if current:
        parts.append(current)
    return parts


def to_entries(doc: Document) -> list[dict[str, str | None]]:
    """The article entries of a document: kind, title, body and url, in order."""
    title = " ".join(doc.title.split())[:MAX_TITLE_CHARS - 8] or (doc.url or "Untitled")
    parts = split_paragraphs(doc.text)
    return [{"kind": "article", "title": title if i == 0 else f"{title} ({i + 1})",
             "body": body, "url": doc.url} for i, body in enumerate(parts)]
