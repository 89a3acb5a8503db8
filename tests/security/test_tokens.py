"""Bearer tokens (JWT): every malformed, forged, expired or revoked token is refused on every
signed-in REST route (401) and on the agent socket (4401).

tests/api/test_auth.py checks a few of these on one route and tests/realtime/test_guards.py a
few on the socket; here every way a token can be wrong meets every route, read from the app's
router (tests/security/routes.py), so a new route is covered the day it is added.
"""

from __future__ import annotations

from typing import Any

from chatserver.db import users as users_db
from chatserver.services.passwords import hash_password
from chatserver.services.users import new_token_key
from chatserver.timeutil import utcnow
from tests.helpers.accounts import PASSWORD, login, register
from tests.helpers.sockets import WS
from tests.helpers.tokens import bad_tokens, forge, user_key
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
              "entry_id": a.entry_id, "canned_id": a.canned_id, "user_id": a.agent_id,
              "email_id": 1, "upload_id": a.upload_id, "label_id": a.label_id,
              "view_id": a.view_id, "avatar_id": "0" * 32, "tracking_id": "0" * 32,
              "trigger_id": a.trigger_id, "source_id": a.source_id}
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
    promoted = forge(me["id"], role="admin", uk=user_key(t.a.agent))
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


async def _agent_socket_refuses(world: Any, agent_id: int, token: str) -> None:
    ws = await WS.connect(world.url(f"/ws/agent/{agent_id}"))
    world.sockets.append(ws)
    await ws.send({"type": "auth", "token": token, "last_seq": {}})
    assert await ws.closed() == 4401
    assert "ready" not in [f["type"] for f in ws.seen], ws.seen


async def test_a_deleted_users_token_never_passes_for_a_later_user(make_world: Any,
                                                                    ctx: Any) -> None:
    """A token is its user's, not its id's: once the user is deleted, neither the next user
    (ids are never given twice, SQLite included) nor a row made under the same id (the
    per-user key in the token) makes it good again, on REST or on the agent socket."""
    world = await make_world()
    api, admin = world.api, world.admin
    fired = await world.add_agent("fired")
    token = fired["token"]
    ws, _ready = await world.agent("fired")
    assert (await api.delete(f"/api/auth/users/{fired['id']}", token=admin)).code == 204
    assert await ws.closed() == 4401
    assert (await api.get("/api/auth/me", token=token)).error_code == "token_revoked"

    newboss = (await register(api, "newboss", role="admin", token=admin))["user"]
    assert newboss["id"] > fired["id"]
    # A row under the old id at token version 0, as SQLite made before ids were AUTOINCREMENT.
    async with ctx.engine.begin() as conn:
        await users_db.insert_user(
            conn, id=fired["id"], username="reborn", email="reborn@example.com",
            password_hash=await hash_password(PASSWORD, 4), role="admin",
            display_name="Reborn", created_at=utcnow(), token_key=new_token_key())
    assert (await api.get(f"/api/auth/users/{fired['id']}", token=admin)).json["user"][
        "username"] == "reborn"
    for path in ("/api/auth/users", "/api/auth/me"):
        resp = await api.get(path, token=token)
        assert resp.code == 401 and resp.error_code == "token_revoked", (path, resp)
    for agent_id in (fired["id"], newboss["id"]):
        await _agent_socket_refuses(world, agent_id, token)
    # The reborn row's own token works: the refusal is about the token, not the id.
    assert (await api.get("/api/auth/me", token=await login(api, "reborn"))).code == 200
