"""The widget's files and its demo page.

``/widget.js`` is pasted into customers' pages and keeps its URL forever, so it is cached
briefly and revalidated with an ``ETag``; the chat chunk it imports is named by a hash of its
content (``/widget/chat.<hash>.js``), so a build never changes a file under an existing name
and it may be cached for a year. Both are readable cross-origin: the loader imports the
chunk as an ES module from the customer's page. ``npm run build`` (``make build``) writes
them to ``chatserver/static/``.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from pathlib import Path
from typing import Any

import tornado.web

from chatserver.context import Context
from chatserver.services import widgets
from chatserver.services.maintenance import DEMO_WIDGET

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
# Browsers and proxies may reuse /widget.js this long before revalidating it, so a new
# release reaches every page within five minutes.
LOADER_CACHE = "public, max-age=300"
# A hashed chunk never changes under its name.
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
SITE_KEY_RE = re.compile(r"[A-Za-z0-9_-]{8,64}")


class WidgetFileHandler(tornado.web.StaticFileHandler):
    """A built widget file: JavaScript, cross-origin readable, with a strong ETag."""

    cache_control = IMMUTABLE_CACHE
    # absolute path -> ((mtime, size), ETag): recomputed when a build replaces the file,
    # so a running server never answers 304 for content it no longer has.
    _etags: dict[str, tuple[tuple[int, int], str]] = {}

    def compute_etag(self) -> str | None:
        assert self.absolute_path is not None
        st = os.stat(self.absolute_path)
        stamp = (st.st_mtime_ns, st.st_size)
        cached = self._etags.get(self.absolute_path)
        if cached is None or cached[0] != stamp:
            with open(self.absolute_path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()[:32]
            cached = (stamp, f'"{digest}"')
            self._etags[self.absolute_path] = cached
        return cached[1]

    def get_cache_time(self, path: str, modified: Any, mime_type: str) -> int:
        return 0  # Cache-Control is set in set_extra_headers; no Expires header

    def get_content_type(self) -> str:
        return "text/javascript; charset=utf-8"

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", self.cache_control)
        self.set_header("Access-Control-Allow-Origin", "*")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cross-Origin-Resource-Policy", "cross-origin")
        # Ignored where the file runs (a page's script); opened as a page, it may do nothing.
        self.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
        self.set_header("Referrer-Policy", "no-referrer")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.clear_header("Cache-Control")
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        if status_code == 404 and self.request.path == "/widget.js":
            self.finish("the widget is not built: run `make build` (npm run build)\n")
        else:
            self.finish(f"{status_code} {self._reason}\n")


class LoaderHandler(WidgetFileHandler):
    cache_control = LOADER_CACHE


DEMO_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley widget demo</title>
<link rel="icon" href="data:,">
<style>
body{{margin:0;font:16px/1.6 system-ui,sans-serif;color:#1f2328;background:#f6f8fa}}
main{{max-width:800px;margin:0 auto;padding:48px 24px}}
code,pre{{font:14px/1.5 ui-monospace,monospace;background:#eaeef2;border-radius:4px}}
code{{padding:2px 4px}} pre{{padding:12px 16px;overflow:auto;white-space:pre-wrap}}
</style>
</head>
<body>
<main>
<h1>Parley widget demo</h1>
{body}
</main>
{tag}
</body>
</html>
"""


class DemoPageHandler(tornado.web.RequestHandler):
    """/test-widget.html: a page that embeds the widget, to try it against this server.

    It embeds the widget named by ``?key=``, else the demo widget (``chatctl demo``), else
    the first widget."""

    @property
    def ctx(self) -> Context:
        ctx: Context = self.application.settings["ctx"]
        return ctx

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        # A strict policy, as many customers' sites have: the widget must work under it.
        self.set_header("Content-Security-Policy",
                        "default-src 'none'; script-src 'self'; connect-src 'self'; "
                        "style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; "
                        "form-action 'none'; frame-ancestors 'none'")
        self.set_header("X-Frame-Options", "DENY")
        self.set_header("Referrer-Policy", "no-referrer")

    async def get(self) -> None:
        key = self.get_query_argument("key", "") or await widgets.demo_site_key(self.ctx, DEMO_WIDGET)
        if key and not SITE_KEY_RE.fullmatch(key):
            self.set_status(400)
            self.finish(DEMO_PAGE.format(body="<p>That is not a site key.</p>", tag=""))
            return
        if not key:
            body = ("<p>There is no widget yet. Create one with <code>chatctl demo</code> "
                    "(or in the admin UI), then reload this page.</p>")
            self.finish(DEMO_PAGE.format(body=body, tag=""))
            return
        tag = f'<script src="/widget.js" data-site-key="{html.escape(key)}" async></script>'
        body = (f"<p>This page embeds the widget <code>{html.escape(key)}</code> with the tag "
                "below; the launcher is at the bottom of the window. Another widget: "
                "<code>/test-widget.html?key=SITE_KEY</code>.</p>"
                f"<pre>{html.escape(tag)}</pre>"
                "<p>From the browser console: <code>Parley.open()</code>, "
                "<code>Parley.identify({name: 'Ada', email: 'ada@example.com'})</code>, "
                "<code>Parley.on('message', console.log)</code>.</p>")
        self.finish(DEMO_PAGE.format(body=body, tag=tag))


def make_routes(static_dir: Path = STATIC_DIR) -> list[Any]:
    return [
        (r"/(widget\.js)", LoaderHandler, {"path": str(static_dir)}),
        (r"/widget/([A-Za-z0-9_.-]+\.js)", WidgetFileHandler, {"path": str(static_dir / "widget")}),
    ]


routes = make_routes()
demo_routes = [(r"/test-widget\.html", DemoPageHandler)]  # PARLEY_DEMO_PAGE
