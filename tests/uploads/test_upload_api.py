"""The upload and download routes on both storage backends (local disk, S3 via moto_server)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tests.helpers.api import Api
from tests.helpers.files import image_of, jpeg_with_gps, png, upload
from tests.helpers.world import World

pytestmark = pytest.mark.usefixtures("backend")


async def test_visitor_uploads_an_image_and_downloads_it_and_its_thumbnail(
        api: Api, make_world: Callable[..., Awaitable[World]]) -> None:
    world = await make_world()
    s = await world.session()
    resp = await upload(api, world.key, s["session_id"], png(800, 600), name="shot.png",
                        token=s["visitor_token"])
    assert resp.code == 201, resp
    up = resp.json["upload"]
    assert len(up["id"]) == 32 and up["name"] == "shot.png" and up["type"] == "image/png"
    assert (up["width"], up["height"], up["thumb"]) == (800, 600, True)
    got = await api.get(f"/api/files/{up['id']}", token=s["visitor_token"])
    assert got.code == 200, got
    assert int(got.headers["Content-Length"]) == len(got.body) == up["size"]
    assert got.headers["Content-Type"] == "image/png"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert got.headers["Cache-Control"] == "private, max-age=3600"
    assert got.headers["Content-Disposition"].startswith("inline; ")
    assert image_of(got.body).size == (800, 600)
    thumb = await api.get(f"/api/files/{up['id']}/thumb", token=s["visitor_token"])
    assert thumb.code == 200 and image_of(thumb.body).size == (320, 240)
    # The widget's agent sees it too.
    agent = await api.get(f"/api/files/{up['id']}", token=world.agents["alice"]["token"])
    assert agent.code == 200 and agent.body == got.body


async def test_gps_and_camera_exif_are_stripped(
        api: Api, make_world: Callable[..., Awaitable[World]]) -> None:
    world = await make_world()
    s = await world.session()
    original = jpeg_with_gps()
    assert image_of(original).getexif().get(0x8825)  # the original holds GPS
    up = (await upload(api, world.key, s["session_id"], original, name="me.jpg",
                       token=s["visitor_token"])).json["upload"]
    got = await api.get(f"/api/files/{up['id']}", token=s["visitor_token"])
    stored = image_of(got.body)
    assert up["type"] == "image/jpeg" and stored.size == (800, 600)
    assert len(stored.getexif()) == 0 and b"SpyCam" not in got.body
    assert "exif" not in stored.info


