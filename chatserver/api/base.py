"""The base of every REST handler: JSON in, JSON out, one error shape."""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any

import orjson
import tornado.http1connection
import tornado.httputil
import tornado.web
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from chatserver import metrics
from chatserver.context import Context
from chatserver.errors import (
    BadRequest,
    Forbidden,
    NotFound,
    ParleyError,
    TooLarge,
    Unauthorized,
    Unavailable,
)
from chatserver.origins import client_ip, request_origin_allowed
from chatserver.outage import is_unavailable, outage_log
from chatserver.services import auth
from chatserver.services.access import Actor
from chatserver.validate import parse_json

log = logging.getLogger(__name__)

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 409: "conflict", 413: "too_large",
               415: "unsupported_media_type", 429: "rate_limited", 503: "unavailable"}


# A body over PARLEY_MAX_BODY_BYTES is read and dropped for up to this much more before it is
# refused: closing a socket that still holds unread data resets it, and the client would see
# the reset instead of the 413. A body longer than that, or declared longer, or announced with
# `Expect: 100-continue`, is refused at once, before it is read, and the connection closed.
DRAIN_BYTES = 1024 * 1024


class RequestBody(tornado.httputil.HTTPMessageDelegate):
    """Reads a REST request's body for its handler, keeping at most PARLEY_MAX_BODY_BYTES and
    one byte: enough for ``APIHandler.prepare`` to refuse an oversized body with a 413 in the
    JSON error shape. Tornado's own limit (the server's ``max_body_size``, past which it
    answers a bare 400) is lifted for the request, since this bounds what is read.

    The application (``chatserver.app``) puts one in front of every APIHandler's delegate and
    hands it to the handler, which closes the connection when the body was refused unread.
    """

    def __init__(self, request: tornado.httputil.HTTPServerRequest, limit: int) -> None:
        self.request = request
        self.limit = limit
        self.delegate: tornado.httputil.HTTPMessageDelegate | None = None  # the handler's
        self.room = limit + 1  # what is still passed on
        self.received = 0
        self.unread = False  # refused before the body was read to its end

    def headers_received(self, start_line: tornado.httputil.RequestStartLine
                         | tornado.httputil.ResponseStartLine,
                         headers: tornado.httputil.HTTPHeaders) -> Awaitable[None] | None:
        assert self.delegate is not None
        if isinstance(self.request.connection, tornado.http1connection.HTTP1Connection):
            self.request.connection.set_max_body_size(sys.maxsize)
        result = self.delegate.headers_received(start_line, headers)
        length = headers.get("Content-Length", "")
        if length.isdigit() and int(length) > self.limit:
            self.room = 0  # refused by its length: nothing of it is kept
            if int(length) > self.limit + DRAIN_BYTES \
                    or headers.get("Expect", "").lower() == "100-continue":
                headers.pop("Expect", None)  # Tornado would invite the body being refused
                self._refuse()
        return result

    def data_received(self, chunk: bytes) -> Awaitable[None] | None:
        assert self.delegate is not None
        if self.unread:
            return None
        self.received += len(chunk)
        if self.received > self.limit + DRAIN_BYTES:
            self._refuse()
            return None
        kept, self.room = chunk[:self.room], max(0, self.room - len(chunk))
        return self.delegate.data_received(kept) if kept else None

    def finish(self) -> None:
        assert self.delegate is not None
        if not self.unread:
            self.delegate.finish()

    def on_connection_close(self) -> None:
        assert self.delegate is not None
        self.delegate.on_connection_close()

    def _refuse(self) -> None:
        """Run the handler now, on what was kept; Tornado drops the rest of the body until it
        closes the connection, once the answer is written."""
        assert self.delegate is not None
        self.unread = True
        self.delegate.finish()




class APIHandler(tornado.web.RequestHandler):
    # The Origin check_origin allowed (its CORS headers survive an error answer).
    _cors_origin: str | None = None

    def initialize(self, body: RequestBody | None = None) -> None:
        self.body = body

    @property
    def ctx(self) -> Context:
        ctx: Context = self.application.settings["ctx"]
        return ctx

    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def check_xsrf_cookie(self) -> None:
        """Token-authenticated JSON API: no cookies, so no XSRF."""

    def prepare(self) -> None:
        limit = self.ctx.settings.max_body_bytes
        length = self.request.headers.get("Content-Length", "")
        if (length.isdigit() and int(length) > limit) or len(self.request.body) > limit:
            unread = self.body is not None and self.body.unread
            raise TooLarge(f"request body over {limit} bytes",
                           headers={"Connection": "close"} if unread else None)

    def bearer(self) -> str | None:
        header = self.request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()

    async def actor(self) -> Actor:
        """The signed-in user (JWT); 401 without a valid, unrevoked token."""
        actor = await self.optional_actor()
        if actor is None:
            raise Unauthorized("sign in first", code="unauthorized")
        return actor

    async def optional_actor(self) -> Actor | None:
        if not hasattr(self, "_actor"):
            token = self.bearer()
            found = None if token is None else (await auth.authenticate(self.ctx, token))[0]
            self._actor = None if found is None else replace(found, ip=self.client_ip)
        return self._actor

    @property
    def client_ip(self) -> str:
        return client_ip(self.request, self.ctx.settings)

    def check_origin(self, allowed: list[str]) -> None:
        """Refuse (403) an Origin that is neither ours nor in the allowlist; set CORS headers."""
        origin = self.request.headers.get("Origin")
        if origin is None:  # not a page's request (a page's always says where it is from)
            return
        if not request_origin_allowed(self.request, self.ctx.settings, allowed):
            raise Forbidden("this site is not allowed to use this widget",
                            code="origin_not_allowed")
        if origin:
            self._cors_origin = origin
            self.set_header("Access-Control-Allow-Origin", origin)
            self.set_header("Vary", "Origin")

    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object; 400 for anything else.

        Strict JSON: NaN and Infinity, nesting too deep to decode and text that is not valid
        Unicode (an escaped lone surrogate, which no database or response can encode) are
        refused too."""
        if not self.request.body:
            return {}
        try:
            body = parse_json(self.request.body)
        except ValueError:
            raise BadRequest("request body is not valid JSON", code="invalid_json") from None
        if not isinstance(body, dict):
            raise BadRequest("request body must be a JSON object", code="invalid_json")
        return body

    @classmethod
    def allowed_methods(cls) -> list[str]:
        """The HTTP methods this handler implements."""
        return [m for m in cls.SUPPORTED_METHODS
                if getattr(cls, m.lower()) is not getattr(tornado.web.RequestHandler, m.lower())]

    def send_json(self, data: Any, status: int = 200) -> None:
        self.set_status(status)
        self.finish(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, ParleyError | tornado.web.HTTPError):
            return
        if isinstance(value, OperationalError | PoolTimeout | DBAPIError) \
                and is_unavailable(value):
            outage_log("request", value, f"{self.request.method} {self.request.path}")
            return
        super().log_exception(typ, value, tb)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, OperationalError | PoolTimeout | DBAPIError) \
                and is_unavailable(exc):
            exc = Unavailable("the database is unavailable; try again shortly")
        if isinstance(exc, ParleyError):
            status, body = exc.status, exc.to_dict()
            for name, value in exc.headers.items():
                self.set_header(name, value)
        elif isinstance(exc, tornado.web.HTTPError):
            status = exc.status_code
            body = {"code": _HTTP_CODES.get(status, "http_error"),
                    "message": exc.log_message or self._reason}
            if status == 405:  # RFC 9110: a 405 says which methods are allowed
                self.set_header("Allow", ", ".join(self.allowed_methods()))
        else:
            status = status_code if status_code != 200 else 500
            body = {"code": _HTTP_CODES.get(status, "internal_error"),
                    "message": "internal error" if status >= 500 else self._reason}
        metrics.ERRORS.labels("http", body["code"]).inc()
        self.clear_header("Content-Type")
        self.set_default_headers()
        # An error after the origin was allowed stays readable to that origin's page (the
        # widget says why an upload was refused): Tornado's send_error cleared the headers.
        if self._cors_origin:
            self.set_header("Access-Control-Allow-Origin", self._cors_origin)
            self.set_header("Vary", "Origin")
        self.set_status(status)
        self.finish(orjson.dumps({"error": body}))


class NotFoundHandler(APIHandler):
    def prepare(self) -> None:
        raise NotFound("no such endpoint")
