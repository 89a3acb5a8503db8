"""Upload rows made directly in the database, for tests of the message path (the upload route
itself is tested in tests/uploads/ against real storage)."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select

from chatserver.context import Context
from chatserver.db import sessions as sessions_db
from chatserver.db import uploads as uploads_db
from chatserver.db.schema import messages, uploads
from chatserver.timeutil import utcnow


async def make_upload(ctx: Context, session_id: str, name: str = "photo.png", *,
                      content_type: str = "image/png", size: int = 1234,
                      width: int | None = 800, height: int | None = 600,
                      thumb: bool = True, uploader_type: str = "visitor") -> str:
    """An upload of the session that no message has taken yet; returns its id."""
    upload_id = secrets.token_hex(16)
    async with ctx.engine.begin() as conn:
        session = await sessions_db.get(conn, session_id)
        assert session is not None
        await uploads_db.insert_upload(
            conn, id=upload_id, session_id=session_id, widget_id=session["widget_id"],
            uploader_type=uploader_type, name=name, content_type=content_type, size=size,
            width=width, height=height, storage_key=f"test/{upload_id}",
            thumb_key=f"test/{upload_id}.thumb" if thumb else None, sha256="0" * 64,
            created_at=utcnow())
    return upload_id


async def message_of(ctx: Context, upload_id: str) -> int | None:
    """The id of the message an upload is linked to."""
    async with ctx.engine.connect() as conn:
        row = (await conn.execute(select(uploads.c.message_id)
                                  .where(uploads.c.id == upload_id))).first()
    assert row is not None
    return row[0]


async def message_count(ctx: Context, session_id: str, sender_type: str | None = None) -> int:
    stmt = select(func.count()).select_from(messages).where(messages.c.session_id == session_id)
    if sender_type is not None:
        stmt = stmt.where(messages.c.sender_type == sender_type)
    async with ctx.engine.connect() as conn:
        return int((await conn.execute(stmt)).scalar_one())


def summary(upload_id: str, name: str = "photo.png", **changes: Any) -> dict[str, Any]:
    """The `files` entry make_upload's defaults give."""
    return {"id": upload_id, "name": name, "type": "image/png", "size": 1234, "width": 800,
            "height": 600, "thumb": True, **changes}
