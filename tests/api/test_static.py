"""The widget's files (/widget.js, its hashed chunks) and the demo page /test-widget.html.

The files come from a stand-in build in a temporary folder, so these tests run without npm.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from chatserver.api import static
from tests.helpers.accounts import register
from tests.helpers.api import Api

CHUNK = "chat.Ab3_x-9Z.js"
LOADER = f'!function(){{import(b+"widget/{CHUNK}")}}();'


@pytest.fixture(autouse=True)
def built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A built widget in a temporary static folder, served by the app under test."""
    root = tmp_path / "static"
    (root / "widget").mkdir(parents=True)
    (root / "widget.js").write_text(LOADER)
    (root / "widget" / CHUNK).write_text("export function mount(){}")
    monkeypatch.setattr(static, "routes", static.make_routes(root))
    static.WidgetFileHandler._etags.clear()
    yield root
    static.WidgetFileHandler._etags.clear()


async def test_loader_is_cached_briefly_and_revalidated_by_etag(api: Api, built: Path) -> None:
    resp = await api.get("/widget.js")
    assert resp.code == 200, resp
    assert resp.body.decode() == LOADER
    assert resp.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert resp.headers["Cache-Control"] == "public, max-age=300"
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    etag = resp.headers["ETag"]
    assert etag.startswith('"') and len(etag) > 10
    again = await api.get("/widget.js", headers={"If-None-Match": etag})
    assert again.code == 304 and again.body == b""

    # A new build under the same URL: the old ETag no longer matches, without a restart.
    (built / "widget.js").write_text(LOADER.replace("b+", "base+"))
    os.utime(built / "widget.js", ns=(1, 1))
    fresh = await api.get("/widget.js", headers={"If-None-Match": etag})
    assert fresh.code == 200 and b"base+" in fresh.body
    assert fresh.headers["ETag"] != etag


async def test_chunks_are_immutable_and_cross_origin_readable(api: Api) -> None:
    resp = await api.get(f"/widget/{CHUNK}", headers={"Origin": "https://shop.example.com"})
    assert resp.code == 200, resp
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert resp.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert "ETag" in resp.headers
    head = await api.request("HEAD", f"/widget/{CHUNK}")
    assert head.code == 200 and head.body == b""


@pytest.mark.parametrize("path", ["/widget/chat.nope.js", "/widget/..%2Fwidget.js",
                                  "/widget/../widget.js", "/widget/chat.js.map"])
async def test_missing_or_outside_files_are_not_found(api: Api, path: str) -> None:
    resp = await api.get(path)
    assert resp.code == 404, resp
    assert "immutable" not in resp.headers.get("Cache-Control", "")


async def test_an_unbuilt_widget_says_how_to_build_it(api: Api, built: Path) -> None:
    (built / "widget.js").unlink()
    resp = await api.get("/widget.js")
    assert resp.code == 404
    assert b"make build" in resp.body
    assert resp.headers["Cache-Control"] == "no-store"


def test_static_routes_leave_api_and_sockets_alone() -> None:
    for pattern, *_ in static.make_routes():
        assert not pattern.startswith(("/api", "/ws")), pattern


async def test_api_and_sockets_still_answer_beside_static_files(api: Api) -> None:
    assert (await api.get("/api/health")).code == 200
    resp = await api.get("/api/widgets/nope-nope-nope/config")
    assert resp.code == 404 and resp.error_code == "widget_not_found"
    assert (await api.get("/ws/00000000-0000-0000-0000-000000000000")).code == 400  # not an upgrade


async def test_demo_page_without_a_widget_says_what_to_do(api: Api) -> None:
    resp = await api.get("/test-widget.html")
    assert resp.code == 200
    assert resp.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"chatctl demo" in resp.body
    assert b"<script" not in resp.body


async def test_demo_page_embeds_the_demo_widget_else_the_first(api: Api) -> None:
    admin = (await register(api, "root"))["token"]
    first = (await api.post("/api/widgets", {"business_name": "Acme"}, token=admin)).json["widget"]
    resp = await api.get("/test-widget.html")
    tag = f'<script src="/widget.js" data-site-key="{first["site_key"]}" async></script>'
    assert tag.encode() in resp.body
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]

    demo = (await api.post("/api/widgets", {"business_name": "Parley Demo"},
                           token=admin)).json["widget"]
    resp = await api.get("/test-widget.html")
    assert f'data-site-key="{demo["site_key"]}"'.encode() in resp.body

    resp = await api.get(f"/test-widget.html?key={first['site_key']}")
    assert f'data-site-key="{first["site_key"]}"'.encode() in resp.body


@pytest.mark.parametrize("settings_overrides", [{"demo_page": False}])
async def test_demo_page_can_be_turned_off(api: Api, settings_overrides: dict[str, Any]) -> None:
    resp = await api.get("/test-widget.html")
    assert resp.code == 404 and resp.error_code == "not_found"
    assert (await api.get("/widget.js")).code == 200


@pytest.mark.parametrize("key", ['"><script>alert(1)</script>', "short", "a" * 65])
async def test_demo_page_refuses_what_is_not_a_site_key(api: Api, key: str) -> None:
    resp = await api.get("/test-widget.html?key=" + quote(key))
    assert resp.code == 400
    assert b"<script>alert" not in resp.body
