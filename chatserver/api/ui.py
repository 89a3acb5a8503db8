"""The agent inbox's files (``agent_ui/``, built by Vite into ``chatserver/static/agent/``).

``/agent`` and every path under it that is not a built file answer ``index.html``, so the
inbox's own routes (``/agent/chats/<id>``, ``/agent/history``) survive a reload. The index is
revalidated on every load (``no-cache``), so a new build is picked up at once; the files it
loads are named by a hash of their content and cached for a year.

``/agent/assets/<name>`` serves only a file directly in ``assets/``: Vite writes flat hashed
names there, so a name that, decoded, is anything else (a ``/`` or ``\\``, ``..``, a NUL, a
``%``) is a 404 and never reaches the file system. Otherwise ``assets/../index.html`` would
answer the index with a year's cache and none of the headers below.

The index carries a strict Content-Security-Policy: scripts and styles only from this origin,
no inline script, no framing. The inbox keeps its sign-in token in ``localStorage``
(docs/security.md says why), so this policy is what keeps injected script from reading it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import tornado.web

from chatserver.api.static import IMMUTABLE_CACHE, STATIC_DIR

AGENT_DIR = STATIC_DIR / "agent"
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",  # blob:: attachments, fetched with the token (api.fileBlob)
    "font-src 'self'",
    "connect-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
# What Vite names a built file: letters, digits, `_`, `-` and dots, not starting with a dot.
ASSET_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
NOT_BUILT = "the agent inbox is not built: run `make build` (npm run build)\n"

# The admin UI (admin_ui/, built into static/admin/) is served the same way, at /admin. Its
# widget builder frames /admin/preview.html (the real widget in preview mode), so the admin
# index may frame this origin, and that one page may be framed by this origin only.
ADMIN_DIR = STATIC_DIR / "admin"
ADMIN_HEADERS = {**SECURITY_HEADERS, "Content-Security-Policy":
                 CONTENT_SECURITY_POLICY + "; frame-src 'self'"}
PREVIEW_HEADERS = {**SECURITY_HEADERS, "X-Frame-Options": "SAMEORIGIN",
                   "Content-Security-Policy": CONTENT_SECURITY_POLICY.replace(
                       "frame-ancestors 'none'", "frame-ancestors 'self'")}
ADMIN_NOT_BUILT = "the admin UI is not built: run `make build` (npm run build)\n"


class AgentIndexHandler(tornado.web.RequestHandler):
    """index.html for /agent and its client-side routes."""

    def initialize(self, root: Path, page: str = "index.html",
                   headers: dict[str, str] | None = None, not_built: str = NOT_BUILT) -> None:
        self.root = root
        self.page = page
        self.not_built = not_built
        for name, value in (headers or {}).items():
            self.set_header(name, value)

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-cache")

    def check_xsrf_cookie(self) -> None:
        """Only GET and HEAD: nothing to protect."""

    def get(self, _path: str = "") -> None:
        try:
            body = (self.root / self.page).read_bytes()
        except FileNotFoundError:
            self.set_status(503)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(self.not_built)
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(body)

    def head(self, _path: str = "") -> None:
        self.get(_path)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


class AgentAssetHandler(tornado.web.StaticFileHandler):
    """A hashed build file in ``assets/``: never changes under its name.

    Every answer carries the UI's security headers, so that nothing served here can be framed
    or run script, whatever it is; a page (which Vite never puts here) is not cached for good.
    """

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)

    def parse_url_path(self, url_path: str) -> str:
        if not ASSET_NAME.fullmatch(url_path):
            raise tornado.web.HTTPError(404)
        return url_path

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        if not os.path.isfile(absolute_path):
            raise tornado.web.HTTPError(404)
        return super().validate_absolute_path(root, absolute_path)

    def set_extra_headers(self, path: str) -> None:
        page = (self.get_content_type() or "").startswith("text/html")
        self.set_header("Cache-Control", "no-cache" if page else IMMUTABLE_CACHE)

    def get_cache_time(self, path: str, modified: Any, mime_type: str) -> int:
        return 0  # Cache-Control is set in set_extra_headers; no Expires header

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.clear_header("Cache-Control")
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(f"{status_code} {self._reason}\n")


def make_routes(root: Path = AGENT_DIR) -> list[Any]:
    return [
        (r"/agent/assets/(.*)", AgentAssetHandler, {"path": str(root / "assets")}),
        (r"/agent(/.*)?", AgentIndexHandler, {"root": root}),
    ]


def make_admin_routes(root: Path = ADMIN_DIR) -> list[Any]:
    """/admin like /agent, its preview page, and / sends the browser to /admin/."""
    return [
        (r"/admin/assets/(.*)", AgentAssetHandler, {"path": str(root / "assets")}),
        (r"/admin/preview\.html", AgentIndexHandler,
         {"root": root, "page": "preview.html", "headers": PREVIEW_HEADERS,
          "not_built": ADMIN_NOT_BUILT}),
        (r"/admin(/.*)?", AgentIndexHandler,
         {"root": root, "headers": ADMIN_HEADERS, "not_built": ADMIN_NOT_BUILT}),
        (r"/", tornado.web.RedirectHandler, {"url": "/admin/", "permanent": False}),
    ]


routes = make_routes() + make_admin_routes()
