"""The agent inbox's files (``agent_ui/``, built by Vite into ``chatserver/static/agent/``).

``/agent`` and every path under it that is not a built file answer ``index.html``, so the
inbox's own routes (``/agent/chats/<id>``, ``/agent/history``) survive a reload. The index is
revalidated on every load (``no-cache``), so a new build is picked up at once; the files it
loads are named by a hash of their content and cached for a year.

The index carries a strict Content-Security-Policy: scripts and styles only from this origin,
no inline script, no framing. The inbox keeps its sign-in token in ``localStorage``
(docs/security.md says why), so this policy is what keeps injected script from reading it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tornado.web

from chatserver.api.static import IMMUTABLE_CACHE, STATIC_DIR

AGENT_DIR = STATIC_DIR / "agent"
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
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
NOT_BUILT = "the agent inbox is not built: run `make build` (npm run build)\n"


class AgentIndexHandler(tornado.web.RequestHandler):
    """index.html for /agent and its client-side routes."""

    def initialize(self, root: Path) -> None:
        self.root = root

    def set_default_headers(self) -> None:
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)
        self.set_header("Cache-Control", "no-cache")

    def check_xsrf_cookie(self) -> None:
        """Only GET and HEAD: nothing to protect."""

    def get(self, _path: str = "") -> None:
        try:
            body = (self.root / "index.html").read_bytes()
        except FileNotFoundError:
            self.set_status(503)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(NOT_BUILT)
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(body)

    def head(self, _path: str = "") -> None:
        self.get(_path)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


class AgentAssetHandler(tornado.web.StaticFileHandler):
    """A hashed build file: never changes under its name."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", IMMUTABLE_CACHE)
        self.set_header("X-Content-Type-Options", "nosniff")

    def get_cache_time(self, path: str, modified: Any, mime_type: str) -> int:
        return 0  # Cache-Control is set in set_extra_headers; no Expires header

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.clear_header("Cache-Control")
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(f"{status_code} {self._reason}\n")


def make_routes(root: Path = AGENT_DIR) -> list[Any]:
    return [
        (r"/agent/(assets/.+)", AgentAssetHandler, {"path": str(root)}),
        (r"/agent(/.*)?", AgentIndexHandler, {"root": root}),
    ]


routes = make_routes()
