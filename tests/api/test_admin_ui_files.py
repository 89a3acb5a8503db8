"""/admin: the admin UI's index for every client route, its widget preview page (framable by
this origin only), hashed files cached for good, and / sending the browser to /admin/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tornado.web

from chatserver.api import ui
from tests.helpers.api import Api

INDEX = b'<!doctype html><script type="module" src="/admin/assets/index-abc123.js"></script>'
PREVIEW = b'<!doctype html><script src="/widget.js" data-preview async></script>'


@pytest.fixture
def app(tmp_path: Path) -> tornado.web.Application:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(INDEX)
    (tmp_path / "preview.html").write_bytes(PREVIEW)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    return tornado.web.Application(ui.make_admin_routes(tmp_path))


@pytest.mark.parametrize("path", ["/admin", "/admin/", "/admin/login", "/admin/widgets/KEY",
                                  "/admin/analytics?from=2025-01-01"])
async def test_every_admin_route_answers_the_index(api: Api, path: str) -> None:
    resp = await api.get(path)
    assert resp.code == 200, resp
    assert resp.body == INDEX
    h: Any = resp.headers
    assert h["Content-Type"] == "text/html; charset=utf-8" and h["Cache-Control"] == "no-cache"
    csp = h["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert h["X-Frame-Options"] == "DENY" and h["Referrer-Policy"] == "no-referrer"


async def test_the_preview_page_may_be_framed_by_this_origin_only(api: Api) -> None:
    resp = await api.get("/admin/preview.html")
    assert resp.code == 200 and resp.body == PREVIEW
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"


async def test_assets_are_immutable_and_the_root_redirects(api: Api) -> None:
    resp = await api.get("/admin/assets/index-abc123.js")
    assert resp.code == 200 and resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    resp = await api.client.fetch("/", follow_redirects=False, raise_error=False)
    assert resp.code == 302 and resp.headers["Location"] == "/admin/"


async def test_an_unbuilt_admin_ui_says_how_to_build_it(api: Api, tmp_path: Path) -> None:
    (tmp_path / "index.html").unlink()
    resp = await api.get("/admin/widgets")
    assert resp.code == 503 and b"admin UI is not built" in resp.body
