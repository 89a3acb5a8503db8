"""Visitor tracking with several processes (PARLEY_REDIS_URL): a visitor reporting to one
process is listed by another, an invitation made on that other process reaches the visitor
through the first, and every key it leaves in Redis has an expiry."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import widgets as widgets_db
from chatserver.services import privacy, tracking
from chatserver.services.access import Actor

TID = "9d3c1a2b-7e6f-4a5b-8c9d-0e1f2a3b4c5d"


async def test_two_processes_share_the_live_visitors(make_world: Any, settings: Settings,
                                                     redis_url: str, redis_prefix: str) -> None:
    world = await make_world(visitor_tracking=True)
    alice = world.agents["alice"]
    shared = replace(settings, redis_url=redis_url, redis_prefix=redis_prefix)
    one, two = Context.create(shared), Context.create(shared)
    try:
        page = {"url": "https://shop.example/pricing", "title": "Pricing"}
        answer = await tracking.heartbeat(one, world.key, {"tracking_id": TID, "page": page},
                                          ip="127.0.0.1")
        assert answer == {"interval_s": 20, "invite": None}
        agent = Actor(id=alice["id"], role="agent", display_name=alice["name"])
        [seen] = await tracking.live_visitors(two, agent)
        assert seen["tracking_id"] == TID and seen["page"]["url"] == page["url"]

        invited = await tracking.invite(two, agent, world.key, TID, {"text": "Hello there"})
        assert invited["invite"]["text"] == "Hello there"
        answer = await tracking.heartbeat(one, world.key, {"tracking_id": TID}, ip="127.0.0.1")
        assert answer["invite"]["text"] == "Hello there"

        redis = two.bus.client()  # type: ignore[attr-defined]
        keys = [k async for k in redis.scan_iter(match=redis_prefix + "track:*")]
        assert len(keys) == 3, keys  # the visit, the site's list, the invitation
        for key in keys:
            assert await redis.ttl(key) > 0, key
        # Erasure drops the visit and the invitation at once, for every process.
        await tracking.forget_visitor(one, world.key, TID)
        assert await tracking.live_visitors(two, agent) == []
        assert await two.tracking.store.get(world.key, TID) is None
        assert await two.tracking.store.invite(world.key, TID) is None
    finally:
        await one.close()
        await two.close()


async def test_erasing_a_conversation_forgets_its_visit_in_every_process(
        make_world: Any, settings: Settings, redis_url: str, redis_prefix: str) -> None:
    world = await make_world(visitor_tracking=True)
    alice = world.agents["alice"]
    agent = Actor(id=alice["id"], role="agent", display_name=alice["name"])
    shared = replace(settings, redis_url=redis_url, redis_prefix=redis_prefix)
    one, two = Context.create(shared), Context.create(shared)
    try:
        page = {"url": "https://shop.example/pricing", "title": "Pricing"}
        await tracking.heartbeat(one, world.key, {"tracking_id": TID, "page": page},
                                 ip="127.0.0.1")
        session = await world.session()
        async with one.engine.connect() as conn:
            widget = await widgets_db.by_site_key(conn, world.key)
        assert widget is not None
        await tracking.carry(one, widget, TID, session)  # as the session's creation does
        redis = one.bus.client()  # type: ignore[attr-defined]
        link = redis_prefix + f"track:c:{session['session_id']}"
        assert await redis.ttl(link) > 0  # the session leads back to the visit, and expires
        [seen] = await tracking.live_visitors(one, agent)
        assert seen["chatting"] is True

        await privacy.erase_sessions(two, [session["session_id"]])  # another process
        assert await tracking.live_visitors(one, agent) == []
        assert await one.tracking.store.get(world.key, TID) is None  # type: ignore[union-attr]
        assert await redis.exists(link) == 0
        assert await redis.zscore(redis_prefix + f"track:s:{world.key}", TID) is None
    finally:
        await one.close()
        await two.close()
