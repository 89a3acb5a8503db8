"""/c/<token>: the conversation link's page, and the device tokens each opening issues."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import pytest

from chatserver.context import Context
from chatserver.mail.tokens import link_token, read_link_token
from chatserver.server import install_access_log
from chatserver.services import links
from chatserver.services.sessions import issue_device_token
from chatserver.timeutil import utcnow
from tests.helpers.api import Api
from tests.helpers.settings import TEST_SECRET

TOKEN_ATTR = re.compile(r'data-visitor-token="(pv_[A-Za-z0-9_-]+)"')


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    # The link page is served even without the demo page, and from an origin that no widget
    # lists: the widget below allows only a shop's site.
    return {"demo_page": False, "public_url": "https://chat.example.com"}


def _link(session_id: str, in_s: float = 3600) -> str:
    return "/c/" + link_token(TEST_SECRET, session_id, utcnow() + timedelta(seconds=in_s))


def _assert_strict(resp: Any) -> None:
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    assert resp.headers["Content-Type"].startswith("text/html")
    body = resp.body.decode()
    # No inline script: the only script is the widget's tag, with a src.
    assert re.findall(r"<script[^>]*>", body) == re.findall(r"<script src=\"/widget\.js\"[^>]*>",
                                                           body)
    assert "Traceback" not in body


async def _history(api: Api, key: str, sid: str, token: str) -> Any:
    return await api.get(f"/api/widgets/{key}/sessions/{sid}/messages", token=token)


async def test_each_opening_issues_a_new_device_token_that_opens_the_conversation(
        make_world: Any, api: Api) -> None:
    world = await make_world(allowed_origins=["https://shop.example"])
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Where is my order?")
    first = await api.get(_link(s["session_id"]))
    second = await api.get(_link(s["session_id"]))
    for resp in (first, second):
        assert resp.code == 200, resp
        _assert_strict(resp)
        body = resp.body.decode()
        assert f'data-site-key="{world.key}"' in body
        assert f'data-session-id="{s["session_id"]}"' in body and 'data-open="true"' in body
    tokens = [TOKEN_ATTR.search(r.body.decode()).group(1) for r in (first, second)]  # type: ignore[union-attr]
    assert len(set([*tokens, s["visitor_token"]])) == 3
    # Every token reads the whole conversation, the visitor's first one still too.
    for token in [*tokens, s["visitor_token"]]:
        resp = await _history(api, world.key, s["session_id"], token)
        assert resp.code == 200, resp
        assert [m["text"] for m in resp.json["messages"]] == ["Where is my order?"]


async def test_a_device_token_opens_only_its_own_session(make_world: Any, api: Api,
                                                        ctx: Context) -> None:
    world = await make_world()
    mine, other = await world.session(), await world.session()
    token = await issue_device_token(ctx, mine["session_id"])
    assert (await _history(api, world.key, mine["session_id"], token)).code == 200
    resp = await _history(api, world.key, other["session_id"], token)
    assert resp.code == 404 and resp.error_code == "session_not_found"
    resp = await api.post(f"/api/widgets/escalate/{world.key}/{other['session_id']}", {},
                          token=token)
    assert resp.code == 404 and resp.error_code == "session_not_found"


async def test_an_expired_link_says_so_and_offers_a_new_conversation(make_world: Any,
                                                                    api: Api) -> None:
    world = await make_world()
    s = await world.session()
    path = _link(s["session_id"], in_s=-1)
    resp = await api.get(path)
    assert resp.code == 410, resp
    _assert_strict(resp)
    body = resp.body.decode()
    assert "This link has expired" in body and "Start a new conversation" in body
    assert "data-session-id" not in body and "data-visitor-token" not in body
    assert 'href="?start=1"' in body
    started = await api.get(path + "?start=1")
    assert started.code == 410
    assert f'data-site-key="{world.key}"' in started.body.decode()
    assert 'data-open="true"' in started.body.decode()
    assert "data-visitor-token" not in started.body.decode()


async def test_forged_and_orphaned_links_are_a_polite_404(make_world: Any, api: Api,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    world = await make_world()
    s = await world.session()
    good = _link(s["session_id"])
    # A character in the middle (the last one holds padding bits that decode to nothing).
    forged = good[:12] + ("A" if good[12] != "A" else "B") + good[13:]
    unknown = _link("00000000-0000-4000-8000-000000000000")
    caplog.set_level(logging.DEBUG)
    for path in (forged, unknown, "/c/", "/c/" + "x" * 300, "/c/%00%ff", "/c/<script>"):
        resp = await api.get(path)
        assert resp.code == (400 if "%ff" in path else 404), (path, resp)
        _assert_strict(resp)
        body = resp.body.decode()
        assert "This link does not work" in body and "widget.js" not in body
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    resp = await api.post(good, {})
    assert resp.code == 405 and "Traceback" not in resp.body.decode()


async def test_conversation_link_is_absolute_and_lasts_the_configured_lifetime(
        make_world: Any, ctx: Context, api: Api) -> None:
    world = await make_world()
    s = await world.session()
    url = links.conversation_link(ctx, s["session_id"])
    assert url.startswith("https://chat.example.com/c/")
    found = read_link_token(TEST_SECRET, url.rsplit("/", 1)[1])
    assert found is not None and found[0] == s["session_id"]
    lifetime = (found[1] - utcnow()).total_seconds()
    assert ctx.settings.mail_link_lifetime_s - 60 < lifetime <= ctx.settings.mail_link_lifetime_s
    assert (await api.get(url.removeprefix("https://chat.example.com"))).code == 200


async def test_the_access_log_keeps_the_links_token_out(make_world: Any, api: Api, ctx: Context,
                                                       app: Any,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    install_access_log(app, ctx)  # the production server's
    world = await make_world()
    s = await world.session()
    path = _link(s["session_id"])
    caplog.set_level(logging.DEBUG)
    resp = await api.get(path)
    assert resp.code == 200
    token = path.removeprefix("/c/")
    visitor_token = TOKEN_ATTR.search(resp.body.decode()).group(1)  # type: ignore[union-attr]
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("200 GET /c/…") for line in lines), lines
    assert not [line for line in lines if token in line or visitor_token in line]
