"""Files for the upload tests, built in memory: images (with EXIF GPS, a decompression bomb),
hostile ones, and the calls that upload and download them."""

from __future__ import annotations

import io
import struct
import urllib.parse
import zlib
from typing import Any

from PIL import Image

from tests.helpers.api import Api, Response


def png(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps(width: int = 800, height: int = 600) -> bytes:
    """A JPEG whose EXIF holds a GPS position and a camera model."""
    img = Image.new("RGB", (width, height), (10, 120, 200))
    exif = Image.Exif()
    exif[0x0110] = "SpyCam 3000"  # Model
    gps = {1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A small PNG declaring ``width`` x ``height`` pixels (grey), its data compressed away:
    decoding it whole would take width*height bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    comp = zlib.compressobj(9)
    row = b"\0" * (width + 1)
    data = b"".join(comp.compress(row) for _ in range(64)) + comp.flush()
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", data) + \
        chunk(b"IEND", b"")


def polyglot_jpeg_html() -> bytes:
    """A valid JPEG with HTML and script in a comment and appended after its end."""
    img = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 0, 0)).save(img, "JPEG")
    data = img.getvalue()
    html = b"<html><body><script>alert(document.domain)</script></body></html>"
    comment = b"\xff\xfe" + struct.pack(">H", len(html) + 2) + html
    return data[:2] + comment + data[2:] + html


SVG_WITH_SCRIPT = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
                   b'<script>alert(1)</script></svg>')
HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


async def upload(api: Api, key: str, session_id: str, body: bytes, name: str = "file.bin",
                 token: str | None = None, **headers: str) -> Response:
    path = f"/api/widgets/{key}/sessions/{session_id}/uploads?name=" + \
        urllib.parse.quote(name, safe="")
    return await api.request("POST", path, body=body, token=token,
                             headers={"Content-Type": "application/octet-stream", **headers})


def image_of(data: bytes) -> Any:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


async def raw_request(url: str, head: bytes, parts: list[bytes]) -> tuple[int, bytes]:
    """Send a request's head and then ``parts`` on a plain socket, reading the answer once
    they are sent (or as soon as the server answers and closes); (status, whole answer)."""
    import asyncio

    u = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.open_connection(u.hostname, u.port)
    try:
        writer.write(head)
        await writer.drain()
        for part in parts:
            writer.write(part)
            await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    return status, answer


async def stored_upload(ctx: Any, session_id: str, data: bytes, name: str,
                        age_s: float = 0.0) -> dict[str, Any]:
    """An upload stored through the service (as the route does), by the session's visitor,
    made ``age_s`` seconds old; its summary."""
    from datetime import timedelta

    from sqlalchemy import update

    from chatserver.db import sessions as sessions_db
    from chatserver.db.schema import uploads
    from chatserver.services.uploads import Spool, Target, finish, spool_dir
    from chatserver.timeutil import utcnow

    async with ctx.engine.connect() as conn:
        session = await sessions_db.get(conn, session_id)
    spool = Spool(spool_dir(ctx))
    spool.write(data)
    up: dict[str, Any] = await finish(ctx, Target(session_id, session["widget_id"], "visitor",
                                                  None), spool, name)
    if age_s:
        async with ctx.engine.begin() as conn:
            await conn.execute(update(uploads).where(uploads.c.id == up["id"])
                               .values(created_at=utcnow() - timedelta(seconds=age_s)))
    return up


async def storage_keys(ctx: Any, upload_id: str) -> list[str]:
    from chatserver.db import uploads as db

    async with ctx.engine.connect() as conn:
        row = await db.get(conn, upload_id)
    return db.keys([row]) if row is not None else []


async def exists(ctx: Any, key: str) -> bool:
    try:
        await ctx.storage.size(key)
    except FileNotFoundError:
        return False
    return True
