"""Finding leaked secrets: what a test sent and got back over REST and sockets (`Ledger`,
`RecordingApi`) and the log lines written meanwhile (`LogLines`), scanned for tokens,
passwords and hashes."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from tests.helpers.accounts import PASSWORD
from tests.helpers.api import Api, Response
from tests.helpers.settings import TEST_SECRET
from tests.helpers.sockets import WS

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
