"""Where uploaded files are kept: one small interface over local disk and S3-compatible storage.

A floor like ``mail/`` and ``ai/``: it imports nothing from services/, realtime/, api/ or db/.
Besides the backends it holds the pure helpers of an upload (``sniff.py``: the type from the
content and the file name's sanitising; ``images.py``: decode, re-encode, thumbnail), which the
service runs in its executor, off the event loop.
"""

from __future__ import annotations

from pathlib import Path

from chatserver.config import Settings
from chatserver.storage.base import CHUNK_BYTES, Storage, new_key
from chatserver.storage.local import LocalStorage
from chatserver.storage.s3 import S3Storage

__all__ = ["CHUNK_BYTES", "LocalStorage", "S3Storage", "Storage", "new_key", "open_storage"]


def open_storage(settings: Settings) -> Storage:
    """The backend chosen by PARLEY_STORAGE_BACKEND (local or s3)."""
    if settings.storage_backend == "s3":
        return S3Storage(settings)
    return LocalStorage(Path(settings.effective_storage_dir))
