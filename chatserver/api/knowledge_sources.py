"""/api/widgets/{siteKey}/knowledge/sources and …/knowledge/files: a knowledge base's web
pages, sites and documents (docs/knowledge.md). Owners and admins change them; the widget's
agents may read them."""

from __future__ import annotations

import tornado.http1connection
import tornado.web

from chatserver.api.base import APIHandler
from chatserver.api.spooled import SpooledBody
from chatserver.errors import NotFound
from chatserver.services import knowledge_sources as svc
from chatserver.services import uploads


def _source_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:
        raise NotFound("no such knowledge source", code="source_not_found")
    return int(raw)


class SourcesHandler(APIHandler):
    async def get(self, site_key: str) -> None:
        sources = await svc.list_sources(self.ctx, await self.actor(), site_key)
        self.send_json({"sources": sources})

    async def post(self, site_key: str) -> None:
        source = await svc.add_web_source(self.ctx, await self.actor(), site_key,
                                          self.json_body())
        self.send_json({"source": source}, status=201)


class SourceHandler(APIHandler):
    async def get(self, site_key: str, source_id: str) -> None:
        source = await svc.get_source(self.ctx, await self.actor(), site_key,
                                      _source_id(source_id))
        self.send_json({"source": source})

    async def put(self, site_key: str, source_id: str) -> None:
        source = await svc.update_source(self.ctx, await self.actor(), site_key,
                                         _source_id(source_id), self.json_body())
        self.send_json({"source": source})

    async def delete(self, site_key: str, source_id: str) -> None:
        await svc.delete_source(self.ctx, await self.actor(), site_key, _source_id(source_id))
        self.set_status(204)
        self.finish()


class SourceSyncHandler(APIHandler):
    async def post(self, site_key: str, source_id: str) -> None:
        source = await svc.request_sync(self.ctx, await self.actor(), site_key,
                                        _source_id(source_id))
        self.send_json({"source": source}, status=202)


@tornado.web.stream_request_body
class SourceFileHandler(SpooledBody):
    """POST a document's bytes as the body (not multipart), its name in ``?name=``, and
    ``?replace=<source id>`` for a new version of a document already imported. Streamed into
    a spool file, at most PARLEY_KB_MAX_FILE_BYTES (413 ``file_too_large`` as soon as it is
    declared or exceeded), after the caller is checked."""

    def body_limit(self) -> int:
        return self.ctx.settings.kb_max_file_bytes

    async def prepare(self) -> None:  # type: ignore[override]  # Tornado awaits it
        if self.request.method != "POST":
            return

        async def check(declared: int | None) -> None:
            await svc.check_manage(self.ctx, await self.actor(), self.path_args[0])
            if declared is not None and declared > self.body_limit():
                raise uploads.file_too_large(self.body_limit())

        await self.open_spool(check)

    async def post(self, site_key: str) -> None:
        spool = self.take_spool()
        if spool is None:
            return
        replace = self.get_query_argument("replace", None)
        try:
            spool.file.close()
            source = await svc.add_file(
                self.ctx, await self.actor(), site_key, str(spool.path),
                self.get_query_argument("name", None) or "document",
                replace=None if replace is None else _source_id(replace))
        finally:
            spool.discard()
        self.send_json({"source": source}, status=201)


routes = [
    (r"/api/widgets/([^/]+)/knowledge/sources", SourcesHandler),
    (r"/api/widgets/([^/]+)/knowledge/sources/([^/]+)", SourceHandler),
    (r"/api/widgets/([^/]+)/knowledge/sources/([^/]+)/sync", SourceSyncHandler),
    (r"/api/widgets/([^/]+)/knowledge/files", SourceFileHandler),
]
