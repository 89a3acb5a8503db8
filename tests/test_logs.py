"""The log's lines: access lines written in batches yet the same as logging would write them,
in order with every other line; request ids unique per process."""

from __future__ import annotations

import io
import json
import logging
import os
import re
from collections.abc import Iterator

import pytest

from chatserver import logs
from chatserver.logs import ACCESS, LineHandler, access_handler, flush_access
from chatserver.server import request_ids

pytestmark = pytest.mark.once

FIELDS = {"request_id": "r-1", "status": 200, "method": "GET", "path": "/api/health",
          "duration_ms": 1.25, "client_ip": "127.0.0.1"}


@pytest.fixture
def line_handler(request: pytest.FixtureRequest) -> Iterator[tuple[LineHandler, io.StringIO]]:
    """The process's handler as the server sets it up (format: the test's parameter), writing
    to a buffer; the root logger's handlers given back after. The test calls `alone` first:
    pytest adds its own capturing handlers once the test starts."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    handler = LineHandler(getattr(request, "param", "text"))
    out = io.StringIO()
    handler.setStream(out)
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    try:
        yield handler, out
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)


def alone(handler: LineHandler) -> LineHandler:
    """The process's only handler, as in the server (pytest's capture taken off for the test)."""
    logging.getLogger().handlers[:] = [handler]
    return handler


def _record_line(handler: LineHandler, level: int, message: str) -> str:
    """What logging itself would write for this access line."""
    record = logging.getLogger(ACCESS).makeRecord(ACCESS, level, __file__, 1, "%s", (message,),
                                                  None, extra=FIELDS)
    return handler.format(record)


@pytest.mark.parametrize("line_handler", ["text", "json"], indirect=True)
def test_an_access_line_reads_as_logging_writes_it(
        line_handler: tuple[LineHandler, io.StringIO]) -> None:
    handler, out = line_handler
    alone(handler)
    assert access_handler() is handler
    handler.access(logging.WARNING, "404 GET /nope 0.3ms 127.0.0.1", FIELDS)
    flush_access()
    written = out.getvalue()
    expected = _record_line(handler, logging.WARNING, "404 GET /nope 0.3ms 127.0.0.1")
    if handler.json:
        got, want = json.loads(written), json.loads(expected)
        assert abs(_ms(got["ts"]) - _ms(want["ts"])) < 2000
        del got["ts"], want["ts"]
        assert got == want
        assert got["level"] == "warning" and got["request_id"] == "r-1"
    else:
        stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "
        assert re.fullmatch(stamp + r"WARNING tornado\.access: 404 GET /nope 0\.3ms 127\.0\.0\.1\n",
                            written), written
        assert written[24:] == expected[24:] + "\n"


def _ms(ts: str) -> int:
    hms, ms = ts.rstrip("Z").rsplit(".", 1)
    h, m, s = hms.rsplit("T", 1)[1].split(":")
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


def test_access_lines_wait_then_come_before_any_other_line(
        line_handler: tuple[LineHandler, io.StringIO], monkeypatch: pytest.MonkeyPatch) -> None:
    handler, out = line_handler
    alone(handler)
    handler.access(logging.INFO, "200 GET /a 1.0ms 127.0.0.1", FIELDS)
    handler.access(logging.INFO, "200 GET /b 1.0ms 127.0.0.1", FIELDS)
    assert out.getvalue() == ""  # batched
    logging.getLogger("chatserver.test").warning("something else")
    lines = out.getvalue().splitlines()
    assert [line.split(": ", 1)[1] for line in lines] == [
        "200 GET /a 1.0ms 127.0.0.1", "200 GET /b 1.0ms 127.0.0.1", "something else"]
    # A second after the last write, the next access line is written with what waits.
    handler.access(logging.INFO, "200 GET /c 1.0ms 127.0.0.1", FIELDS)
    monkeypatch.setattr(handler, "written", handler.written - logs.FLUSH_S)
    handler.access(logging.INFO, "200 GET /d 1.0ms 127.0.0.1", FIELDS)
    assert out.getvalue().splitlines()[-2:][0].endswith("/c 1.0ms 127.0.0.1")
    assert handler.pending == []
    # So much text at once is written without waiting.
    for _ in range(logs.FLUSH_CHARS // 40 + 1):
        handler.access(logging.INFO, "200 GET /e 1.0ms 127.0.0.1", FIELDS)
    assert handler.chars < logs.FLUSH_CHARS and out.getvalue().count("/e ") > 0


def test_the_end_of_logging_writes_what_waits(
        line_handler: tuple[LineHandler, io.StringIO]) -> None:
    handler, out = line_handler
    alone(handler)
    handler.access(logging.INFO, "200 GET /last 1.0ms 127.0.0.1", FIELDS)
    logging.shutdown()  # at exit: flushes every handler
    assert out.getvalue().endswith("/last 1.0ms 127.0.0.1\n")


def test_a_capture_or_a_filter_gets_ordinary_records(
        line_handler: tuple[LineHandler, io.StringIO]) -> None:
    handler, _ = line_handler
    alone(handler)
    assert access_handler() is handler
    capture = logging.Handler()
    logging.getLogger().addHandler(capture)
    assert access_handler() is None  # e.g. pytest's caplog: it needs LogRecords
    logging.getLogger().removeHandler(capture)
    access = logging.getLogger(ACCESS)
    quiet = logging.Filter("nothing")
    access.addFilter(quiet)
    try:
        assert access_handler() is None
    finally:
        access.removeFilter(quiet)
    assert access_handler() is handler


def test_request_ids_are_unique_and_differ_after_a_fork() -> None:
    ids = {request_ids.new() for _ in range(1000)}
    assert len(ids) == 1000 and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # a worker of `chatctl serve --workers`: its own prefix
        os.write(write, request_ids.new().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 64).decode()
    os.close(read)
    os.close(write)
    assert child[:16] != request_ids.new()[:16]
