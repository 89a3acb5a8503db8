"""Avatars: one's own set (the image's bytes as the body) or removed, and any served."""

from __future__ import annotations

import tornado.http1connection
import tornado.web

from chatserver.api.base import APIHandler
from chatserver.api.spooled import SpooledBody
from chatserver.services import avatars

# An avatar's URL changes with each upload, so what it names never changes.
AVATAR_CACHE = "public, max-age=31536000, immutable"


@tornado.web.stream_request_body
class MyAvatarHandler(SpooledBody):
    """PUT the image's bytes as the body (not multipart), at most AVATAR_MAX_BYTES, streamed
    into a spool file; DELETE removes the avatar. Both answer the user."""

    user_id: int | None = None

    def body_limit(self) -> int:
        return avatars.AVATAR_MAX_BYTES

    async def prepare(self) -> None:  # type: ignore[override]  # Tornado awaits it
        if self.request.method != "PUT":
            return

        async def check(declared: int | None) -> None:
            actor = await self.actor()
            if declared is not None:
                avatars.check_size(declared)
            self.user_id = actor.id

        await self.open_spool(check)

    async def put(self) -> None:
        spool = self.take_spool()
        if spool is None or self.user_id is None:
            return
        self.send_json({"user": await avatars.set_avatar(self.ctx, self.user_id, spool)})

    async def delete(self) -> None:
        actor = await self.actor()
        assert actor.id is not None
        self.send_json({"user": await avatars.remove_avatar(self.ctx, actor.id)})


class AvatarHandler(APIHandler):
    """GET an avatar: public by its unguessable id (services/avatars.py says why), always a
    PNG Parley encoded, under a policy that runs nothing even if opened on its own."""

    async def get(self, avatar_id: str) -> None:
        found = await avatars.find_avatar(self.ctx, avatar_id)
        try:
            size = await self.ctx.storage.size(found.key)
        except FileNotFoundError:
            raise avatars.avatar_not_found() from None
        self.set_header("Content-Type", found.content_type)
        self.set_header("Content-Length", str(size))
        self.set_header("Cache-Control", AVATAR_CACHE)
        self.set_header("Content-Security-Policy", "default-src 'none'; sandbox")
        self.set_header("Cross-Origin-Resource-Policy", "cross-origin")  # the widget's pages
        self.set_header("Content-Disposition", 'inline; filename="avatar.png"')
        async for chunk in self.ctx.storage.open(found.key):
            self.write(chunk)
        self.finish()


routes = [
    (r"/api/auth/me/avatar", MyAvatarHandler),
    (r"/api/avatars/([^/]+)", AvatarHandler),
]
