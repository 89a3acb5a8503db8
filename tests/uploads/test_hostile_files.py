"""Hostile uploads on both storage backends: each refused with a stable code or neutralised."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from chatserver.context import Context
from tests.helpers.accounts import login, register
from tests.helpers.api import Api
from tests.helpers.files import (
    HTML_PAGE,
    SVG_WITH_SCRIPT,
    image_of,
    png,
    png_bomb,
    polyglot_jpeg_html,
    upload,
)
from tests.helpers.world import World

pytestmark = pytest.mark.usefixtures("backend")

MakeWorld = Callable[..., Awaitable[World]]


async def _visitor(make_world: MakeWorld) -> tuple[World, dict[str, str]]:
    world = await make_world()
    return world, await world.session()


async def test_a_polyglot_jpeg_html_is_served_as_a_plain_re_encoded_jpeg(
        api: Api, make_world: MakeWorld) -> None:
    world, s = await _visitor(make_world)
    data = polyglot_jpeg_html()
    assert b"<script>" in data
    resp = await upload(api, world.key, s["session_id"], data, name="cat.html",
                        token=s["visitor_token"])
    assert resp.code == 201 and resp.json["upload"]["type"] == "image/jpeg", resp
    got = await api.get(f"/api/files/{resp.json['upload']['id']}", token=s["visitor_token"])
    assert got.code == 200
    assert b"<script" not in got.body and b"<html" not in got.body
    assert got.headers["Content-Type"] == "image/jpeg"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got.headers["Content-Security-Policy"]
    assert image_of(got.body).size == (40, 40)


@pytest.mark.parametrize(("body", "name"), [
    (SVG_WITH_SCRIPT, "logo.svg"),
    (HTML_PAGE, "photo.png"),
    (b"  \n<html><body>hi</body></html>", "notes.txt"),
    (b"<?xml version='1.0'?><a/>", "data.csv"),
    (bytes(range(256)) * 4, "blob.png"),  # binary of no known type
])
async def test_markup_and_unknown_types_are_refused_whatever_their_name(
        api: Api, make_world: MakeWorld, body: bytes, name: str) -> None:
    world, s = await _visitor(make_world)
    resp = await upload(api, world.key, s["session_id"], body, name=name,
                        token=s["visitor_token"], **{"Content-Type": "image/png"})
    assert resp.code == 415 and resp.error_code == "file_type_not_allowed", resp


async def test_a_decompression_bomb_is_refused(api: Api, make_world: MakeWorld) -> None:
    world, s = await _visitor(make_world)
    bomb = png_bomb(30000, 30000)
    assert len(bomb) < 200_000  # 900 million pixels declared in a small file
    resp = await upload(api, world.key, s["session_id"], bomb, name="bomb.png",
                        token=s["visitor_token"])
    assert resp.code == 422 and resp.error_code == "image_too_large", resp


async def test_a_truncated_image_is_unreadable(api: Api, make_world: MakeWorld) -> None:
    world, s = await _visitor(make_world)
    data = png(400, 300)
    resp = await upload(api, world.key, s["session_id"], data[:len(data) // 2],
                        name="half.png", token=s["visitor_token"])
    assert resp.code == 422 and resp.error_code == "image_unreadable", resp


async def test_a_zero_byte_file_is_refused(api: Api, make_world: MakeWorld) -> None:
    world, s = await _visitor(make_world)
    resp = await upload(api, world.key, s["session_id"], b"", name="empty.txt",
                        token=s["visitor_token"])
    assert resp.code == 422 and resp.error_code == "file_empty", resp


@pytest.mark.parametrize(("raw", "shown"), [
    # Text gets the extension of text: saved from a download, it never opens as anything else.
    ("../../../etc/passwd", "passwd.txt"),
    ("..\\..\\windows\\win.ini", "win.ini.txt"),
    ("/abs/path/x.txt", "x.txt"),
    ("a\u0000b\u202ec\u0007d.txt", "a bc d.txt"),  # Tornado reads control chars as spaces
    ("..", "file.txt"),
    ("", "file.txt"),
    ("e\u0301t\u00e9.txt", "\u00e9t\u00e9.txt"),  # NFC
])
async def test_file_names_are_sanitised(api: Api, make_world: MakeWorld, ctx: Context,
                                        raw: str, shown: str) -> None:
    world, s = await _visitor(make_world)
    resp = await upload(api, world.key, s["session_id"], b"plain words\n", name=raw,
                        token=s["visitor_token"])
    assert resp.code == 201 and resp.json["upload"]["name"] == shown, resp
    got = await api.get(f"/api/files/{resp.json['upload']['id']}", token=s["visitor_token"])
    assert got.code == 200 and got.body == b"plain words\n"
    assert got.headers["Content-Disposition"].startswith("attachment; ")
    assert got.headers["Content-Type"] == "text/plain"


async def test_a_file_of_another_conversation_is_not_found_with_a_valid_token_of_this_one(
        api: Api, make_world: MakeWorld) -> None:
    world, mine = await _visitor(make_world)
    theirs = await world.session()
    up = (await upload(api, world.key, theirs["session_id"], png(), name="x.png",
                       token=theirs["visitor_token"])).json["upload"]
    for path in (f"/api/files/{up['id']}", f"/api/files/{up['id']}/thumb"):
        resp = await api.get(path, token=mine["visitor_token"])
        assert resp.code == 404 and resp.error_code == "file_not_found", resp
        missing = await api.get(path.replace(up["id"], "0" * 32), token=mine["visitor_token"])
        assert (missing.code, missing.error_code) == (404, "file_not_found")
        assert (await api.get(path, token=theirs["visitor_token"])).code == 200
        assert (await api.get(path, token="")).code == 401
    # Nor may a visitor upload into another conversation.
    resp = await upload(api, world.key, theirs["session_id"], b"hi", name="a.txt",
                        token=mine["visitor_token"])
    assert resp.code == 404 and resp.error_code == "session_not_found"


async def test_an_agent_of_another_widget_gets_not_found(api: Api, make_world: MakeWorld) -> None:
    world, s = await _visitor(make_world)
    await register(api, "bob", role="agent", token=world.admin)  # of no widget
    up = (await upload(api, world.key, s["session_id"], b"hello", name="a.txt",
                       token=s["visitor_token"])).json["upload"]
    resp = await api.get(f"/api/files/{up['id']}", token=await login(api, "bob"))
    assert resp.code == 404 and resp.error_code == "file_not_found"
    assert (await api.get(f"/api/files/{up['id']}", token=world.admin)).code == 200
