"""The storage interface and its keys (the backends: local.py, s3.py)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Protocol

CHUNK_BYTES = 64 * 1024  # what a download reads from the backend at a time


class Storage(Protocol):
    """Objects by key. Keys come from ``new_key`` (random, in two levels of directories)."""

    async def put(self, key: str, source: Path | IO[bytes], content_type: str) -> None:
        """Store the file (a path, or a binary file object read from its current position)."""

    def open(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes in chunks (FileNotFoundError when there is none)."""

    async def size(self, key: str) -> int:
        """The object's size in bytes (FileNotFoundError when there is none)."""

    async def delete(self, keys: list[str]) -> None:
        """Delete these objects; a missing one is no error."""

    async def close(self) -> None:
        """Release connections (S3); the storage is not used after."""


def new_key(suffix: str = "") -> str:
    """A random object key, ``ab/cd/<32 hex>`` (two levels keep directories small)."""
    name = secrets.token_hex(16)
    return f"{name[:2]}/{name[2:4]}/{name}{suffix}"

