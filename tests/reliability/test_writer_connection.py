"""On MariaDB the message writer writes the common batch on a pooled connection it keeps while
sends come (services/writer.py `_write_held`): no checkout per batch, given back when idle, too
old or closed; a refusal or a repeat rolls it back and the batch is written again with the
look for stored copies; a connection lost under it fails that batch as unavailable and the
next batch takes another."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event, text, update
from sqlalchemy.exc import DBAPIError

from chatserver.context import Context
from chatserver.db import messages as messages_db
from chatserver.db.schema import sessions
from chatserver.errors import Conflict
from chatserver.services import chat
from chatserver.services import writer as writer_mod
from chatserver.services.sends import Send
from tests.helpers.database import stored_messages


@pytest.fixture(autouse=True)
def _mariadb(is_mariadb: bool) -> None:
    if not is_mariadb:
        pytest.skip("MariaDB's driver (SQLite writes every batch through SQLAlchemy)")


def _checkouts(ctx: Context) -> list[int]:
    """Counts each pool checkout (the held connection's, and any other)."""
    seen: list[int] = []

    def count(*_args: Any) -> None:
        seen.append(1)

    event.listen(ctx.engine.sync_engine, "checkout", count)
    return seen


async def _in_transaction(ctx: Context) -> int:
    """The server's own answer, on the writer's held connection."""
    held = ctx.writer.held
    assert held is not None
    driver = held.sync_connection.connection.driver_connection  # type: ignore[union-attr]
    async with driver.cursor() as cursor:
        await cursor.execute("SELECT @@in_transaction")
        (value,) = await cursor.fetchone()
    return int(value)


def _say(ctx: Context, sid: str, cid: str) -> Any:
    return chat.send_message(ctx, sid, sender_type="visitor", text=cid, client_msg_id=cid)


async def test_batches_share_one_checkout_which_goes_back_when_idle(
        make_world: Any, ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer_mod, "HOLD_S", 0.2)
    world = await make_world()
    sid = (await world.session())["session_id"]
    checkouts = _checkouts(ctx)
    for n in range(5):
        await _say(ctx, sid, f"m-{n}")
    assert len(checkouts) == 1 and ctx.writer.held is not None
    assert await _in_transaction(ctx) == 0  # each batch committed in its last packet
    pool = ctx.engine.sync_engine.pool
    assert pool.checkedout() == 1  # type: ignore[attr-defined]
    for _ in range(50):
        await asyncio.sleep(0.05)
        if ctx.writer.held is None and pool.checkedout() == 0:  # type: ignore[attr-defined]
            break
    assert ctx.writer.held is None and pool.checkedout() == 0  # type: ignore[attr-defined]
    await _say(ctx, sid, "m-5")  # taken again
    assert len(checkouts) == 2
    assert list((await stored_messages(ctx.settings.database_url, sid)).values()) == \
        [f"m-{n}" for n in range(6)]
    await ctx.writer.close()
    assert ctx.writer.held is None and pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_an_old_connection_is_replaced(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    sid = (await world.session())["session_id"]
    await _say(ctx, sid, "old-1")
    first = ctx.writer.held
    ctx.writer.held_since -= ctx.settings.db_pool_recycle_s + 1
    await _say(ctx, sid, "old-2")
    assert ctx.writer.held is not None and ctx.writer.held is not first
    assert first is not None and first.closed


async def test_a_refusal_and_a_repeat_roll_back_and_are_written_again(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    sid = (await world.session())["session_id"]
    stored, created = await _say(ctx, sid, "r-1")
    assert created
    # A repeat: the unique key refuses the insert, the held transaction is rolled back
    # (the seq update with it), and the batch again, with the look, acks the stored copy.
    again, created = await _say(ctx, sid, "r-1")
    assert not created and again["id"] == stored["id"]
    assert await _in_transaction(ctx) == 0
    await _say(ctx, sid, "r-2")
    assert list((await stored_messages(ctx.settings.database_url, sid)).values()) == \
        ["r-1", "r-2"]
    # A refusal after the lock: rolled back, then refused for its reason.
    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions).where(sessions.c.id == sid)
                           .values(status="closed"))
    with pytest.raises(Conflict) as refused:
        await _say(ctx, sid, "r-3")
    assert refused.value.code == "session_closed"
    assert await _in_transaction(ctx) == 0  # the sessions' lock is not kept


async def test_a_lost_connection_fails_its_batch_and_the_next_takes_another(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    sid = (await world.session())["session_id"]
    await _say(ctx, sid, "k-1")
    held = ctx.writer.held
    assert held is not None
    driver = held.sync_connection.connection.driver_connection  # type: ignore[union-attr]
    async with ctx.engine.connect() as other:  # as an operator's KILL, or a server restart
        await other.execute(text(f"KILL CONNECTION {driver.thread_id()}"))
    with pytest.raises(DBAPIError) as lost:
        await _say(ctx, sid, "k-2")
    assert lost.value.connection_invalidated
    assert ctx.writer.held is None
    stored, created = await _say(ctx, sid, "k-2")  # the visitor's resend
    assert created and stored["seq"] == 2
    assert ctx.writer.held is not None and ctx.writer.held is not held


async def test_batches_of_as_many_messages_share_their_compiled_statements(
        make_world: Any, ctx: Context) -> None:
    """The one-packet batch's statements depend on its numbers of messages and sessions,
    not on how the messages fall into sessions (each session's checks are parameters): a
    busy process compiles a few statements, not one per batch."""
    world = await make_world()
    sids = [(await world.session())["session_id"] for _ in range(3)]

    def batch(layout: list[int]) -> Any:  # submitted together: one batch
        return asyncio.gather(*(ctx.writer.submit(Send(
            session_id=sids[s], client_msg_id=f"{layout}-{i}", sender_type="visitor",
            text="hi")) for i, s in enumerate(layout)))

    await batch([0, 1, 2])  # compiled here
    before = messages_db._insert_taken.cache_info()
    for layout in ([0, 0, 0], [0, 1, 1], [2, 0, 2], [1, 2, 0]):
        await batch(layout)
    after = messages_db._insert_taken.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 4
