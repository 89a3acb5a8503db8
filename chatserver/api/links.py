"""``/c/<token>``: the page a conversation link opens (served even with the demo page off).

It embeds the widget, told by its tag's data attributes to continue the link's conversation
with a visitor token of this device's own and to open at once (docs/widget.md). The widget is
served from Parley's own origin, which every widget allows, whatever its allowed origins.

An expired link answers 410 with a page that offers to start a new conversation; a forged
link, or one whose conversation was deleted, 404 with no detail. Every answer, errors too, is
a small HTML page under a strict Content-Security-Policy: no inline script (the tag's data
attributes carry what the widget needs), the page's one inline stylesheet allowed by its hash,
nothing cached, no referrer (the URL holds the token).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tornado.template
import tornado.web
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from chatserver.context import Context
from chatserver.errors import ParleyError
from chatserver.outage import is_unavailable, outage_log
from chatserver.services import links

log = logging.getLogger(__name__)

TEMPLATES = tornado.template.Loader(str(Path(__file__).parent / "templates"))
PAGE_CSS = (
    "body{margin:0;font:16px/1.6 Inter,system-ui,sans-serif;color:#1f2328;background:#f6f8fa}"
    "main{max-width:560px;margin:0 auto;padding:48px 24px}"
    "h1{font-size:24px;line-height:1.4;margin:0 0 16px}"
    ".button{display:inline-block;padding:8px 16px;border-radius:8px;background:#007bff;"
    "color:#fff;text-decoration:none;font-weight:600}"
    ".button:focus-visible{outline:3px solid #1f2328;outline-offset:2px}"
)
_CSS_HASH = base64.b64encode(hashlib.sha256(PAGE_CSS.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'none'",
    "script-src 'self'",
    # The widget's styles are constructed stylesheets and CSSOM properties, which a policy
    # does not restrict; the page's own is the inline sheet above, allowed by its hash.
    f"style-src 'sha256-{_CSS_HASH}'",
    "img-src 'self' data:",
    "connect-src 'self'",  # REST and, in CSP 3, ws(s): to this host
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass(frozen=True)
class Page:
    title: str
    lines: list[str] = field(default_factory=list)
    action: str = ""
    action_href: str = ""


OPENED = Page("Your conversation", [
    "Your conversation opens in the chat window on this page. If it does not, use the chat "
    "button at the bottom of the page.",
    "Anything you write there reaches the same team, in the same conversation."])
EXPIRED = Page("This link has expired", [
    "Links to a conversation work for a limited time, and this one can no longer open it.",
    "You are welcome to start a new conversation: we will be glad to help."],
    action="Start a new conversation", action_href="?start=1")
STARTING = Page("Start a new conversation", [
    "The chat window on this page starts a new conversation. If it is not open, use the chat "
    "button at the bottom of the page."])
NOT_FOUND = Page("This link does not work", [
    "It may be incomplete: check that you copied all of it from the email. If it still does "
    "not work, the conversation may no longer exist; you can contact us again from our "
    "website."])
UNAVAILABLE = Page("Please try again in a moment", [
    "We could not open the conversation just now. Reload this page in a minute."])
FAILED = Page("Something went wrong", [
    "We could not open the conversation. Reload this page, or contact us again from our "
    "website."])


class ConversationLinkHandler(tornado.web.RequestHandler):
    @property
    def ctx(self) -> Context:
        ctx: Context = self.application.settings["ctx"]
        return ctx

    def set_default_headers(self) -> None:
        for name, value in HEADERS.items():
            self.set_header(name, value)

    def page(self, page: Page, widget: list[tuple[str, str]] | None = None,
             status: int = 200) -> None:
        self.set_status(status)
        self.finish(TEMPLATES.load("conversation.html").generate(
            page=page, widget=widget or [], css=PAGE_CSS))

    async def get(self, token: str) -> None:
        opened = await links.open_link(self.ctx, token)
        widget = [("data-site-key", opened.site_key)]
        if opened.expired:
            start = self.get_query_argument("start", "") == "1"
            self.page(STARTING if start else EXPIRED,
                      [*widget, ("data-open", "true")] if start else widget, status=410)
            return
        assert opened.session_id is not None and opened.visitor_token is not None
        self.page(OPENED, [*widget, ("data-session-id", opened.session_id),
                           ("data-visitor-token", opened.visitor_token), ("data-open", "true")])

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, ParleyError | tornado.web.HTTPError):
            return
        if isinstance(value, OperationalError | PoolTimeout | DBAPIError) and is_unavailable(value):
            outage_log("request", value, f"{self.request.method} /c/…")
            return
        super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A page in plain words, never a traceback: the token stays out of it and the logs."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        self.clear()
        if isinstance(exc, OperationalError | PoolTimeout | DBAPIError) and is_unavailable(exc):
            self.set_header("Retry-After", "30")
            return self.page(UNAVAILABLE, status=503)
        status = exc.status if isinstance(exc, ParleyError) else status_code
        if status in (400, 404):  # 400: a token that is not even text
            return self.page(NOT_FOUND, status=status)
        if status == 405:
            self.set_header("Allow", "GET")
        return self.page(FAILED, status=status if status != 200 else 500)


routes = [(r"/c/([^/]*)", ConversationLinkHandler)]
