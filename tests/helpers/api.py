"""A small JSON client for a test server (`Api`) and what it returns (`Response`)."""

from __future__ import annotations

import json
from typing import Any

import tornado.httpclient


class Response:
    def __init__(self, resp: tornado.httpclient.HTTPResponse) -> None:
        self.code = resp.code
        self.headers = resp.headers
        self.body = resp.body or b""
        try:
            self.json: Any = json.loads(self.body) if self.body else None
        except ValueError:
            self.json = None

    @property
    def error_code(self) -> str | None:
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            code: str = self.json["error"]["code"]
            return code
        return None

    def __repr__(self) -> str:
        return f"<Response {self.code} {self.body[:300]!r}>"


class Api:
    """A JSON client for the test server: `await api.post(path, json=…, token=…)`."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.token: str | None = None

    def url(self, path: str) -> str:
        return str(self.client.get_url(path))

    async def request(self, method: str, path: str, *, json_body: Any = None,
                      body: bytes | str | None = None, token: str | None = None,
                      headers: dict[str, str] | None = None) -> Response:
        hdrs = dict(headers or {})
        tok = token if token is not None else self.token
        if tok:
            hdrs["Authorization"] = f"Bearer {tok}"
        if json_body is not None:
            body = json.dumps(json_body)
            hdrs.setdefault("Content-Type", "application/json")
        if body is None and method in ("POST", "PUT", "PATCH"):
            body = b""
        resp = await self.client.fetch(path, method=method, body=body, headers=hdrs,
                                       raise_error=False, allow_nonstandard_methods=True)
        return Response(resp)

    async def get(self, path: str, **kw: Any) -> Response:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, json: Any = None, **kw: Any) -> Response:
        return await self.request("POST", path, json_body=json, **kw)

    async def put(self, path: str, json: Any = None, **kw: Any) -> Response:
        return await self.request("PUT", path, json_body=json, **kw)

    async def delete(self, path: str, **kw: Any) -> Response:
        return await self.request("DELETE", path, **kw)
