from __future__ import annotations

import time

from chatserver.context import Context
from tests.helpers.api import Api


async def test_health_reports_database_ok(api: Api, ctx: Context) -> None:
    resp = await api.get("/api/health")
    assert resp.code == 200
    assert resp.json["status"] == "ok"
    assert resp.json["database"] == "ok"
    assert resp.json["version"]
    # seconds since this server's Context was made, to a tenth
    assert abs(resp.json["uptime_s"] - (time.monotonic() - ctx.started_at)) < 0.5


async def test_unknown_api_route_is_json_404(api: Api) -> None:
    resp = await api.get("/api/nope")
    assert resp.code == 404
    assert resp.error_code == "not_found"
