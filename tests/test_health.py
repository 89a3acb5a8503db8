from __future__ import annotations

from tests.helpers.api import Api


async def test_health_reports_database_ok(api: Api) -> None:
    resp = await api.get("/api/health")
    assert resp.code == 200
    assert resp.json["status"] == "ok"
    assert resp.json["database"] == "ok"
    assert resp.json["version"]
    assert resp.json["uptime_s"] >= 0


async def test_unknown_api_route_is_json_404(api: Api) -> None:
    resp = await api.get("/api/nope")
    assert resp.code == 404
    assert resp.error_code == "not_found"
