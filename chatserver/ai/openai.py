"""A streaming client for any OpenAI-compatible chat-completions API (OpenRouter by default;
OpenAI, Ollama, vLLM, LM Studio by base URL), on one shared httpx.AsyncClient."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from chatserver import __version__
from chatserver.ai.base import AIError, AIRequest, Emit, Outcome, Passage, Turn
from chatserver.config import Settings

log = logging.getLogger(__name__)

ESCALATION_TOOL = {
    "type": "function",
    "function": {
        "name": "escalate_to_human",
        "description": "Hand the conversation to a human agent: when the visitor asks for a "
                       "person, is upset, or you cannot help from the knowledge given.",
        "parameters": {"type": "object", "properties": {
            "reason": {"type": "string", "description": "why a person is needed"}},
            "required": []},
    },
}
DEFAULT_PROMPT = (
    "You are the friendly assistant on the website of {business}. Answer the visitor's "
    "questions briefly and only from the knowledge below; never invent facts, prices or "
    "policies. If the knowledge does not cover the question, say you don't know and offer a "
    "person. If the visitor asks for a human, is upset, or you cannot help, call the "
    "escalate_to_human tool. Reply in the visitor's language.")
# Added to every prompt, the operator's own included: how to cite the numbered passages.
CITE_INSTRUCTION = (
    "The knowledge is given as numbered passages. When you use one, cite it right after the "
    "sentence as [n] with its number; cite only passages you used.")
CITE_RE = re.compile(r"\[(\d{1,3})\]")
RETRY_STATUSES = {408, 409, 425, 429, 500, 502, 503, 504}
# The history sent to the model: the last this many turns.
HISTORY_TURNS = 20
BACKOFF_BASE_S = 0.25
BACKOFF_MAX_S = 4.0


@dataclass
class _Stream:
    text: list[str]
    tool_called: bool = False
    tool_args: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    started: bool = False
    finished: bool = False


class OpenAIResponder:
    name = "openai"

    def __init__(self, settings: Settings, client: httpx.AsyncClient) -> None:
        self.settings = settings
        self.client = client

    def headers(self) -> dict[str, str]:
        h = {"Content-Type": "application/json", "Accept": "text/event-stream",
             "User-Agent": f"parley/{__version__}"}
        if self.settings.ai_api_key:
            h["Authorization"] = f"Bearer {self.settings.ai_api_key}"
        if "openrouter.ai" in self.settings.ai_base_url:
            # OpenRouter's recommended attribution headers.
            h["HTTP-Referer"] = self.settings.public_url or "https://github.com/parley-chat"
            h["X-Title"] = "Parley"
        return h

    def messages(self, request: AIRequest) -> list[dict[str, Any]]:
        prompt = request.settings.get("system_prompt") or DEFAULT_PROMPT
        system = prompt.replace("{business}", request.business_name)
        if request.passages:
            knowledge = "\n\n".join(f"[{i + 1}] {p.title}\n{p.text}"
                                    for i, p in enumerate(request.passages))
            system += f"\n\n{CITE_INSTRUCTION}\n\nKnowledge:\n{knowledge}"
        else:
            system += "\n\nKnowledge: (nothing relevant found)"
        out: list[dict[str, Any]] = [{"role": "system", "content": system}]
        for turn in request.history[-HISTORY_TURNS:]:
            if turn.role == "visitor":
                out.append({"role": "user", "content": with_files(turn)})
            elif turn.role in ("ai", "agent"):
                out.append({"role": "assistant", "content": turn.text})
        return out

    def body(self, request: AIRequest, model: str) -> dict[str, Any]:
        s = request.settings
        body: dict[str, Any] = {
            "model": model, "stream": True, "messages": self.messages(request),
            "tools": [ESCALATION_TOOL], "stream_options": {"include_usage": True},
        }
        if s.get("temperature") is not None:
            body["temperature"] = s["temperature"]
        if s.get("max_tokens"):
            body["max_tokens"] = s["max_tokens"]
        return body

    async def respond(self, request: AIRequest, emit: Emit) -> Outcome:
        models = [request.settings.get("model") or self.settings.ai_model]
        fallback = request.settings.get("fallback_model") or self.settings.ai_fallback_model
        if fallback and fallback not in models:
            models.append(fallback)
        last: AIError | None = None
        for model in models:
            try:
                return await self._with_retries(request, model, emit)
            except AIError as exc:
                last = exc
                log.warning("model %s failed: %s", model, exc)
        assert last is not None
        raise last

    async def _with_retries(self, request: AIRequest, model: str, emit: Emit) -> Outcome:
        """Retry 429/5xx and connection failures with backoff, but only before the first
        token: once text reached the visitor, a retry would repeat it."""
        attempt = 0
        while True:
            state = _Stream(text=[])
            try:
                await self._stream(request, model, emit, state)
            except _Retryable as exc:
                if state.started or attempt >= self.settings.ai_max_retries:
                    raise AIError(str(exc)) from None
                delay = exc.retry_after if exc.retry_after is not None else min(
                    BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** attempt) * (0.5 + random.random())
                attempt += 1
                await asyncio.sleep(delay)
                continue
            escalate = "model_request" if state.tool_called else None
            return Outcome(escalate=escalate, sources=cited("".join(state.text), request.passages),
                           tokens_in=state.tokens_in, tokens_out=state.tokens_out, model=model)

    async def _stream(self, request: AIRequest, model: str, emit: Emit, state: _Stream) -> None:
        url = self.settings.ai_base_url.rstrip("/") + "/chat/completions"
        try:
            async with self.client.stream("POST", url, json=self.body(request, model),
                                          headers=self.headers()) as resp:
                if resp.status_code != 200:
                    await resp.aread()
                    message = _error_message(resp)
                    if resp.status_code in RETRY_STATUSES:
                        raise _Retryable(f"{resp.status_code} {message}",
                                         _retry_after(resp.headers.get("Retry-After")))
                    raise AIError(f"{resp.status_code} {message}")
                async for data in _sse_data(resp.aiter_lines()):
                    if data == "[DONE]":
                        state.finished = True
                        return
                    try:
                        chunk = json.loads(data)
                    except ValueError:
                        log.warning("skipping a malformed chunk from %s", model)
                        continue
                    await self._chunk(chunk, emit, state)
            if not state.finished:
                raise _Retryable("the stream ended before it was complete", None)
        except httpx.TimeoutException as exc:
            raise _Retryable(f"timeout: {type(exc).__name__}", None) from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise _Retryable(f"connection: {type(exc).__name__}", None) from None

    async def _chunk(self, chunk: Any, emit: Emit, state: _Stream) -> None:
        if not isinstance(chunk, dict):
            return
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            state.tokens_in = int(usage.get("prompt_tokens") or 0)
            state.tokens_out = int(usage.get("completion_tokens") or 0)
        for choice in chunk.get("choices") or []:
            if choice.get("finish_reason"):
                state.finished = True
            delta = choice.get("delta") or {}
            for call in delta.get("tool_calls") or []:
                fn = call.get("function") or {}
                if fn.get("name") == "escalate_to_human" or state.tool_called:
                    state.tool_called = True
                    state.tool_args += fn.get("arguments") or ""
            text = delta.get("content")
            if isinstance(text, str) and text:
                state.started = True
                state.text.append(text)
                await emit(text)


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: float | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(raw: str | None) -> float | None:
    try:
        return min(BACKOFF_MAX_S, max(0.0, float(raw))) if raw is not None else None
    except ValueError:
        return None


def _error_message(resp: httpx.Response) -> str:
    try:
        err = resp.json().get("error", {})
        return str(err.get("message") or err)[:200]
    except (ValueError, AttributeError):
        return resp.text[:200]


async def _sse_data(lines: AsyncIterator[str]) -> AsyncIterator[str]:
    """The `data:` payloads of a server-sent event stream, parsed incrementally."""
    buffer: list[str] = []
    async for line in lines:
        if line == "":
            if buffer:
                yield "\n".join(buffer)
                buffer = []
            continue
        if line.startswith(":"):
            continue  # a comment (OpenRouter sends ": OPENROUTER PROCESSING" keep-alives)
        field, _, value = line.partition(":")
        if field == "data":
            buffer.append(value[1:] if value.startswith(" ") else value)
    if buffer:
        yield "\n".join(buffer)


def make_client(settings: Settings) -> httpx.AsyncClient:
    timeout = httpx.Timeout(connect=settings.ai_connect_timeout_s,
                            read=settings.ai_read_timeout_s, write=10.0, pool=10.0)
    return httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(
        max_connections=100, max_keepalive_connections=20))


def cited(text: str, passages: list[Passage]) -> list[int]:
    """The entries of the passages a model's answer cites as [n], in order of first citation,
    each once (a number outside the list cites nothing)."""
    out: list[int] = []
    for match in CITE_RE.finditer(text):
        n = int(match.group(1))
        if 1 <= n <= len(passages) and passages[n - 1].entry_id not in out:
            out.append(passages[n - 1].entry_id)
    return out


def with_files(turn: Turn) -> str:
    """A turn's text and, when files were sent with it, their names (the model reads no
    file, but hears that there are some)."""
    if not turn.files:
        return turn.text
    return "\n".join([*([turn.text] if turn.text else []),
                      f"[sent files: {', '.join(turn.files)}]"])
