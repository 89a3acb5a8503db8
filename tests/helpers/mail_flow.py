"""Shared steps of the email tests: the outbox's rows, running the sender until rows are done,
and a conversation an agent has accepted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db.schema import outbox
from tests.helpers.sockets import WS


async def rows(ctx: Context) -> list[RowMapping]:
    async with ctx.engine.connect() as conn:
        return list((await conn.execute(select(outbox).order_by(outbox.c.id))).mappings())


async def until_done(ctx: Context, sender: Any, count: int) -> list[RowMapping]:
    """Run the sender until `count` rows have left `pending`; the rows."""
    for _ in range(300):
        found = await rows(ctx)
        if sum(r["status"] != "pending" for r in found) >= count:
            return found
        await sender.run_once()
    raise AssertionError(f"expected {count} rows done: {[dict(r) for r in await rows(ctx)]}")


async def chat_with_alice(world: Any, **visitor: Any) -> tuple[dict[str, Any], WS]:
    """A waiting session (with the visitor's fields), accepted by alice over her socket."""
    s = await world.waiting_session(visitor_name="Vera", **visitor)
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    await alice.expect("accepted")
    return s, alice
