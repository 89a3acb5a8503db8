"""Avatars on both storage backends (local disk, S3 via moto_server): stored as the PNG the
server made, served from the backend, and the replaced or removed one deleted from it; a
deleted user's avatar goes with them."""

from __future__ import annotations

import pytest

from chatserver.context import Context
from chatserver.storage.avatars import avatar_key
from tests.helpers.accounts import admin_and_agent
from tests.helpers.api import Api
from tests.helpers.files import exists, image_of, jpeg_with_gps

pytestmark = pytest.mark.usefixtures("backend")


async def put(api: Api, body: bytes, token: str) -> str:
    resp = await api.request("PUT", "/api/auth/me/avatar", body=body, token=token)
    assert resp.code == 200, resp
    url: str = resp.json["user"]["avatar_url"]
    return url


async def test_avatar_lives_in_the_backend_and_leaves_it(api: Api, ctx: Context) -> None:
    admin, agent, user = await admin_and_agent(api)
    first = await put(api, jpeg_with_gps(), agent)
    first_key = avatar_key(first.rsplit("/", 1)[1])
    assert await exists(ctx, first_key)
    got = await api.get(first, token="")
    assert got.code == 200 and got.headers["Content-Type"] == "image/png"
    stored = image_of(got.body)
    assert stored.format == "PNG" and stored.size == (192, 192) and len(stored.getexif()) == 0

    second = await put(api, jpeg_with_gps(100, 300), agent)
    assert image_of((await api.get(second, token="")).body).size == (100, 100)
    assert not await exists(ctx, first_key)  # the replaced one is gone from the backend
    second_key = avatar_key(second.rsplit("/", 1)[1])
    assert await exists(ctx, second_key)

    assert (await api.delete(f"/api/auth/users/{user['id']}", token=admin)).code == 204
    assert not await exists(ctx, second_key)  # and a deleted user's
    assert (await api.get(second, token="")).code == 404
