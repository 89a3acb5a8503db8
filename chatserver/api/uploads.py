"""Uploaded files: the streamed upload route and the downloads (docs/attachments.md)."""

from __future__ import annotations

import urllib.parse

import tornado.http1connection
import tornado.web

from chatserver.api.sessions import VisitorAPIHandler
from chatserver.api.spooled import SpooledBody
from chatserver.api.widgets import CORS_HEADERS, CORS_MAX_AGE_S, PublicAPIHandler
from chatserver.services import uploads
from chatserver.services.auth import VISITOR_TOKEN_PREFIX


@tornado.web.stream_request_body
class UploadHandler(SpooledBody, VisitorAPIHandler):
    """POST the file's bytes as the body (not multipart), its name in ``?name=``.

    The body is streamed into a spool file as it arrives, never held whole: the caller is
    checked before any of it is read, and a body past PARLEY_MAX_UPLOAD_BYTES is refused (413
    ``file_too_large``) as soon as it is declared or exceeded, the connection then closed."""

    target: uploads.Target | None = None

    def body_limit(self) -> int:
        return self.ctx.settings.max_upload_bytes

    async def prepare(self) -> None:  # type: ignore[override]  # Tornado awaits it
        if self.request.method != "POST":
            return
        site_key, session_id = self.path_args

        async def check(declared: int | None) -> None:
            token, actor = await self.caller(site_key)
            self.target = await uploads.begin(
                self.ctx, site_key, session_id, visitor_token=token, actor=actor,
                ip=self.client_ip, declared=declared)

        await self.open_spool(check)

    async def post(self, site_key: str, session_id: str) -> None:
        spool = self.take_spool()
        if spool is None or self.target is None:
            return
        result = await uploads.finish(self.ctx, self.target, spool,
                                      self.get_query_argument("name", None))
        self.send_json({"upload": result}, status=201)


class FileHandler(PublicAPIHandler):
    """GET a file (or its thumbnail), streamed from the storage backend."""

    thumb = False

    async def options(self, upload_id: str, *_rest: str) -> None:
        self.check_origin(await self.allowed_origins(
            await uploads.site_key_of(self.ctx, upload_id)) + self.ctx.settings.ui_origin_list)
        self.set_header("Access-Control-Allow-Methods", "GET, OPTIONS")
        self.set_header("Access-Control-Allow-Headers", CORS_HEADERS)
        self.set_header("Access-Control-Max-Age", str(CORS_MAX_AGE_S))
        self.set_status(204)
        self.finish()

    async def get(self, upload_id: str) -> None:
        token = self.bearer()
        visitor = token if token is not None and token.startswith(VISITOR_TOKEN_PREFIX) else None
        actor = None if visitor is not None else await self.optional_actor()
        found = await uploads.download(self.ctx, upload_id, visitor_token=visitor, actor=actor,
                                       thumb=self.thumb)
        self.check_origin(await self.allowed_origins(found.site_key)
                          + self.ctx.settings.ui_origin_list)
        try:
            size = await self.ctx.storage.size(found.key)
        except FileNotFoundError:
            raise uploads.file_not_found() from None
        self.set_header("Content-Type", found.content_type)
        self.set_header("Content-Length", str(size))
        self.set_header("Cache-Control", "private, max-age=3600")
        self.set_header("Content-Security-Policy", "default-src 'none'; sandbox")
        self.set_header("Content-Disposition", disposition(found.inline, found.name))
        async for chunk in self.ctx.storage.open(found.key):
            self.write(chunk)
            await self.flush()
        self.finish()


class ThumbHandler(FileHandler):
    thumb = True


def disposition(inline: bool, name: str) -> str:
    """``inline`` or ``attachment`` with the name, quoted for old clients and RFC 5987."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_"
                       for c in name)
    quoted = urllib.parse.quote(name, safe="")
    return f"{'inline' if inline else 'attachment'}; filename=\"{fallback}\"; " \
           f"filename*=UTF-8''{quoted}"


routes = [
    (r"/api/widgets/([^/]+)/sessions/([^/]+)/uploads", UploadHandler),
    (r"/api/files/([^/]+)", FileHandler),
    (r"/api/files/([^/]+)/thumb", ThumbHandler),
]
