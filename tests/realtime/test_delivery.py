"""Nothing acknowledged is lost or duplicated: idempotent sends, resume, the accept race."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from chatserver.context import Context
from chatserver.db.schema import messages
from tests.helpers.sockets import WS


async def _count(ctx: Context, client_msg_id: str) -> int:
    async with ctx.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(messages).where(
            messages.c.client_msg_id == client_msg_id))).scalar_one())


async def test_same_client_msg_id_five_times_in_a_row(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    acks = [await visitor.say("once", "dup-1") for _ in range(5)]
    assert all(a == acks[0] for a in acks)
    assert await _count(ctx, "dup-1") == 1


async def test_same_client_msg_id_concurrently_and_after_reconnect(make_world: Any,
                                                                   ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    tabs = [(await world.visitor(s))[0] for _ in range(4)]
    for tab in tabs:
        await tab.send({"type": "message", "client_msg_id": "dup-2", "text": "same"})
    acks = await asyncio.gather(*(t.expect("ack", client_msg_id="dup-2") for t in tabs))
    tabs[0].close()
    again, _ = await world.visitor(s)
    acks.append(await again.say("same", "dup-2"))
    assert len({(a["id"], a["seq"]) for a in acks}) == 1 and len(acks) == 5
    assert await _count(ctx, "dup-2") == 1


async def test_resume_replays_exactly_the_missed_messages(make_world: Any) -> None:
    world = await make_world()
    s = await world.waiting_session()
    sid = s["session_id"]
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": sid})
    await alice.expect("accepted")
    visitor, _ = await world.visitor(s)
    first = await visitor.say("before the drop", "v-1")
    last_seq = first["seq"]
    visitor.close()
    sent = [await alice.say(f"missed {i}", f"a-{i}", session_id=sid) for i in range(3)]
    back, ready = await world.visitor(s, last_seq=last_seq)
    assert ready["last_seq"] == sent[-1]["seq"]
    replayed = [await back.expect("message") for _ in range(3)]
    assert [m["client_msg_id"] for m in replayed] == ["a-0", "a-1", "a-2"]
    assert [m["seq"] for m in replayed] == [a["seq"] for a in sent]
    assert not [f for f in await back.quiet() if f["type"] == "message"]


async def test_resume_too_far_behind_or_ahead_says_reset(make_world: Any) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("one", "x-1")
    ahead, _ = await world.visitor(s, last_seq=50)
    assert (await ahead.expect("reset"))["last_seq"] == 1


async def test_agent_resumes_three_sessions(make_world: Any) -> None:
    world = await make_world()
    sessions = [await world.waiting_session() for _ in range(3)]
    alice, _ = await world.agent("alice")
    for s in sessions:
        await alice.send({"type": "accept", "session_id": s["session_id"]})
        await alice.expect("accepted")
    visitors = [(await world.visitor(s))[0] for s in sessions]
    marks = {}
    for s, v in zip(sessions, visitors, strict=True):
        ack = await v.say("first", f"{s['session_id'][:8]}-1")
        await alice.expect("message", client_msg_id=ack["client_msg_id"])
        marks[s["session_id"]] = ack["seq"]
    alice.close()
    for s, v in zip(sessions, visitors, strict=True):
        for i in range(2):
            await v.say(f"while away {i}", f"{s['session_id'][:8]}-w{i}")
    back, ready = await world.agent("alice", last_seq=marks)
    assert {r["session_id"] for r in ready["sessions"]} == set(marks)
    for s in sessions:
        prefix = s["session_id"][:8]
        got = [await back.expect("message", session_id=s["session_id"]) for _ in range(2)]
        assert [m["client_msg_id"] for m in got] == [f"{prefix}-w0", f"{prefix}-w1"]
    assert not [f for f in await back.quiet() if f["type"] == "message"]


async def test_ten_agents_race_to_accept_and_one_wins(make_world: Any) -> None:
    world = await make_world()
    names = [f"agent{i}" for i in range(9)]
    for name in names:
        await world.add_agent(name)
    s = await world.waiting_session()
    sockets: list[WS] = [(await world.agent(n))[0] for n in ["alice", *names]]
    for ws in sockets:
        await ws.send({"type": "accept", "session_id": s["session_id"]})

    async def outcome(ws: WS) -> str:
        while True:
            frame = await ws.recv(5)
            assert frame is not None
            if frame["type"] == "accepted":
                return "won"
            if frame["type"] == "error":
                assert frame["code"] == "conflict", frame
                assert frame["message"].startswith("taken by")
                return "lost"

    results = await asyncio.gather(*(outcome(ws) for ws in sockets))
    assert results.count("won") == 1 and results.count("lost") == 9
