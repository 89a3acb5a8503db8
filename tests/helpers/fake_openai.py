"""A fake OpenAI-compatible provider for tests: a real HTTP server on 127.0.0.1 (port 0)
speaking the chat-completions protocol, streamed (server-sent events) or not, with switches
for the ways a real provider fails.

    async with FakeOpenAI() as fake:                 # on the running event loop
        fake.behaviour.status_sequence = [429, 200]  # change between requests
        ... point the client at fake.base_url (http://127.0.0.1:PORT/v1) ...
        assert fake.requests[-1].api_key == "sk-test"

    with FakeOpenAIThread() as fake:                 # its own loop in a background thread,
        ...                                          # for a server under test in a subprocess

Routes: ``POST /v1/chat/completions`` and ``POST /chat/completions`` (so the base URL may
or may not carry ``/v1``), and ``GET /v1/models``.

Behaviour comes from ``fake.behaviour`` (a :class:`FakeBehaviour`, copied when a request
arrives, so changing it affects the next request only), then from the request's model name:
``MODEL_PRESETS`` (``fake/slow``, ``fake/tool``, ``fake/malformed``, ``fake/stop``,
``fake/hang``, ``fake/hang-mid``, ``fake/500``, ``fake/503``, ``fake/429``, ...) and
``behaviour.model_overrides``; a model in ``behaviour.failing_models`` (``bad-model`` by
default) gets an OpenAI-style error instead.

What is recorded (all lists, in arrival order):

- ``requests``: every request (:class:`RecordedRequest`: path, lower-cased headers, JSON body,
  status answered). Its position in the list is the request index used below.
- ``chunk_times``: ``(request_index, chunk_index, t_write)`` for each *body chunk* of a stream
  (a chunk whose delta carries content or a tool-call piece; not the role-only opening chunk,
  the finish chunk, the usage chunk or ``[DONE]``), ``t_write`` being ``time.time()`` taken just
  before the chunk is written and flushed to the socket. ``chunk_index`` counts body chunks
  from 0, so for a text reply it is the index of the content piece.
- ``sent``: every line written on a stream, with its time (:class:`SentLine`).
- ``cancelled``: indices of requests whose client went away before the response was complete
  (the connection closed under a stream or a hang). Not counted: the fake closing a stream on
  purpose (``stop_after``) or being stopped.

Nothing here opens an outgoing connection, and the listening socket is bound to 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import math
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import pytest
import tornado.httpserver
import tornado.ioloop
import tornado.iostream
import tornado.netutil
import tornado.web

from tests.helpers.wait import wait_until, wait_until_async

DEFAULT_REPLY = "Hello! How can I help?"
ESCALATION_TOOL = "escalate_to_human"
FOREVER = math.inf
LOOPBACK = "127.0.0.1"

# Per-request behaviour by model name: FakeBehaviour fields to override for that request.
MODEL_PRESETS: dict[str, dict[str, Any]] = {
    "fake/default": {},
    "fake/slow": {"delay": 0.05, "first_delay": 0.05},
    "fake/tool": {"tool_call": True},
    "fake/tool-with-text": {"tool_call": True, "tool_text": "Let me find someone for you."},
    "fake/malformed": {"malformed_at": 2},
    "fake/stop": {"stop_after": 2},
    "fake/stop-clean": {"stop_after": 2, "stop_cleanly": True},
    "fake/stream-error": {"stream_error_after": 2},
    "fake/hang": {"hang_before_first_byte": FOREVER},
    "fake/hang-mid": {"hang_after": 1},
    "fake/500": {"status_always": 500},
    "fake/503": {"status_always": 503},
    "fake/429": {"status_always": 429},
    "fake/long": {"reply": " ".join(["word"] * 200)},
}


@dataclass
class FakeBehaviour:
    """What the fake does with the next request. Every switch is off by default."""

    # The reply: `pieces` if given, else `reply` split word by word (each piece keeps the
    # space before its word, so the pieces concatenate back to `reply`), or into `n_chunks`
    # groups of words.
    reply: str = DEFAULT_REPLY
    pieces: list[str] | None = None
    n_chunks: int | None = None
    delay: float = 0.0          # seconds between body chunks
    first_delay: float = 0.0    # seconds between the response headers and the first body chunk
    role_chunk: bool = True     # open with {"role": "assistant", "content": ""} as OpenAI does;
    #                             False puts the role into the first body chunk instead
    comment_line: str | None = None  # e.g. ": OPENROUTER PROCESSING", an SSE comment sent first
    finish_reason: str | None = None  # override "stop" / "tool_calls" (e.g. "length")
    usage: tuple[int, int] | None = None  # (prompt_tokens, completion_tokens); else estimated

    # Failures by status. `status_sequence` is consumed one entry per chat request from the
    # live behaviour (200 = answer normally; empty = answer normally), e.g. [429, 200],
    # [500, 500, 200], [503]. `status_always` fails every request with that status.
    status_sequence: list[int] = field(default_factory=list)
    status_always: int | None = None
    retry_after: str | None = "0"   # Retry-After header on 429 and 503 (None: no header)
    failing_models: dict[str, int] = field(default_factory=lambda: {"bad-model": 404})
    require_key: str | None = None  # if set, any other Bearer key gets 401

    # Failures inside a stream, each counted in body chunks already written.
    malformed_at: int | None = None  # a `data:` line that is not JSON before body chunk k
    malformed_line: str = 'data: {"id": "chatcmpl-broken", "choices": [{"delta": {"content": '
    stop_after: int | None = None    # after k body chunks, close the connection: no finish, no [DONE]
    stop_cleanly: bool = False       # with stop_after: end the HTTP response properly instead
    stream_error_after: int | None = None  # after k chunks, an OpenRouter-style error event, end
    hang_before_first_byte: float | None = None  # seconds (FOREVER) before anything is sent
    hang_after: int | None = None    # after k body chunks, wait `hang_seconds` (then carry on)
    hang_seconds: float = FOREVER

    # The model calls a tool: one tool_calls delta with id, type and function.name (and
    # arguments ""), then the JSON arguments in `tool_arg_pieces` pieces, finish "tool_calls".
    # `tool_text` is content streamed before the call (none by default).
    tool_call: bool = False
    tool_name: str = ESCALATION_TOOL
    tool_arguments: dict[str, Any] = field(
        default_factory=lambda: {"reason": "The visitor asked to talk to a person."})
    tool_arg_pieces: int = 4
    tool_text: str = ""

    # Extra per-model presets, merged over MODEL_PRESETS.
    model_overrides: dict[str, dict[str, Any]] = field(default_factory=dict)

    def text_pieces(self, text: str | None = None) -> list[str]:
        text = self.reply if text is None else text
        if self.pieces is not None and text is self.reply:
            return list(self.pieces)
        words = re.findall(r"\s*\S+", text) or ([text] if text else [])
        if self.n_chunks and self.n_chunks < len(words):
            size = math.ceil(len(words) / self.n_chunks)
            words = ["".join(words[i:i + size]) for i in range(0, len(words), size)]
        return words


@dataclass
class RecordedRequest:
    index: int
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: Any                # the parsed JSON body (None if absent or not JSON)
    raw_body: bytes
    t_received: float
    status: int | None = None  # what the fake answered (200 for a stream it began)

    @property
    def api_key(self) -> str | None:
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None

    @property
    def model(self) -> str | None:
        return self.body.get("model") if isinstance(self.body, dict) else None

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream")) if isinstance(self.body, dict) else False

    @property
    def messages(self) -> list[dict[str, Any]]:
        msgs = self.body.get("messages") if isinstance(self.body, dict) else None
        return msgs if isinstance(msgs, list) else []


@dataclass
class SentLine:
    request_index: int
    t_write: float
    line: str  # as written, including the trailing blank line


_ERRORS: dict[int, tuple[str, str, str | None]] = {
    400: ("Invalid request.", "invalid_request_error", None),
    401: ("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"),
    403: ("You are not allowed to sample from this model.", "invalid_request_error", None),
    404: ("The model `{model}` does not exist or you do not have access to it.",
          "invalid_request_error", "model_not_found"),
    429: ("Rate limit reached for requests. Please try again later.", "requests",
          "rate_limit_exceeded"),
    500: ("The server had an error while processing your request. Sorry about that!",
          "server_error", None),
    502: ("Bad gateway.", "server_error", None),
    503: ("The engine is currently overloaded, please try again later.", "server_error", None),
}


def _estimate_tokens(messages: list[dict[str, Any]]) -> int:
    words = 0
    for m in messages:
        content = m.get("content") if isinstance(m, dict) else None
        if isinstance(content, str):
            words += len(content.split())
        elif isinstance(content, list):
            words += sum(len(str(p.get("text", "")).split()) for p in content if isinstance(p, dict))
        words += 4  # per-message overhead, roughly as OpenAI counts it
    return words


class _Handler(tornado.web.RequestHandler):
    fake: FakeOpenAI

    def initialize(self, fake: FakeOpenAI) -> None:
        self.fake = fake
        self.rec: RecordedRequest | None = None
        self.gone = asyncio.Event()    # the client closed, or the fake is stopping
        self.complete = False          # the response was fully sent
        self.self_closed = False       # the fake closed the connection on purpose
        self.stopping = False          # the fake is being stopped
        self.b = fake.behaviour        # this request's behaviour (a copy once it is known)

    def check_xsrf_cookie(self) -> None:
        pass

    def _record(self) -> RecordedRequest:
        req = self.request
        try:
            body: Any = json.loads(req.body) if req.body else None
        except ValueError:
            body = None
        rec = RecordedRequest(
            index=len(self.fake.requests), method=req.method or "", path=req.path,
            headers={k.lower(): v for k, v in req.headers.get_all()}, body=body,
            raw_body=req.body, t_received=time.time())
        self.fake.requests.append(rec)
        self.rec = rec
        return rec

    def on_connection_close(self) -> None:
        self.gone.set()
        rec = self.rec
        if rec is None or self.complete or self.self_closed or self.stopping:
            return
        if rec.index not in self.fake.cancelled:
            self.fake.cancelled.append(rec.index)

    def on_finish(self) -> None:
        self.complete = True

    async def pause(self, seconds: float) -> bool:
        """Wait; False if the client went away (or the fake is stopping) meanwhile."""
        if self.gone.is_set():
            return False
        if seconds <= 0:
            return True
        try:
            await asyncio.wait_for(self.gone.wait(), None if math.isinf(seconds) else seconds)
        except TimeoutError:
            return True
        return False

    def error(self, status: int, *, model: str | None = None, message: str | None = None,
              code: str | None = None) -> None:
        default_msg, etype, default_code = _ERRORS.get(
            status, ("Request failed.", "server_error" if status >= 500 else "invalid_request_error",
                     None))
        if status in (429, 503) and self.b.retry_after is not None:
            self.set_header("Retry-After", self.b.retry_after)
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"error": {
            "message": message or default_msg.format(model=model), "type": etype,
            "param": None, "code": code if code is not None else default_code}}))
        if self.rec is not None:
            self.rec.status = status


class _ModelsHandler(_Handler):
    async def get(self) -> None:
        self._record()
        names = ["fake/default", *MODEL_PRESETS, *self.fake.behaviour.model_overrides]
        self.rec.status = 200  # type: ignore[union-attr]
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"object": "list", "data": [
            {"id": n, "object": "model", "created": 1700000000, "owned_by": "fake"}
            for n in dict.fromkeys(names)]}))


class _CompletionsHandler(_Handler):
    async def post(self) -> None:
        fake = self.fake
        rec = self._record()
        fake._active.add(self)
        try:
            await self._serve(rec)
        finally:
            fake._active.discard(self)
            if self.gone.is_set() and not self._finished:
                self._drop()  # client gone or fake stopping: no half-answer, just close

    def _drop(self) -> None:
        self._auto_finish = False
        self.request.connection.close()  # type: ignore[union-attr]

    async def _serve(self, rec: RecordedRequest) -> None:
        fake = self.fake
        live = fake.behaviour
        body = rec.body
        if live.require_key is not None and rec.api_key != live.require_key:
            return self.error(401)
        if not isinstance(body, dict):
            return self.error(400, message="We could not parse the JSON body of your request.")
        model = str(body.get("model") or "")
        if not isinstance(body.get("messages"), list):
            return self.error(400, message="'messages' is a required property")

        overrides = {**MODEL_PRESETS, **live.model_overrides}.get(model, {})
        b = self.b = dataclasses.replace(live, **overrides)

        if b.hang_before_first_byte is not None and not await self.pause(b.hang_before_first_byte):
            return
        if live.status_sequence:
            status = live.status_sequence.pop(0)
            if status != 200:
                return self.error(status, model=model)
        if b.status_always is not None:
            return self.error(b.status_always, model=model)
        if model in b.failing_models:
            return self.error(b.failing_models[model], model=model)

        rec.status = 200
        if body.get("stream"):
            await self._stream(rec, b, model, body)
        else:
            self._complete(rec, b, model, body)

    def _usage(self, b: FakeBehaviour, body: dict[str, Any], completion: int) -> dict[str, int]:
        prompt, done = b.usage if b.usage else (_estimate_tokens(body["messages"]), completion)
        return {"prompt_tokens": prompt, "completion_tokens": done, "total_tokens": prompt + done}

    def _tool_arguments(self, b: FakeBehaviour) -> str:
        return json.dumps(b.tool_arguments)

    def _complete(self, rec: RecordedRequest, b: FakeBehaviour, model: str,
                  body: dict[str, Any]) -> None:
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        if b.tool_call:
            message["content"] = b.tool_text or None
            message["tool_calls"] = [{
                "id": f"call_{uuid.uuid4().hex[:24]}", "type": "function",
                "function": {"name": b.tool_name, "arguments": self._tool_arguments(b)}}]
            finish = b.finish_reason or "tool_calls"
            completion = len(b.text_pieces(b.tool_text)) + b.tool_arg_pieces
        else:
            message["content"] = "".join(b.text_pieces())
            finish = b.finish_reason or "stop"
            completion = len(b.text_pieces())
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion",
            "created": int(time.time()), "model": model, "system_fingerprint": "fp_fake",
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
            "usage": self._usage(b, body, completion)}))

    def _body_deltas(self, b: FakeBehaviour) -> list[dict[str, Any]]:
        if not b.tool_call:
            return [{"content": p} for p in b.text_pieces()]
        deltas: list[dict[str, Any]] = [{"content": p} for p in b.text_pieces(b.tool_text)]
        deltas.append({"tool_calls": [{
            "index": 0, "id": f"call_{uuid.uuid4().hex[:24]}", "type": "function",
            "function": {"name": b.tool_name, "arguments": ""}}]})
        args = self._tool_arguments(b)
        n = max(1, b.tool_arg_pieces)
        size = math.ceil(len(args) / n)
        for i in range(0, len(args), size):
            deltas.append({"tool_calls": [{"index": 0, "function": {"arguments": args[i:i + size]}}]})
        return deltas

    async def _send(self, rec: RecordedRequest, line: str, body_index: int | None = None) -> bool:
        if self.gone.is_set():
            return False
        t_write = time.time()
        if body_index is not None:
            self.fake.chunk_times.append((rec.index, body_index, t_write))
        self.fake.sent.append(SentLine(rec.index, t_write, line))
        try:
            self.write(line.encode())
            await self.flush()
        except tornado.iostream.StreamClosedError:
            self.on_connection_close()
            return False
        return True

    async def _stream(self, rec: RecordedRequest, b: FakeBehaviour, model: str,
                      body: dict[str, Any]) -> None:
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())

        def chunk(delta: dict[str, Any] | None, finish: str | None = None,
                  usage: dict[str, int] | None = None, extra: dict[str, Any] | None = None) -> str:
            obj: dict[str, Any] = {
                "id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                "system_fingerprint": "fp_fake",
                "choices": [] if delta is None else
                [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}
            if include_usage:
                obj["usage"] = usage
            obj.update(extra or {})
            return "data: " + json.dumps(obj, separators=(",", ":")) + "\n\n"

        self.set_status(200)
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-cache")
        self.set_header("X-Request-Id", f"req_{uuid.uuid4().hex[:16]}")
        # Tornado leaves Nagle's algorithm on while a response streams; with it, a small chunk
        # can wait ~40 ms for the client's delayed ACK, which a latency benchmark would blame
        # on the server under test. Real providers flush each event at once.
        self.request.connection.stream.set_nodelay(True)  # type: ignore[union-attr]
        try:
            await self.flush()  # the headers go out now, as a real provider's do
        except tornado.iostream.StreamClosedError:
            return self.on_connection_close()
        if b.comment_line is not None and not await self._send(rec, b.comment_line + "\n\n"):
            return
        if not await self.pause(b.first_delay):
            return

        deltas = self._body_deltas(b)
        if b.role_chunk:
            opening: dict[str, Any] = {"role": "assistant", "content": "", "refusal": None}
            if b.tool_call and not b.tool_text:  # OpenAI puts the role on the first tool delta
                deltas[0] = {"role": "assistant", "content": None, **deltas[0]}
            elif not await self._send(rec, chunk(opening)):
                return
        elif deltas:
            deltas[0] = {"role": "assistant", **deltas[0]}

        for i in range(len(deltas) + 1):
            if i == b.malformed_at and not await self._send(rec, b.malformed_line + "\n\n"):
                return
            if i == b.stop_after:
                return self._stop_here()
            if i == b.stream_error_after:
                await self._send(rec, chunk({"content": ""}, "error", extra={"error": {
                    "code": 502, "message": "Upstream provider disconnected."}}))
                if not self.gone.is_set():
                    self.finish()
                return
            if i == b.hang_after and not await self.pause(b.hang_seconds):
                return
            if i == len(deltas):
                break
            if i > 0 and not await self.pause(b.delay):
                return
            if not await self._send(rec, chunk(deltas[i]), body_index=i):
                return

        finish = b.finish_reason or ("tool_calls" if b.tool_call else "stop")
        if not await self._send(rec, chunk({}, finish)):
            return
        if include_usage:
            if not await self._send(rec, chunk(None, usage=self._usage(b, body, len(deltas)))):
                return
        if not await self._send(rec, "data: [DONE]\n\n"):
            return
        self.finish()

    def _stop_here(self) -> None:
        """Break off the stream: close the connection (or, with stop_cleanly, end the response)
        without a finish chunk or [DONE]."""
        if self.gone.is_set():
            return
        if self.b.stop_cleanly:
            self.finish()
            return
        self.self_closed = True
        self._drop()


class FakeOpenAI:
    """The fake provider on the current event loop. ``async with FakeOpenAI() as fake:``"""

    def __init__(self, behaviour: FakeBehaviour | None = None, *, api_key: str | None = None) -> None:
        self.behaviour = behaviour or FakeBehaviour()
        if api_key is not None:
            self.behaviour.require_key = api_key
        self.requests: list[RecordedRequest] = []
        self.chunk_times: list[tuple[int, int, float]] = []
        self.sent: list[SentLine] = []
        self.cancelled: list[int] = []
        self.port: int | None = None
        self._server: tornado.httpserver.HTTPServer | None = None
        self._active: set[_Handler] = set()

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeOpenAI is not started")
        return f"http://{LOOPBACK}:{self.port}/v1"

    @property
    def cancelled_requests(self) -> list[RecordedRequest]:
        return [self.requests[i] for i in self.cancelled]

    @property
    def completions(self) -> list[RecordedRequest]:
        """The chat-completion requests only (not GET /v1/models)."""
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    @property
    def open_streams(self) -> int:
        """Chat requests still being answered (streaming, delayed or hanging)."""
        return len(self._active)

    def reset(self, behaviour: FakeBehaviour | None = None) -> None:
        """Forget what was recorded and go back to the default (or given) behaviour."""
        self.behaviour = behaviour or FakeBehaviour()
        self.requests.clear()
        self.chunk_times.clear()
        self.sent.clear()
        self.cancelled.clear()

    def make_app(self) -> tornado.web.Application:
        args = {"fake": self}
        return tornado.web.Application([
            (r"/(?:v1/)?chat/completions", _CompletionsHandler, args),
            (r"/(?:v1/)?models", _ModelsHandler, args),
        ], log_function=lambda handler: None)  # its 4xx/5xx are on purpose: keep logs quiet

    async def start(self) -> FakeOpenAI:
        if self._server is not None:
            return self
        sockets = tornado.netutil.bind_sockets(0, LOOPBACK, family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(self.make_app(), idle_connection_timeout=30)
        self._server.add_sockets(sockets)
        return self

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        for handler in list(self._active):
            handler.stopping = True
            handler.gone.set()
        await asyncio.sleep(0)
        await server.close_all_connections()

    async def __aenter__(self) -> FakeOpenAI:
        return await self.start()

    async def __aexit__(self, et: type[BaseException] | None, ev: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0,
                       what: str = "condition") -> Any:
        """Poll ``predicate`` on this loop until it is truthy; AssertionError after ``timeout``."""
        return await wait_until_async(predicate, timeout, f"fake OpenAI: {what}", interval=0.005)


class FakeOpenAIThread:
    """The fake provider on its own event loop in a background thread, for a server under test
    that runs in another process (or on another loop). ``with FakeOpenAIThread() as fake:``

    Reading the recorded lists and setting fields of ``behaviour`` from the test thread is
    fine (each is a single attribute operation)."""

    def __init__(self, behaviour: FakeBehaviour | None = None, *, api_key: str | None = None) -> None:
        self.fake = FakeOpenAI(behaviour, api_key=api_key)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self) -> FakeOpenAIThread:
        if self._thread is not None:
            return self
        self._ready.clear()
        self._thread = threading.Thread(target=self._run, name="fake-openai", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("fake OpenAI thread did not start")
        if self._error is not None:
            raise RuntimeError("fake OpenAI thread failed to start") from self._error
        return self

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            try:
                await self.fake.start()
            except BaseException as exc:
                self._error = exc
                self._ready.set()
                raise
            self._ready.set()
            await self._stop.wait()
            await self.fake.stop()

        asyncio.run(main())

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)
        thread.join(10)
        if thread.is_alive():
            raise RuntimeError("fake OpenAI thread did not stop")

    def __enter__(self) -> FakeOpenAIThread:
        return self.start()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # The same surface as FakeOpenAI.
    @property
    def behaviour(self) -> FakeBehaviour:
        return self.fake.behaviour

    @behaviour.setter
    def behaviour(self, value: FakeBehaviour) -> None:
        self.fake.behaviour = value

    @property
    def base_url(self) -> str:
        return self.fake.base_url

    @property
    def port(self) -> int | None:
        return self.fake.port

    @property
    def requests(self) -> list[RecordedRequest]:
        return self.fake.requests

    @property
    def completions(self) -> list[RecordedRequest]:
        return self.fake.completions

    @property
    def chunk_times(self) -> list[tuple[int, int, float]]:
        return self.fake.chunk_times

    @property
    def sent(self) -> list[SentLine]:
        return self.fake.sent

    @property
    def cancelled(self) -> list[int]:
        return self.fake.cancelled

    @property
    def cancelled_requests(self) -> list[RecordedRequest]:
        return self.fake.cancelled_requests

    @property
    def open_streams(self) -> int:
        return self.fake.open_streams

    def reset(self, behaviour: FakeBehaviour | None = None) -> None:
        self.fake.reset(behaviour)

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0,
                 what: str = "condition") -> Any:
        """Poll ``predicate`` from the calling thread until it is truthy."""
        return wait_until(predicate, timeout, f"fake OpenAI: {what}", interval=0.005)


@pytest.fixture
def fake_openai(io_loop: tornado.ioloop.IOLoop) -> Iterator[FakeOpenAI]:
    """A started FakeOpenAI on the test's IOLoop (tests/conftest.py offers it to every test; a
    suite of its own imports it the same way)."""
    fake = FakeOpenAI()
    io_loop.run_sync(fake.start)
    yield fake
    io_loop.run_sync(fake.stop)


def parse_sse(raw: str) -> list[str]:
    """The `data:` payloads of an SSE body, in order (a helper for tests of the fake)."""
    return [line[5:].lstrip() for line in raw.split("\n") if line.startswith("data:")]
