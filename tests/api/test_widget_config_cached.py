"""The widget config answered from its cache without a handler (WidgetConfigHandler.answer_cached):
the handler's status, headers and bytes, its log line, its request id; the handler for the rest."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from chatserver.api.widgets import WidgetConfigHandler
from chatserver.context import Context
from chatserver.db import migrate
from chatserver.server import install_access_log
from tests.helpers.accounts import PASSWORD, register
from tests.helpers.api import Api, Response
from tests.helpers.procs import ChatServer

SHOP = "https://shop.example.com"


async def _public_widget(api: Api, **fields: Any) -> tuple[str, str]:
    """(the admin's token, the site key) of a new widget allowed on SHOP."""
    admin = (await register(api, "root"))["token"]
    resp = await api.post("/api/widgets", {"business_name": "Acme", "allowed_origins": [SHOP],
                                           **fields}, token=admin)
    return admin, resp.json["widget"]["site_key"]


@pytest.fixture
def handled(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The site keys the handler's get answered (not the cache)."""
    calls: list[str] = []
    get = WidgetConfigHandler.get

    async def counted(self: WidgetConfigHandler, site_key: str) -> None:
        calls.append(site_key)
        await get(self, site_key)

    monkeypatch.setattr(WidgetConfigHandler, "get", counted)
    return calls


def _headers(resp: Response) -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in resp.headers.get_all() if k != "Date")


@pytest.mark.parametrize("origin", [None, SHOP])
async def test_the_cached_answer_is_the_handlers(api: Api, ctx: Context, handled: list[str],
                                                 origin: str | None) -> None:
    _admin, key = await _public_widget(api)
    path = f"/api/widgets/{key}/config?v=1"
    headers = {"Origin": origin} if origin else {}
    first = await api.get(path, headers=headers)  # the handler, which fills the cache
    assert handled == [key]
    second = await api.get(path, headers=headers)
    assert handled == [key]  # not the handler
    assert (second.code, second.body) == (first.code, first.body) == (200, first.body)
    assert _headers(second) == _headers(first)
    assert second.headers["Date"].endswith(" GMT")
    assert ("Access-Control-Allow-Origin" in second.headers) == bool(origin)


async def test_the_handler_answers_what_the_cache_cannot(api: Api, ctx: Context,
                                                         handled: list[str]) -> None:
    admin, key = await _public_widget(api)
    path = f"/api/widgets/{key}/config"
    etag = (await api.get(path)).headers["ETag"]
    assert len(handled) == 1
    refused = [await api.get(path, headers={"Origin": o}) for o in ("https://evil.com", "")]
    assert [(r.code, r.error_code) for r in refused] == [(403, "origin_not_allowed")] * 2
    assert (await api.get(path, headers={"If-None-Match": etag})).code == 304
    assert len(handled) == 4
    # Stale: the handler loads it again, and the cache answers after.
    entry = ctx.config_cache[key]
    ctx.config_cache[key] = (0.0, *entry[1:])
    assert (await api.get(path)).code == 200
    assert (await api.get(path)).code == 200
    assert len(handled) == 5
    # Changed: the next answer is the new config.
    await api.put(f"/api/widgets/{key}", {"widget_title": "Changed"}, token=admin)
    assert (await api.get(path)).json["widget_title"] == "Changed"
    assert (await api.get(path)).json["widget_title"] == "Changed"
    assert len(handled) == 6
    # A body, or another method: the handler's (a 405 for a POST).
    assert (await api.post(path, {})).code == 405
    assert len(handled) == 6


async def test_a_config_hidden_by_the_hours_is_never_cached_whole(api: Api, ctx: Context,
                                                                  handled: list[str]) -> None:
    _admin, key = await _public_widget(api, hide_when_offline=True)
    path = f"/api/widgets/{key}/config"
    await api.get(path)
    await api.get(path)
    assert handled == [key, key]  # hidden_now is the availability of each request's moment


async def test_the_cached_answer_is_logged_and_counted(api: Api, ctx: Context, app: Any,
                                                       handled: list[str],
                                                       caplog: pytest.LogCaptureFixture) -> None:
    install_access_log(app, ctx)  # the production server's
    _admin, key = await _public_widget(api)
    path = f"/api/widgets/{key}/config"
    await api.get(path)
    caplog.set_level(logging.INFO, logger="tornado.access")
    resp = await api.get(path + "?t=secret")
    assert resp.code == 200 and handled == [key]
    lines = [r.getMessage() for r in caplog.records if r.name == "tornado.access"]
    assert len(lines) == 1 and lines[0].startswith(f"200 GET {path} "), lines
    metrics = (await api.get("/metrics")).body.decode()
    assert 'parley_http_requests_total{method="GET",status="2xx"}' in metrics


@pytest.mark.slow
@pytest.mark.once  # its own server on an SQLite file of its own
def test_the_server_gives_the_cached_answer_its_request_id(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'parley.db'}"
    migrate.upgrade(url)
    env = {"PARLEY_DATABASE_URL": url,
           "PARLEY_DATA_DIR": str(tmp_path / "data"), "PARLEY_AI_PROVIDER": "offline",
           "PARLEY_SECRET_KEY": "config-cache-test-secret-" + "x" * 32,
           "PARLEY_LOG_LEVEL": "INFO", "PARLEY_LOG_FORMAT": "json"}
    with ChatServer(env, tmp_path / "chatctl.log") as server, \
            httpx.Client(base_url=server.url, timeout=10) as http:
        token = http.post("/api/auth/register", json={
            "username": "root", "email": "root@example.com", "password": PASSWORD}).json()["token"]
        key = http.post("/api/widgets", json={"business_name": "Acme"},
                        headers={"Authorization": f"Bearer {token}"}).json()["widget"]["site_key"]
        path = f"/api/widgets/{key}/config"
        ids = [http.get(path, headers={"X-Request-ID": f"cfg-{n}"}).headers["X-Request-ID"]
               for n in (1, 2)]
        assert ids == ["cfg-1", "cfg-2"]
        assert http.get(path).headers["X-Request-ID"] not in ids  # a new one
        server.terminate()  # the access lines are written at exit at the latest
        server.wait(10)
        logged = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        ours = [r for r in logged if r.get("logger") == "tornado.access" and r["path"] == path]
        assert [r.get("request_id") for r in ours][:2] == ["cfg-1", "cfg-2"], ours
        assert len(ours) == 3 and all(r["status"] == 200 for r in ours)
