"""The message writer's batches (services/writer.py, db/messages.py): messages of several
sessions committed together, a repeat among them, and the one-message batch's own
statements all give each session seqs 1..n and move its last_seq to n."""

from __future__ import annotations

import asyncio
from typing import Any

from chatserver.context import Context
from chatserver.db import sessions as sessions_db
from chatserver.services import chat
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
