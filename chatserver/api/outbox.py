"""/api/admin/outbox: what Parley has to send and could not (admins only)."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.errors import NotFound
from chatserver.services import outbox_admin as outbox
from chatserver.validate import Fields

LIST_DEFAULT = 50


def _row_id(raw: str) -> int:
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise NotFound("no such email in the outbox", code="outbox_not_found")
    return int(raw)


class OutboxHandler(APIHandler):
    async def get(self) -> None:
        actor = await self.actor()
        raw_limit = self.get_query_argument("limit", None)
        f = Fields({"status": self.get_query_argument("status", None) or "failed",
                    "limit": int(raw_limit) if raw_limit and raw_limit.isascii()
                    and raw_limit.isdigit() and len(raw_limit) < 10 else raw_limit})
        status = f.choice("status", outbox.STATUSES)
        limit = f.integer("limit", min=1, max=outbox.LIST_MAX)
        f.check()
        self.send_json(await outbox.list_rows(self.ctx, actor, status or "failed",
                                              limit or LIST_DEFAULT))


class OutboxCountsHandler(APIHandler):
    async def get(self) -> None:
        self.send_json({"counts": await outbox.counts(self.ctx, await self.actor())})


class OutboxRetryHandler(APIHandler):
    async def post(self, email_id: str) -> None:
        actor = await self.actor()
        self.send_json({"email": await outbox.retry(self.ctx, actor, _row_id(email_id))})


routes = [
    (r"/api/admin/outbox", OutboxHandler),
    (r"/api/admin/outbox/counts", OutboxCountsHandler),
    (r"/api/admin/outbox/([^/]+)/retry", OutboxRetryHandler),
]
