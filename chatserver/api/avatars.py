"""Avatars: one's own set (the image's bytes as the body) or removed, and any served."""

from __future__ import annotations

import sys

import tornado.http1connection
import tornado.web

from chatserver.api.base import APIHandler
from chatserver.errors import ParleyError
from chatserver.services import avatars, uploads

# An avatar's URL changes with each upload, so what it names never changes.
AVATAR_CACHE = "public, max-age=31536000, immutable"


@tornado.web.stream_request_body
class MyAvatarHandler(APIHandler):
    """PUT the image's bytes as the body (not multipart), at most AVATAR_MAX_BYTES, streamed
    into a spool file; DELETE removes the avatar. Both answer the user."""

    streams_body = True
    spool: uploads.Spool | None = None
    user_id: int | None = None

    async def prepare(self) -> None:  # type: ignore[override]  # Tornado awaits it
        if self.request.method != "PUT":
            return
        if isinstance(self.request.connection, tornado.http1connection.HTTP1Connection):
            self.request.connection.set_max_body_size(sys.maxsize)  # bounded below
        length = self.request.headers.get("Content-Length", "")
        try:
            actor = await self.actor()
            if length.isdigit():
                avatars.check_size(int(length))
        except ParleyError as e:
            if length not in ("", "0") or "Transfer-Encoding" in self.request.headers:
                e.headers = {**e.headers, "Connection": "close"}  # the body stays unread
            raise
        self.user_id = actor.id
        self.spool = uploads.Spool(uploads.spool_dir(self.ctx))

    def data_received(self, chunk: bytes) -> None:
        if self.spool is None or self._finished:
            return
        if self.spool.size + len(chunk) > avatars.AVATAR_MAX_BYTES:
            self.spool.discard()
            self.spool = None
            error = uploads.file_too_large(avatars.AVATAR_MAX_BYTES)
            error.headers = {"Connection": "close"}
            try:
                raise error
            except ParleyError:
                self.send_error(error.status, exc_info=sys.exc_info())
            return
        self.spool.write(chunk)

    def on_connection_close(self) -> None:
        if self.spool is not None:
            self.spool.discard()
            self.spool = None
        super().on_connection_close()

    async def put(self) -> None:
        if self._finished or self.spool is None or self.user_id is None:
            return
        spool, self.spool = self.spool, None
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
