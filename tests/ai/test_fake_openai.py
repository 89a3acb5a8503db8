"""The fake OpenAI-compatible provider speaks the real protocol, and each switch does what it
says, checked with a real httpx client over loopback."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.helpers.fake_openai import (
    DEFAULT_REPLY,
    ESCALATION_TOOL,
    FakeBehaviour,
    FakeOpenAI,
    FakeOpenAIThread,
)

KEY = "sk-test-key"
MESSAGES = [{"role": "system", "content": "You answer for Acme Shop."},
            {"role": "user", "content": "Do you ship to Spain?"}]


@dataclass
class Streamed:
    status: int
    headers: httpx.Headers
    payloads: list[str] = field(default_factory=list)  # the text after "data: ", in order
    arrived: list[float] = field(default_factory=list)  # time.time() each payload was read
    comments: list[str] = field(default_factory=list)
    error: Exception | None = None

    @property
    def chunks(self) -> list[dict[str, Any]]:
        out = []
        for p in self.payloads:
            if p == "[DONE]":
                continue
            try:
                out.append(json.loads(p))
            except ValueError:
                continue
        return out

    @property
    def text(self) -> str:
        return "".join(c["choices"][0]["delta"].get("content") or ""
                       for c in self.chunks if c.get("choices"))

    @property
    def content_arrivals(self) -> list[float]:
        """Arrival times of the chunks that carry content, in order."""
        times = []
        for p, t in zip(self.payloads, self.arrived, strict=True):
            try:
                c = json.loads(p)
            except ValueError:
                continue
            if isinstance(c, dict) and c.get("choices") and c["choices"][0]["delta"].get("content"):
                times.append(t)
        return times


@asynccontextmanager
async def client(fake: FakeOpenAI, timeout: float = 5.0) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=fake.base_url, trust_env=False,
                                 headers={"Authorization": f"Bearer {KEY}"},
                                 timeout=httpx.Timeout(timeout)) as c:
        yield c


def body(model: str = "fake/default", stream: bool = True, **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": MESSAGES, "stream": stream, **extra}


async def stream(c: httpx.AsyncClient, payload: dict[str, Any], path: str = "/chat/completions",
                 stop_after_payloads: int | None = None) -> Streamed:
    """POST and read the SSE stream line by line, noting when each event arrived."""
    async with c.stream("POST", path, json=payload) as resp:
        out = Streamed(resp.status_code, resp.headers)
        if resp.status_code != 200:
            await resp.aread()
            out.payloads.append(resp.text)
            return out
        try:
            async for line in resp.aiter_lines():
                if line.startswith(":"):
                    out.comments.append(line)
                elif line.startswith("data:"):
                    out.payloads.append(line[5:].strip())
                    out.arrived.append(time.time())
                    if stop_after_payloads is not None and len(out.payloads) >= stop_after_payloads:
                        break
        except httpx.HTTPError as exc:
            out.error = exc
    return out


# --- the protocol ----------------------------------------------------------------------------

async def test_stream_speaks_openai_chunks_then_done() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        s = await stream(c, body())
    assert s.status == 200
    assert s.headers["content-type"].startswith("text/event-stream")
    assert s.payloads[-1] == "[DONE]"
    chunks = s.chunks
    assert len(chunks) == len(s.payloads) - 1, "every event but [DONE] is JSON"
    ids = {c["id"] for c in chunks}
    assert len(ids) == 1 and ids.pop().startswith("chatcmpl-")
    for ch in chunks:
        assert ch["object"] == "chat.completion.chunk"
        assert ch["model"] == "fake/default"
        assert isinstance(ch["created"], int)
        assert "usage" not in ch, "usage only appears when stream_options.include_usage is set"
        [choice] = ch["choices"]
        assert choice["index"] == 0 and set(choice) >= {"delta", "finish_reason"}
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
    assert [ch["choices"][0]["finish_reason"] for ch in chunks] == [None] * (len(chunks) - 1) + ["stop"]
    assert chunks[-1]["choices"][0]["delta"] == {}
    assert s.text == DEFAULT_REPLY
    pieces = [ch["choices"][0]["delta"]["content"] for ch in chunks[1:-1]]
    assert pieces == ["Hello!", " How", " can", " I", " help?"], "word by word"


async def test_include_usage_adds_a_final_usage_chunk_and_null_usage_before() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        s = await stream(c, body(stream_options={"include_usage": True}))
    chunks = s.chunks
    assert s.payloads[-1] == "[DONE]"
    last = chunks[-1]
    assert last["choices"] == []
    u = last["usage"]
    assert set(u) == {"prompt_tokens", "completion_tokens", "total_tokens"}
    assert u["completion_tokens"] == 5 and u["prompt_tokens"] > 0
    assert u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"]
    assert all(ch["usage"] is None for ch in chunks[:-1])
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"


async def test_fixed_usage_and_finish_reason() -> None:
    async with FakeOpenAI(FakeBehaviour(usage=(120, 7), finish_reason="length")) as fake, \
            client(fake) as c:
        s = await stream(c, body(stream_options={"include_usage": True}))
    assert s.chunks[-1]["usage"] == {"prompt_tokens": 120, "completion_tokens": 7, "total_tokens": 127}
    assert s.chunks[-2]["choices"][0]["finish_reason"] == "length"


async def test_non_streaming_returns_a_chat_completion() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        resp = await c.post("/chat/completions", json=body(stream=False))
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/json")
    data = resp.json()
    assert data["object"] == "chat.completion" and data["id"].startswith("chatcmpl-")
    assert data["model"] == "fake/default"
    [choice] = data["choices"]
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"] == DEFAULT_REPLY
    assert choice["finish_reason"] == "stop"
    u = data["usage"]
    assert u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"]


async def test_base_url_with_or_without_v1_and_models_list() -> None:
    async with FakeOpenAI() as fake:
        assert fake.base_url.startswith("http://127.0.0.1:") and fake.base_url.endswith("/v1")
        root = fake.base_url[:-3]
        async with httpx.AsyncClient(trust_env=False) as c:
            with_v1 = await c.post(f"{root}/v1/chat/completions", json=body(stream=False))
            without = await c.post(f"{root}/chat/completions", json=body(stream=False))
            models = await c.get(f"{root}/v1/models")
    assert with_v1.status_code == without.status_code == 200
    assert [r.path for r in fake.completions] == ["/v1/chat/completions", "/chat/completions"]
    ids = [m["id"] for m in models.json()["data"]]
    assert "fake/default" in ids and "fake/tool" in ids


async def test_listens_on_loopback_only() -> None:
    async with FakeOpenAI() as fake:
        assert fake._server is not None
        addrs = {s.getsockname()[0] for s in fake._server._sockets.values()}
    assert addrs == {"127.0.0.1"}


# --- requests are recorded -------------------------------------------------------------------

async def test_records_headers_body_and_api_key() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        await stream(c, body(temperature=0.2))
        await c.post("/chat/completions", json=body(stream=False),
                     headers={"HTTP-Referer": "https://parley.example", "X-Title": "Parley"})
    first, second = fake.requests
    assert (first.index, second.index) == (0, 1)
    assert first.api_key == KEY and first.headers["authorization"] == f"Bearer {KEY}"
    assert first.body["temperature"] == 0.2 and first.stream and first.model == "fake/default"
    assert first.messages == MESSAGES and first.status == 200
    assert second.headers["http-referer"] == "https://parley.example"
    assert second.headers["x-title"] == "Parley" and not second.stream


async def test_required_key_gives_401_to_a_wrong_key() -> None:
    async with FakeOpenAI(api_key=KEY) as fake:
        async with httpx.AsyncClient(base_url=fake.base_url, trust_env=False) as c:
            wrong = await c.post("/chat/completions", json=body(stream=False),
                                 headers={"Authorization": "Bearer sk-wrong"})
            missing = await c.post("/chat/completions", json=body(stream=False))
            right = await c.post("/chat/completions", json=body(stream=False),
                                 headers={"Authorization": f"Bearer {KEY}"})
    assert wrong.status_code == missing.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_api_key"
    assert right.status_code == 200
    assert [r.api_key for r in fake.requests] == ["sk-wrong", None, KEY]
    assert [r.status for r in fake.requests] == [401, 401, 200]


async def test_bad_json_and_missing_messages_are_400() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        bad = await c.post("/chat/completions", content=b"{nope",
                           headers={"Content-Type": "application/json"})
        no_msgs = await c.post("/chat/completions", json={"model": "x"})
    assert bad.status_code == no_msgs.status_code == 400
    assert bad.json()["error"]["type"] == "invalid_request_error"
    assert fake.requests[0].body is None and fake.requests[0].raw_body == b"{nope"


# --- reply shape and pace --------------------------------------------------------------------

async def test_reply_pieces_and_n_chunks() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        fake.behaviour.reply = "one two three four five six"
        fake.behaviour.n_chunks = 3
        s = await stream(c, body())
        assert [ch["choices"][0]["delta"].get("content") for ch in s.chunks[1:-1]] == \
            ["one two", " three four", " five six"]
        fake.behaviour = FakeBehaviour(pieces=["Bon", "jour", " à vous ✓"], reply="ignored")
        s = await stream(c, body())
        assert s.text == "Bonjour à vous ✓"


async def test_role_in_first_content_chunk_when_role_chunk_is_off() -> None:
    async with FakeOpenAI(FakeBehaviour(role_chunk=False)) as fake, client(fake) as c:
        s = await stream(c, body())
    assert s.chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "Hello!"}
    assert s.text == DEFAULT_REPLY


async def test_slow_stream_spaces_chunks_and_records_write_times() -> None:
    async with FakeOpenAI(FakeBehaviour(delay=0.06, first_delay=0.03)) as fake, client(fake) as c:
        s = await stream(c, body())
    arrivals = s.content_arrivals
    assert len(arrivals) == 5
    assert arrivals[-1] - arrivals[0] >= 4 * 0.06 - 0.02
    times = fake.chunk_times
    assert [(r, i) for r, i, _ in times] == [(0, i) for i in range(5)]
    write_gaps = [b[2] - a[2] for a, b in itertools.pairwise(times)]
    assert min(write_gaps) >= 0.055, write_gaps
    for (_, _, t_write), t_arrived in zip(times, arrivals, strict=True):
        assert t_write <= t_arrived < t_write + 0.5  # written just before the client read it
    # every line written is in `sent`, with the body chunks among them
    assert sum(1 for line in fake.sent if '"content":"' in line.line) >= 5
    assert fake.sent[-1].line == "data: [DONE]\n\n"


async def test_slow_model_preset_and_behaviour_changes_between_requests() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        t0 = time.monotonic()
        await stream(c, body("fake/slow"))
        slow = time.monotonic() - t0
        await stream(c, body())
        fake.behaviour.reply = "Changed."
        s = await stream(c, body())
    assert slow >= 0.24
    slow_writes = [t for r, _, t in fake.chunk_times if r == 0]
    assert min(b - a for a, b in itertools.pairwise(slow_writes)) >= 0.045
    assert fake.behaviour.delay == 0, "a preset applies to its request only"
    assert s.text == "Changed."


async def test_sse_comment_line_comes_first() -> None:
    async with FakeOpenAI(FakeBehaviour(comment_line=": OPENROUTER PROCESSING")) as fake, \
            client(fake) as c:
        s = await stream(c, body())
    assert s.comments == [": OPENROUTER PROCESSING"]
    assert s.text == DEFAULT_REPLY


# --- failures by status ----------------------------------------------------------------------

async def test_status_sequence_429_then_success() -> None:
    async with FakeOpenAI(FakeBehaviour(status_sequence=[429, 200])) as fake, client(fake) as c:
        first = await stream(c, body())
        second = await stream(c, body())
        third = await stream(c, body())
    assert first.status == 429 and first.headers["retry-after"] == "0"
    err = json.loads(first.payloads[0])["error"]
    assert err["code"] == "rate_limit_exceeded" and err["type"] and err["message"]
    assert second.status == third.status == 200 and second.text == DEFAULT_REPLY
    assert [r.status for r in fake.requests] == [429, 200, 200]
    assert fake.behaviour.status_sequence == []


async def test_status_sequence_500_500_then_success_and_503() -> None:
    async with FakeOpenAI(FakeBehaviour(status_sequence=[500, 500, 200, 503])) as fake, \
            client(fake) as c:
        codes = [(await c.post("/chat/completions", json=body(stream=s))).status_code
                 for s in (True, False, True, True, True)]
    assert codes == [500, 500, 200, 503, 200]
    assert fake.requests[0].status == 500


async def test_failing_presets_and_no_retry_after() -> None:
    async with FakeOpenAI(FakeBehaviour(retry_after=None)) as fake, client(fake) as c:
        r429 = await c.post("/chat/completions", json=body("fake/429"))
        r500 = await c.post("/chat/completions", json=body("fake/500"))
        r503 = await c.post("/chat/completions", json=body("fake/503"))
    assert (r429.status_code, r500.status_code, r503.status_code) == (429, 500, 503)
    assert "retry-after" not in r429.headers
    assert r500.json()["error"]["type"] == "server_error"


async def test_bad_model_fails_and_a_fallback_model_answers() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        bad = await c.post("/chat/completions", json=body("bad-model"))
        fake.behaviour.failing_models["openai/gone"] = 400
        gone = await c.post("/chat/completions", json=body("openai/gone", stream=False))
        fallback = await stream(c, body("openai/gpt-4o-mini"))
    assert bad.status_code == 404
    err = bad.json()["error"]
    assert err["code"] == "model_not_found" and "bad-model" in err["message"]
    assert err["type"] == "invalid_request_error" and "param" in err
    assert gone.status_code == 400
    assert fallback.status == 200 and fallback.text == DEFAULT_REPLY
    assert fallback.chunks[0]["model"] == "openai/gpt-4o-mini"


async def test_custom_model_override() -> None:
    beh = FakeBehaviour(model_overrides={"acme/brief": {"reply": "Yes."}})
    async with FakeOpenAI(beh) as fake, client(fake) as c:
        s = await stream(c, body("acme/brief"))
        d = await stream(c, body())
    assert s.text == "Yes." and d.text == DEFAULT_REPLY


# --- failures inside a stream ----------------------------------------------------------------

async def test_malformed_chunk_in_the_middle_then_the_stream_goes_on() -> None:
    async with FakeOpenAI(FakeBehaviour(malformed_at=2)) as fake, client(fake) as c:
        s = await stream(c, body())
        p = await stream(c, body("fake/malformed"))
    for result in (s, p):
        bad = [i for i, x in enumerate(result.payloads) if x != "[DONE]" and not _is_json(x)]
        assert len(bad) == 1 and 1 < bad[0] < len(result.payloads) - 2
        assert result.payloads[-1] == "[DONE]"
        assert result.text == DEFAULT_REPLY


def _is_json(s: str) -> bool:
    try:
        json.loads(s)
    except ValueError:
        return False
    return True


async def test_stop_midway_closes_the_connection_without_done() -> None:
    async with FakeOpenAI(FakeBehaviour(stop_after=2)) as fake, client(fake) as c:
        s = await stream(c, body())
        again = await stream(c, body("fake/stop"))
        fake.behaviour = FakeBehaviour()
        ok = await stream(c, body())
    for result in (s, again):
        assert isinstance(result.error, httpx.RemoteProtocolError), result.error
        assert "[DONE]" not in result.payloads
        assert result.text == "Hello! How"
        assert all(ch["choices"][0]["finish_reason"] is None for ch in result.chunks)
    assert ok.text == DEFAULT_REPLY, "the fake still serves after breaking a connection"
    assert fake.cancelled == [], "the fake closing is not a client cancellation"


async def test_stop_cleanly_ends_the_response_without_finish_or_done() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        s = await stream(c, body("fake/stop-clean"))
    assert s.error is None and s.status == 200
    assert "[DONE]" not in s.payloads and s.text == "Hello! How"


async def test_stream_error_event() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        s = await stream(c, body("fake/stream-error"))
    last = s.chunks[-1]
    assert last["error"]["message"] and last["choices"][0]["finish_reason"] == "error"
    assert "[DONE]" not in s.payloads and s.error is None


# --- the escalation tool ---------------------------------------------------------------------

async def test_tool_call_streams_like_openai() -> None:
    beh = FakeBehaviour(tool_call=True, tool_arguments={"reason": "Visitor wants a refund agent"})
    async with FakeOpenAI(beh) as fake, client(fake) as c:
        s = await stream(c, body(stream_options={"include_usage": True},
                                 tools=[{"type": "function", "function": {"name": ESCALATION_TOOL}}]))
    chunks = [ch for ch in s.chunks if ch["choices"]]
    first = chunks[0]["choices"][0]["delta"]
    assert first["role"] == "assistant" and first["content"] is None
    [call] = first["tool_calls"]
    assert call["index"] == 0 and call["id"].startswith("call_") and call["type"] == "function"
    assert call["function"] == {"name": ESCALATION_TOOL, "arguments": ""}
    pieces = []
    for ch in chunks[1:-1]:
        [tc] = ch["choices"][0]["delta"]["tool_calls"]
        assert tc["index"] == 0 and "id" not in tc and "name" not in tc["function"]
        pieces.append(tc["function"]["arguments"])
    assert len(pieces) >= 2, "arguments arrive in pieces"
    assert json.loads("".join(pieces)) == {"reason": "Visitor wants a refund agent"}
    assert chunks[-1]["choices"][0] == {"index": 0, "delta": {}, "logprobs": None,
                                        "finish_reason": "tool_calls"}
    assert s.payloads[-1] == "[DONE]" and s.chunks[-1]["usage"]["total_tokens"] > 0
    assert s.text == ""
    assert fake.requests[0].body["tools"][0]["function"]["name"] == ESCALATION_TOOL


async def test_tool_call_after_some_text_and_not_streamed() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        s = await stream(c, body("fake/tool-with-text"))
        plain = await c.post("/chat/completions", json=body("fake/tool", stream=False))
    assert s.text == "Let me find someone for you."
    assert s.chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": "", "refusal": None}
    calls = [ch["choices"][0]["delta"]["tool_calls"] for ch in s.chunks
             if ch["choices"] and "tool_calls" in ch["choices"][0]["delta"]]
    assert calls[0][0]["function"]["name"] == ESCALATION_TOOL
    assert s.chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"
    [choice] = plain.json()["choices"]
    assert choice["finish_reason"] == "tool_calls" and choice["message"]["content"] is None
    [call] = choice["message"]["tool_calls"]
    assert call["function"]["name"] == ESCALATION_TOOL
    assert "reason" in json.loads(call["function"]["arguments"])


# --- hangs and cancellation ------------------------------------------------------------------

async def test_hang_before_first_byte_times_out_the_reader_and_is_seen_as_cancelled() -> None:
    async with FakeOpenAI() as fake, client(fake, timeout=0.2) as c:
        t0 = time.monotonic()
        with pytest.raises(httpx.ReadTimeout):
            await stream(c, body("fake/hang"))
        assert time.monotonic() - t0 < 2
        await fake.wait_for(lambda: fake.cancelled == [0], what="the hung request to be cancelled")
        assert fake.requests[0].status is None
        fake.behaviour.hang_before_first_byte = 0.05  # a finite hang, then an answer
        s = await stream(c, body())
    assert s.text == DEFAULT_REPLY
    assert fake.open_streams == 0


async def test_hang_mid_stream_then_client_gives_up() -> None:
    async with FakeOpenAI() as fake, client(fake, timeout=0.2) as c:
        s = await stream(c, body("fake/hang-mid"))
        assert isinstance(s.error, httpx.ReadTimeout)
        assert s.text == "Hello!"
        await fake.wait_for(lambda: fake.cancelled == [0], what="cancel")
        assert [i for _, i, _ in fake.chunk_times] == [0]


async def test_finite_mid_stream_hang_carries_on() -> None:
    async with FakeOpenAI(FakeBehaviour(hang_after=2, hang_seconds=0.1)) as fake, client(fake) as c:
        s = await stream(c, body())
    writes = [t for _, _, t in fake.chunk_times]
    assert s.text == DEFAULT_REPLY and writes[2] - writes[1] >= 0.095


async def test_client_closing_a_slow_stream_is_recorded_and_the_stream_stops() -> None:
    async with FakeOpenAI(FakeBehaviour(delay=0.05, reply="a b c d e f g h i j")) as fake, \
            client(fake) as c:
        s = await stream(c, body(), stop_after_payloads=3)  # role chunk + 2 words, then close
        assert s.text == "a b"
        await fake.wait_for(lambda: fake.cancelled == [0], what="cancel")
        await fake.wait_for(lambda: fake.open_streams == 0, what="the stream to end")
        written = len(fake.chunk_times)
        await asyncio.sleep(0.15)
        assert len(fake.chunk_times) == written < 10, "nothing more is written after the close"
        assert fake.cancelled_requests[0].model == "fake/default"
        done = await stream(c, body())
    assert done.text == "a b c d e f g h i j" and fake.cancelled == [0]


async def test_completed_streams_are_not_cancelled() -> None:
    async with FakeOpenAI() as fake, client(fake) as c:
        for _ in range(3):
            await stream(c, body())
    assert fake.cancelled == [] and len(fake.requests) == 3


async def test_stopping_the_fake_ends_hung_requests_promptly() -> None:
    fake = await FakeOpenAI().start()
    async with client(fake) as c:
        task = asyncio.ensure_future(stream(c, body("fake/hang")))
        await fake.wait_for(lambda: fake.open_streams == 1, what="the hang")
        t0 = time.monotonic()
        await fake.stop()
        assert time.monotonic() - t0 < 1
        with pytest.raises(httpx.HTTPError):
            await asyncio.wait_for(task, 2)
    assert fake.cancelled == []


async def test_reset_forgets_records() -> None:
    async with FakeOpenAI(FakeBehaviour(reply="x")) as fake, client(fake) as c:
        await stream(c, body())
        fake.reset()
        assert fake.requests == fake.chunk_times == fake.sent == fake.cancelled == []
        s = await stream(c, body())
    assert s.text == DEFAULT_REPLY


# --- in a background thread ------------------------------------------------------------------

def test_thread_variant_serves_synchronous_clients() -> None:
    with FakeOpenAIThread(api_key=KEY) as fake:
        assert fake.base_url.startswith("http://127.0.0.1:")
        headers = {"Authorization": f"Bearer {KEY}"}
        with httpx.Client(base_url=fake.base_url, trust_env=False, headers=headers, timeout=5) as c:
            fake.behaviour.status_sequence = [503, 200]
            assert c.post("/chat/completions", json=body(stream=False)).status_code == 503
            with c.stream("POST", "/chat/completions", json=body()) as resp:
                lines = [ln for ln in resp.iter_lines() if ln.startswith("data:")]
            fake.behaviour = FakeBehaviour(reply="Swapped.")
            swapped = c.post("/chat/completions", json=body(stream=False)).json()
            with pytest.raises(httpx.ReadTimeout), \
                    c.stream("POST", "/chat/completions", json=body("fake/hang"), timeout=0.2) as r:
                r.read()
        fake.wait_for(lambda: fake.cancelled == [3], what="cancel")
        assert lines[-1] == "data: [DONE]"
        assert "".join(json.loads(ln[5:])["choices"][0]["delta"].get("content") or ""
                       for ln in lines[:-1]) == DEFAULT_REPLY
        assert swapped["choices"][0]["message"]["content"] == "Swapped."
        assert [r.status for r in fake.requests][:3] == [503, 200, 200]
        assert len(fake.chunk_times) == 5 and fake.requests[1].api_key == KEY
    fake.stop()  # idempotent


async def test_chunks_reach_the_client_without_nagle_delay() -> None:
    """The fake's own write→read time stays well below Nagle's ~40 ms: each event is
    pushed at once (TCP_NODELAY), not held back for the client's delayed ACK (~40 ms), which
    shows on a kept-alive connection from its second stream on."""
    reply = " ".join(["w"] * 100)
    lat: list[float] = []
    async with FakeOpenAI(FakeBehaviour(reply=reply, delay=0.001)) as fake, client(fake) as c:
        for r in range(3):
            s = await stream(c, body())
            times = [t for req, _, t in fake.chunk_times if req == r]
            assert len(times) == len(s.content_arrivals) == 100
            lat += [(a - t) * 1000 for t, a in zip(times, s.content_arrivals, strict=True)]
    lat.sort()
    assert lat[0] >= 0
    assert lat[int(len(lat) * 0.99)] < 20, f"p99 {lat[int(len(lat) * 0.99)]:.1f} ms"
