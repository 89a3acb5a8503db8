"""/api/widgets: widget configuration (signed in) and the public config (visitors)."""

from __future__ import annotations

import time

import tornado
import tornado.httputil
import tornado.web

from chatserver.api.base import APIHandler
from chatserver.errors import NotFound
from chatserver.origins import request_origin_allowed
from chatserver.services import maintenance, widget_config, widgets
from chatserver.services.access import require_admin

CORS_HEADERS = "Authorization, Content-Type"
CORS_MAX_AGE_S = 600
PUBLIC_CONFIG_MAX_AGE_S = 60
# Availability (is anyone online) changes by the minute: browsers may reuse it this long.
AVAILABILITY_MAX_AGE_S = 15


class WidgetsHandler(APIHandler):
    async def get(self) -> None:
        self.send_json({"widgets": await widgets.list_widgets(self.ctx, await self.actor())})

    async def post(self) -> None:
        actor = await self.actor()
        self.send_json({"widget": await widgets.create_widget(self.ctx, actor, self.json_body())},
                       status=201)


class WidgetHandler(APIHandler):
    async def get(self, site_key: str) -> None:
        actor = await self.actor()
        self.send_json({"widget": await widgets.get_widget(self.ctx, actor, site_key)})

    async def put(self, site_key: str) -> None:
        actor = await self.actor()
        widget = await widgets.update_widget(self.ctx, actor, site_key, self.json_body())
        self.send_json({"widget": widget})

    async def delete(self, site_key: str) -> None:
        await widgets.delete_widget(self.ctx, await self.actor(), site_key)
        self.set_status(204)
        self.finish()


class WidgetStatsHandler(APIHandler):
    async def get(self) -> None:
        self.send_json(await maintenance.stats(self.ctx, await self.actor()))


class PublicAPIHandler(APIHandler):
    """Visitor-facing endpoints: CORS for the widget's allowed origins only."""

    async def allowed_origins(self, site_key: str) -> list[str]:
        _etag, _body, origins = await widget_config.cached_public_config(self.ctx, site_key)
        return origins

    async def options(self, site_key: str, *_rest: str) -> None:
        self.check_origin(await self.allowed_origins(site_key))
        self.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.set_header("Access-Control-Allow-Headers", CORS_HEADERS)
        self.set_header("Access-Control-Max-Age", str(CORS_MAX_AGE_S))
        self.set_status(204)
        self.finish()


class WidgetConfigHandler(PublicAPIHandler):
    async def get(self, site_key: str) -> None:
        etag, body, origins = await widget_config.cached_public_config(self.ctx, site_key)
        self.check_origin(origins)
        self.set_header("Cache-Control", f"public, max-age={PUBLIC_CONFIG_MAX_AGE_S}")
        self.set_header("ETag", etag)
        match = self.request.headers.get("If-None-Match")
        if match and etag in [t.strip() for t in match.split(",")]:
            self.set_status(304)
            self.finish()
            return
        self.finish(body)

    def compute_etag(self) -> None:
        return None  # set explicitly above

    @staticmethod
    def answer_cached(app: tornado.web.Application, request: tornado.httputil.HTTPServerRequest,
                      path_args: list[bytes]) -> bool:
        """Answer a GET from the config cache without a handler, as ``get`` would: every page
        with the widget asks for this, and the handler's machinery was most of its cost. The
        same status, headers and bytes (tests/api/test_widget_config_cached.py). False, and
        the handler answers, for anything else: an entry missing or stale, a config hidden by
        the hours (live), a conditional request (304), an Origin not allowed (403)."""
        ctx = app.settings["ctx"]
        try:
            site_key = path_args[0].decode()
        except UnicodeDecodeError:
            return False
        cached = widget_config.fresh_static_config(ctx, site_key)
        if cached is None or "If-None-Match" in request.headers:
            return False
        etag, body, origins = cached
        headers = tornado.httputil.HTTPHeaders(_CONFIG_HEADERS)
        headers["Date"] = _http_date()
        headers["ETag"] = etag
        origin = request.headers.get("Origin")
        if origin is not None:
            if not request_origin_allowed(request, ctx.settings, origins):
                return False
            headers["Access-Control-Allow-Origin"] = origin
            headers["Vary"] = "Origin"
        headers["Content-Length"] = str(len(body))
        request.connection.write_headers(  # type: ignore[union-attr]
            tornado.httputil.ResponseStartLine("", 200, "OK"), headers, body)
        request.connection.finish()  # type: ignore[union-attr]
        log = app.settings.get("access_log")  # the server's (chatserver.server)
        if log is not None:
            log(request, 200)
        return True


# What the handler's 200 carries before its ETag (Tornado's, APIHandler's and get's).
_CONFIG_HEADERS = {"Server": f"TornadoServer/{tornado.version}",
                   "Content-Type": "application/json; charset=utf-8",
                   "Cache-Control": f"public, max-age={PUBLIC_CONFIG_MAX_AGE_S}",
                   "X-Content-Type-Options": "nosniff"}
_date: tuple[int, str] = (0, "")


def _http_date() -> str:
    """The Date header, formatted once a second (as nginx does)."""
    global _date
    now = int(time.time())
    if _date[0] != now:
        _date = (now, tornado.httputil.format_timestamp(now))
    return _date[1]


class WidgetAvailabilityHandler(PublicAPIHandler):
    async def get(self, site_key: str) -> None:
        self.check_origin(await self.allowed_origins(site_key))
        self.set_header("Cache-Control", f"public, max-age={AVAILABILITY_MAX_AGE_S}")
        self.send_json(await widget_config.availability(self.ctx, site_key))


class WidgetAgentsHandler(APIHandler):
    async def get(self, site_key: str) -> None:
        actor = await self.actor()
        self.send_json({"agents": await widgets.list_agents(self.ctx, actor, site_key)})


class WidgetAgentHandler(APIHandler):
    async def put(self, site_key: str, user_id: str) -> None:
        await self._set(site_key, user_id, True)

    async def delete(self, site_key: str, user_id: str) -> None:
        await self._set(site_key, user_id, False)

    async def _set(self, site_key: str, user_id: str, member: bool) -> None:
        actor = await self.actor()
        require_admin(actor)
        if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 12:
            raise NotFound("no such user", code="user_not_found")
        await widgets.set_agent(self.ctx, actor, site_key, int(user_id), member)
        self.send_json({"agents": await widgets.list_agents(self.ctx, actor, site_key)})


# Every page with the widget asks for it: the application tries it first (chatserver.app).
config_route = (r"/api/widgets/([^/]+)/config", WidgetConfigHandler)
routes = [
    (r"/api/widgets", WidgetsHandler),
    (r"/api/widgets/stats/overview", WidgetStatsHandler),
    (r"/api/widgets/([^/]+)", WidgetHandler),
    (r"/api/widgets/([^/]+)/availability", WidgetAvailabilityHandler),
    (r"/api/widgets/([^/]+)/agents", WidgetAgentsHandler),
    (r"/api/widgets/([^/]+)/agents/([^/]+)", WidgetAgentHandler),
]
