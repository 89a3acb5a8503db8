"""Cross-site WebSocket hijacking and cross-origin use of the public REST endpoints.

A page on another site can open a WebSocket to us (browsers apply no CORS to sockets) and can
send simple cross-origin requests. Every socket and every public endpoint therefore checks the
Origin header against the widget's allowlist (visitors) or the UI origins (agents); these
tests send the look-alikes an attacker would try. tests/realtime/test_guards.py checks the
basic case; here every look-alike, both sockets and every public endpoint.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.sockets import WS

ALLOWED = "https://shop.example.com"
# Origins a hostile page could have, each of which must be refused.
LOOKALIKES = [
    "https://evil.example",
    "null",  # sandboxed iframes, data: and file: pages
    "https://shop.example.com.evil.example",
    "https://evil-shop.example.com",
    "https://evilshop.example.com",
    "http://shop.example.com",  # the scheme is part of the origin
    "https://shop.example.com:8443",
    "https://sub.shop.example.com",
    "https://shop.example.co",
    "HTTPS://SHOP.EXAMPLE.COM.EVIL.EXAMPLE",
]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"ui_origins": "https://inbox.example.com"}


def _server_lookalikes(world: Any) -> list[str]:
    """Look-alikes of the server's own origin (http://127.0.0.1:<port>)."""
    own = world.api.url("/").rstrip("/")
    port = own.rsplit(":", 1)[1]
    return [f"https://127.0.0.1:{port}", f"http://127.0.0.1:{int(port) + 1}",
            f"http://localhost:{port}", f"{own}.evil.example", "http://127.0.0.1"]


async def _closed_with(world: Any, path: str, frame: dict[str, Any],
                       origin: str) -> tuple[int | None, list[str]]:
    """Open a socket with this Origin, send the frame; (close code, error codes seen)."""
    ws = await WS.connect(world.url(path), origin=origin)
    world.sockets.append(ws)
    await ws.send(frame)
    code = await ws.closed()
    return code, [f["code"] for f in ws.seen if f["type"] == "error"]


async def test_visitor_socket_refuses_every_foreign_origin(make_world: Any) -> None:
    world = await make_world(allowed_origins=[ALLOWED])
    s = await world.session()
    frame = {"type": "auth", "token": s["visitor_token"], "last_seq": 0}
    for origin in [*LOOKALIKES, *_server_lookalikes(world), "https://inbox.example.com"]:
        code, errors = await _closed_with(world, f"/ws/{s['session_id']}", frame, origin)
        assert (code, errors) == (4403, ["forbidden"]), origin
    # Refused sockets saw nothing of the conversation: no ready, no replay.
    assert not [f for ws in world.sockets for f in ws.seen if f["type"] != "error"]
    for origin in (ALLOWED, ALLOWED.upper(), world.api.url("/").rstrip("/")):
        _ws, ready = await world.visitor(s, origin=origin)
        assert ready["session_id"] == s["session_id"], origin


async def test_agent_socket_refuses_every_foreign_origin_before_auth(make_world: Any) -> None:
    world = await make_world(allowed_origins=[ALLOWED])
    alice = world.agents["alice"]
    path = f"/ws/agent/{alice['id']}"
    for origin in [*LOOKALIKES, ALLOWED, *_server_lookalikes(world)]:
        ws = await WS.connect(world.url(path), origin=origin)
        world.sockets.append(ws)
        # Closed at open, before any token is sent: a hijacking page learns nothing.
        assert await ws.closed() == 4403, origin
        assert [f["code"] for f in ws.seen] == ["forbidden"], origin
    for origin in ("https://inbox.example.com", world.api.url("/").rstrip("/")):
        ws = await WS.connect(world.url(path), origin=origin)
        world.sockets.append(ws)
        await ws.send({"type": "auth", "token": alice["token"]})
        assert (await ws.expect("ready"))["agent"]["id"] == alice["id"], origin


async def test_public_rest_endpoints_refuse_foreign_origins(make_world: Any) -> None:
    world = await make_world(allowed_origins=[ALLOWED])
    s = await world.session()
    key, sid, token = world.key, s["session_id"], s["visitor_token"]
    calls = [
        ("GET", f"/api/widgets/{key}/config", None),
        ("OPTIONS", f"/api/widgets/{key}/config", None),
        ("POST", f"/api/widgets/{key}/sessions", {}),
        ("OPTIONS", f"/api/widgets/{key}/sessions", None),
        ("GET", f"/api/widgets/{key}/sessions/{sid}/messages", None),
        ("POST", f"/api/widgets/escalate/{key}/{sid}", {}),
        ("GET", f"/api/widgets/queue-position/{key}/{sid}", None),
    ]
    for method, path, body in calls:
        for origin in [*LOOKALIKES, *_server_lookalikes(world)]:
            resp = await world.api.request(method, path, json_body=body, token=token,
                                           headers={"Origin": origin})
            assert resp.code == 403 and resp.error_code == "origin_not_allowed", \
                (method, path, origin, resp)
            assert "Access-Control-Allow-Origin" not in resp.headers, (method, path, origin)
        ok = await world.api.request(method, path, json_body=body, token=token,
                                     headers={"Origin": ALLOWED})
        assert ok.code in (200, 201, 204), (method, path, ok)
        assert ok.headers["Access-Control-Allow-Origin"] == ALLOWED
    # No session was created for a foreign origin: only the allowed one made one.
    assert len(world.api.ledger.issued) == 2 + 1 + 1  # admin, alice, s, the allowed POST


async def test_agent_endpoints_send_no_cors_grant(make_world: Any) -> None:
    """The agents' REST API is same-origin only: a foreign page's fetch gets no CORS grant, so
    the browser does not hand it the answer (the bearer token is the authentication)."""
    world = await make_world(allowed_origins=[ALLOWED])
    for path in ("/api/auth/me", "/api/widgets", "/api/agents/waiting-sessions"):
        resp = await world.api.get(path, token=world.admin, headers={"Origin": "https://evil.example"})
        assert "Access-Control-Allow-Origin" not in resp.headers, path
        pre = await world.api.request("OPTIONS", path, headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization"})
        assert "Access-Control-Allow-Origin" not in pre.headers, (path, pre)
