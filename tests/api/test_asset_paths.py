"""The asset routes of the inbox, the admin UI and the widget serve a built file directly in
their folder and nothing else: a path that climbs out of it, however encoded, never answers a
page with a year's cache or without the UI's headers, and a name that cannot be a file (a NUL,
bytes that are not UTF-8) is a clean 4xx, not a 500 with a traceback.

Against the real build (chatserver/static), as served by the application.
"""

from __future__ import annotations

import logging

import pytest

from chatserver.api.static import IMMUTABLE_CACHE, STATIC_DIR
from tests.helpers.api import Api
from tests.helpers.headers import csp

PAGES = ("agent/index.html", "admin/index.html", "admin/preview.html", "widget.js")
# Ways to name a file outside the folder (or no file): encoded, double-encoded, backslashed,
# with a NUL, not UTF-8, and plain `..`, which the client sends as written.
ESCAPES = ["..%2findex.html", "..%2Findex.html", "%2e%2e%2findex.html", "%2E%2E/index.html",
           ".%2e/index.html", "..%5cindex.html", "..\\index.html", "..%252findex.html",
           "../index.html", "..%2f..%2fagent%2findex.html", "..%2fpreview.html", "x%00.js",
           "%00", "index.js%00.html", "%ff.js", "", ".", "..", "%2e%2e", "./index.html"]


@pytest.mark.parametrize("prefix", ["/agent/assets/", "/admin/assets/", "/widget/"])
async def test_asset_routes_serve_only_their_own_files(api: Api, caplog: pytest.LogCaptureFixture,
                                                       prefix: str) -> None:
    for page in PAGES:
        if not (STATIC_DIR / page).exists():
            pytest.skip(f"the front ends are not built (make build): {page} is missing")
    pages = {(STATIC_DIR / page).read_bytes() for page in PAGES}
    caplog.set_level(logging.INFO)
    for name in ESCAPES:
        path = prefix + name
        resp = await api.get(path)
        assert resp.code in (400, 404), (path, resp)
        assert resp.body not in pages, path
        assert "immutable" not in resp.headers.get("Cache-Control", ""), path
        if prefix != "/widget/":  # the UI's own headers, on its errors too
            assert csp(resp.headers["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
            assert resp.headers["X-Frame-Options"] == "DENY", path
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    built = sorted((STATIC_DIR / prefix.strip("/")).glob("*.js"))
    resp = await api.get(prefix + built[0].name)
    assert resp.code == 200 and resp.headers["Cache-Control"] == IMMUTABLE_CACHE
