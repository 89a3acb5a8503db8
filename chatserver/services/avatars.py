"""A user's avatar: set from an uploaded image, removed, and served to anyone who has its URL.

An avatar is shown where the user's name is, to agents and to visitors in the widget (who
hold no token that names the agent), so it is public by capability: its URL names a random
128-bit id, new on each upload, that only reaches those shown the user's name; it is served
only while it is that user's current avatar, always as a PNG this server encoded
(storage/avatars.py), never as what was uploaded.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Any

from chatserver.context import Context
from chatserver.db import users as db
from chatserver.errors import NotFound
from chatserver.services.uploads import Spool, file_too_large
from chatserver.services.users import public
from chatserver.storage.avatars import AVATAR_TYPE, avatar_key, make_avatar
from chatserver.storage.sniff import FileRefused

# The largest image accepted as an avatar: a phone's photo fits, and it is re-encoded to a
# small square anyway.
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_ID_LEN = 32  # hex characters of the random id (128 bits)


def check_size(size: int) -> None:
    if size > AVATAR_MAX_BYTES:
        raise file_too_large(AVATAR_MAX_BYTES)


async def set_avatar(ctx: Context, user_id: int, spool: Spool) -> dict[str, Any]:
    """Make the spooled upload the user's avatar (the previous one is deleted); the user.
    The spool is removed."""
    spool.file.close()
    out = spool.path.with_suffix(".avatar.png")
    stored: str | None = None
    try:
        if spool.size == 0:
            raise FileRefused("the file is empty", code="file_empty")
        check_size(spool.size)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(ctx.file_workers, make_avatar, spool.path, "avatar",
                                   ctx.settings.image_max_pixels, out)
        avatar_id = secrets.token_hex(AVATAR_ID_LEN // 2)
        stored = avatar_key(avatar_id)
        await ctx.storage.put(stored, out, AVATAR_TYPE)
        async with ctx.engine.begin() as conn:
            old = await db.get(conn, user_id)
            if old is None:
                raise NotFound("no such user", code="user_not_found")
            await db.update_user(conn, user_id, avatar_id=avatar_id)
            row = await db.get(conn, user_id)
        stored = old["avatar_id"] and avatar_key(old["avatar_id"])  # now the old one goes
        assert row is not None
        return public(row)
    finally:
        if stored:
            await ctx.storage.delete([stored])
        spool.path.unlink(missing_ok=True)
        out.unlink(missing_ok=True)


async def remove_avatar(ctx: Context, user_id: int) -> dict[str, Any]:
    async with ctx.engine.begin() as conn:
        old = await db.get(conn, user_id)
        if old is None:
            raise NotFound("no such user", code="user_not_found")
        await db.update_user(conn, user_id, avatar_id=None)
        row = await db.get(conn, user_id)
    assert row is not None
    if old["avatar_id"]:
        await ctx.storage.delete([avatar_key(old["avatar_id"])])
    return public(row)


@dataclass(frozen=True)
class AvatarFile:
    key: str
    content_type: str = AVATAR_TYPE


def avatar_not_found() -> NotFound:
    return NotFound("no such avatar", code="avatar_not_found")


async def find_avatar(ctx: Context, avatar_id: str) -> AvatarFile:
    """The stored avatar with this id, while it is a user's current one."""
    if len(avatar_id) != AVATAR_ID_LEN or not all(c in "0123456789abcdef" for c in avatar_id):
        raise avatar_not_found()
    async with ctx.engine.connect() as conn:
        if await db.avatar_owner(conn, avatar_id) is None:
            raise avatar_not_found()
    return AvatarFile(avatar_key(avatar_id))
