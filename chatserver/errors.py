"""One error type with a stable code, an HTTP status and a message.

REST renders it as ``{"error": {"code", "message", "fields"}}``, the socket as an ``error``
frame, the CLI as one line and a non-zero exit status.
"""

from __future__ import annotations

from typing import Any


class ParleyError(Exception):
    code = "error"
    status = 400
    retryable = False

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 fields: dict[str, str] | None = None, retryable: bool | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        if retryable is not None:
            self.retryable = retryable
        self.fields = fields or {}
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class BadRequest(ParleyError):
    code, status = "bad_request", 400


class ValidationError(ParleyError):
    code, status = "validation_failed", 422


class Unauthorized(ParleyError):
    code, status = "unauthorized", 401


class Forbidden(ParleyError):
    code, status = "forbidden", 403


class NotFound(ParleyError):
    code, status = "not_found", 404


class Conflict(ParleyError):
    code, status = "conflict", 409


class TooLarge(ParleyError):
    code, status = "too_large", 413


class RateLimited(ParleyError):
    code, status = "rate_limited", 429


class Unavailable(ParleyError):
    code, status, retryable = "unavailable", 503, True


class ConfigError(ParleyError):
    code, status = "config_error", 500
