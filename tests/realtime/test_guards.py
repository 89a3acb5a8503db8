"""Who gets in and how much they may send: auth, origins, sizes, rates, slow readers."""

from __future__ import annotations

import asyncio
import gc
import time
from typing import Any

import jwt
import pymysql
import pytest
import tornado.websocket
from sqlalchemy.exc import OperationalError

from chatserver.db import messages as messages_db
from chatserver.realtime.protocol import PENDING_AGENT_SOCKETS_PER_IP
from tests.helpers.settings import TEST_SECRET
from tests.helpers.sockets import WS
from tests.helpers.tokens import user_key


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"ws_auth_timeout_s": 0.5, "visitor_burst": 5, "visitor_burst_window_s": 10.0,
            "max_visitor_sockets_per_ip": 6}


async def _auth(world: Any, path: str, frame: dict[str, Any],
                origin: str | None = None) -> WS:
    ws = await WS.connect(world.url(path), origin=origin)
    world.sockets.append(ws)
    await ws.send(frame)
    return ws


async def test_visitor_auth_refusals(make_world: Any) -> None:
    world = await make_world()
    a, b = await world.session(), await world.session()
    cases = [
        {"type": "auth", "token": "pv_wrong", "last_seq": 0},
        {"type": "auth", "token": b["visitor_token"], "last_seq": 0},  # another session's
        {"type": "auth"},
        {"type": "auth", "token": world.admin},  # a JWT is not a visitor token
    ]
    for frame in cases:
        ws = await _auth(world, f"/ws/{a['session_id']}", frame)
        err = await ws.expect("error")
        assert err["code"] == "unauthorized"
        assert await ws.closed() == 4401, frame
    ws = await _auth(world, f"/ws/{a['session_id']}", {"type": "message", "text": "hi",
                                                       "client_msg_id": "m"})
    assert (await ws.expect("error"))["code"] == "auth_required"


async def test_no_auth_frame_closes_4408(make_world: Any) -> None:
    world = await make_world()
    s = await world.session()
    ws = await WS.connect(world.url(f"/ws/{s['session_id']}"))
    world.sockets.append(ws)
    assert await ws.closed(3) == 4408


async def test_foreign_origin_closes_4403(make_world: Any) -> None:
    world = await make_world(allowed_origins=["https://shop.example.com"])
    s = await world.session()
    frame = {"type": "auth", "token": s["visitor_token"], "last_seq": 0}
    bad = await _auth(world, f"/ws/{s['session_id']}", frame, origin="https://evil.example")
    assert await bad.closed() == 4403
    good = await _auth(world, f"/ws/{s['session_id']}", frame, origin="https://shop.example.com")
    assert (await good.expect("ready"))["session_id"] == s["session_id"]
    agent = world.agents["alice"]
    evil_agent = await _auth(world, f"/ws/agent/{agent['id']}",
                             {"type": "auth", "token": agent["token"]},
                             origin="https://shop.example.com")
    assert await evil_agent.closed() == 4403


def _jwt(sub: int, **claims: Any) -> str:
    now = int(time.time())
    body = {"sub": str(sub), "tv": 0, "iat": now, "exp": now + 60, "iss": "parley",
            "aud": "parley-ui", **claims}
    return jwt.encode(body, TEST_SECRET, algorithm="HS256")


async def test_agent_auth_refusals(make_world: Any) -> None:
    world = await make_world()
    agent = world.agents["alice"]
    path = f"/ws/agent/{agent['id']}"
    for token in ("garbage", _jwt(agent["id"], exp=int(time.time()) - 5),
                  _jwt(agent["id"], aud="else"), jwt.encode({"sub": str(agent["id"])}, "k" * 32,
                                                            algorithm="HS256")):
        ws = await _auth(world, path, {"type": "auth", "token": token})
        assert await ws.closed() == 4401, token
    root_id = (await world.api.get("/api/auth/me", token=world.admin)).json["user"]["id"]
    ws = await _auth(world, f"/ws/agent/{root_id}", {"type": "auth", "token": agent["token"]})
    assert await ws.closed() == 4403  # the path's agent is not the token's


async def test_revoked_or_expiring_token_closes_the_agent_socket(make_world: Any) -> None:
    world = await make_world()
    alice, _ = await world.agent("alice")
    resp = await world.api.post("/api/auth/logout", token=world.agents["alice"]["token"])
    assert resp.code == 204
    assert await alice.closed(5) == 4401
    # Valid for 2 to 3 seconds more (exp is in whole seconds): long enough to be ready on a
    # slow machine, then the socket closes when it expires.
    short = _jwt(world.agents["alice"]["id"], tv=1, exp=int(time.time()) + 3,
                 uk=user_key(world.agents["alice"]["token"]))
    ws = await _auth(world, f"/ws/agent/{world.agents['alice']['id']}",
                     {"type": "auth", "token": short})
    await ws.expect("ready")
    assert await ws.closed(10) == 4401


async def test_message_size_limits(make_world: Any) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.send({"type": "message", "client_msg_id": "long", "text": "x" * 4001})
    err = await visitor.expect("error", client_msg_id="long")
    assert err["code"] == "message_too_long" and err["retryable"] is False
    ack = await visitor.say("x" * 4000, "exact")
    assert ack["seq"] == 1
    await visitor.send({"type": "message", "client_msg_id": "ctl", "text": "\x00\x07 \n "})
    assert (await visitor.expect("error", client_msg_id="ctl"))["code"] == "empty_message"
    await visitor.send("x" * (65 * 1024))
    assert await visitor.closed() == 1009


async def test_malformed_frames_get_error_frames(make_world: Any) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    for raw, code in (("{not json", "invalid_json"), ("[1]", "invalid_frame"),
                      ('{"type": "teleport"}', "unknown_type"),
                      ('{"type": "message", "client_msg_id": "a b", "text": "x"}',
                       "invalid_client_msg_id"),
                      ('{"type": "message", "client_msg_id": "ok", "text": 5}',
                       "invalid_message"),
                      ('{"type": "seen", "seq": "x"}', "invalid_seq"),
                      ('{"type": "seen", "seq": 1' + "0" * 30 + "}", "invalid_seq"),
                      ('{"type": "seen", "seq": NaN}', "invalid_json"),
                      ('{"type": "typing", "on": "\\ud800"}', "invalid_json"),
                      ('{"type": "close", "rating": 9}', "invalid_rating")):
        await visitor.send(raw)
        assert (await visitor.expect("error"))["code"] == code, raw
    assert (await visitor.say("still works", "after"))["seq"] == 1


async def test_visitor_flood_is_refused_then_closed(make_world: Any) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    for i in range(30):
        await visitor.send({"type": "message", "client_msg_id": f"f{i}", "text": "spam"})
    codes = []
    while True:
        frame = await visitor.recv(5)
        if frame is None:
            break
        if frame["type"] in ("ack", "error"):
            codes.append(frame.get("code", "ack"))
    assert codes.count("ack") == 5  # the burst; errors for the rest name their messages
    assert "rate_limited" in codes
    assert visitor.conn.close_code == 4429


async def test_agent_with_ten_chats_is_not_throttled(make_world: Any) -> None:
    world = await make_world()
    await world.api.put("/api/auth/me", {"max_chats": 10}, token=world.agents["alice"]["token"])
    sessions = [await world.waiting_session() for _ in range(10)]
    alice, _ = await world.agent("alice")
    for s in sessions:
        await alice.send({"type": "accept", "session_id": s["session_id"]})
        await alice.expect("accepted")
    # 4 messages to each of 10 chats = 40 within seconds: over any per-socket burst of 5.
    for i in range(4):
        for s in sessions:
            await alice.send({"type": "message", "session_id": s["session_id"],
                              "client_msg_id": f"{s['session_id'][:8]}-{i}", "text": "hello"})
    acks = [await alice.expect("ack") for _ in range(40)]
    assert len(acks) == 40
    assert not [f for f in alice.pending if f["type"] == "error"]


async def test_visitor_sockets_per_ip_are_capped(make_world: Any) -> None:
    world = await make_world()
    s = await world.session()
    for _ in range(6):
        await world.visitor(s)
    extra = await WS.connect(world.url(f"/ws/{s['session_id']}"))
    world.sockets.append(extra)
    assert await extra.closed() == 4429


async def test_slow_reader_is_closed(make_world: Any, app: Any) -> None:
    world = await make_world()
    s = await world.session()
    reader, _ = await world.visitor(s)
    registry = app.settings["registry"]
    (slow,) = [x for x in registry.sockets if x.kind == "visitor"]
    writer, _ = await world.visitor(s)
    # The reader's server-side socket stops draining (as if its TCP window were full).
    stuck: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    slow.write_message = lambda *_a, **_k: stuck
    slow.ws_connection.stream.writing = lambda: True  # the frame stays in Tornado's buffer
    slow.send_queue.max_frames = 3
    for i in range(10):
        await writer.send({"type": "typing", "on": bool(i % 2)})
    assert await reader.closed(5) == 4009
    assert len(slow.send_queue) <= 3
    stuck.cancel()


async def test_a_stream_closed_under_a_write_leaves_no_lost_exception(
        make_world: Any, app: Any) -> None:
    world = await make_world()
    s = await world.session()
    await world.visitor(s)
    (closing,) = [x for x in app.settings["registry"].sockets if x.kind == "visitor"]
    writer, _ = await world.visitor(s)

    async def closed_under_the_write() -> None:
        raise tornado.websocket.WebSocketClosedError()

    writes: list[asyncio.Future[None]] = []

    def write_message(*_a: Any, **_k: Any) -> asyncio.Future[None]:
        writes.append(asyncio.ensure_future(closed_under_the_write()))
        return writes[-1]

    closing.write_message = write_message
    closing.ws_connection.stream.writing = lambda: False  # the stream is closed, not writing
    closing.ws_connection.stream.closed = lambda: True
    lost: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: lost.append(context))
    try:
        await writer.send({"type": "typing", "on": True})
        for _ in range(100):
            if writes and writes[0].done():
                break
            await asyncio.sleep(0.01)
        assert writes and writes[0].done()
        writes.clear()
        gc.collect()
        await asyncio.sleep(0)
    finally:
        loop.set_exception_handler(None)
    assert not lost


def test_outbox_bounds_frames_and_bytes() -> None:
    from chatserver.realtime.outbox import Outbox

    box = Outbox(max_frames=3, max_bytes=10)
    assert box.push("aaaa") and box.push("bbbb")
    assert not box.push("ccc")  # 11 bytes
    assert box.push("cc") and not box.push("d")  # 3 frames
    assert box.pop() == "aaaa" and box.bytes == 6 and len(box) == 2


async def test_unauthenticated_agent_sockets_per_address_are_capped(make_world: Any) -> None:
    world = await make_world()
    alice = world.agents["alice"]
    path = f"/ws/agent/{alice['id']}"
    pending = [await WS.connect(world.url(path)) for _ in range(PENDING_AGENT_SOCKETS_PER_IP)]
    world.sockets.extend(pending)
    extra = await WS.connect(world.url(path))
    world.sockets.append(extra)
    assert await extra.closed() == 4429
    # The cap counts sockets waiting for auth only: once those time out, agents get in again.
    assert [await ws.closed() for ws in pending] == [4408] * len(pending)
    back, _ = await world.agent("alice")
    assert back.conn.close_code is None


async def test_errors_name_the_request_that_failed(make_world: Any) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.send({"type": "fetch", "after_seq": "x", "request_id": "r-1"})
    err = await visitor.expect("error")
    assert (err["code"], err["request_id"]) == ("invalid_seq", "r-1")
    assert "client_msg_id" not in err
    await visitor.send({"type": "message", "client_msg_id": "c-1", "text": " ",
                        "request_id": "r-2"})
    err = await visitor.expect("error")
    assert (err["code"], err["request_id"], err["client_msg_id"]) == ("empty_message", "r-2",
                                                                        "c-1")
    await visitor.send({"type": "typing", "on": True, "request_id": {"not": "a string"}})
    await visitor.send({"type": "seen", "seq": -1, "request_id": "r" * 65})
    err = await visitor.expect("error")
    assert err["code"] == "invalid_seq" and "request_id" not in err  # not echoed: too long


async def test_an_unavailable_database_is_named_by_what_failed(
        make_world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)

    async def gone(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("SELECT", {}, pymysql.err.OperationalError(2006, "gone away"))

    monkeypatch.setattr(messages_db, "after", gone)
    await visitor.send({"type": "fetch", "after_seq": 0, "request_id": "r-9"})
    err = await visitor.expect("error")
    assert (err["code"], err["retryable"], err["request_id"]) == ("unavailable", True, "r-9")
    assert "could not be read" in err["message"] and "store" not in err["message"]
