"""Hostile input in every field: wrong JSON types and operator-like objects (``{"$gt": ""}``),
SQL metacharacters, huge numbers, and Unicode edge cases (bidi overrides, zero-width
characters, lone surrogates, 4-byte emoji, NUL) in every REST field, query parameter, path
parameter and socket frame. Each is refused (400 wrong type, 422 wrong value, an error frame)
or stored and returned as the documented cleaning makes it; never a 500 or an internal_error.
Run on SQLite and on MariaDB (the same suite, PARLEY_TEST_DATABASE_URL).

tests/api/test_malformed_input.py keeps the cases the fuzzer (test_schemathesis.py) found;
this is the deliberate list.
"""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any
from urllib.parse import quote

import pytest

from chatserver.validate import clean_text
from tests.helpers.accounts import login, register
from tests.helpers.sockets import WS, ws_url
from tests.security.routes import api_routes

WRONG_TYPES: list[Any] = [
    1, -1.5, True, [], ["x"], {}, {"$gt": ""}, {"$ne": None}, {"$where": "sleep(1000)"},
    [{"$gt": ""}], {"__proto__": {"admin": True}}, {"constructor": {"prototype": {}}},
]
SQL: list[str] = [
    "' OR '1'='1", "'; DROP TABLE users; --", '" OR ""="', "1; SELECT SLEEP(5) --",
    "admin'--", "' UNION SELECT password_hash FROM users --", "%", "_", "%_%", "\\", "\\'",
    "\\%", "`", "0x27", "1' AND extractvalue(1,concat(0x7e,version())) --",
]
TEMPLATES: list[str] = ["{{7*7}}", "${7*7}", "<%= 7*7 %>", "#{7*7}", "{{constructor.constructor('x')()}}"]
UNICODE: list[str] = [
    "\u202eevil\u202c.exe", "a\u2066b\u2069c", "zero\u200bwidth\u200c\u200dz", "\ufeffbom",
    "e\u0301\u0301\u0301", "😀🎉👩‍👩‍👧‍👦", "𝕏𝔸𝕄", "\U0001f1eb\U0001f1f7", "nul\x00byte",
    "line\r\nbreak", "tab\there", "\x1b[31mred\x1b[0m", "\u0000", "\u00a0\u3000", "ǅǈ",
    "\U0010fffd", "\ud7ff\ue000", "İstanbul", "ß" * 10,
]
TEXTS = SQL + TEMPLATES + UNICODE
NUMBERS: list[Any] = [0, -1, 2**31, 2**53 + 1, 2**63, 2**64, 10**30, -(2**63) - 1, 1e308,
                      -0.0, 1e-320, 0.5, "1", "1e3", None]
LONE_SURROGATES = ['"\\ud800"', '"a\\udfffb"', '"\\ud83d"']  # raw JSON: escapes, not chars
OK = {200, 201, 204}
REFUSED = {400, 404, 409, 413, 422}


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"sessions_per_ip_per_minute": 100_000, "login_max_failures": 100_000,
            "login_max_failures_per_address": 100_000,
            "visitor_burst": 100_000, "visitor_per_minute": 100_000}


def put_at(body: Any, path: str, value: Any) -> Any:
    out = copy.deepcopy(body)
    *parents, last = path.split(".")
    node = out
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return out


def get_at(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(obj, list):
            obj = obj[int(part)] if int(part) < len(obj) else None
        elif isinstance(obj, dict):
            obj = obj.get(part)
        else:
            return None
    return obj


def cleanings(value: str) -> set[str]:
    """What the server may store for a text: the documented cleaning (single or multi-line),
    or trimmed only (choices and option labels)."""
    return {clean_text(value, multiline=False), clean_text(value), value.strip()}


PRECHAT = [{"name": "name", "label": "Name", "type": "text"},
           {"name": "notes", "label": "Notes", "type": "textarea"},
           {"name": "email", "label": "Email", "type": "email"},
           {"name": "phone", "label": "Phone", "type": "tel"},
           {"name": "topic", "label": "Topic", "type": "select", "options": ["Sales", "Help"]}]


def targets(w: dict[str, Any]) -> list[tuple[str, str, Any, list[str], str]]:
    """(method, path, valid body, fields to attack, where the stored object is echoed)."""
    widget = {"business_name": "Acme", "widget_title": "Hi", "welcome_message": "Welcome",
              "primary_color": "#007bff", "position": "bottom-left", "timezone": "UTC",
              "enable_prechat_form": True, "ai_enabled": False,
              "prechat_fields": [{"name": "topic", "label": "Topic", "type": "select",
                                  "options": ["Sales"]}],
              "allowed_origins": ["https://shop.example.com"],
              "business_hours": {"mon": [["09:00", "17:00"]]},
              "ai_settings": {"system_prompt": "Be nice", "model": "m", "language": "en",
                              "temperature": 0.5, "max_tokens": 100, "daily_token_budget": 1000,
                              "visitor_message_limit": 10, "provider": "offline"}}
    key, uid = w["key"], w["agent_id"]
    return [
        ("POST", "/api/widgets", widget, [
            "business_name", "widget_title", "welcome_message", "primary_color", "position",
            "timezone", "enable_prechat_form", "prechat_fields", "prechat_fields.0",
            "prechat_fields.0.name", "prechat_fields.0.label", "prechat_fields.0.type",
            "prechat_fields.0.options", "prechat_fields.0.options.0", "allowed_origins",
            "allowed_origins.0", "business_hours", "business_hours.mon",
            "business_hours.mon.0.0", "ai_settings", "ai_settings.system_prompt",
            "ai_settings.model", "ai_settings.language", "ai_settings.provider",
            "ai_settings.temperature", "ai_settings.max_tokens",
            "ai_settings.daily_token_budget", "ai_settings.visitor_message_limit"], "widget"),
        ("PUT", f"/api/widgets/{key}", {"widget_title": "Hi"}, ["widget_title"], "widget"),
        ("POST", f"/api/widgets/{key}/sessions", {
            "visitor_name": "Vera", "visitor_email": "vera@example.com",
            "page_url": "https://shop.example.com/a", "timezone": "Europe/Paris",
            "prechat": {"name": "Vera", "notes": "n", "email": "v@example.com",
                        "phone": "+33 1 23", "topic": "Sales"}},
         ["visitor_name", "visitor_email", "page_url", "timezone", "prechat", "prechat.name",
          "prechat.notes", "prechat.email", "prechat.phone", "prechat.topic"], ""),
        ("POST", "/api/auth/register", {"username": "zed", "email": "zed@example.com",
                                        "password": "correct-horse-battery", "role": "agent",
                                        "display_name": "Zed"},
         ["username", "email", "password", "role", "display_name"], "user"),
        ("POST", "/api/auth/login", {"email": "root@example.com", "password": "x"},
         ["email", "password"], ""),
        ("PUT", "/api/auth/me", {"display_name": "Root", "max_chats": 3},
         ["display_name", "max_chats"], "user"),
        ("PUT", f"/api/auth/users/{uid}/role", {"role": "agent"}, ["role"], "user"),
        ("POST", f"/api/widgets/{key}/knowledge", {"kind": "qa", "title": "Q", "body": "A"},
         ["kind", "title", "body"], "entry"),
        ("POST", f"/api/widgets/{key}/knowledge/import", {"format": "csv",
                                                          "content": "question,answer\nQ,A\n"},
         ["format", "content"], ""),
        ("POST", f"/api/widgets/{key}/knowledge/try", {"question": "refunds?"},
         ["question"], ""),
        ("POST", "/api/canned-responses", {"site_key": key, "shortcut": "hi", "title": "Hi",
                                           "text": "Hello"},
         ["site_key", "shortcut", "title", "text"], "canned_response"),
        ("POST", f"/api/widgets/escalate/{key}/{w['session_id']}", {"reason": "frustration"},
         ["reason"], ""),
    ]


async def _world(api: Any) -> dict[str, Any]:
    admin = (await register(api, "root"))["token"]
    agent = (await register(api, "alice", role="agent", token=admin))["user"]
    key = (await api.post("/api/widgets", {"enable_prechat_form": True, "ai_enabled": False,
                                           "prechat_fields": PRECHAT},
                          token=admin)).json["widget"]["site_key"]
    await api.put(f"/api/widgets/{key}/agents/{agent['id']}", token=admin)
    s = (await api.post(f"/api/widgets/{key}/sessions", {"prechat": {"name": "V"}})).json
    return {"admin": admin, "key": key, "agent_id": agent["id"], "session_id": s["session_id"],
            "visitor_token": s["visitor_token"], "agent": await login(api, "alice")}


def check(resp: Any, where: Any) -> None:
    assert resp.code < 500, (where, resp)
    assert resp.code in OK | REFUSED | {401, 403}, (where, resp)
    if resp.code in REFUSED:
        assert resp.error_code, (where, resp)


NUMERIC = {"ai_settings.temperature", "ai_settings.max_tokens", "ai_settings.daily_token_budget",
           "ai_settings.visitor_message_limit", "max_chats"}
CONTAINERS = {"prechat_fields", "prechat_fields.0", "prechat_fields.0.options", "allowed_origins",
              "business_hours", "business_hours.mon", "ai_settings", "prechat"}
# One value with a bit of everything, then the cases most likely to break a layer alone.
POLYGLOT = ("' OR '1'='1 --; \"%_\\ {{7*7}} ${7*7} \u202eevil\u202c zero\u200bwidth "
            "😀👩\u200d👩\u200d👧 𝕏 nul\x00 \x1b[31m\r\n\t")
PER_FIELD: list[Any] = [1, True, [], {"$gt": ""}, {"$ne": None}, POLYGLOT,
                        "'; DROP TABLE users; --", "😀🎉𝕏", "a\x00b", "x" * 70_000]
# Fields that get the whole corpus: one of each kind of column (short string, long string,
# text, JSON) and of each writer (admin, visitor).
DEEP = {("/api/widgets", "business_name"), ("/api/widgets", "welcome_message"),
        ("/api/widgets", "prechat_fields.0.label"), ("sessions", "visitor_name"),
        ("sessions", "prechat.notes"), ("knowledge", "body"), ("canned", "title")}


def values_for(path: str, field: str) -> list[Any]:
    if field in NUMERIC:
        return [*WRONG_TYPES[:6], *NUMBERS]
    if field in CONTAINERS:
        return [*WRONG_TYPES, "x"]
    if any(p in path and f == field for p, f in DEEP):
        return [*WRONG_TYPES, *TEXTS, *NUMBERS[:4], "x" * 70_000]
    return PER_FIELD


async def test_every_field_refuses_or_keeps_hostile_values(api: Any, is_mariadb: bool) -> None:
    w = await _world(api)
    stored = refused = 0
    for method, path, base, fields, echo in targets(w):
        token = w["visitor_token"] if "escalate" in path else w["admin"]
        for field in fields:
            for value in values_for(path, field):
                body = put_at(base, field, value)
                if path == "/api/auth/register" and field != "username":
                    body["username"] = f"u{uuid.uuid4().hex[:10]}"
                    body["email"] = body["email"] if field == "email" \
                        else f"{body['username']}@example.com"
                if path == "/api/canned-responses" and field != "shortcut":
                    body["shortcut"] = f"s{uuid.uuid4().hex[:10]}"
                # Raw bodies: these passwords and texts are junk, not secrets to look for.
                resp = await api.request(method, path, body=json.dumps(body), token=token)
                check(resp, (method, path, field, value))
                if resp.code in OK and isinstance(value, str):
                    got = get_at(resp.json.get(echo) if echo else resp.json, field)
                    if isinstance(got, str) and field not in ("password", "role") \
                            and clean_text(value):
                        assert got in cleanings(value) or got.lower() in {
                            v.lower() for v in cleanings(value)}, (path, field, value, got)
                    stored += 1
                else:
                    refused += 1
            text = json.dumps(put_at(base, field, "__X__")).replace('"__X__"', LONE_SURROGATES[1])
            resp = await api.request(method, path, body=text, token=token)
            assert resp.code == 400 and resp.error_code == "invalid_json", (path, field, resp)
    assert stored > 50 and refused > 400, (stored, refused)


async def test_what_people_type_is_stored_cleaned_and_exactly(api: Any, ctx: Any) -> None:
    """Names, pre-chat answers and messages keep every character a person can type (4-byte
    emoji and all, on MariaDB too: utf8mb4) and lose the ones that only spoof or break:
    NUL and control characters, bidi overrides, zero-width spaces."""
    w = await _world(api)
    samples = ["😀🎉 👩‍👩‍👧‍👦 𝕏", "' OR '1'='1 --", "{{7*7}} ${7*7}", "İstanbul ß e\u0301",
               "\u202eexe.pdf\u202c", "a\x00b\x07c", "zero\u200bwidth", "\ufeffbom"]
    for text in samples:
        expect = clean_text(text, multiline=False)
        for bad in ("\x00", "\x07", "\u202e", "\u202c", "\u200b", "\ufeff"):
            assert bad not in expect
        resp = await api.post(f"/api/widgets/{w['key']}/sessions", {
            "visitor_name": text, "prechat": {"name": text, "notes": text}})
        assert resp.code == 201, (text, resp)
        s = resp.json
        assert s["visitor_name"] == expect, text
        details = (await api.get(f"/api/agents/sessions/{s['session_id']}",
                                 token=w["admin"])).json["session"]
        assert details["visitor_info"]["prechat"] == {"name": expect,
                                                      "notes": clean_text(text)}, text
        ws = await WS.connect(ws_url(api.url("/"), f"/ws/{s['session_id']}"))
        try:
            await ws.send({"type": "auth", "token": s["visitor_token"]})
            await ws.expect("ready")
            await ws.say(text, "m1")
        finally:
            ws.close()
        history = (await api.get(f"/api/widgets/{w['key']}/sessions/{s['session_id']}/messages",
                                 token=s["visitor_token"])).json["messages"]
        assert [m["text"] for m in history] == [clean_text(text)], text


async def test_search_treats_like_wildcards_as_text(api: Any, ctx: Any) -> None:
    """History search escapes %, _ and \\: they find themselves, not everything."""
    from chatserver.services import chat
    from chatserver.services.access import Actor

    w = await _world(api)
    admin_actor = Actor(id=1, role="admin")
    texts = {"percent": "100% sure", "under": "snake_case here", "slash": "C:\\temp\\x",
             "plain": "nothing special"}
    ids = {}
    for name, text in texts.items():
        s = (await api.post(f"/api/widgets/{w['key']}/sessions", {"prechat": {"name": name}})).json
        await chat.send_message(ctx, s["session_id"], sender_type="visitor", text=text,
                                client_msg_id="m")
        await chat.close(ctx, s["session_id"], by="agent", actor=admin_actor)
        ids[name] = s["session_id"]
    for query, want in (("%", {"percent"}), ("_", {"under"}), ("\\", {"slash"}),
                        ("0% s", {"percent"}), ("e_c", {"under"}), ("%%", set()),
                        ("' OR '1'='1", set()), ("*", set())):
        resp = await api.get("/api/agents/history?q=" + quote(query), token=w["admin"])
        assert resp.code == 200, (query, resp)
        found = {n for n, sid in ids.items() if sid in {s["session_id"]
                                                        for s in resp.json["sessions"]}}
        assert found == want, (query, found)


async def test_hostile_query_and_path_parameters_are_refused_cleanly(api: Any, app: Any) -> None:
    w = await _world(api)
    # Sent as they are (already percent-encoded: a NUL, a lone surrogate, an emoji, a path
    # climb, a superscript digit, bytes that are not UTF-8), then texts to be encoded.
    encoded = ["%00", "%ED%A0%80", "%F0%9F%98%80", "..%2F..%2Fetc%2Fpasswd", "%C2%B2", "%FF%FE"]
    hostile = [*encoded, *[quote(t, safe="") for t in [
        *SQL, *TEMPLATES, "-1", "99999999999999999999", "1e3", "0x10", "k" * 3000]]]
    queries = ["/api/agents/history?q={v}", "/api/agents/history?limit={v}",
               "/api/agents/history?offset={v}", "/api/analytics?from={v}",
               "/api/analytics?to={v}", "/api/analytics?tz={v}", "/api/analytics?format={v}",
               "/api/analytics?site_key={v}", "/api/analytics/live?tz={v}",
               "/api/canned-responses?site_key={v}",
               f"/api/widgets/{w['key']}/sessions/{w['session_id']}/messages?after_seq={{v}}",
               f"/api/widgets/{w['key']}/sessions/{w['session_id']}/messages?limit={{v}}"]
    for template in queries:
        for v in hostile:
            token = w["visitor_token"] if "/messages" in template else w["admin"]
            resp = await api.get(template.format(v=v), token=token)
            check(resp, (template, v))
    # Every route's path parameters, from the router.
    some = [*encoded, *[quote(t, safe="") for t in (SQL[0], SQL[1], "%_%", "{{7*7}}",
                                                    "99999999999999999999", "k" * 3000)]]
    for route in api_routes(app):
        for v in some:
            args = {name: v for name in route.spec.params}
            for method in route.methods:
                path = route.rule.matcher.regex.pattern.removesuffix("$")
                for name in route.spec.params:
                    path = path.replace("([^/]+)", args[name], 1)
                resp = await api.request(method, path, token=w["admin"],
                                         json_body={} if method in ("POST", "PUT") else None)
                assert resp.code < 500, (method, path, resp)


async def test_hostile_frames_get_error_frames_never_internal_errors(
        api: Any, app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app.settings["socket_limits"].signals, "limit", 100_000)
    w = await _world(api)
    base = api.url("/")
    agent_ws = await WS.connect(ws_url(base, f"/ws/agent/{w['agent_id']}"))
    visitor = await WS.connect(ws_url(base, f"/ws/{w['session_id']}"))
    try:
        await agent_ws.send({"type": "auth", "token": w["agent"]})
        await agent_ws.expect("ready")
        await visitor.send({"type": "auth", "token": w["visitor_token"]})
        await visitor.expect("ready")
        await api.post(f"/api/widgets/escalate/{w['key']}/{w['session_id']}", {},
                       token=w["visitor_token"])
        await agent_ws.send({"type": "accept", "session_id": w["session_id"]})
        await agent_ws.expect("accepted")
        sid = w["session_id"]
        visitor_frames = [
            ({"type": "message", "client_msg_id": "c", "text": "x"}, ["text", "client_msg_id"]),
            ({"type": "typing", "on": True}, ["on"]),
            ({"type": "seen", "seq": 1}, ["seq"]),
            ({"type": "fetch", "after_seq": 0, "before_seq": 5}, ["after_seq", "before_seq"]),
            ({"type": "leave_email", "email": "v@example.com", "note": "n"}, ["email", "note"]),
            ({"type": "escalate", "reason": "frustration"}, ["reason"]),
            ({"type": "auth", "token": "x"}, ["token", "last_seq"]),
        ]
        agent_frames = [
            ({"type": "message", "session_id": sid, "client_msg_id": "a", "text": "x"},
             ["session_id", "client_msg_id", "text"]),
            ({"type": "typing", "session_id": sid, "on": True}, ["session_id"]),
            ({"type": "seen", "session_id": sid, "seq": 1}, ["seq"]),
            ({"type": "fetch", "session_id": sid, "after_seq": 0}, ["after_seq", "before_seq"]),
            ({"type": "transfer", "session_id": sid, "to_agent_id": 1}, ["to_agent_id"]),
            ({"type": "accept", "session_id": sid}, ["session_id"]),
            ({"type": "presence", "status": "online"}, ["status"]),
            ({"type": "hand_back", "session_id": "x"}, ["session_id"]),
            ({"type": "close", "session_id": str(uuid.uuid4()), "note": "n"}, ["note"]),
        ]
        values: list[Any] = [*WRONG_TYPES, *NUMBERS, *SQL[:6], *UNICODE, "x" * 5000]
        for ws, frames in ((visitor, visitor_frames), (agent_ws, agent_frames)):
            for n, (frame, fields) in enumerate(frames):
                for field in fields:
                    for i, value in enumerate(values):
                        sent = {**frame, field: value}
                        if field != "client_msg_id" and "client_msg_id" in frame:
                            sent["client_msg_id"] = f"f{n}-{field}-{i}"
                        await ws.send(sent)
                    # Frames are handled in order: once this one is answered, all were. (A
                    # client with hundreds in flight is a flood, closed with 4429.)
                    mark = f"sync-{n}-{field}"
                    await ws.send({"type": "message", "session_id": sid, "client_msg_id": mark,
                                   "text": 0})
                    await ws.expect("error", timeout=10, client_msg_id=mark)
                await ws.send({"type": "presence", "status": "online"} if ws is agent_ws
                              else {"type": "typing", "on": False})
            await ws.quiet(0.5)
            # (unavailable, retryable, is what a busy SQLite may answer; never internal_error.)
            internal = [f for f in ws.seen if f.get("code") == "internal_error"]
            assert not internal, internal[:3]
            assert ws.conn.close_code is None, (ws.conn.close_code, ws.seen[-3:])
        # The close frames last (they end the conversation), with hostile ratings and notes.
        for value in values:
            await visitor.send({"type": "close", "rating": value})
        await visitor.quiet(0.3)
        assert not [f for f in visitor.seen if f.get("code") == "internal_error"]
    finally:
        agent_ws.close()
        visitor.close()
