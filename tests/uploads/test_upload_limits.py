"""The upload route's limits: size (refused before the body is read), session bytes, per-IP
rate, the widget's switch, ended sessions; on both storage backends."""

from __future__ import annotations

import asyncio
import json
import urllib.parse
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from chatserver.context import Context
from chatserver.services import chat
from tests.helpers.api import Api
from tests.helpers.files import png, raw_request, upload
from tests.helpers.wait import wait_until_async
from tests.helpers.world import World

pytestmark = pytest.mark.usefixtures("backend", "extra")

MakeWorld = Callable[..., Awaitable[World]]
LIMIT = 100_000


def _spooled(ctx: Context) -> list[Path]:
    spool = Path(ctx.settings.data_dir) / "spool"
    return list(spool.iterdir()) if spool.exists() else []


def _head(path: str, token: str, extra: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/octet-stream\r\n{extra}\r\n").encode()


@pytest.mark.parametrize("extra", [{"max_upload_bytes": LIMIT}], indirect=True)
async def test_a_declared_oversized_file_is_refused_before_its_body_is_sent(
        api: Api, make_world: MakeWorld, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    path = f"/api/widgets/{world.key}/sessions/{s['session_id']}/uploads?name=big.bin"
    # The head alone: the answer comes without a byte of the body sent.
    status, answer = await raw_request(api.url(path), _head(
        path, s["visitor_token"], f"Content-Length: {LIMIT + 1}\r\n"), [])
    assert status == 413, answer
    assert b"connection: close" in answer.lower()
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "file_too_large"
    # Just within the limit passes (a text file).
    ok = await upload(api, world.key, s["session_id"], b"a" * LIMIT, name="ok.txt",
                      token=s["visitor_token"])
    assert ok.code == 201 and ok.json["upload"]["size"] == LIMIT, ok
    assert _spooled(ctx) == []


@pytest.mark.parametrize("extra", [{"max_upload_bytes": LIMIT}], indirect=True)
async def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(
        api: Api, make_world: MakeWorld, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    path = f"/api/widgets/{world.key}/sessions/{s['session_id']}/uploads?name=big.bin"
    chunk = b"b" * 16384
    parts = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * (LIMIT // len(chunk) + 1)
    # Sent: just past the limit, and never the body's end (the terminating chunk).
    status, answer = await raw_request(api.url(path), _head(
        path, s["visitor_token"], "Transfer-Encoding: chunked\r\n"), parts)
    assert status == 413, answer
    assert b'"file_too_large"' in answer
    assert _spooled(ctx) == []
    assert (await api.get(f"/api/agents/sessions/{s['session_id']}",
                          token=world.admin)).code == 200  # the server goes on


@pytest.mark.parametrize("extra", [{"max_upload_bytes_per_session": 250}], indirect=True)
async def test_a_session_s_files_are_bounded_in_bytes(api: Api, make_world: MakeWorld) -> None:
    world = await make_world()
    s = await world.session()
    first = await upload(api, world.key, s["session_id"], b"x" * 200, name="a.txt",
                         token=s["visitor_token"])
    assert first.code == 201
    resp = await upload(api, world.key, s["session_id"], b"y" * 100, name="b.txt",
                        token=s["visitor_token"])
    assert resp.code == 413 and resp.error_code == "session_storage_full", resp
    other = await world.session()  # another conversation has its own room
    assert (await upload(api, world.key, other["session_id"], b"y" * 100, name="b.txt",
                         token=other["visitor_token"])).code == 201


@pytest.mark.parametrize("extra", [{"uploads_per_ip_per_hour": 2}], indirect=True)
async def test_uploads_per_ip_are_limited_for_visitors(api: Api, make_world: MakeWorld) -> None:
    world = await make_world()
    s = await world.session()
    for i in range(2):
        assert (await upload(api, world.key, s["session_id"], b"hi", name=f"{i}.txt",
                             token=s["visitor_token"])).code == 201
    resp = await upload(api, world.key, s["session_id"], b"hi", name="3.txt",
                        token=s["visitor_token"])
    assert resp.code == 429 and resp.error_code == "too_many_uploads", resp
    assert int(resp.headers["Retry-After"]) > 0
    # Agents are not counted against the address.
    agent = await upload(api, world.key, s["session_id"], b"hi", name="a.txt",
                         token=world.agents["alice"]["token"])
    assert agent.code == 201, agent


async def test_the_widget_switch_turns_visitor_uploads_off(api: Api,
                                                           make_world: MakeWorld) -> None:
    world = await make_world(visitor_uploads=False)
    s = await world.session()
    resp = await upload(api, world.key, s["session_id"], b"hi", name="a.txt",
                        token=s["visitor_token"])
    assert resp.code == 403 and resp.error_code == "uploads_off", resp
    config = await api.get(f"/api/widgets/{world.key}/config", token="")
    assert config.json["visitor_uploads"] is False
    agent = await upload(api, world.key, s["session_id"], png(), name="a.png",
                         token=world.agents["alice"]["token"])
    assert agent.code == 201, agent


async def test_an_ended_conversation_takes_no_more_visitor_files(
        api: Api, make_world: MakeWorld, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    await chat.close(ctx, s["session_id"], by="visitor")
    resp = await upload(api, world.key, s["session_id"], b"hi", name="a.txt",
                        token=s["visitor_token"])
    assert resp.code == 409 and resp.error_code == "session_closed", resp


async def test_downloads_answer_the_widget_s_origins_only(api: Api,
                                                         make_world: MakeWorld) -> None:
    world = await make_world(allowed_origins=["https://shop.example.com"])
    s = await _session_from(api, world.key)
    up = (await upload(api, world.key, s["session_id"], b"hi", name="a.txt",
                       token=s["visitor_token"], Origin="https://shop.example.com")).json
    fid = up["upload"]["id"]
    pre = await api.request("OPTIONS", f"/api/files/{fid}",
                            headers={"Origin": "https://shop.example.com"})
    assert pre.code == 204 and "GET" in pre.headers["Access-Control-Allow-Methods"]
    got = await api.get(f"/api/files/{fid}", token=s["visitor_token"],
                        headers={"Origin": "https://shop.example.com"})
    assert got.code == 200 and got.headers["Access-Control-Allow-Origin"] == \
        "https://shop.example.com"
    evil = await api.get(f"/api/files/{fid}", token=s["visitor_token"],
                         headers={"Origin": "https://evil.example"})
    assert evil.code == 403 and evil.error_code == "origin_not_allowed"
    assert (await api.request("OPTIONS", "/api/files/" + "0" * 32,
                              headers={"Origin": "https://shop.example.com"})).code == 404


async def _session_from(api: Api, key: str) -> dict[str, str]:
    resp = await api.post(f"/api/widgets/{key}/sessions", {},
                          headers={"Origin": "https://shop.example.com"})
    assert resp.code == 201, resp
    return resp.json  # type: ignore[no-any-return]


async def test_a_client_that_goes_away_mid_upload_leaves_no_spool_file(
        api: Api, make_world: MakeWorld, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    path = f"/api/widgets/{world.key}/sessions/{s['session_id']}/uploads?name=half.bin"
    u = urllib.parse.urlsplit(api.url(path))
    _reader, writer = await asyncio.open_connection(u.hostname, u.port)
    writer.write(_head(path, s["visitor_token"], "Content-Length: 50000\r\n") + b"x" * 20000)
    await writer.drain()
    await wait_until_async(lambda: _spooled(ctx) or None, 10, "the upload to be spooled")
    writer.close()
    await wait_until_async(lambda: _spooled(ctx) == [] or None, 10, "the spool file to go")
    assert (await api.get(f"/api/agents/sessions/{s['session_id']}",
                          token=world.admin)).code == 200
