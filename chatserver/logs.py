"""Logging set-up: one line per event, text or JSON. Never log bodies, tokens or passwords."""

from __future__ import annotations

import contextvars
import json
import logging
import time
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({})))
QUIET_LIBRARIES = ("aiosqlite", "hpack")

# The id of the HTTP request being handled (set by the server for each request; nginx passes
# its $request_id as X-Request-ID). Every line logged while handling it carries it.
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id",
                                                                         default=None)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            rid = request_id.get()
            if rid is not None:
                record.request_id = rid
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, default=str)


def setup_logging(fmt: str = "text", level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Tornado's access log is one line per request; keep it but at our level.
    logging.getLogger("tornado.access").setLevel(max(logging.INFO, root.level))
    # Libraries whose DEBUG lines carry what we never log: aiosqlite prints every statement
    # with its parameters (password hashes, visitor token hashes, messages), hpack the HTTP/2
    # headers sent to the AI provider (its API key).
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
