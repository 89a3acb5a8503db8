"""The message writer's batches (services/writer.py, db/messages.py): messages of several
sessions committed together, a repeat among them, and the one-message batch's own
statements all give each session seqs 1..n and move its last_seq to n."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from chatserver.context import Context
from chatserver.db import sessions as sessions_db
from chatserver.db.schema import sessions
from chatserver.errors import Conflict
from chatserver.services import chat
from chatserver.services import writer as writer_mod
from chatserver.services.sends import Send
from chatserver.timeutil import utcnow
from tests.helpers.database import stored_messages


async def _last_seq(ctx: Context, sid: str) -> int:
    async with ctx.engine.connect() as conn:
        return await sessions_db.last_seq(conn, sid)


async def test_batches_of_several_sessions_and_of_one_message_number_each_session(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    sids = [(await world.session())["session_id"] for _ in range(3)]
    base = {sid: await _last_seq(ctx, sid) for sid in sids}

    def send(sid: str, cid: str) -> Any:
        return chat.send_message(ctx, sid, sender_type="visitor", text=cid, client_msg_id=cid)

    first, _ = await send(sids[0], "a-0")  # a batch of one message: the cached statements
    assert first["seq"] == base[sids[0]] + 1
    # Sent together: one or more batches holding several sessions, and a repeat of "a-0".
    done = await asyncio.gather(send(sids[0], "a-1"), send(sids[1], "b-0"),
                                send(sids[0], "a-2"), send(sids[2], "c-0"),
                                send(sids[0], "a-0"), send(sids[1], "b-1"))
    created = [c for _, c in done]
    assert created == [True, True, True, True, False, True]
    assert done[4][0]["seq"] == first["seq"]  # the repeat is acked with the stored copy

    expected = {sids[0]: ["a-0", "a-1", "a-2"], sids[1]: ["b-0", "b-1"], sids[2]: ["c-0"]}
    for sid, cids in expected.items():
        stored = await stored_messages(ctx.settings.database_url, sid)
        assert sorted(stored) == list(range(1, base[sid] + len(cids) + 1)), stored
        assert [stored[s] for s in sorted(stored)][base[sid]:] == cids
        assert await _last_seq(ctx, sid) == base[sid] + len(cids)


async def test_a_batch_notes_each_agents_first_reply_and_every_sessions_activity(
        make_world: Any, ctx: Context) -> None:
    """Agents' replies in several sessions of one batch: each replied session gets its first
    reply's time once, the others none; every written session's last activity moves."""
    world = await make_world()
    agent = await world.add_agent("ada")
    sids = [(await world.session())["session_id"] for _ in range(3)]
    past = utcnow() - timedelta(hours=1)
    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions).where(sessions.c.id.in_(sids[:2]))
                           .values(status="assigned", assigned_agent_id=agent["id"]))
        await conn.execute(update(sessions).where(sessions.c.id.in_(sids))
                           .values(last_activity_at=past))

    def send(sid: str, cid: str, sender: str) -> Any:
        return ctx.writer.submit(Send(session_id=sid, client_msg_id=cid, sender_type=sender,
                                      text=cid, sender_id=agent["id"] if sender == "agent"
                                      else None))

    await asyncio.gather(send(sids[0], "a-0", "agent"), send(sids[1], "b-0", "agent"),
                         send(sids[2], "c-0", "visitor"), send(sids[1], "b-1", "visitor"))
    async with ctx.engine.connect() as conn:
        rows = {r["id"]: r for r in (await conn.execute(
            select(sessions).where(sessions.c.id.in_(sids)))).mappings()}
    first = {sid: rows[sid]["first_agent_reply_at"] for sid in sids}
    assert first[sids[0]] is not None and first[sids[1]] is not None
    assert first[sids[2]] is None
    assert all(rows[sid]["last_activity_at"] > past for sid in sids)

    await asyncio.gather(send(sids[0], "a-1", "agent"), send(sids[2], "c-1", "visitor"))
    async with ctx.engine.connect() as conn:
        again = (await conn.execute(select(sessions.c.first_agent_reply_at)
                                    .where(sessions.c.id == sids[0]))).scalar_one()
    assert again == first[sids[0]]  # the first reply's time, not the latest


async def test_a_resend_is_acked_with_its_stored_copy_even_where_a_new_message_is_refused(
        make_world: Any, ctx: Context) -> None:
    """Batches are first written without looking for stored copies: a resend that the
    session's state would refuse (closed since) must still find its copy and be acked."""
    world = await make_world()
    sid = (await world.session())["session_id"]

    def send(cid: str) -> Any:
        return ctx.writer.submit(Send(session_id=sid, client_msg_id=cid, sender_type="visitor",
                                      text=cid))

    stored, created = await send("r-1")
    assert created
    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions).where(sessions.c.id == sid).values(status="closed"))
    again, created = await send("r-1")  # e.g. the ack was lost with the connection
    assert not created and again["seq"] == stored["seq"] and again["id"] == stored["id"]
    with pytest.raises(Conflict) as refused:
        await send("r-2")
    assert refused.value.code == "session_closed"
    # Together in one batch: the resend acked, the new message refused.
    done = await asyncio.gather(send("r-1"), send("r-3"), return_exceptions=True)
    assert done[0][0]["id"] == stored["id"] and isinstance(done[1], Conflict)


@pytest.mark.parametrize("together", [writer_mod.ONE_PACKET_MAX, 11])
async def test_a_batch_stores_the_sessions_that_take_their_messages_and_refuses_the_others(
        make_world: Any, ctx: Context, together: int) -> None:
    """Batches over sessions of every kind: open, closed, assigned to the agent who writes
    or to another (or written in by two agents), owned by the AI or not, unknown. Each
    message is stored or refused as alone; a session with a refused message keeps its
    last_seq but for the messages it took. On MariaDB batches of up to ONE_PACKET_MAX run
    the checks in SQL (services/writer.py `_one_packet`), larger ones after the lock."""
    world = await make_world()
    ada, bob = await world.add_agent("ada"), await world.add_agent("bob")
    sids = [(await world.session())["session_id"] for _ in range(5)]
    ai_on, closed, adas, bobs, ai_off = sids
    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions).where(sessions.c.id == ai_on).values(
            ai_mode=True, status="active"))
        await conn.execute(update(sessions).where(sessions.c.id == closed).values(
            status="closed"))
        for sid, agent in ((adas, ada), (bobs, bob)):
            await conn.execute(update(sessions).where(sessions.c.id == sid).values(
                status="assigned", assigned_agent_id=agent["id"], ai_mode=False))
        await conn.execute(update(sessions).where(sessions.c.id == ai_off).values(
            ai_mode=False))
    base = {sid: await _last_seq(ctx, sid) for sid in sids}

    sends: dict[str, Send] = {}

    def send(sid: str, cid: str, sender: str, agent: Any) -> Any:
        sends[cid] = Send(session_id=sid, client_msg_id=cid, sender_type=sender, text=cid,
                          sender_id=agent["id"] if sender == "agent" else None)
        return ctx.writer.submit(sends[cid])

    order = [(ai_on, "on-v", "visitor", ada), (ai_on, "on-ai", "ai", ada),
             (closed, "closed-v", "visitor", ada), (adas, "adas-v", "visitor", ada),
             (adas, "adas-a", "agent", ada), (adas, "adas-bob", "agent", bob),
             (bobs, "bobs-v", "visitor", ada), (bobs, "bobs-a", "agent", ada),
             (ai_off, "off-ai", "ai", ada), (ai_off, "off-v", "visitor", ada),
             ("no-such-session", "none-v", "visitor", ada)]
    done: list[Any] = []
    for start in range(0, len(order), together):  # each group submitted together: a batch
        done += await asyncio.gather(*(send(*args) for args in order[start:start + together]),
                                     return_exceptions=True)
    outcome = {cid: (getattr(d, "code", None) if isinstance(d, Exception) else d[0]["seq"])
               for (_sid, cid, _sender, _agent), d in zip(order, done, strict=True)}
    assert outcome == {
        "on-v": base[ai_on] + 1, "on-ai": base[ai_on] + 2, "closed-v": "session_closed",
        "adas-v": base[adas] + 1, "adas-a": base[adas] + 2, "adas-bob": "not_assigned",
        "bobs-v": base[bobs] + 1, "bobs-a": "not_assigned",
        "off-ai": "ai_silenced", "off-v": base[ai_off] + 1,
        "none-v": "session_not_found"}
    # The AI answers a visitor's message where it owns the conversation only.
    assert sends["on-v"].ai_turn and not sends["adas-v"].ai_turn \
        and not sends["off-v"].ai_turn
    moved = {ai_on: 2, closed: 0, adas: 2, bobs: 1, ai_off: 1}
    for sid, n in moved.items():
        assert await _last_seq(ctx, sid) == base[sid] + n
        stored = await stored_messages(ctx.settings.database_url, sid)
        assert sorted(stored) == list(range(1, base[sid] + n + 1)), stored
