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


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ACCESS = "tornado.access"

# Access lines wait in memory until this long after the last write, or this much text, or
# any other line (which they precede, so the order stays), or the end of the process: as
# nginx's `access_log ... buffer=32k flush=1s`. Written one by one through logging (a
# LogRecord, the formatter, a write and a flush each), a line cost 36 us of a 245 us widget
# config request (bench/ab.py --config); formatted here and written in batches, a few.
FLUSH_S = 1.0
FLUSH_CHARS = 32 * 1024


class LineHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The process's handler (stderr, text or JSON): what logging sends it is written at once;
    access lines (`access`) are formatted without a LogRecord and written in batches."""

    def __init__(self, fmt: str) -> None:
        super().__init__()
        self.json = fmt == "json"
        self.setFormatter(JsonFormatter() if self.json else logging.Formatter(TEXT_FORMAT))
        self.addFilter(RequestIdFilter())
        self.pending: list[str] = []
        self.chars = 0
        self.written = time.monotonic()
        self._second = -1
        self._stamp = ""

    def emit(self, record: logging.LogRecord) -> None:
        if self.pending:
            self.flush()
        super().emit(record)

    def flush(self) -> None:
        """Write the access lines waiting, then flush the stream."""
        with self.lock:  # type: ignore[union-attr]
            if self.pending:
                text, self.pending, self.chars = "".join(self.pending), [], 0
                try:
                    self.stream.write(text)
                except Exception:  # as logging's own emit: a failed write is not the caller's
                    self.handleError(logging.makeLogRecord({"msg": "access log"}))
            self.written = time.monotonic()
            super().flush()

    def access(self, level: int, message: str, fields: dict[str, Any]) -> None:
        """One access line, as the formatter would write a record of it at this level."""
        now = time.time()
        if self.json:
            line = json.dumps({"ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
                               + f".{int(now * 1000) % 1000:03d}Z",
                               "level": logging.getLevelName(level).lower(), "logger": ACCESS,
                               "msg": message, **fields}, default=str)
        else:
            second = int(now)
            if second != self._second:  # what Formatter.formatTime writes, once a second
                self._second, self._stamp = second, time.strftime("%Y-%m-%d %H:%M:%S",
                                                                  time.localtime(second))
            line = (f"{self._stamp},{int(now * 1000) % 1000:03d} "
                    f"{logging.getLevelName(level)} {ACCESS}: {message}")
        with self.lock:  # type: ignore[union-attr]
            self.pending.append(line + "\n")
            self.chars += len(line) + 1
            if self.chars >= FLUSH_CHARS or time.monotonic() - self.written >= FLUSH_S:
                self.flush()


def access_handler() -> LineHandler | None:
    """The handler access lines may be given directly: when the process's one handler is a
    LineHandler and nothing else (a test's capture, a filter) watches the access logger's
    records. Else None: log them as any other line."""
    handlers = logging.root.handlers
    if len(handlers) != 1 or type(handlers[0]) is not LineHandler or logging.root.filters \
            or _access.handlers or _access.filters or not _access.propagate:
        return None
    return handlers[0]


_access = logging.getLogger(ACCESS)


def flush_access() -> None:
    """Write the access lines waiting (the server calls it every FLUSH_S: lines of an idle
    server are not held back)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, LineHandler):
            handler.flush()


def setup_logging(fmt: str = "text", level: str = "INFO") -> None:
    handler = LineHandler(fmt)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Tornado's access log is one line per request; keep it but at our level.
    logging.getLogger(ACCESS).setLevel(max(logging.INFO, root.level))
    # Libraries whose DEBUG lines carry what we never log: aiosqlite prints every statement
    # with its parameters (password hashes, visitor token hashes, messages), hpack the HTTP/2
    # headers sent to the AI provider (its API key).
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.INFO, root.level))
