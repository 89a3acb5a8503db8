"""What the document readers share (files.py, pdf.py): their errors, limits and tidying."""

from __future__ import annotations

import re

from chatserver.sources.document import SourceError

# More text than this is a dump, not knowledge someone curated: 100 entries of the largest
# size (document.MAX_ENTRY_CHARS), which also bounds the worker's memory.
MAX_TEXT_CHARS = 2_000_000
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def broken(name: str, what: str) -> SourceError:
    return SourceError(f"{name} could not be read: it is damaged or not {what}",
                       code="file_broken")


def encrypted(name: str) -> SourceError:
    return SourceError(f"{name} is protected by a password: upload a copy saved without one",
                       code="file_encrypted")


def check_size(chars: int, name: str) -> None:
    if chars > MAX_TEXT_CHARS:
        raise SourceError(f"{name} has more than {MAX_TEXT_CHARS:,} characters of text: split "
                          "it into smaller files", code="file_too_large")


def stem(name: str) -> str:
    """The title a file's name gives: "Price list.pdf" -> "Price list"."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    return " ".join(stem.split()) or "Untitled"


def tidy(text: str, *, squeeze: bool = False) -> str:
    """Control characters gone, at most one blank line in a row; `squeeze` (text from a PDF,
    whose spaces are layout): runs of spaces one and lines unindented."""
    text = CONTROL.sub("", newlines(text))
    if squeeze:
        lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.split("\n")]
    else:
        lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n ")


def newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
