"""The queue's housekeeping: idle sessions abandoned, auto-assignment, business hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from chatserver.context import Context
from chatserver.db.schema import sessions
from chatserver.services import chat
from chatserver.services.hours import is_open
from chatserver.timeutil import utcnow


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"auto_assign": True}


async def _age(ctx: Context, session_id: str, seconds: int) -> None:
    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions).where(sessions.c.id == session_id).values(
            last_activity_at=utcnow() - timedelta(seconds=seconds)))


async def test_idle_sessions_are_abandoned_unless_a_socket_is_open(make_world: Any,
                                                                  ctx: Context,
                                                                  app: Any) -> None:
    world = await make_world()
    gone, here, waiting = (await world.session(), await world.session(),
                           await world.waiting_session())
    visitor, _ = await world.visitor(here)
    bystander, _ = await world.visitor(waiting)
    for s in (gone, here, waiting):
        await _age(ctx, s["session_id"], 3600)
    bystander.close()
    registry = app.settings["registry"]
    local = registry.local_sessions() - {waiting["session_id"]}
    done = await chat.abandon_idle(ctx, 1800, local)
    assert set(done) == {gone["session_id"], waiting["session_id"]}
    async with ctx.engine.connect() as conn:
        rows = {r["id"]: r for r in (await conn.execute(select(sessions))).mappings()}
    assert rows[gone["session_id"]]["status"] == "abandoned"
    assert rows[gone["session_id"]]["resolution"] == "abandoned"
    assert rows[here["session_id"]]["status"] == "active"
    assert rows[here["session_id"]]["last_activity_at"] > utcnow() - timedelta(seconds=60)
    assert await chat.abandon_idle(ctx, 1800, local) == []  # idempotent
    assert visitor.conn.close_code is None


async def test_auto_assign_gives_waiting_chats_to_the_least_busy(make_world: Any,
                                                                ctx: Context) -> None:
    world = await make_world()
    await world.add_agent("bob")
    first = await world.waiting_session()  # nobody online: it waits
    alice, _ = await world.agent("alice")  # comes online: gets it
    accepted = await alice.expect("queue_update")
    assert accepted["waiting"] == []
    _bob, _ = await world.agent("bob")
    second = await world.waiting_session()  # bob has fewer chats: his
    async with ctx.engine.connect() as conn:
        rows = {r["id"]: r for r in (await conn.execute(select(sessions))).mappings()}
    assert rows[first["session_id"]]["assigned_agent_id"] == world.agents["alice"]["id"]
    assert rows[second["session_id"]]["assigned_agent_id"] == world.agents["bob"]["id"]
    _visitor, ready = await world.visitor(second)
    assert ready["status"] == "assigned"


def test_business_hours() -> None:
    widget = {"business_hours": {"mon": [["09:00", "17:00"]], "tue": []},
              "timezone": "Europe/Paris"}
    monday_10_paris = datetime(2026, 11, 23, 9, 0)  # 10:00 in Paris (UTC+1)
    monday_17_paris = datetime(2026, 11, 23, 16, 0)
    tuesday = datetime(2026, 11, 24, 10, 0)
    assert is_open(widget, monday_10_paris)
    assert not is_open(widget, monday_17_paris)
    assert not is_open(widget, tuesday)
    assert is_open({"business_hours": None, "timezone": "UTC"}, tuesday)


async def test_escalation_outside_hours_says_so(make_world: Any) -> None:
    world = await make_world(business_hours={"mon": []}, timezone="UTC")
    s = await world.session()
    resp = await world.api.post(f"/api/widgets/escalate/{world.key}/{s['session_id']}", {},
                                token=s["visitor_token"])
    assert resp.json["outside_hours"] is True and resp.json["offline"] is True
