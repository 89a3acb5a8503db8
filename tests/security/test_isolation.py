"""Isolation: a visitor reaches only their own conversation, and the people of one widget
nothing of another's (Rocket.Chat's livechat history read, Chatwoot #2070).

Whatever belongs to someone else answers exactly like what does not exist (404, the same
body), so ids cannot even be confirmed. The widget-to-widget matrix walks every route of the
app's router (tests/security/routes.py). tests/api/test_sessions.py and test_widgets.py check
single cases; these check them all.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from tests.helpers.sockets import WS, ws_url
from tests.security.routes import api_routes, body_for

SESSION_ROUTES = ("/api/widgets/{key}/sessions/{sid}/messages",
                  "/api/widgets/queue-position/{key}/{sid}",
                  "/api/widgets/escalate/{key}/{sid}")
GUESSED_IDS = ["00000000-0000-0000-0000-000000000000", "1", "0", "-1", "null", "undefined",
               "%2A", "%25", "' OR '1'='1", "..", "x" * 37, "9" * 40]


def _flip(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


async def _call(api: Any, template: str, key: str, sid: str, token: str) -> Any:
    path = template.format(key=key, sid=sid)
    if "escalate" in template:
        return await api.post(path, {}, token=token)
    return await api.get(path, token=token)


async def test_visitors_reach_only_their_own_session(api: Any, tenants: Any) -> None:
    t = await tenants()
    a, b = t.a, t.b
    own, other, foreign = a.sessions["active"], a.sessions["waiting"], b.sessions["active"]
    tok = own["visitor_token"]
    attempts = {
        "another session of the widget": (a.key, other["session_id"], tok),
        "another widget's session": (a.key, foreign["session_id"], tok),
        "another widget's session under its key": (b.key, foreign["session_id"], tok),
        "its own token, under the wrong widget": (a.key, foreign["session_id"],
                                                   foreign["visitor_token"]),
        "own session under the wrong widget": (b.key, own["session_id"], tok),
        "another visitor's token": (a.key, own["session_id"], other["visitor_token"]),
        "another widget's visitor token": (a.key, own["session_id"], foreign["visitor_token"]),
        "a made-up token": (a.key, own["session_id"], "pv_" + uuid.uuid4().hex * 2),
        "the token with one character changed": (a.key, own["session_id"], _flip(tok)),
        "the token cut short": (a.key, own["session_id"], tok[:-4]),
        "the token lengthened": (a.key, own["session_id"], tok + "A"),
        "the bare prefix": (a.key, own["session_id"], "pv_"),
        "a random session id": (a.key, str(uuid.uuid4()), tok),
        **{f"guessed id {g!r}": (a.key, g, tok) for g in GUESSED_IDS},
    }
    bodies = set()
    for template in SESSION_ROUTES:
        for name, (key, sid, token) in attempts.items():
            resp = await _call(api, template, key, quote(sid, safe=""), token)
            assert resp.code == 404, (template, name, resp)
            bodies.add(resp.body)
        assert (await _call(api, template, a.key, own["session_id"], tok)).code == 200
    # One answer for all of them: nothing tells a wrong token from a wrong id.
    assert bodies == {b'{"error":{"code":"session_not_found","message":"no such session"}}'}
    # The escalations that were refused did not happen.
    resp = await api.get(f"/api/widgets/queue-position/{b.key}/{foreign['session_id']}",
                         token=foreign["visitor_token"])
    assert resp.json["status"] == "active"


async def test_visitor_socket_opens_only_with_the_sessions_own_token(
        api: Any, tenants: Any) -> None:
    t = await tenants()
    a, b = t.a, t.b
    own, other, foreign = a.sessions["active"], a.sessions["waiting"], b.sessions["active"]
    base = api.url("/")
    attempts = {
        "another session's token": (own["session_id"], other["visitor_token"]),
        "another widget's token": (own["session_id"], foreign["visitor_token"]),
        "own token on another session": (other["session_id"], own["visitor_token"]),
        "own token on another widget's session": (foreign["session_id"], own["visitor_token"]),
        "a changed token": (own["session_id"], _flip(own["visitor_token"])),
        "a random session": (str(uuid.uuid4()), own["visitor_token"]),
        "a short guessed id": ("1", own["visitor_token"]),
        "the all-zero id": ("00000000-0000-0000-0000-000000000000", own["visitor_token"]),
        "an agent's token": (own["session_id"], a.agent),
    }
    for name, (sid, token) in attempts.items():
        ws = await WS.connect(ws_url(base, f"/ws/{sid}"))
        try:
            await ws.send({"type": "auth", "token": token, "last_seq": 0})
            assert await ws.closed() == 4401, name
            assert [(f["type"], f["code"], f["message"]) for f in ws.seen] == [
                ("error", "unauthorized", "this token does not open this conversation")] \
                or name == "an agent's token", (name, ws.seen)
            assert not [f for f in ws.seen if f["type"] in ("ready", "message")], name
        finally:
            ws.close()


def _b_values(t: Any, state: str) -> dict[str, Any]:
    b = t.b
    return {"site_key": b.key, "session_id": b.sessions[state]["session_id"],
            "entry_id": b.entry_id, "canned_id": b.canned_id, "user_id": b.agent_id,
            "email_id": 1, "upload_id": b.upload_id, "label_id": b.label_id,
            "view_id": b.view_id, "avatar_id": "0" * 32, "tracking_id": "0" * 32,
            "trigger_id": b.trigger_id, "source_id": b.source_id}


def _missing_values(t: Any) -> dict[str, Any]:
    return {"site_key": "NoSuchWidgetKey000000000000000000", "session_id": str(uuid.uuid4()),
            "entry_id": 987654, "canned_id": 987654, "user_id": 987654, "email_id": 987654,
            "upload_id": "0" * 32, "label_id": 987654, "view_id": 987654,
            "avatar_id": "0" * 32, "tracking_id": "0" * 32, "trigger_id": 987654, "source_id": 987654}


def _request(route: Any, method: str, values: dict[str, Any]) -> tuple[str, Any]:
    """(path, body) naming these objects: in the URL, the query (GET) or the body (writes)."""
    path, body = route.path(**values), body_for(method, route)
    for name in route.spec.query:
        if method == "GET":
            path += f"?{name}={values[name]}"
        else:
            body = {**(body or {}), name: values[name]}
    return path, body


async def _b_snapshot(api: Any, t: Any) -> Any:
    b, admin = t.b, t.admin
    widget = (await api.get(f"/api/widgets/{b.key}", token=admin)).json["widget"]
    entries = (await api.get(f"/api/widgets/{b.key}/knowledge", token=admin)).json["entries"]
    canned = (await api.get(f"/api/canned-responses?site_key={b.key}", token=admin)).json
    agents = (await api.get(f"/api/widgets/{b.key}/agents", token=admin)).json
    states = [(await api.get(f"/api/agents/sessions/{sid}", token=admin)).json["session"]
              for sid in b.session_ids]
    return (widget, entries, canned, agents,
            [(s["status"], s["assigned_agent_id"], s["last_seq"]) for s in states])


async def test_people_of_one_widget_reach_nothing_of_another(api: Any, app: Any,
                                                            tenants: Any) -> None:
    """Every route that names a widget, session, entry or canned response, called by the
    owner and by an agent of widget A with widget B's ids, answers as for ids that do not
    exist: 404 (or 403 when the route is for admins only, which says nothing about B)."""
    t = await tenants()
    before = await _b_snapshot(api, t)
    tried = 0
    for route in api_routes(app):
        spec = route.spec
        if spec.auth in ("public", "metrics") or not (spec.params or spec.query):
            continue
        for method in route.methods:
            for who, token in (("A's owner", t.a.owner), ("A's agent", t.a.agent)):
                for state in t.b.sessions:
                    b_vals = _b_values(t, state)
                    mixes = [b_vals]
                    if "site_key" in spec.params and len(spec.params) > 1:
                        mixes.append({**b_vals, "site_key": t.a.key})  # A's key, B's object
                    for values in mixes:
                        path, body = _request(route, method, values)
                        resp = await api.request(method, path, token=token, json_body=body)
                        where = (method, path, who, state)
                        if spec.admin:
                            assert resp.code == 403 and resp.error_code == "admin_required", \
                                (where, resp)
                            continue
                        missing = _missing_values(t)
                        if values["site_key"] == t.a.key or spec.auth == "visitor":
                            # A's own key, or a public one (it is in B's pages).
                            missing["site_key"] = values["site_key"]
                        mpath, mbody = _request(route, method, missing)
                        nothing = await api.request(method, mpath, token=token, json_body=mbody)
                        # 404; or, under A's own key, what A's agent may not do on A (403),
                        # or what A's widget does not do (409 tracking_disabled).
                        assert resp.code == 404 or (values["site_key"] == t.a.key
                                                    and resp.error_code in (
                                                        "not_owner", "tracking_disabled")), \
                            (where, resp)
                        assert (resp.code, resp.error_code) == (nothing.code, nothing.error_code), \
                            (where, resp, nothing)
                        assert t.b.marker not in resp.body.decode(), where
                        tried += 1
                    if "session_id" not in spec.params:
                        break  # one pass is enough when no session is named
    assert tried > 60
    assert await _b_snapshot(api, t) == before


async def test_lists_show_nothing_of_another_widget(api: Any, app: Any, tenants: Any) -> None:
    """Every list (GET route without ids) and search, read by A's owner and A's agent,
    holds A's things and nothing of B's."""
    t = await tenants()
    b = t.b
    secrets = [b.marker, b.key, *b.session_ids]
    extra = ["/api/agents/history?q=" + b.marker, "/api/agents/history?q=zq",
             "/api/analytics?format=csv", "/api/analytics?from=2000-01-01&to=2000-12-31"]
    seen_a = False
    for route in api_routes(app):
        if route.spec.params or "GET" not in route.methods or route.spec.auth != "jwt" \
                or route.spec.admin:
            continue
        for who, token in (("A's owner", t.a.owner), ("A's agent", t.a.agent)):
            for path in [route.path(), *[e for e in extra if e.startswith(route.pattern + "?")]]:
                resp = await api.get(path, token=token)
                assert resp.code == 200, (path, who, resp)
                text = resp.body.decode()
                leaked = [s for s in secrets if s in text]
                assert not leaked, (path, who, leaked)
                seen_a = seen_a or t.a.marker in text
    assert seen_a  # the lists were not simply empty
    for who, token in (("A's owner", t.a.owner), ("A's agent", t.a.agent)):
        assert (await api.get("/api/auth/users", token=token)).code == 403, who


async def test_an_agent_socket_hears_and_touches_nothing_of_another_widget(
        api: Any, tenants: Any, ctx: Any) -> None:
    from chatserver.services import chat

    t = await tenants()
    a, b = t.a, t.b
    me = (await api.get("/api/auth/me", token=a.agent)).json["user"]["id"]
    ws = await WS.connect(ws_url(api.url("/"), f"/ws/agent/{me}"))
    try:
        await ws.send({"type": "auth", "token": a.agent, "last_seq": {
            sid: 0 for sid in b.session_ids}})  # asks to resume B's sessions: ignored
        ready = await ws.expect("ready")
        assert a.marker in str(ready) or ready["waiting"]
        # B's agent comes online and B's visitors talk and escalate: A hears none of it.
        b_ws = await WS.connect(ws_url(api.url("/"), f"/ws/agent/{b.agent_id}"))
        await b_ws.send({"type": "auth", "token": b.agent})
        await b_ws.expect("ready")
        sid = b.sessions["active"]["session_id"]
        await chat.send_message(ctx, sid, sender_type="visitor", text=f"more {b.marker}",
                                client_msg_id="v-more")
        await chat.escalate(ctx, b.key, sid, reason="explicit_request",
                            visitor_token=b.sessions["active"]["visitor_token"])
        await b_ws.expect("queue_update")
        b_ws.close()
        before = await _b_snapshot(api, t)

        def frames(target: str, state: str) -> list[dict[str, Any]]:
            return [
                {"type": "accept", "session_id": target},
                # The client_msg_id of B's visitor's message there: no ack from its copy.
                {"type": "message", "session_id": target, "client_msg_id": f"v-{state}",
                 "text": "hi"},
                {"type": "message", "session_id": target, "client_msg_id": "x-1", "text": "hi"},
                {"type": "typing", "session_id": target, "on": True},
                {"type": "seen", "session_id": target, "seq": 1},
                {"type": "fetch", "session_id": target, "after_seq": 0},
                {"type": "close", "session_id": target, "note": "closed by A"},
                {"type": "hand_back", "session_id": target},
                {"type": "transfer", "session_id": target, "to_agent_id": me},
                {"type": "transfer", "session_id": target, "to_agent_id": b.agent_id},
            ]

        async def answer(frame: dict[str, Any]) -> list[tuple[str, str | None]]:
            await ws.send(frame)
            try:
                got = [await ws.expect("error")]
            except (AssertionError, TimeoutError):
                raise AssertionError(f"no error for {frame}: {ws.seen[-3:]}") from None
            got += await ws.quiet(0.02)
            return [(f["type"], f.get("code")) for f in got]

        nowhere = str(uuid.uuid4())
        for state, s in b.sessions.items():
            for frame, control in zip(frames(s["session_id"], state), frames(nowhere, state),
                                      strict=True):
                theirs, missing = await answer(frame), await answer(control)
                assert theirs == missing, (state, frame["type"], theirs, missing)
        heard = [f for f in ws.seen if b.marker in str(f) or b.key in str(f)
                 or any(s in str(f) for s in b.session_ids)]
        assert not heard, heard
    finally:
        ws.close()
    assert await _b_snapshot(api, t) == before
