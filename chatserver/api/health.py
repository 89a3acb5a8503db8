"""GET /api/health: liveness and the database's state (503 when it is down)."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.services import health


class HealthHandler(APIHandler):
    async def get(self) -> None:
        ok, body = await health.report(self.ctx)
        self.send_json(body, status=200 if ok else 503)


routes = [(r"/api/health", HealthHandler)]
