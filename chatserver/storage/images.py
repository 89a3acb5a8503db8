"""Decode an uploaded image and re-encode it without its metadata, with a thumbnail.

Pure and CPU-bound: the service runs it in its bounded executor, never on the event loop.
The stored image is the re-encoded one, so nothing of the uploaded bytes but the pixels
survives: no EXIF (GPS), no comments, no ICC profile, nothing appended (a JPEG/HTML polyglot
comes out a plain JPEG). An animated GIF or WebP keeps its first frame only: the animation's
frames would multiply the decoding work, and a still is what a chat needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from chatserver.storage.sniff import FileRefused

THUMB_PX = 320
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}


@dataclass(frozen=True)
class Processed:
    width: int
    height: int
    thumb_type: str


def thumb_type(content_type: str) -> str:
    """The type of an image's thumbnail: its own, but PNG for a GIF."""
    return "image/png" if content_type == "image/gif" else content_type


def too_large(width: int, height: int) -> FileRefused:
    return FileRefused(f"the image is too large ({width}x{height} pixels)",
                       code="image_too_large")


def unreadable() -> FileRefused:
    return FileRefused("the image could not be read", code="image_unreadable")


def process(src: Path, content_type: str, max_pixels: int, out: Path, thumb: Path) -> Processed:
    """Re-encode ``src`` (of the sniffed ``content_type``) into ``out`` and a thumbnail of at
    most 320 px into ``thumb``. Refuses an image of more than ``max_pixels`` from its header,
    before decoding it (``image_too_large``), and a truncated or corrupt one
    (``image_unreadable``)."""
    fmt = _FORMATS[content_type]
    try:
        # Pillow's own guard too (it raises past twice this); the check below comes first.
        Image.MAX_IMAGE_PIXELS = max_pixels
        with Image.open(src, formats=[fmt]) as img:
            width, height = img.size
            if width * height > max_pixels:
                raise too_large(width, height)
            img.seek(0)
            img.load()
            frame = ImageOps.exif_transpose(img) or img
            frame = _for_saving(frame, fmt)
            _save(frame, out, fmt)
            small = frame.copy()
            small.thumbnail((THUMB_PX, THUMB_PX), Image.Resampling.LANCZOS)
            tfmt = _FORMATS[thumb_type(content_type)]
            _save(_for_saving(small, tfmt), thumb, tfmt)
            return Processed(frame.width, frame.height, thumb_type(content_type))
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):  # as an error
        raise FileRefused("the image has too many pixels", code="image_too_large") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, MemoryError):
        raise unreadable() from None


def _for_saving(img: Image.Image, fmt: str) -> Image.Image:
    if fmt == "JPEG":
        return img if img.mode in ("L", "RGB") else img.convert("RGB")
    if fmt == "GIF":
        return img if img.mode in ("P", "L") else img.convert("P", palette=Image.Palette.ADAPTIVE)
    return img if img.mode in ("L", "LA", "RGB", "RGBA", "P") else img.convert("RGBA")


def _save(img: Image.Image, dest: Path, fmt: str) -> None:
    # No exif=, icc_profile= or pnginfo= given, and the decoded metadata dropped (some
    # encoders fall back to it): only the pixels (and a palette's transparency) are written.
    img.info = {k: v for k, v in img.info.items() if k == "transparency"}
    if fmt == "JPEG":
        img.save(dest, fmt, quality=85, optimize=False)
    elif fmt == "WEBP":
        img.save(dest, fmt, quality=85)
    else:
        img.save(dest, fmt)
