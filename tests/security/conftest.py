"""Fixtures for the security suite (docs/security.md, "What the tests prove").

Every test here runs against the real server (port 0) on the suite's database, SQLite or
MariaDB. Two things happen to every test without asking:

- its REST exchanges and socket frames are recorded, and after the test they are scanned: no
  response and no frame may carry a token other than the one that response issued, a password
  the test sent, a password hash or a visitor token's hash; a cookie, if any, must be HttpOnly,
  Secure and SameSite;
- every log line written during the test is scanned the same way (and for anything shaped like
  a JWT or a visitor token).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest

from chatserver.services import chat, routing
from chatserver.services.access import SignedIn
from tests.api.helpers import PASSWORD, login, register
from tests.conftest import TEST_SECRET, Api, Response
from tests.realtime.client import WS
from tests.realtime.conftest import World, make_world  # noqa: F401 - a fixture, used by tests

JWT_RE = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
VISITOR_TOKEN_RE = re.compile(r"pv_[A-Za-z0-9_-]{20,}")
BCRYPT_RE = re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{20,}")
ISSUING_KEYS = ("token", "visitor_token")
PASSWORD_KEYS = ("password", "current_password", "new_password")


@dataclass
class Exchange:
    n: int
    method: str
    path: str
    status: int
    text: str  # the response: headers and body

    def __str__(self) -> str:
        return f"#{self.n} {self.method} {self.path} -> {self.status}"


@dataclass
class Ledger:
    """What a test sent and got back, and which secrets exist, to find any that leaked."""

    exchanges: list[Exchange] = field(default_factory=list)
    issued: dict[str, int] = field(default_factory=dict)  # token -> the exchange that issued it
    passwords: set[str] = field(default_factory=lambda: {PASSWORD})
    sockets: list[WS] = field(default_factory=list)
    cookies: list[tuple[str, str]] = field(default_factory=list)  # (where, Set-Cookie)

    def sent(self, body: Any) -> None:
        """Note the passwords in a request body (at any depth)."""
        if isinstance(body, dict):
            for key, value in body.items():
                if key in PASSWORD_KEYS and isinstance(value, str) and len(value) >= 6:
                    self.passwords.add(value)
                else:
                    self.sent(value)
        elif isinstance(body, list):
            for item in body:
                self.sent(item)

    def record(self, method: str, path: str, resp: Response) -> Exchange:
        headers = "\n".join(f"{k}: {v}" for k, v in resp.headers.get_all())
        ex = Exchange(len(self.exchanges), method, path, resp.code,
                      headers + "\n\n" + resp.body.decode("utf-8", "replace"))
        self.exchanges.append(ex)
        for cookie in resp.headers.get_list("Set-Cookie"):
            self.cookies.append((str(ex), cookie))
        if 200 <= resp.code < 300 and isinstance(resp.json, dict):
            for key in ISSUING_KEYS:
                value = resp.json.get(key)
                if isinstance(value, str) and value:
                    self.issued[value] = ex.n
        return ex

    def secrets(self) -> dict[str, str]:
        """Every secret string this test knows of -> what it is."""
        out = {t: "a token issued by " + str(self.exchanges[n]) for t, n in self.issued.items()}
        for t in self.issued:
            if t.startswith("pv_"):
                out[hashlib.sha256(t.encode()).hexdigest()] = "a visitor token's stored hash"
        out.update({p: "a password" for p in self.passwords})
        out[TEST_SECRET] = "the JWT signing key"
        return out

    def leaks_in(self, where: str, text: str, issuer: int | None = None) -> list[str]:
        found = [f"{where}: {what}" for secret, what in self.secrets().items()
                 if secret in text and self.issued.get(secret, -1) != issuer]
        if BCRYPT_RE.search(text):
            found.append(f"{where}: a password hash")
        return found

    def leaks(self) -> list[str]:
        found: list[str] = []
        for ex in self.exchanges:
            found += self.leaks_in(str(ex), ex.text, ex.n)
        for ws in self.sockets:
            for frame in ws.seen:
                found += self.leaks_in(f"socket frame {frame.get('type')}",
                                       json.dumps(frame, ensure_ascii=False))
        for where, cookie in self.cookies:
            flags = {p.strip().split("=")[0].lower() for p in cookie.split(";")[1:]}
            if not {"httponly", "secure", "samesite"} <= flags:
                found.append(f"{where}: cookie without HttpOnly, Secure and SameSite: {cookie}")
        return found


class RecordingApi(Api):
    """The suite's JSON client, recording every exchange in the ledger."""

    def __init__(self, client: Any, ledger: Ledger) -> None:
        super().__init__(client)
        self.ledger = ledger

    async def request(self, method: str, path: str, *, json_body: Any = None,
                      body: bytes | str | None = None, token: str | None = None,
                      headers: dict[str, str] | None = None) -> Response:
        resp = await super().request(method, path, json_body=json_body, body=body, token=token,
                                     headers=headers)
        self.ledger.record(method, path, resp)
        if 200 <= resp.code < 300:  # the passwords that were accepted are real ones
            self.ledger.sent(json_body)
        return resp


class LogLines(logging.Handler):
    """Every record logged while a test runs, formatted as the server would write it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def log_leaks(ledger: Ledger, lines: list[str]) -> list[str]:
    found: list[str] = []
    for line in lines:
        where = f"log line {line[:120]!r}"
        found += ledger.leaks_in(where, line)
        if JWT_RE.search(line):
            found.append(f"{where}: a JWT")
        if VISITOR_TOKEN_RE.search(line):
            found.append(f"{where}: a visitor token")
    return sorted(set(found))


@pytest.fixture
def ledger() -> Ledger:
    return Ledger()


@pytest.fixture
def api(http_server_client: Any, ledger: Ledger) -> RecordingApi:
    return RecordingApi(http_server_client, ledger)


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    """The log lines of the test (INFO and up, as the server logs by default)."""
    handler = LogLines()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture(autouse=True)
def nothing_leaks(ledger: Ledger, log_lines: LogLines,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail the test if a response, a frame or a log line gave a secret away."""
    init = WS.__init__

    def recording_init(self: WS, conn: Any) -> None:
        init(self, conn)
        ledger.sockets.append(self)

    monkeypatch.setattr(WS, "__init__", recording_init)
    yield
    found = ledger.leaks() + log_leaks(ledger, log_lines.lines)
    assert not found, "secrets leaked:\n" + "\n".join(found[:20])


# --- tokens ------------------------------------------------------------------------------

def forge(sub: int | str, *, key: str = TEST_SECRET, alg: str = "HS256",
          **claims: Any) -> str:
    """A JWT as Parley issues them (valid when given the user's key, ``uk=user_key(token)``,
    unless a claim, the key or alg say otherwise)."""
    now = int(time.time())
    body: dict[str, Any] = {"sub": str(sub), "role": "admin", "tv": 0, "iat": now,
                            "exp": now + 600, "iss": "parley", "aud": "parley-ui",
                            "jti": uuid.uuid4().hex[:16]}
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, key, algorithm=alg)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def handmade(sub: int | str, *, alg: str = "none", key: bytes = b"",
             **claims: Any) -> str:
    """A JWT built by hand, as an attacker would: any ``alg`` in the header, signed with
    HMAC-SHA256/512 over ``key`` when the alg names one, else with an empty signature (what
    PyJWT itself refuses to produce: alg none, a PEM as HMAC key)."""
    now = int(time.time())
    body = {"sub": str(sub), "role": "admin", "tv": 0, "iat": now, "exp": now + 600,
            "iss": "parley", "aud": "parley-ui", **claims}
    head = _b64(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}.get(alg)
    signature = "" if digest is None else _b64(
        hmac.new(key, f"{head}.{payload}".encode(), digest).digest())
    return f"{head}.{payload}.{signature}"


def bad_tokens(user_id: int) -> dict[str, str]:
    """Every way a bearer token must fail (revoked is added by the tests: it needs a user)."""
    pem = b"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"
    return {
        "garbled": "abc.def.ghi",
        "not a JWT": "Bearer",
        "alg none": handmade(user_id, alg="none"),
        "alg None": handmade(user_id, alg="None"),
        "alg NONE": handmade(user_id, alg="NONE"),
        "wrong key": forge(user_id, key="another-key-that-is-long-enough-for-hs256!"),
        "HS512 with the right key": handmade(user_id, alg="HS512", key=TEST_SECRET.encode()),
        "RS256 header, HMAC over a public key": handmade(user_id, alg="RS256", key=pem),
        "HS256 over a public key": handmade(user_id, alg="HS256", key=pem),
        "wrong iss": forge(user_id, iss="evil"),
        "wrong aud": forge(user_id, aud="evil"),
        "no aud": forge(user_id, aud=None),
        "no exp": forge(user_id, exp=None),
        "expired": forge(user_id, exp=int(time.time()) - 5),
        "tv not a number": forge(user_id, tv="0"),
        "sub not a user id": forge("1 OR 1=1"),
        "unknown user": forge(987654),
        "no user key": forge(user_id),
        "another user's key": forge(user_id, uk="0" * 32),
        "signature stripped": forge(user_id).rsplit(".", 1)[0] + ".",
        "visitor token": "pv_" + "A" * 43,
    }


# --- two tenants -------------------------------------------------------------------------

@dataclass
class Tenant:
    """A widget with its owner (an agent who created it), a member agent, visitor sessions
    (active, waiting, assigned, closed), a knowledge entry and a canned response, all marked
    with a string that must never reach another tenant."""

    name: str
    key: str
    marker: str
    owner: str  # JWTs
    agent: str
    owner_id: int
    agent_id: int
    sessions: dict[str, dict[str, Any]]  # state -> session (session_id, visitor_token)
    entry_id: int
    canned_id: int

    @property
    def session_ids(self) -> list[str]:
        return [s["session_id"] for s in self.sessions.values()]


@dataclass
class Tenants:
    admin: str
    a: Tenant
    b: Tenant


async def _tenant(api: Api, ctx: Any, admin: str, name: str) -> Tenant:
    marker = f"zq{name}{uuid.uuid4().hex[:10]}"
    owner = (await register(api, f"owner-{name}", role="agent", token=admin))["user"]
    agent = (await register(api, f"agent-{name}", role="agent", token=admin))["user"]
    owner_token, agent_token = await login(api, f"owner-{name}"), await login(api, f"agent-{name}")
    resp = await api.post("/api/widgets", {"business_name": f"Shop {marker}", "ai_enabled": False,
                                           "widget_title": f"Title {marker}"}, token=owner_token)
    assert resp.code == 201, resp
    key = resp.json["widget"]["site_key"]
    assert (await api.put(f"/api/widgets/{key}/agents/{agent['id']}", token=admin)).code == 200
    entry = await api.post(f"/api/widgets/{key}/knowledge", {
        "title": f"Refunds {marker}", "body": f"Refunds take 5 days {marker}"}, token=owner_token)
    canned = await api.post("/api/canned-responses", {
        "site_key": key, "shortcut": "hello", "title": f"Hi {marker}",
        "text": f"Hello from {marker}"}, token=owner_token)
    assert entry.code == 201 and canned.code == 201, (entry, canned)
    sessions = {}
    actor = SignedIn(id=agent["id"], role="agent", display_name=agent["display_name"])
    for state in ("active", "waiting", "assigned", "closed"):
        resp = await api.post(f"/api/widgets/{key}/sessions", {
            "visitor_name": f"Vis {marker}", "visitor_email": f"{marker}@example.com"})
        assert resp.code == 201, resp
        s = resp.json
        sid = s["session_id"]
        await chat.send_message(ctx, sid, sender_type="visitor", text=f"{state} words {marker}",
                                client_msg_id=f"v-{state}")
        if state != "active":
            await chat.escalate(ctx, key, sid, reason="explicit_request",
                                visitor_token=s["visitor_token"])
        if state in ("assigned", "closed"):
            await routing.accept(ctx, actor, sid)
            await chat.send_message(ctx, sid, sender_type="agent", text=f"agent says {marker}",
                                    client_msg_id="a-1", actor=actor)
        if state == "closed":
            await chat.close(ctx, sid, by="agent", actor=actor, note=f"note {marker}")
        sessions[state] = s
    return Tenant(name, key, marker, owner_token, agent_token, owner["id"], agent["id"],
                  sessions, entry.json["entry"]["id"], canned.json["canned_response"]["id"])


@pytest.fixture
def tenants(api: Api, ctx: Any) -> Any:
    """An async factory: ``t = await tenants()``."""

    async def build() -> Tenants:
        admin = (await register(api, "root"))["token"]
        return Tenants(admin, await _tenant(api, ctx, admin, "a"),
                       await _tenant(api, ctx, admin, "b"))

    return build


__all__ = ["PASSWORD", "World"]
