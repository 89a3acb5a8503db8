"""Visitor sockets that open together share one read of their sessions
(services/socket_reads.py), and each still gets its own session, or 404."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chatserver.context import Context
from chatserver.errors import NotFound
from chatserver.services import chat, history


async def test_sockets_opening_together_share_the_read_of_their_sessions(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    sessions = [await world.session() for _ in range(12)]
    await chat.send_message(ctx, sessions[0]["session_id"], sender_type="visitor", text="hi",
                            client_msg_id="c-1")
    before = ctx.socket_reads.queries
    opened = await asyncio.gather(*(world.visitor(s) for s in sessions))
    assert [ready["session_id"] for _, ready in opened] == [s["session_id"] for s in sessions]
    assert opened[0][1]["last_seq"] >= 1  # the one with a message: replayed on its socket
    assert (await opened[0][0].expect("message"))["client_msg_id"] == "c-1"
    assert ctx.socket_reads.queries - before < len(sessions)


async def test_a_shared_read_still_refuses_an_unknown_session_and_a_wrong_token(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    a, b = await world.session(), await world.session()
    results = await asyncio.gather(
        history.open_for_visitor(ctx, a["session_id"], a["visitor_token"], 0),
        history.open_for_visitor(ctx, b["session_id"], a["visitor_token"], 0),
        history.open_for_visitor(ctx, "0" * 36, a["visitor_token"], 0),
        history.open_for_visitor(ctx, a["session_id"], a["visitor_token"], 0),
        return_exceptions=True)
    assert results[0][0]["id"] == results[3][0]["id"] == a["session_id"]  # type: ignore[index]
    for refused in results[1:3]:
        assert isinstance(refused, NotFound) and refused.code == "session_not_found"
    with pytest.raises(NotFound):
        await history.open_for_visitor(ctx, "x" * 37, a["visitor_token"], 0)
