"""Security headers on what browsers load from us: the inbox, the admin UI and its preview,
the widget's demo page, the widget's files, and the JSON API.

The policies themselves are explained in docs/security.md; tests/api/test_agent_ui_files.py
and test_admin_ui_files.py check that the pages are served at all. These read the policies
the way a browser would and fail on any way around them.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from chatserver.api.static import STATIC_DIR
from tests.helpers.accounts import register
from tests.helpers.headers import csp

STRICT_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
# Where a page may be framed: nowhere, or (the admin's widget preview) by the admin UI only.
FRAMING = {"/admin/preview.html": "'self'"}
PAGES = ["/agent", "/agent/", "/agent/chats/123", "/agent/history", "/admin", "/admin/",
         "/admin/widgets/new", "/admin/preview.html", "/test-widget.html"]


def _built() -> None:
    for page in ("agent/index.html", "admin/index.html", "admin/preview.html", "widget.js"):
        if not (STATIC_DIR / page).exists():
            pytest.skip(f"the front ends are not built (make build): {page} is missing")


def check_page_headers(path: str, headers: Any) -> None:
    policy = csp(headers.get("Content-Security-Policy", ""))
    assert policy, f"{path}: no Content-Security-Policy"
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts is not None, f"{path}: no script-src or default-src"
    for unsafe in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:",
                   "blob:", "http:", "https:", "'strict-dynamic'"):
        assert unsafe not in scripts, f"{path}: script-src allows {unsafe}"
    assert policy.get("default-src") == ["'none'"], f"{path}: default-src is not 'none'"
    assert "object-src" not in policy or policy["object-src"] == ["'none'"], path
    assert policy.get("base-uri") == ["'none'"], f"{path}: base-uri"
    assert policy.get("form-action") == ["'none'"], f"{path}: form-action"
    assert policy.get("frame-ancestors") == [FRAMING.get(path, "'none'")], \
        f"{path}: frame-ancestors {policy.get('frame-ancestors')}"
    assert "*" not in policy.get("connect-src", []), f"{path}: connect-src *"
    assert headers.get("X-Content-Type-Options") == "nosniff", f"{path}: nosniff"
    assert headers.get("Referrer-Policy") in STRICT_REFERRER, \
        f"{path}: Referrer-Policy {headers.get('Referrer-Policy')}"
    xfo = headers.get("X-Frame-Options")
    assert xfo in ("DENY", "SAMEORIGIN"), f"{path}: X-Frame-Options {xfo}"
    assert (xfo == "SAMEORIGIN") == (path in FRAMING), path
    assert headers.get("Content-Type") == "text/html; charset=utf-8", path
    assert "Set-Cookie" not in headers, f"{path}: sets a cookie"


async def test_every_ui_page_carries_a_strict_policy(api: Any) -> None:
    _built()
    admin = (await register(api, "root"))["token"]
    key = (await api.post("/api/widgets", {}, token=admin)).json["widget"]["site_key"]
    for path in [*PAGES, f"/test-widget.html?key={key}"]:
        resp = await api.get(path, token="")
        assert resp.code == 200, (path, resp)
        check_page_headers(path.split("?")[0], resp.headers)
        # No inline script in the page itself: the policy could not allow it anyway, and a
        # page that needed it would be broken by it.
        body = resp.body.decode()
        inline = [m for m in re.findall(r"<script\b([^>]*)>", body, re.I) if "src=" not in m]
        assert not inline, (path, inline)
        assert not re.search(r"\son[a-z]+\s*=", body, re.I), f"{path}: an inline event handler"
    for path in ("/admin/preview.html", "/agent"):  # HEAD as GET
        resp = await api.request("HEAD", path, token="")
        check_page_headers(path, resp.headers)


async def test_the_admin_ui_may_frame_only_its_own_preview(api: Any) -> None:
    _built()
    resp = await api.get("/admin/", token="")
    policy = csp(resp.headers["Content-Security-Policy"])
    assert policy.get("frame-src") == ["'self'"]
    for path in ("/agent", "/test-widget.html"):
        policy = csp((await api.get(path, token="")).headers["Content-Security-Policy"])
        assert policy.get("frame-src", policy["default-src"]) == ["'none'"], path


async def test_the_widget_files_cannot_be_sniffed_or_used_as_pages(api: Any) -> None:
    """widget.js is loaded by other sites' pages, so it is cross-origin readable; served as
    JavaScript with nosniff it cannot be taken for a page or a stylesheet, and opened as a
    page it may do nothing."""
    _built()
    chunks = sorted(p.name for p in (STATIC_DIR / "widget").glob("*.js"))
    assert chunks
    for path in ("/widget.js", f"/widget/{chunks[0]}"):
        resp = await api.get(path, token="")
        assert resp.code == 200, path
        h = resp.headers
        assert h["Content-Type"] == "text/javascript; charset=utf-8", path
        assert h["X-Content-Type-Options"] == "nosniff", path
        assert h["Cross-Origin-Resource-Policy"] == "cross-origin", path
        policy = csp(h.get("Content-Security-Policy", ""))
        assert policy.get("default-src") == ["'none'"], path
        assert policy.get("frame-ancestors") == ["'none'"], path
        assert h.get("Referrer-Policy") in STRICT_REFERRER, path
        assert "Set-Cookie" not in h, path


async def test_api_answers_are_never_pages_or_cached(api: Any) -> None:
    admin = (await register(api, "root"))["token"]
    for path, token in (("/api/health", ""), ("/api/auth/me", admin), ("/api/nope", ""),
                        ("/api/auth/me", "garbage")):
        resp = await api.get(path, token=token)
        h = resp.headers
        assert h["Content-Type"] == "application/json; charset=utf-8", (path, resp)
        assert h["X-Content-Type-Options"] == "nosniff", path
        assert h["Cache-Control"] == "no-store", path
        assert "Set-Cookie" not in h, path
