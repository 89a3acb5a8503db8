"""Visitors and their conversations (docs/privacy.md): a device token opens every conversation
of its visitor, at most one is open (the database decides), an ended one can be reopened, and
a verified visitor finds their conversations on any device."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import jwt
import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from chatserver.context import Context
from chatserver.db.schema import sessions
from chatserver.services import chat
from chatserver.services.access import Actor
from chatserver.services.routing import accept
from tests.helpers.api import Response
from tests.helpers.world import World


async def _create(world: World, **body: Any) -> Response:
    return await world.api.post(f"/api/widgets/{world.key}/sessions", body, token="")


async def _home(world: World, token: str = "", **body: Any) -> dict[str, Any]:
    resp = await world.api.post(f"/api/widgets/{world.key}/visitor", body, token=token)
    assert resp.code == 200, resp
    return resp.json  # type: ignore[no-any-return]


async def _reopen(world: World, sid: str, token: str) -> Response:
    return await world.api.post(f"/api/widgets/{world.key}/sessions/{sid}/reopen", {},
                                token=token)


async def _secret(world: World) -> str:
    resp = await world.api.post(f"/api/widgets/{world.key}/identity-secret", {},
                                token=world.admin)
    assert resp.code == 201, resp
    return str(resp.json["secret"])


def _sign(secret: str, sub: str = "u-7") -> str:
    return jwt.encode({"sub": sub, "email": "grace@example.com", "name": "Grace",
                       "exp": int(time.time()) + 600}, secret, algorithm="HS256")


async def test_a_device_has_one_open_conversation_and_finds_the_earlier_ones(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    first = (await _create(world)).json
    token = first["visitor_token"]
    again = await _create(world, visitor_token=token)
    assert (again.code, again.json["session_id"], again.json["existing"]) == \
        (200, first["session_id"], True)
    await chat.close(ctx, first["session_id"], by="visitor")
    second = await _create(world, visitor_token=token)
    assert second.code == 201 and second.json["session_id"] != first["session_id"]
    assert second.json["visitor_token"] == token  # the device keeps its token
    home = await _home(world, token)
    assert [c["session_id"] for c in home["conversations"]] == \
        [second.json["session_id"], first["session_id"]]
    assert home["open_session_id"] == second.json["session_id"]
    assert [c["status"] for c in home["conversations"]] == ["active", "closed"]
    # The device token opens the earlier conversation too.
    old = await world.api.get(
        f"/api/widgets/{world.key}/sessions/{first['session_id']}/messages", token=token)
    assert old.code == 200
    # A stranger's device, with no token, gets nothing and makes nothing.
    assert await _home(world) == {"visitor_token": None, "verified": False,
                                  "open_session_id": None, "conversations": []}


async def test_tabs_starting_at_the_same_instant_get_one_conversation(make_world: Any,
                                                                      ctx: Context) -> None:
    world = await make_world()
    first = (await _create(world)).json
    await chat.close(ctx, first["session_id"], by="visitor")
    results = await asyncio.gather(*(_create(world, visitor_token=first["visitor_token"])
                                     for _ in range(6)))
    assert {r.json["session_id"] for r in results} == {results[0].json["session_id"]}
    assert sorted(r.code for r in results) == [200] * 5 + [201]


async def test_the_database_refuses_a_second_open_conversation(make_world: Any,
                                                              ctx: Context) -> None:
    world = await make_world()
    s = (await _create(world)).json
    async with ctx.engine.connect() as conn:
        row = (await conn.execute(sessions.select().where(
            sessions.c.id == s["session_id"]))).mappings().one()
    copy = {k: v for k, v in row.items() if k not in ("id", "open_visitor_id")}
    async with ctx.engine.begin() as conn:  # ended: allowed beside the open one
        await conn.execute(insert(sessions).values({**copy, "id": str(uuid.uuid4()),
                                                    "status": "closed"}))
    with pytest.raises(IntegrityError):
        async with ctx.engine.begin() as conn:
            await conn.execute(insert(sessions).values({**copy, "id": str(uuid.uuid4()),
                                                        "status": "waiting"}))


async def test_reopening_an_ended_conversation(make_world: Any, ctx: Context) -> None:
    world = await make_world(ai_enabled=True)
    first = (await _create(world, visitor_email="ann@example.com")).json
    token = first["visitor_token"]
    await chat.close(ctx, first["session_id"], by="visitor")
    second = (await _create(world, visitor_token=token)).json
    refused = await _reopen(world, first["session_id"], token)
    assert (refused.code, refused.error_code) == (409, "visitor_has_open_conversation")
    # Nor may an agent reopen it while the other is open.
    alice = world.agents["alice"]
    with pytest.raises(Exception) as exc:
        await accept(ctx, Actor(id=alice["id"], role="agent", display_name="Alice"),
                     first["session_id"])
    assert getattr(exc.value, "code", None) == "visitor_has_open_conversation"
    await chat.close(ctx, second["session_id"], by="visitor")
    done = await _reopen(world, first["session_id"], token)
    assert (done.code, done.json["status"], done.json["ai_mode"]) == (200, "active", True)
    history = (await world.api.get(
        f"/api/widgets/{world.key}/sessions/{first['session_id']}/messages",
        token=token)).json["messages"]
    assert history[-1]["text"] == "The visitor reopened the conversation."
    assert (history[-1]["code"], history[-1]["params"]) == ("visitor_reopened", {})
    assert (await _reopen(world, first["session_id"], token)).code == 200  # open: as it is
    # Another visitor's token opens nothing of theirs.
    other = (await _create(world)).json
    assert (await _reopen(world, first["session_id"], other["visitor_token"])).code == 404
    assert (await _reopen(world, first["session_id"], "")).code == 401
    agent = await _reopen(world, first["session_id"], world.agents["alice"]["token"])
    assert (agent.code, agent.error_code) == (403, "visitor_only")


async def test_a_verified_visitor_finds_their_conversations_on_another_device(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    secret = await _secret(world)
    laptop = (await _create(world, identity_token=_sign(secret))).json
    phone = await _home(world, identity_token=_sign(secret))
    assert phone["verified"] is True and phone["visitor_token"] != laptop["visitor_token"]
    assert [c["session_id"] for c in phone["conversations"]] == [laptop["session_id"]]
    assert phone["open_session_id"] == laptop["session_id"]
    read = await world.api.get(
        f"/api/widgets/{world.key}/sessions/{laptop['session_id']}/messages",
        token=phone["visitor_token"])
    assert read.code == 200
    # Starting one on the phone gives the open one: one person, one open conversation.
    again = await _create(world, identity_token=_sign(secret),
                          visitor_token=phone["visitor_token"])
    assert (again.code, again.json["session_id"]) == (200, laptop["session_id"])
    # The laptop's device token without the identity token (signed out): not theirs.
    assert (await _home(world, laptop["visitor_token"]))["conversations"] == []
    anon = await _create(world, visitor_token=laptop["visitor_token"])
    assert anon.code == 201 and anon.json["visitor_token"] != laptop["visitor_token"]
    # Another user of the site, and an unverified claim of the same email, see nothing.
    other = await _home(world, identity_token=_sign(secret, sub="u-8"))
    assert other["conversations"] == []
    claim = (await _create(world, visitor_email="grace@example.com")).json
    assert [c["session_id"] for c in (await _home(world, claim["visitor_token"]))
            ["conversations"]] == [claim["session_id"]]
    bad = await world.api.post(f"/api/widgets/{world.key}/visitor",
                               {"identity_token": _sign("pis_" + "x" * 43)}, token="")
    assert (bad.code, bad.error_code) == (403, "identity_token_signature")


async def test_agents_see_the_visitors_other_conversations_never_a_claims(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    secret = await _secret(world)
    first = (await _create(world, identity_token=_sign(secret))).json
    await chat.close(ctx, first["session_id"], by="visitor")
    phone = await _home(world, identity_token=_sign(secret))
    second = (await _create(world, identity_token=_sign(secret),
                            visitor_token=phone["visitor_token"])).json
    claim = (await _create(world, visitor_email="grace@example.com")).json
    await chat.close(ctx, claim["session_id"], by="visitor")
    claim2 = (await _create(world, visitor_email="grace@example.com")).json  # another browser
    alice = world.agents["alice"]["token"]

    async def earlier(sid: str) -> list[str]:
        resp = await world.api.get(f"/api/agents/sessions/{sid}", token=alice)
        assert resp.code == 200, resp
        return [p["session_id"] for p in resp.json["previous_sessions"]]

    assert await earlier(second["session_id"]) == [first["session_id"]]
    assert await earlier(claim2["session_id"]) == [claim["session_id"]]  # by email, unverified
