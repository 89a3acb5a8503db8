"""Uploaded files on local disk, under the storage directory (the embedded default)."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO

from chatserver.storage.base import CHUNK_BYTES

_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}(/[A-Za-z0-9_-]{1,64}){0,3}(\.[a-z0-9]{1,8})?$")


class LocalStorage:
    """Files under ``root``: a key is a relative path of safe characters only, so no key can
    name anything outside the root (no ``..``, no absolute path, no symlink followed out).
    A write goes to a temporary file in the same directory, renamed into place when complete:
    a reader never sees half a file."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError(f"invalid storage key {key!r}")
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key {key!r} leaves the storage directory")
        return path

    async def put(self, key: str, source: Path | IO[bytes], content_type: str) -> None:
        await asyncio.to_thread(self._put, self.path(key), source)

    @staticmethod
    def _put(dest: Path, source: Path | IO[bytes]) -> None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(source, Path):
                    with source.open("rb") as src:
                        shutil.copyfileobj(src, out, CHUNK_BYTES)
                else:
                    shutil.copyfileobj(source, out, CHUNK_BYTES)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self.path(key)
        f = await asyncio.to_thread(path.open, "rb")
        try:
            while chunk := await asyncio.to_thread(f.read, CHUNK_BYTES):
                yield chunk
        finally:
            f.close()

    async def size(self, key: str) -> int:
        path = self.path(key)
        return (await asyncio.to_thread(path.stat)).st_size

    async def delete(self, keys: list[str]) -> None:
        paths = [self.path(k) for k in keys]

        def unlink() -> None:
            for p in paths:
                p.unlink(missing_ok=True)

        await asyncio.to_thread(unlink)

    async def close(self) -> None:
        return None
