"""GET /api/health: liveness, the database's state (503 when it is down) and the AI's (from
the runner's last calls, never a live probe)."""

from __future__ import annotations

import time

from chatserver import __version__
from chatserver.api.base import APIHandler
from chatserver.db.engine import check
from chatserver.services.assistant import AIRunner


class HealthHandler(APIHandler):
    async def get(self) -> None:
        db_ok = await check(self.ctx.engine)
        ai: AIRunner | None = self.application.settings.get("ai")
        self.send_json({
            "status": "ok" if db_ok else "unavailable",
            "version": __version__,
            "uptime_s": round(time.monotonic() - self.ctx.started_at, 1),
            "database": "ok" if db_ok else "down",
            "ai": ai.health() if ai is not None else None,
        }, status=200 if db_ok else 503)


routes = [(r"/api/health", HealthHandler)]
