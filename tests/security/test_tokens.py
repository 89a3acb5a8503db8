"""Bearer tokens (JWT): every malformed, forged, expired or revoked token is refused on every
signed-in REST route (401) and on the agent socket (4401).

tests/api/test_auth.py checks a few of these on one route and tests/realtime/test_guards.py a
few on the socket; here every way a token can be wrong meets every route, read from the app's
router (tests/security/routes.py), so a new route is covered the day it is added.
"""

from __future__ import annotations

from typing import Any

from tests.api.helpers import PASSWORD, login, register
from tests.realtime.client import WS
from tests.security.conftest import bad_tokens, forge
from tests.security.routes import SPECS, api_routes, body_for


def test_every_api_route_is_classified(app: Any) -> None:
    """A new route must say what its parameters name and who may call it, so the suites
    below attack it; a route that is gone must leave the table."""
    routes = {r.pattern for r in api_routes(app)}
    unclassified = sorted(routes - set(SPECS))
    assert not unclassified, f"classify these routes in tests/security/routes.py: {unclassified}"
    assert not sorted(set(SPECS) - routes), "routes in tests/security/routes.py that are gone"


async def _revoked_tokens(api: Any, admin: str) -> dict[str, str]:
    """Tokens that were good once: signed out, password changed, role changed, user deleted."""
    out: dict[str, str] = {}
    for name in ("gone1", "gone2", "gone3", "gone4"):
        await register(api, name, role="admin", token=admin)
    out["signed out"] = await login(api, "gone1")
    assert (await api.post("/api/auth/logout", token=out["signed out"])).code == 204
    out["password changed"] = await login(api, "gone2")
    resp = await api.post("/api/auth/password", {"current_password": PASSWORD,
                                                 "new_password": "a-whole-new-pass"},
                          token=out["password changed"])
    assert resp.code == 200
    out["role changed"] = await login(api, "gone3")
    uid3 = (await api.get("/api/auth/me", token=out["role changed"])).json["user"]["id"]
    assert (await api.put(f"/api/auth/users/{uid3}/role", {"role": "agent"}, token=admin)).code == 200
    out["user deleted"] = await login(api, "gone4")
    uid4 = (await api.get("/api/auth/me", token=out["user deleted"])).json["user"]["id"]
    assert (await api.delete(f"/api/auth/users/{uid4}", token=admin)).code == 204
    return out


async def test_bad_tokens_get_401_on_every_signed_in_route(api: Any, app: Any,
                                                           tenants: Any) -> None:
    t = await tenants()
    a = t.a
    me = (await api.get("/api/auth/me", token=t.admin)).json["user"]["id"]
    tokens = {**bad_tokens(me), **await _revoked_tokens(api, t.admin)}
    values = {"site_key": a.key, "session_id": a.sessions["waiting"]["session_id"],
              "entry_id": a.entry_id, "canned_id": a.canned_id, "user_id": a.agent_id}
    # Routes that read no token (sign-in, health, the API document).
    tokenless = {"/api/health", "/api/openapi.json", "/api/auth/login", "/api/auth/agent-login"}
    checked = 0
    for route in api_routes(app):
        if route.spec.auth in ("public", "metrics") or route.pattern in tokenless:
            continue
        for method in route.methods:
            path = route.path(**values)
            for name, token in tokens.items():
                resp = await api.request(method, path, json_body=body_for(method, route),
                                         token=token)
                if route.spec.auth == "visitor" and token.startswith("pv_"):
                    # A visitor token that opens nothing: the session is "not found".
                    assert resp.code == 404, (method, path, name, resp)
                    continue
                assert resp.code == 401, (method, path, name, resp)
                assert resp.error_code in ("invalid_token", "token_expired",
                                           "token_revoked"), (method, path, name, resp)
                checked += 1
            # And no token at all.
            resp = await api.request(method, path, json_body=body_for(method, route), token="")
            if route.spec.auth in ("jwt", "visitor"):
                assert resp.code == 401 and resp.error_code == "unauthorized", (method, path, resp)
    assert checked > 35 * len(tokens)  # some 40 route-methods
    # Nothing the refused calls asked for happened.
    widget = (await api.get(f"/api/widgets/{a.key}", token=t.admin)).json["widget"]
    assert widget["widget_title"] == f"Title {a.marker}"
    assert (await api.get("/api/auth/users", token=t.admin)).code == 200


async def test_the_role_comes_from_the_database_not_the_token(api: Any, tenants: Any) -> None:
    """A token whose role claim says admin gives an agent nothing more (signed with the real
    key, as if the claim were the only thing an attacker could change)."""
    t = await tenants()
    me = (await api.get("/api/auth/me", token=t.a.agent)).json["user"]
    assert me["role"] == "agent"
    promoted = forge(me["id"], role="admin")
    assert (await api.get("/api/auth/me", token=promoted)).json["user"]["role"] == "agent"
    assert (await api.get("/api/auth/users", token=promoted)).code == 403
    assert (await api.get(f"/api/widgets/{t.b.key}", token=promoted)).code == 404


async def test_bad_tokens_close_the_agent_socket_with_4401(make_world: Any) -> None:
    world = await make_world()
    alice = world.agents["alice"]
    api = world.api
    revoked = await _revoked_tokens(api, world.admin)
    tokens: dict[str, Any] = {**bad_tokens(alice["id"]), **revoked,
                              "missing": None, "empty": "", "a number": 12345,
                              "an object": {"$ne": ""}, "a list": [alice["token"]]}
    for name, token in tokens.items():
        ws = await WS.connect(world.url(f"/ws/agent/{alice['id']}"))
        world.sockets.append(ws)
        frame: dict[str, Any] = {"type": "auth", "last_seq": {}}
        if token is not None:
            frame["token"] = token
        await ws.send(frame)
        assert await ws.closed() == 4401, name
        assert [(f["type"], f["code"]) for f in ws.seen] == [("error", "unauthorized")], name
    # A revoked token of the path's own agent: signed out means signed out everywhere.
    await api.post("/api/auth/logout", token=alice["token"])
    ws = await WS.connect(world.url(f"/ws/agent/{alice['id']}"))
    world.sockets.append(ws)
    await ws.send({"type": "auth", "token": alice["token"]})
    assert await ws.closed() == 4401


async def test_a_visitor_token_is_no_agent_token_and_a_jwt_no_visitor_token(
        make_world: Any) -> None:
    world = await make_world()
    s = await world.session()
    alice = world.agents["alice"]
    ws = await WS.connect(world.url(f"/ws/agent/{alice['id']}"))
    world.sockets.append(ws)
    await ws.send({"type": "auth", "token": s["visitor_token"]})
    assert await ws.closed() == 4401
    for token in (alice["token"], world.admin, forge(alice["id"])):
        ws = await WS.connect(world.url(f"/ws/{s['session_id']}"))
        world.sockets.append(ws)
        await ws.send({"type": "auth", "token": token})
        assert await ws.closed() == 4401
