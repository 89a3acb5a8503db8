"""POST /api/widgets/{siteKey}/sessions/{id}/context: the widget reports its visitor's context
(services/visitor_context.py), with the visitor token."""

from __future__ import annotations

from chatserver.api.sessions import VisitorAPIHandler
from chatserver.services import visitor_context


class VisitorContextHandler(VisitorAPIHandler):
    async def post(self, site_key: str, session_id: str) -> None:
        token, actor = await self.caller(site_key)
        context = await visitor_context.update(self.ctx, site_key, session_id, self.json_body(),
                                               visitor_token=token, actor=actor)
        self.send_json({"context": context})


routes = [
    (r"/api/widgets/([^/]+)/sessions/([^/]+)/context", VisitorContextHandler),
]
