"""Files go when nobody needs them: orphans after their TTL (the sweeper), a conversation's
files with it (retention prune, widget deletion); storage used per widget in analytics.
On both storage backends."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import update

from chatserver.context import Context
from chatserver.db.schema import sessions
from chatserver.services import chat, maintenance, upload_admin
from chatserver.timeutil import utcnow
from tests.helpers.api import Api
from tests.helpers.files import exists, png, storage_keys, stored_upload
from tests.helpers.world import World

pytestmark = pytest.mark.usefixtures("backend", "extra")

MakeWorld = Callable[..., Awaitable[World]]


@pytest.mark.parametrize("extra", [{"upload_orphan_ttl_s": 3600}], indirect=True)
async def test_the_sweep_deletes_orphans_past_their_ttl_only(
        api: Api, make_world: MakeWorld, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    old = await stored_upload(ctx, s["session_id"], png(), "old.png", age_s=3700)
    young = await stored_upload(ctx, s["session_id"], b"young", "young.txt", age_s=3500)
    old_keys, young_keys = await storage_keys(ctx, old["id"]), await storage_keys(ctx, young["id"])
    assert len(old_keys) == 2 and all([await exists(ctx, k) for k in old_keys])
    assert await upload_admin.sweep_orphans(ctx) == 1
    assert [await exists(ctx, k) for k in old_keys] == [False, False]
    assert await exists(ctx, young_keys[0])
    gone = await api.get(f"/api/files/{old['id']}", token=s["visitor_token"])
    assert gone.code == 404 and gone.error_code == "file_not_found"
    assert (await api.get(f"/api/files/{young['id']}", token=s["visitor_token"])).code == 200


async def test_pruning_a_conversation_deletes_its_files(make_world: MakeWorld,
                                                        ctx: Context) -> None:
    world = await make_world()
    s, kept = await world.session(), await world.session()
    up = await stored_upload(ctx, s["session_id"], png(), "a.png")
    other = await stored_upload(ctx, kept["session_id"], b"keep me", "b.txt")
    await chat.close(ctx, s["session_id"], by="visitor")
    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions).where(sessions.c.id == s["session_id"])
                           .values(closed_at=utcnow() - timedelta(days=40)))
    keys = await storage_keys(ctx, up["id"])
    assert (await maintenance.prune(ctx, timedelta(days=30)))["sessions"] == 1
    assert [await exists(ctx, k) for k in keys] == [False, False]
    assert await storage_keys(ctx, up["id"]) == []
    assert await exists(ctx, (await storage_keys(ctx, other["id"]))[0])


async def test_deleting_a_widget_deletes_its_files(api: Api, make_world: MakeWorld,
                                                   ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    keys = await storage_keys(ctx, (await stored_upload(ctx, s["session_id"], b"x", "x.txt"))["id"])
    assert (await api.delete(f"/api/widgets/{world.key}", token=world.admin)).code == 204
    assert not await exists(ctx, keys[0])


async def test_analytics_show_the_storage_each_widget_uses(api: Api, make_world: MakeWorld,
                                                           ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    a = await stored_upload(ctx, s["session_id"], b"12345", "a.txt")
    b = await stored_upload(ctx, s["session_id"], png(), "b.png")
    resp = await api.get(f"/api/analytics?site_key={world.key}", token=world.admin)
    assert resp.code == 200, resp
    total = a["size"] + b["size"]
    assert resp.json["storage"] == {"bytes": total, "files": 2, "widgets": [
        {"site_key": world.key, "business_name": "Acme", "bytes": total, "files": 2}]}
    # Another widget's agent would see none of it; an empty widget has no row.
    other = (await api.post("/api/widgets", {"business_name": "Empty"}, token=world.admin)).json
    empty = await api.get(f"/api/analytics?site_key={other['widget']['site_key']}",
                          token=world.admin)
    assert empty.json["storage"] == {"bytes": 0, "files": 0, "widgets": []}
