"""Make an avatar from an uploaded image: decoded, cut to a square, scaled down, re-encoded.

Pure and CPU-bound: the service runs it in the Context's bounded executor. As for an
attachment (images.py), only the pixels survive: no EXIF (GPS), no comments, no ICC profile,
nothing appended. Every avatar comes out a PNG of at most ``AVATAR_PX`` square, whatever it
came in as, so the route that serves it always says ``image/png``.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageOps

from chatserver.storage.images import too_large, unreadable
from chatserver.storage.sniff import IMAGE_TYPES, FileRefused, not_allowed, sniff

# Twice the largest size the UIs and the widget draw an avatar at (a 40 px circle on a
# high-density screen needs 80; the profile page shows 96 px), so it stays sharp.
AVATAR_PX = 192
AVATAR_TYPE = "image/png"
_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WEBP"}


def avatar_key(avatar_id: str) -> str:
    """Where an avatar is stored: its own prefix, apart from attachments' random keys."""
    return f"avatars/{avatar_id[:2]}/{avatar_id}.png"


def make_avatar(src: Path, name: str, max_pixels: int, out: Path) -> None:
    """Write the avatar of the image at ``src`` into ``out`` (PNG). Refuses what is not a
    JPEG, PNG, GIF or WebP by its content (``file_type_not_allowed``: HTML, SVG, text...),
    an image of more than ``max_pixels`` before decoding it (``image_too_large``), and a
    corrupt one (``image_unreadable``)."""
    content_type = sniff(src, name, IMAGE_TYPES)
    if content_type not in IMAGE_TYPES:  # text/plain is typed but never an image
        raise not_allowed(content_type)
    try:
        Image.MAX_IMAGE_PIXELS = max_pixels
        with Image.open(src, formats=[_FORMATS[content_type]]) as img:
            width, height = img.size
            if width * height > max_pixels:
                raise too_large(width, height)
            img.seek(0)
            img.load()
            frame = ImageOps.exif_transpose(img) or img
            frame = frame.convert("RGBA")
            square = ImageOps.fit(frame, (min(AVATAR_PX, *frame.size),) * 2,
                                  Image.Resampling.LANCZOS)
            square.info = {}
            square.save(out, "PNG", optimize=True)
    except FileRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise FileRefused("the image has too many pixels", code="image_too_large") from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, MemoryError):
        raise unreadable() from None
