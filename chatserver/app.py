"""Build a serving process: its Context (with the AI runner's hook) and its Tornado application."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import tornado.httputil
import tornado.web

from chatserver.ai import embedding
from chatserver.api import (
    analytics,
    auth,
    health,
    inbox,
    knowledge,
    links,
    openapi,
    outbox,
    sessions,
    static,
    ui,
    uploads,
    widgets,
)
from chatserver.api import audit as audit_api
from chatserver.api import avatars as avatars_api
from chatserver.api import identity as identity_api
from chatserver.api import knowledge_sources as knowledge_sources_api
from chatserver.api import labels as labels_api
from chatserver.api import metrics as metrics_api
from chatserver.api import notes as notes_api
from chatserver.api import privacy as privacy_api
from chatserver.api import tracking as tracking_api
from chatserver.api import triggers as triggers_api
from chatserver.api import user_settings as user_settings_api
from chatserver.api import visitor_context as visitor_context_api
from chatserver.api.base import APIHandler, NotFoundHandler, RequestBody
from chatserver.config import Settings
from chatserver.context import Context
from chatserver.mail.inbound import InboundMail
from chatserver.mail.listener import MailListener
from chatserver.realtime import handlers as sockets
from chatserver.realtime.admission import Admission
from chatserver.realtime.pings import Pinger
from chatserver.realtime.registry import Registry
from chatserver.services import agent_presence, inbound
from chatserver.services.assistant import AIRunner

STATIC_DIR = Path(__file__).parent / "static"


class Application(tornado.web.Application):
    """Tornado's, with each REST request's body read within the REST limit (RequestBody)."""

    def get_handler_delegate(  # type: ignore[override]  # any HTTPMessageDelegate serves
            self, request: tornado.httputil.HTTPServerRequest,
            target_class: type[tornado.web.RequestHandler],
            target_kwargs: dict[str, Any] | None = None, path_args: list[bytes] | None = None,
            path_kwargs: dict[str, bytes] | None = None) -> tornado.httputil.HTTPMessageDelegate:
        has_body = "Content-Length" in request.headers or "Transfer-Encoding" in request.headers
        answer = getattr(target_class, "answer_cached", None)
        if answer is not None and request.method == "GET" and path_args and not has_body:
            return CachedAnswer(super().get_handler_delegate(
                request, target_class, target_kwargs, path_args, path_kwargs),
                lambda: answer(self, request, path_args))
        if not issubclass(target_class, APIHandler) or getattr(target_class, "streams_body",
                                                                False) or not has_body:
            # Not a REST request, one without a body (most: GETs), which Tornado reads as is,
            # or the upload route, which streams its body within its own limit.
            return super().get_handler_delegate(request, target_class, target_kwargs,
                                                path_args, path_kwargs)
        ctx: Context = self.settings["ctx"]
        body = RequestBody(request, ctx.settings.max_body_bytes)
        body.delegate = super().get_handler_delegate(
            request, target_class, {**(target_kwargs or {}), "body": body}, path_args,
            path_kwargs)
        return body


class CachedAnswer(tornado.httputil.HTTPMessageDelegate):
    """A request a handler class may answer from a cache without being instantiated
    (``answer_cached``: the widget config); when it does not, the handler's delegate runs."""

    def __init__(self, delegate: tornado.httputil.HTTPMessageDelegate,
                 answer: Callable[[], bool]) -> None:
        self.delegate = delegate
        self.answer = answer

    def headers_received(self, start_line: tornado.httputil.RequestStartLine
                         | tornado.httputil.ResponseStartLine,
                         headers: tornado.httputil.HTTPHeaders) -> Awaitable[None] | None:
        return self.delegate.headers_received(start_line, headers)

    def finish(self) -> None:
        if not self.answer():
            self.delegate.finish()

    def on_connection_close(self) -> None:
        self.delegate.on_connection_close()


def open_context(settings: Settings, ai: AIRunner | None) -> Context:
    """The Context of a serving process whose AI is ``ai`` (built first: it takes the context
    with each call). Whoever built ``ai`` closes it, before the context."""
    return Context.create(settings, on_agents_gone=agents_gone,
                          on_visitor_message=ai.on_visitor_message if ai is not None else None,
                          embedder=embedding.configured(settings.ai_dense))


def mail_listener(ctx: Context) -> MailListener:
    """The listener for email replies (PARLEY_MAIL_LISTEN), posting each in its conversation."""

    async def deliver(session_id: str, mail: InboundMail) -> None:
        await inbound.receive(ctx, session_id, mail)

    return MailListener(ctx.settings, deliver)


async def agents_gone(ctx: Context, agent_ids: set[int]) -> None:
    """Another process died with these agents online: tell their widgets they are offline."""
    for agent_id in sorted(agent_ids):
        await agent_presence.publish(ctx, agent_id, "offline")


def make_app(ctx: Context, ai: AIRunner | None = None, **overrides: Any) -> tornado.web.Application:
    # Tornado tries the routes in turn, one regex each: what every visitor's page asks for
    # comes first (the widget's config and sockets; no other route matches their paths).
    handlers: list[Any] = [widgets.config_route, *sockets.routes,
                           *health.routes, *auth.routes, *sessions.routes, *widgets.routes,
                           *knowledge_sources_api.routes, *knowledge.routes, *openapi.routes,
                           *static.routes,
                           *inbox.routes, *ui.routes, *analytics.routes, *links.routes,
                           *outbox.routes, *user_settings_api.routes, *uploads.routes,
                           *avatars_api.routes]
    handlers += metrics_api.routes
    handlers += notes_api.routes
    handlers += labels_api.routes
    handlers += audit_api.routes
    handlers += visitor_context_api.routes
    handlers += identity_api.routes
    handlers += privacy_api.routes
    handlers += tracking_api.routes
    handlers += triggers_api.routes
    if ctx.settings.demo_page:
        handlers += static.demo_routes
    app_settings: dict[str, Any] = {
        "ctx": ctx,
        "ai": ai,
        "registry": Registry(ctx.bus),
        "socket_limits": sockets.socket_limits(ctx.settings),
        "default_handler_class": NotFoundHandler,
        # One ping timer for all sockets (realtime/pings.py), not Tornado's task per socket.
        "pinger": Pinger(ctx.settings.ws_ping_interval_s, ctx.settings.ws_ping_timeout_s),
        # Accepting pauses while too many sockets wait for their auth (serve() listens).
        "admission": Admission(),
        "websocket_ping_interval": 0,
        "websocket_max_message_size": ctx.settings.max_ws_frame_bytes,
        "xheaders": False,
        **overrides,
    }
    return Application(handlers, **app_settings)
