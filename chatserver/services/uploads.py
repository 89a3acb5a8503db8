"""Uploaded files: take one in (checked, typed from its content, images re-encoded), store it,
and hand it back only to who may see its conversation (docs/attachments.md).

The upload route streams the body into a ``Spool`` (a temporary file under the data
directory, hashed and counted as it comes); ``begin`` checks who is asking before any of the
body is kept, ``finish`` does the CPU-bound part in the Context's bounded executor
(``file_workers``), never on the event loop, then stores the file and its row.
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chatserver.context import Context
from chatserver.db import uploads as db
from chatserver.db import widgets as widgets_db
from chatserver.domain import ENDED
from chatserver.errors import Conflict, Forbidden, NotFound, RateLimited, TooLarge, Unauthorized
from chatserver.services.access import Actor, access_session
from chatserver.storage import new_key
from chatserver.storage.images import process, thumb_type
from chatserver.storage.sniff import IMAGE_TYPES, FileRefused, name_for, sanitize_name, sniff
from chatserver.timeutil import utcnow


def file_too_large(limit: int) -> TooLarge:
    return TooLarge(f"the file is larger than {limit} bytes", code="file_too_large")


def file_not_found() -> NotFound:
    return NotFound("no such file", code="file_not_found")


@dataclass(frozen=True)
class Target:
    """Where an upload goes and who sends it (checked by ``begin``)."""

    session_id: str
    widget_id: int
    uploader_type: str  # visitor or agent
    uploader_id: int | None


class Spool:
    """The body of an upload as it arrives: a temporary file, its size and its SHA-256."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=directory, prefix="upload-")
        self.path = Path(name)
        self.file = os.fdopen(fd, "wb")
        self.size = 0
        self.sha = hashlib.sha256()

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self.sha.update(chunk)
        self.size += len(chunk)

    def discard(self) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def spool_dir(ctx: Context) -> Path:
    return Path(ctx.settings.data_dir) / "spool"


async def begin(ctx: Context, site_key: str, session_id: str, *, visitor_token: str | None,
                actor: Actor | None, ip: str, declared: int | None) -> Target:
    """Check an upload before its body is read: the caller may write to the session, the
    widget takes visitors' files, the session is open (for its visitor), the IP's hourly
    count and the session's bytes leave room, and a declared length is within the limit."""
    s = ctx.settings
    if declared is not None and declared > s.max_upload_bytes:
        raise file_too_large(s.max_upload_bytes)
    async with ctx.engine.connect() as conn:
        row = await access_session(conn, site_key, session_id, visitor_token=visitor_token,
                                   actor=actor)
        widget = await widgets_db.by_id(conn, row["widget_id"])
        used = await db.session_bytes(conn, session_id)
    if visitor_token is not None:
        if widget is None or not widget["visitor_uploads"]:
            raise Forbidden("this chat does not take files from visitors", code="uploads_off")
        if row["status"] in ENDED:
            raise Conflict("this conversation has ended", code="session_closed")
        wait = ctx.upload_limiter.hit(ip, time.monotonic())
        if wait:
            raise RateLimited("too many files from this address; try again later",
                              code="too_many_uploads",
                              headers={"Retry-After": str(math.ceil(wait))})
    if used + (declared or 1) > s.max_upload_bytes_per_session:
        raise _storage_full()
    if visitor_token is not None:
        return Target(session_id, row["widget_id"], "visitor", None)
    assert actor is not None
    return Target(session_id, row["widget_id"], "agent", actor.id)


def _storage_full() -> TooLarge:
    return TooLarge("this conversation has no room for more files",
                    code="session_storage_full")


@dataclass(frozen=True)
class Prepared:
    """What ``finish`` stores: the file (re-encoded for an image) and its thumbnail."""

    path: Path
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    thumb: Path | None = None
    thumb_type: str | None = None


def prepare(src: Path, name: str, allowed: frozenset[str], max_pixels: int) -> Prepared:
    """Type the file from its content; decode and re-encode an image (CPU-bound: run in
    ``ctx.file_workers``)."""
    content_type = sniff(src, name, allowed)
    if content_type not in IMAGE_TYPES:
        return Prepared(src, content_type, src.stat().st_size)
    out, thumb = src.with_suffix(".image"), src.with_suffix(".thumb")
    done = process(src, content_type, max_pixels, out, thumb)
    return Prepared(out, content_type, out.stat().st_size, done.width, done.height, thumb,
                    done.thumb_type)


async def finish(ctx: Context, target: Target, spool: Spool, raw_name: str | None) -> dict[str, Any]:
    """Type, process and store a fully received upload; its summary. The spool is removed."""
    s = ctx.settings
    spool.file.close()
    stored: list[str] = []
    prepared: Prepared | None = None
    try:
        if spool.size == 0:
            raise FileRefused("the file is empty", code="file_empty")
        name = sanitize_name(raw_name)
        loop = asyncio.get_running_loop()
        prepared = await loop.run_in_executor(ctx.file_workers, prepare, spool.path, name,
                                              s.upload_type_set, s.image_max_pixels)
        name = name_for(name, prepared.content_type)
        key = new_key()
        await ctx.storage.put(key, prepared.path, prepared.content_type)
        stored.append(key)
        thumb_key = None
        if prepared.thumb is not None and prepared.thumb_type is not None:
            thumb_key = new_key(".thumb")
            await ctx.storage.put(thumb_key, prepared.thumb, prepared.thumb_type)
            stored.append(thumb_key)
        row = {"id": secrets.token_hex(16), "session_id": target.session_id,
               "widget_id": target.widget_id, "uploader_type": target.uploader_type,
               "uploader_id": target.uploader_id, "message_id": None, "name": name,
               "content_type": prepared.content_type, "size": prepared.size,
               "width": prepared.width, "height": prepared.height, "storage_key": key,
               "thumb_key": thumb_key, "sha256": spool.sha.hexdigest(), "created_at": utcnow()}
        async with ctx.engine.begin() as conn:
            if await db.session_bytes(conn, target.session_id) + prepared.size \
                    > s.max_upload_bytes_per_session:
                raise _storage_full()
            await db.insert_upload(conn, **row)
        stored.clear()
        return db.summary(row)
    finally:
        if stored:
            await ctx.storage.delete(stored)
        spool.path.unlink(missing_ok=True)
        if prepared is not None:
            for p in (prepared.path, prepared.thumb):
                if p is not None:
                    p.unlink(missing_ok=True)


@dataclass(frozen=True)
class Download:
    key: str
    content_type: str
    name: str
    inline: bool  # a re-encoded image or a thumbnail
    site_key: str


async def download(ctx: Context, upload_id: str, *, visitor_token: str | None,
                   actor: Actor | None, thumb: bool = False) -> Download:
    """What a download streams, if the caller may see the upload's conversation: its visitor
    (by any of its tokens) or an agent who sees it. ``file_not_found`` for anyone else."""
    if visitor_token is None and actor is None:
        raise Unauthorized("a visitor token or a signed-in agent is required")
    async with ctx.engine.connect() as conn:
        row = await db.get(conn, upload_id)
        if row is None:
            raise file_not_found()
        try:
            await access_session(conn, None, row["session_id"], visitor_token=visitor_token,
                                 actor=actor)
        except NotFound:
            raise file_not_found() from None
        widget = await widgets_db.by_id(conn, row["widget_id"])
    site_key = widget["site_key"] if widget is not None else ""
    image = row["content_type"] in IMAGE_TYPES
    if thumb:
        if row["thumb_key"] is None:
            raise file_not_found()
        return Download(row["thumb_key"], thumb_type(row["content_type"]), row["name"], True,
                        site_key)
    return Download(row["storage_key"], row["content_type"], row["name"], image, site_key)


async def site_key_of(ctx: Context, upload_id: str) -> str:
    """The site key of an upload's widget (for a download's CORS preflight, which carries no
    credentials); ``file_not_found`` when there is no such upload."""
    async with ctx.engine.connect() as conn:
        row = await db.get(conn, upload_id)
        widget = await widgets_db.by_id(conn, row["widget_id"]) if row is not None else None
    if widget is None:
        raise file_not_found()
    return str(widget["site_key"])
