"""A conversation outlives the visitor's tab: several devices (visitor tokens) on one
conversation, never abandoned once the visitor left an email, and reopened by an agent."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from chatserver.context import Context
from chatserver.db.schema import sessions
from chatserver.realtime.protocol import CLOSE_AUTH
from chatserver.realtime.sweeper import Sweeper
from chatserver.services.sessions import issue_device_token
from chatserver.timeutil import utcnow
from tests.helpers.sockets import WS


async def _age(ctx: Context, session_id: str, seconds: float) -> None:
    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions).where(sessions.c.id == session_id).values(
            last_activity_at=utcnow() - timedelta(seconds=seconds)))


async def _status(ctx: Context, session_id: str) -> str:
    async with ctx.engine.connect() as conn:
        return str(await conn.scalar(select(sessions.c.status).where(
            sessions.c.id == session_id)))


async def test_two_devices_both_open_sockets_and_both_receive_messages(make_world: Any,
                                                                      ctx: Context) -> None:
    world = await make_world()
    s = await world.waiting_session()
    second = {**s, "visitor_token": await issue_device_token(ctx, s["session_id"])}
    third = await issue_device_token(ctx, s["session_id"])  # issuing more revokes nothing
    assert third not in (s["visitor_token"], second["visitor_token"])
    phone, ready = await world.visitor(second)
    laptop, _ = await world.visitor(s)
    assert ready["session_id"] == s["session_id"]
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    await alice.expect("accepted")
    await alice.send({"type": "message", "session_id": s["session_id"],
                      "client_msg_id": "a-1", "text": "Hello from Alice"})
    for ws in (phone, laptop):
        got = await ws.expect("message", sender_type="agent")
        assert got["text"] == "Hello from Alice"
    ack = await phone.say("Written on the phone")
    seen_on_laptop = await laptop.expect("message", sender_type="visitor")
    assert seen_on_laptop["seq"] == ack["seq"]
    assert (await alice.expect("message", sender_type="visitor"))["text"] == "Written on the phone"


async def test_a_token_of_another_session_does_not_open_the_socket(make_world: Any,
                                                                  ctx: Context) -> None:
    world = await make_world()
    mine, other = await world.session(), await world.session()
    token = await issue_device_token(ctx, mine["session_id"])
    ws = await WS.connect(world.url(f"/ws/{other['session_id']}"))
    world.sockets.append(ws)
    await ws.send({"type": "auth", "token": token, "last_seq": 0})
    assert await ws.closed() == CLOSE_AUTH


async def test_the_sweeper_never_abandons_a_visitor_who_left_an_email(make_world: Any,
                                                                     ctx: Context,
                                                                     app: Any) -> None:
    world = await make_world()
    silent = await world.session()
    identified = await world.session(visitor_email="ada@example.com")
    left_email = await world.waiting_session()
    ws, _ = await world.visitor(left_email)
    await ws.send({"type": "leave_email", "email": "bob@example.com"})
    await ws.expect("email_saved")
    ws.close()
    await ws.closed()
    for s in (silent, identified, left_email):
        await _age(ctx, s["session_id"], ctx.settings.idle_abandon_s + 60)
    await Sweeper(ctx, app.settings["registry"]).run()
    assert await _status(ctx, silent["session_id"]) == "abandoned"
    assert await _status(ctx, identified["session_id"]) == "active"
    assert await _status(ctx, left_email["session_id"]) == "waiting"


async def test_an_agent_reopens_an_ended_conversation_with_an_email_and_writes_in_it(
        make_world: Any, ctx: Context, app: Any) -> None:
    world = await make_world()
    s = await world.waiting_session()
    visitor, _ = await world.visitor(s)
    await visitor.send({"type": "leave_email", "email": "ada@example.com"})
    await visitor.expect("email_saved")
    await visitor.send({"type": "close"})
    await visitor.expect("session_closed")
    assert await _status(ctx, s["session_id"]) == "closed"

    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    accepted = (await alice.expect("accepted"))["session"]
    assert accepted["status"] == "assigned"
    assert accepted["assigned_agent_id"] == world.agents["alice"]["id"]
    note = await visitor.expect("message", sender_type="system",
                                text="alice reopened the conversation.")
    await visitor.expect("agent_joined")
    await alice.send({"type": "message", "session_id": s["session_id"], "client_msg_id": "r-1",
                      "text": "Sorry we missed you: here is the answer."})
    ack = await alice.expect("ack", client_msg_id="r-1")
    assert ack["seq"] == note["seq"] + 1
    got = await visitor.expect("message", sender_type="agent")
    assert got["text"] == "Sorry we missed you: here is the answer."
    async with ctx.engine.connect() as conn:
        row = (await conn.execute(select(sessions).where(
            sessions.c.id == s["session_id"]))).mappings().one()
    assert row["closed_at"] is None and row["resolution"] is None


async def test_an_abandoned_conversation_reopens_once_an_email_is_on_file(
        make_world: Any, ctx: Context, app: Any) -> None:
    world = await make_world()
    s = await world.waiting_session()
    await _age(ctx, s["session_id"], ctx.settings.idle_abandon_s + 60)
    await Sweeper(ctx, app.settings["registry"]).run()
    assert await _status(ctx, s["session_id"]) == "abandoned"
    alice, _ = await world.agent("alice")
    # Nobody could read a reply: it stays ended.
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    refused = await alice.expect("error")
    assert refused["code"] == "conflict"
    assert await _status(ctx, s["session_id"]) == "abandoned"
    # The visitor comes back (another device, by the link) and leaves an email.
    visitor, _ = await world.visitor(
        {**s, "visitor_token": await issue_device_token(ctx, s["session_id"])})
    await visitor.send({"type": "leave_email", "email": "ada@example.com"})
    await visitor.expect("email_saved")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    assert (await alice.expect("accepted"))["session"]["status"] == "assigned"
    await visitor.expect("agent_joined")
    await alice.send({"type": "message", "session_id": s["session_id"], "client_msg_id": "r-2",
                      "text": "Back to you"})
    await alice.expect("ack", client_msg_id="r-2")
    assert (await visitor.expect("message", sender_type="agent"))["text"] == "Back to you"
