"""GET /metrics: the process's Prometheus metrics, for a scraper the settings allow.

Allowed: a request with ``Authorization: Bearer <PARLEY_METRICS_TOKEN>``, or one from an
address in PARLEY_METRICS_ALLOW (the client's address as the trusted proxy gives it, so a
visitor coming through nginx is not "127.0.0.1"). With neither setting, /metrics is off (404).
"""

from __future__ import annotations

import hmac
import ipaddress

import tornado.web

from chatserver import metrics
from chatserver.api.base import APIHandler
from chatserver.errors import Forbidden, NotFound, Unauthorized


class MetricsHandler(APIHandler):
    async def get(self) -> None:
        self.check_allowed()
        await metrics.refresh(self.application.settings["registry"], self.ctx.presence,
                              self.ctx.engine, self.ctx.bus)
        self.set_header("Content-Type", metrics.CONTENT_TYPE)
        self.finish(metrics.render())

    def check_allowed(self) -> None:
        settings = self.ctx.settings
        token = settings.metrics_token
        if not token and not settings.metrics_allow_networks:
            raise NotFound("metrics are off (set PARLEY_METRICS_ALLOW or PARLEY_METRICS_TOKEN)",
                           code="not_found")
        given = self.bearer()
        if token and given is not None:
            if hmac.compare_digest(given.encode(), token.encode()):
                return
            raise Unauthorized("wrong metrics token", code="unauthorized")
        try:
            ip = ipaddress.ip_address(self.client_ip)
        except ValueError:
            ip = None
        if ip is not None and any(ip in net for net in settings.metrics_allow_networks):
            return
        if token:
            raise Unauthorized("a bearer token is required", code="unauthorized")
        raise Forbidden("metrics are not served to this address", code="forbidden")


routes: list[tuple[str, type[tornado.web.RequestHandler]]] = [
    (r"/metrics", MetricsHandler),
]
