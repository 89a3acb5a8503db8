"""Uploaded files in S3-compatible object storage (AWS S3, MinIO, ...), through aiobotocore."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Any

from aiobotocore.session import get_session
from botocore.config import Config
from botocore.exceptions import ClientError

from chatserver.config import Settings
from chatserver.storage.base import CHUNK_BYTES

_MISSING = {"NoSuchKey", "404", "NotFound"}
_DELETE_BATCH = 1000  # the most one DeleteObjects request takes


class S3Storage:
    """Objects under PARLEY_S3_PREFIX in PARLEY_S3_BUCKET. One client per process, made on
    first use and closed with the storage; bodies are streamed both ways."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.bucket = settings.s3_bucket
        self.prefix = settings.s3_prefix
        self._stack = contextlib.AsyncExitStack()
        self._client: Any = None
        self._lock = asyncio.Lock()

    async def client(self) -> Any:
        async with self._lock:
            if self._client is None:
                s = self.settings
                self._client = await self._stack.enter_async_context(get_session().create_client(
                    "s3", region_name=s.s3_region, endpoint_url=s.s3_endpoint_url or None,
                    aws_access_key_id=s.s3_access_key or None,
                    aws_secret_access_key=s.s3_secret_key or None,
                    config=Config(retries={"max_attempts": 3, "mode": "standard"},
                                  s3={"addressing_style": "path"})))
            return self._client

    def _name(self, key: str) -> str:
        return self.prefix + key

    async def put(self, key: str, source: Path | IO[bytes], content_type: str) -> None:
        client = await self.client()
        if isinstance(source, Path):
            with source.open("rb") as f:
                await client.put_object(Bucket=self.bucket, Key=self._name(key), Body=f,
                                        ContentType=content_type)
        else:
            await client.put_object(Bucket=self.bucket, Key=self._name(key), Body=source,
                                    ContentType=content_type)

    async def open(self, key: str) -> AsyncIterator[bytes]:
        client = await self.client()
        try:
            resp = await client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in _MISSING:
                raise FileNotFoundError(key) from None
            raise
        async with resp["Body"] as body:
            async for chunk in body.iter_chunks(CHUNK_BYTES):
                yield chunk

    async def size(self, key: str) -> int:
        client = await self.client()
        try:
            head = await client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in _MISSING:
                raise FileNotFoundError(key) from None
            raise
        return int(head["ContentLength"])

    async def delete(self, keys: list[str]) -> None:
        if not keys:
            return
        client = await self.client()
        for i in range(0, len(keys), _DELETE_BATCH):
            batch = [{"Key": self._name(k)} for k in keys[i:i + _DELETE_BATCH]]
            await client.delete_objects(Bucket=self.bucket,
                                        Delete={"Objects": batch, "Quiet": True})

    async def close(self) -> None:
        await self._stack.aclose()
        self._client = None
