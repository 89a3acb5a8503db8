"""GET /api/health: liveness, the database's state (503 when it is down) and the AI's (from
the runner's last calls, never a live probe)."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.services import health
from chatserver.services.assistant import AIRunner


class HealthHandler(APIHandler):
    async def get(self) -> None:
        ai: AIRunner | None = self.application.settings.get("ai")
        ok, body = await health.report(self.ctx, ai)
        self.send_json(body, status=200 if ok else 503)


routes = [(r"/api/health", HealthHandler)]
