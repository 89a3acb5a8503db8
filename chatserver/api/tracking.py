"""Visitor tracking (services/tracking.py, docs/privacy.md): the widget's heartbeat (public,
the widget's allowed origins; sent with fetch or navigator.sendBeacon, so any content type)
and the agents' live list of visitors, with the invitation to chat (JWT)."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.api.widgets import PublicAPIHandler
from chatserver.services import tracking


class TrackHandler(PublicAPIHandler):
    async def post(self, site_key: str) -> None:
        self.check_origin(await self.allowed_origins(site_key))
        self.send_json(await tracking.heartbeat(self.ctx, site_key, self.json_body(),
                                                ip=self.client_ip))


class VisitorsHandler(APIHandler):
    async def get(self) -> None:
        visitors = await tracking.live_visitors(self.ctx, await self.actor())
        self.send_json({"visitors": visitors})


class InviteHandler(APIHandler):
    async def post(self, site_key: str, tracking_id: str) -> None:
        actor = await self.actor()
        visitor = await tracking.invite(self.ctx, actor, site_key, tracking_id,
                                        self.json_body())
        self.send_json({"visitor": visitor}, status=201)

    async def delete(self, site_key: str, tracking_id: str) -> None:
        await tracking.withdraw(self.ctx, await self.actor(), site_key, tracking_id)
        self.set_status(204)
        self.finish()


routes = [
    (r"/api/widgets/([^/]+)/track", TrackHandler),
    (r"/api/visitors", VisitorsHandler),
    (r"/api/visitors/([^/]+)/([^/]+)/invite", InviteHandler),
]
