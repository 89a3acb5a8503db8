"""The agent inbox's test people: agents made through the REST API, a visitor on the real
visitor socket driven from the test, and signing an agent in to /agent in Chromium."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.helpers.accounts import PASSWORD
from tests.helpers.browser import Site, Visitor
from tests.helpers.browser_servers import Servers
from tests.helpers.sockets import WS, ws_url

SAFARI = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.1 Safari/605.1.15")
_names = itertools.count(1)


@dataclass
class Person:
    id: int
    email: str
    name: str
    token: str


def make_agent(site: Site, key: str, name: str) -> Person:
    n = next(_names)
    email = f"inbox{n}-{uuid.uuid4().hex[:6]}@example.com"
    auth = {"Authorization": f"Bearer {site.admin}"}
    resp = site.http.post("/api/auth/register", headers=auth, json={
        "username": f"inbox{n}-{uuid.uuid4().hex[:6]}", "email": email, "password": PASSWORD,
        "role": "agent", "display_name": name})
    assert resp.status_code == 201, resp.text
    user = resp.json()["user"]
    assert site.http.put(f"/api/widgets/{key}/agents/{user['id']}", headers=auth).status_code == 200
    token = site.http.post("/api/auth/login", json={"email": email, "password": PASSWORD}).json()["token"]
    return Person(user["id"], email, name, token)


class VisitorSocket:
    """A visitor on the real visitor socket (what the widget does), driven from the test."""

    def __init__(self, servers: Servers, key: str, **body: Any) -> None:
        self.servers = servers
        resp = servers.call(lambda: _post_session(servers, key, body))
        self.session_id: str = resp["session_id"]
        self.token: str = resp["visitor_token"]
        self.ws: WS | None = None
        self.connect()

    def connect(self, last_seq: int = 0) -> dict[str, Any]:
        async def go() -> dict[str, Any]:
            self.ws = await WS.connect(ws_url(self.servers.url, f"/ws/{self.session_id}"))
            await self.ws.send({"type": "auth", "token": self.token, "last_seq": last_seq})
            return await self.ws.expect("ready", timeout=10)

        return self.servers.call(go)

    def send(self, frame: dict[str, Any]) -> None:
        ws = self.ws
        assert ws is not None
        self.servers.call(lambda: ws.send(frame))

    def say(self, text: str) -> dict[str, Any]:
        ws = self.ws
        assert ws is not None
        return self.servers.call(lambda: ws.say(text))

    def expect(self, ftype: str, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        ws = self.ws
        assert ws is not None
        return self.servers.call(lambda: ws.expect(ftype, timeout=timeout, **match),
                                 timeout=timeout + 5)

    def close(self) -> None:
        ws, self.ws = self.ws, None
        if ws is not None:
            async def close() -> None:
                ws.close()

            self.servers.call(close)


async def _post_session(servers: Servers, key: str, body: dict[str, Any]) -> dict[str, Any]:
    import tornado.httpclient

    client = tornado.httpclient.AsyncHTTPClient()
    resp = await client.fetch(f"{servers.url}/api/widgets/{key}/sessions", method="POST",
                              body=json.dumps(body), headers={"User-Agent": SAFARI,
                                                              "Content-Type": "application/json"})
    result: dict[str, Any] = json.loads(resp.body)
    return result


@pytest.fixture
def visitors(servers: Servers) -> Iterator[Callable[..., VisitorSocket]]:
    made: list[VisitorSocket] = []

    def make(key: str, **body: Any) -> VisitorSocket:
        v = VisitorSocket(servers, key, **body)
        made.append(v)
        return v

    yield make
    for v in made:
        v.close()


def sign_in(v: Visitor, servers: Servers, person: Person) -> Any:
    from playwright.sync_api import expect

    page = v.page
    page.goto(f"{servers.url}/agent/")
    expect(page.get_by_role("heading", name="Parley inbox")).to_be_visible()
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("queue-count")).to_be_visible()
    expect(page.get_by_test_id("connection")).to_have_count(0)
    return page
