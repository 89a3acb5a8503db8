"""/api/admin/privacy/*: find, export and erase a visitor's data (admins only)."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.errors import BadRequest
from chatserver.services import privacy
from chatserver.services.access import require_admin

QUERY = ("email", "user_id", "session_id", "widget")


class _Base(APIHandler):
    def query_params(self) -> dict[str, str | None]:
        return {k: self.get_query_argument(k, None) for k in QUERY}


class FindHandler(_Base):
    async def get(self) -> None:
        actor = await self.actor()
        require_admin(actor)  # before the query: an agent learns nothing from a 400
        q, site_key = privacy.parse_query(self.query_params())
        self.send_json(await privacy.find(self.ctx, actor, q, site_key))


class ExportHandler(_Base):
    async def get(self) -> None:
        actor = await self.actor()
        require_admin(actor)
        q, site_key = privacy.parse_query(self.query_params())
        raw_notes = self.get_query_argument("notes", "false")
        if raw_notes not in ("true", "false", "1", "0"):
            raise BadRequest("notes is true or false", code="invalid_query",
                             fields={"notes": "true or false"})
        archive = await privacy.export(self.ctx, actor, q, site_key,
                                       include_notes=raw_notes in ("true", "1"))
        try:
            self.set_header("Content-Type", "application/zip")
            self.set_header("Content-Disposition",
                            f'attachment; filename="visitor-{privacy.query_hash(q)}.zip"')
            async for chunk in privacy.chunks_of(archive):
                self.write(chunk)
                await self.flush()
        finally:
            archive.close()
        self.finish()


class EraseHandler(_Base):
    async def post(self) -> None:
        actor = await self.actor()
        require_admin(actor)
        body = self.json_body()
        q, site_key = privacy.parse_query(body)
        confirm = body.get("confirm")
        if not isinstance(confirm, str):
            raise BadRequest("confirm must repeat the email or id of the visitor",
                             code="confirmation_mismatch", fields={"confirm": "required"})
        self.send_json(await privacy.erase(self.ctx, actor, q, site_key, confirm=confirm))


routes = [
    (r"/api/admin/privacy/visitors", FindHandler),
    (r"/api/admin/privacy/export", ExportHandler),
    (r"/api/admin/privacy/erase", EraseHandler),
]
