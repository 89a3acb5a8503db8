"""/api/admin/audit: the audit log of admin actions (admins only)."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.services import audit
from chatserver.services.access import require_admin

FILTERS = ("actor", "action", "target_type", "target_id", "from", "to", "cursor")


class AuditHandler(APIHandler):
    async def get(self) -> None:
        actor = await self.actor()
        require_admin(actor)  # before the filters: an agent learns nothing from a 400
        f = audit.parse_filter({k: self.get_query_argument(k, None) for k in FILTERS})
        limit = audit.parse_limit(self.get_query_argument("limit", None))
        self.send_json(await audit.list_entries(self.ctx, actor, f, limit))


routes = [
    (r"/api/admin/audit", AuditHandler),
]
