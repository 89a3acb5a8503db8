"""/agent: the inbox's index for every client route, with a strict policy; hashed files
cached for good."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tornado.web

from chatserver.api import ui
from tests.helpers.api import Api

INDEX = b'<!doctype html><script type="module" src="/agent/assets/index-abc123.js"></script>'


@pytest.fixture
def app(tmp_path: Path) -> tornado.web.Application:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    return tornado.web.Application(ui.make_routes(tmp_path))


@pytest.mark.parametrize("path", ["/agent", "/agent/", "/agent/login",
                                  "/agent/chats/7c1e-uuid", "/agent/history?q=x"])
async def test_every_inbox_route_answers_the_index(api: Api, path: str) -> None:
    resp = await api.get(path)
    assert resp.code == 200, resp
    assert resp.body == INDEX
    h: Any = resp.headers
    assert h["Content-Type"] == "text/html; charset=utf-8"
    assert h["Cache-Control"] == "no-cache"
    csp = h["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("style-src")[0]
    assert "unsafe-eval" not in csp and "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp and "base-uri 'none'" in csp
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "no-referrer" and h["X-Frame-Options"] == "DENY"


async def test_hashed_assets_are_immutable_and_missing_ones_404(api: Api, tmp_path: Path) -> None:
    resp = await api.get("/agent/assets/index-abc123.js")
    assert resp.code == 200 and resp.body == b"console.log(1)"
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "javascript" in resp.headers["Content-Type"]
    missing = await api.get("/agent/assets/index-zzz.js")
    assert missing.code == 404 and missing.headers["Cache-Control"] == "no-store"
    (tmp_path.parent / "secret.txt").write_text("secret")
    escape = await api.get("/agent/assets/..%2F..%2Fsecret.txt")
    assert escape.code in (403, 404) and b"secret" not in escape.body


async def test_an_unbuilt_inbox_says_how_to_build_it(api: Api, tmp_path: Path) -> None:
    (tmp_path / "index.html").unlink()
    resp = await api.get("/agent/")
    assert resp.code == 503 and b"make build" in resp.body
    assert resp.headers["Cache-Control"] == "no-store"


async def test_a_page_among_the_assets_is_neither_cached_for_good_nor_framable(
        api: Any, tmp_path: Path) -> None:
    """Vite never writes a page into assets/; were one there, it is served as a UI page."""
    (tmp_path / "assets" / "stray.html").write_bytes(INDEX)
    resp = await api.get("/agent/assets/stray.html")
    assert resp.code == 200 and resp.headers["Cache-Control"] == "no-cache"
    assert resp.headers["Content-Security-Policy"] == ui.CONTENT_SECURITY_POLICY
    assert resp.headers["X-Frame-Options"] == "DENY"
    (tmp_path / "assets" / "sub").mkdir()
    assert (await api.get("/agent/assets/sub")).code == 404
