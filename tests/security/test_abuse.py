"""Brute force and flooding: password guessing is throttled however the guesser disguises
itself, sockets that flood are refused and closed, and bodies and frames over the limits are
refused before they cost anything.

tests/api/test_auth.py checks the basic sign-in throttle (five failures of an account from an
address, the per-address limit, the slow-down that replaces an account lock-out) and
tests/realtime/test_guards.py the visitor message flood, the per-address socket cap and an
oversized visitor frame; these check the ways around them.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from chatserver.config import Settings
from chatserver.services.auth import SLOWDOWN_FIRST_S
from tests.helpers.accounts import PASSWORD, login, register
from tests.helpers.sockets import WS
from tests.security.routes import api_routes


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Behind a trusted proxy (X-Forwarded-For believed) for the tests that say so."""
    overrides: dict[str, Any] = {"ws_auth_timeout_s": 1.0, "visitor_burst": 5,
                                 "login_slowdown_max_s": 0.3}
    if "proxy" in request.node.name:
        overrides["trusted_proxies"] = "127.0.0.1"
    return overrides


def _retry_after(resp: Any) -> int:
    assert resp.code == 429 and resp.error_code == "too_many_attempts", resp
    wait = int(resp.headers["Retry-After"])
    assert 0 < wait <= 900
    return wait


async def test_a_forged_forwarded_for_does_not_escape_the_address_limit(
        api: Any, settings: Settings) -> None:
    """Without a trusted proxy, X-Forwarded-For is the attacker's to write: it is ignored."""
    await register(api, "root")
    for i in range(settings.login_max_failures_per_address):
        resp = await api.post("/api/auth/login", {"email": f"u{i}@example.com", "password": "x"},
                              headers={"X-Forwarded-For": f"198.51.100.{i}"})
        assert resp.code == 401
    resp = await api.post("/api/auth/agent-login", {"email": "root@example.com",
                                                    "password": PASSWORD},
                          headers={"X-Forwarded-For": "203.0.113.9"})
    _retry_after(resp)


async def test_behind_a_proxy_rotating_addresses_are_slowed_and_lock_nobody_out(
        api: Any, is_mariadb: bool) -> None:
    """Behind the proxy each guess may come from a new address (a botnet): no address reaches
    its limit, so the account's own count slows every attempt on it, whichever spelling of its
    email and whichever sign-in route; its owner still gets in, and other accounts are not
    slowed."""
    admin = (await register(api, "root"))["token"]
    await register(api, "alice", role="agent", token=admin)
    for i in range(5):
        path = "/api/auth/login" if i % 2 else "/api/auth/agent-login"
        resp = await api.post(path, {"email": "root@example.com", "password": f"guess{i}"},
                              headers={"X-Forwarded-For": f"198.51.100.{i}"})
        assert resp.code == 401
    spellings = ["root@example.com", "ROOT@Example.COM", "  root@example.com  ",
                 "root@example.com\u200b", "r\u00f6ot@example.com", "root@EXAMPLE.com"]
    for n, email in enumerate(spellings):
        started = time.monotonic()
        resp = await api.post("/api/auth/login", {"email": email, "password": PASSWORD},
                              headers={"X-Forwarded-For": f"203.0.113.{n}"})
        # Signed in (200); or no account of that name (401: SQLite compares exactly, while
        # MariaDB's collation makes "röot" root, and its throttle rows root's too).
        assert resp.code in (200, 401), (email, resp)
        assert resp.code == 200 or (email == "r\u00f6ot@example.com" and not is_mariadb), email
        if resp.code == 200:
            assert time.monotonic() - started >= SLOWDOWN_FIRST_S, email
    # Another account, from another address, is not slowed by root's guesses.
    started = time.monotonic()
    resp = await api.post("/api/auth/login", {"email": "alice@example.com", "password": PASSWORD},
                          headers={"X-Forwarded-For": "192.0.2.200"})
    assert resp.code == 200 and time.monotonic() - started < SLOWDOWN_FIRST_S


async def test_behind_a_proxy_each_address_has_its_own_limit(api: Any,
                                                             settings: Settings) -> None:
    await register(api, "root")
    for i in range(settings.login_max_failures_per_address):
        await api.post("/api/auth/login", {"email": f"nobody{i}@example.com", "password": "x"},
                       headers={"X-Forwarded-For": "198.51.100.7"})
    blocked = await api.post("/api/auth/login", {"email": "root@example.com",
                                                 "password": PASSWORD},
                             headers={"X-Forwarded-For": "198.51.100.7"})
    _retry_after(blocked)
    other = await api.post("/api/auth/login", {"email": "root@example.com", "password": PASSWORD},
                           headers={"X-Forwarded-For": "198.51.100.8"})
    assert other.code == 200


async def test_the_password_change_form_is_no_way_around_the_throttle(api: Any) -> None:
    """With a stolen token, POST /api/auth/password would test guesses of the current password
    (to keep the account after the token is revoked): it counts like a failed sign-in of the
    account from that address, which can then neither change the password nor sign in."""
    admin = await register(api, "root")
    token = admin["token"]
    codes = []
    for i in range(7):
        resp = await api.post("/api/auth/password", {"current_password": f"guess-{i}-xyz",
                                                     "new_password": "stolen-account-pw"},
                              token=token)
        codes.append(resp.code)
    assert codes[:5] == [403] * 5 and codes[5:] == [429, 429], codes
    right = await api.post("/api/auth/password", {"current_password": PASSWORD,
                                                  "new_password": "stolen-account-pw"},
                           token=token)
    _retry_after(right)
    _retry_after(await api.post("/api/auth/login", {"email": "root@example.com",
                                                    "password": PASSWORD}))


async def _flood(ws: WS, frames: list[str]) -> None:
    for raw in frames:
        await ws.send(raw)


async def test_an_agent_flooding_one_chat_is_refused_then_closed(make_world: Any) -> None:
    world = await make_world()
    s = await world.waiting_session()
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    await alice.expect("accepted")
    await _flood(alice, [json.dumps({"type": "message", "session_id": s["session_id"],
                                     "client_msg_id": f"f{i}", "text": "spam"})
                         for i in range(40)])
    assert await alice.closed(10) == 4429
    kinds = [f.get("code", f["type"]) for f in alice.seen if f["type"] in ("ack", "error")]
    assert kinds.count("ack") == 5 and kinds.count("rate_limited") >= 10, kinds


async def test_frames_before_auth_cannot_keep_a_socket_open(make_world: Any) -> None:
    """Unauthenticated frames get auth_required and do not reset the auth timer."""
    world = await make_world()
    s = await world.session()
    ws = await WS.connect(world.url(f"/ws/{s['session_id']}"))
    world.sockets.append(ws)
    started = asyncio.get_running_loop().time()
    for i in range(200):
        await ws.send({"type": "typing", "on": bool(i % 2)})
    code = await ws.closed(5)
    assert code in (4408, 4429), code
    assert asyncio.get_running_loop().time() - started < 3
    assert {f["code"] for f in ws.seen} <= {"auth_required", "rate_limited"}


async def test_a_flood_of_cheap_frames_is_refused_then_closed(make_world: Any) -> None:
    """seen frames cost the server little each, but they are relayed: past SIGNAL_LIMIT they
    are refused, and a flood goes on only until the socket is closed (4429: rate-limit
    strikes, or more frames in flight than FRAME_QUEUE_MAX, whichever comes first)."""
    from chatserver.realtime.protocol import SIGNAL_LIMIT

    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await _flood(visitor, [json.dumps({"type": "seen", "seq": 0})] * 3000)
    assert await visitor.closed(10) == 4429
    refused = [f for f in visitor.seen if f.get("code") == "rate_limited"]
    assert 1 <= len(refused) < 3000 - SIGNAL_LIMIT


async def test_a_typing_flood_does_not_reach_the_agent(make_world: Any) -> None:
    from chatserver.realtime.protocol import SIGNAL_LIMIT

    world = await make_world()
    s = await world.waiting_session()
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    await alice.expect("accepted")
    visitor, _ = await world.visitor(s)
    # Fewer than FRAME_QUEUE_MAX in flight, so the typing limit (not the inbox bound) decides.
    await _flood(visitor, [json.dumps({"type": "typing", "on": bool(i % 2)})
                           for i in range(200)])
    assert await visitor.closed(10) == 4429
    await alice.quiet(0.3)
    typing = [f for f in alice.seen if f["type"] == "typing"]
    assert len(typing) == SIGNAL_LIMIT
    # The agent's own typing is limited the same way, per chat.
    await _flood(alice, [json.dumps({"type": "typing", "session_id": s["session_id"],
                                     "on": True})] * (SIGNAL_LIMIT + 5))
    errors = [await alice.expect("error") for _ in range(5)]
    assert {e["code"] for e in errors} == {"rate_limited"}


async def test_every_oversized_body_is_refused_with_413(api: Any, app: Any) -> None:
    admin = (await register(api, "root"))["token"]
    key = (await api.post("/api/widgets", {}, token=admin)).json["widget"]["site_key"]
    values = {"site_key": key, "session_id": "0" * 36, "entry_id": 1, "canned_id": 1,
              "user_id": 1, "email_id": 1, "upload_id": "0" * 32, "label_id": 1,
              "view_id": 1, "avatar_id": "0" * 32, "tracking_id": "0" * 32,
              "trigger_id": 1, "source_id": 1}
    big = json.dumps({"text": "x" * (65 * 1024)})
    tried = 0
    for route in api_routes(app):
        for method in route.methods:
            if method not in ("POST", "PUT") or getattr(route.handler, "streams_body", False):
                continue  # the upload route has a limit of its own (tests/uploads/)
            for token in (admin, ""):
                resp = await api.request(method, route.path(**values), body=big, token=token)
                assert resp.code == 413 and resp.error_code == "too_large", (method, route, resp)
                tried += 1
    assert tried >= 30
    # A body just under the limit is read (and refused for what it says, not its size).
    resp = await api.request("POST", "/api/widgets", token=admin,
                             body=json.dumps({"business_name": "x" * (60 * 1024)}))
    assert resp.code == 422


async def test_oversized_frames_close_every_socket_with_1009(make_world: Any) -> None:
    world = await make_world()
    s = await world.session()
    alice = world.agents["alice"]
    big = json.dumps({"type": "message", "client_msg_id": "big", "text": "x" * (65 * 1024)})
    # Before authenticating, on both sockets; and an authenticated agent.
    for path in (f"/ws/{s['session_id']}", f"/ws/agent/{alice['id']}"):
        ws = await WS.connect(world.url(path))
        world.sockets.append(ws)
        await ws.send(big)
        assert await ws.closed() == 1009, path
    agent, _ = await world.agent("alice")
    await agent.send(big)
    assert await agent.closed() == 1009


async def test_an_overlong_url_is_refused_not_a_crash(api: Any) -> None:
    admin = (await register(api, "root"))["token"]
    for path in ("/api/agents/history?q=" + "x" * 70_000, "/api/widgets/" + "k" * 70_000):
        try:
            resp = await api.get(path, token=admin)
        except Exception as exc:  # the server may close the connection instead of answering
            assert "Connection" in type(exc).__name__ or "Stream" in type(exc).__name__, exc
            continue
        assert resp.code in (400, 404, 414, 422, 431), resp
    assert (await login(api, "root"))
