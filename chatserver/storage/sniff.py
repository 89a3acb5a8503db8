"""What an uploaded file is, from its content (never its name or the browser's claim), and a
file name made safe to show and store. Pure functions: the service runs them off the loop."""

from __future__ import annotations

import codecs
import posixpath
import unicodedata
from pathlib import Path

import filetype

from chatserver.errors import ParleyError

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
# Markup that a browser would run or render: never accepted, whatever the allowlist says.
_MARKUP = frozenset({"text/html", "image/svg+xml", "application/xml", "text/xml",
                     "application/xhtml+xml"})
_HEAD_BYTES = 8192
NAME_MAX = 255


class FileRefused(ParleyError):
    """An upload refused for what it is (type, size, image)."""

    status = 422


def not_allowed(kind: str) -> FileRefused:
    return FileRefused(f"files of this type ({kind}) may not be uploaded",
                       code="file_type_not_allowed", status=415)


def sniff(path: Path, name: str, allowed: frozenset[str]) -> str:
    """The file's type from its magic bytes, or text/plain (text/csv when named .csv) for
    valid UTF-8 without NUL bytes. Raises ``file_type_not_allowed`` for anything not in
    ``allowed``, markup (HTML, SVG, XML) always, and what cannot be told."""
    with path.open("rb") as f:
        head = f.read(_HEAD_BYTES)
    kind = filetype.guess(head)
    if kind is not None:
        mime = str(kind.mime)
    elif _looks_like_markup(head):
        raise not_allowed("markup")
    elif _is_utf8_text(path):
        mime = "text/csv" if name.lower().endswith(".csv") else "text/plain"
    else:
        raise not_allowed("unknown")
    if mime in _MARKUP or mime not in allowed:
        raise not_allowed(mime)
    return mime


def _looks_like_markup(head: bytes) -> bool:
    """Text that starts like HTML, SVG or XML (after a BOM and blank space)."""
    text = head.removeprefix(codecs.BOM_UTF8).lstrip().lower()
    if not text.startswith(b"<"):
        return False
    return text[1:2].isalpha() or text[1:2] in (b"!", b"?", b"/")


def _is_utf8_text(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as f:
        try:
            while chunk := f.read(256 * 1024):
                if b"\0" in chunk:
                    return False
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def sanitize_name(raw: str | None) -> str:
    """The base name only, NFC, without control or format characters, slashes or
    backslashes, at most 255 characters; "file" when nothing is left."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/")
    name = posixpath.basename(name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = name.strip().lstrip(".").strip()
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:NAME_MAX - len(ext) - 1] + "." + ext) if dot and len(ext) <= 16 \
            else name[:NAME_MAX]
    return name or "file"


# The extensions that may stand for each type; the first is added to a name that has none
# of them (so a text file named page.html is saved as page.html.txt, and never opens as a
# page from the visitor's or agent's disk).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",), "image/gif": (".gif",),
    "image/webp": (".webp",), "application/pdf": (".pdf",), "text/plain": (".txt", ".log"),
    "text/csv": (".csv",), "application/zip": (".zip",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
}


def name_for(name: str, content_type: str) -> str:
    """The name with an extension that matches the type the content was found to be."""
    extensions = EXTENSIONS.get(content_type)
    if not extensions or name.lower().endswith(extensions):
        return name
    return sanitize_name(name[:NAME_MAX - len(extensions[0])] + extensions[0])
