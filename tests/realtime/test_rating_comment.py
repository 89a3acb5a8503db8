"""A visitor's rating with an optional comment: stored, shown to agents, checked."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chatserver.context import Context
from chatserver.db.schema import sessions


async def _row(ctx: Context, sid: str) -> Any:
    async with ctx.engine.connect() as conn:
        return (await conn.execute(select(sessions).where(sessions.c.id == sid))).mappings().one()


async def test_a_rating_then_its_comment_are_stored_and_shown_to_agents(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s = await world.session(visitor_name="Vera")
    sid = s["session_id"]
    visitor, _ = await world.visitor(s)
    await visitor.say("Hello", "c-1")
    # Closed with a rating (as the widget does), then the comment on its own.
    await visitor.send({"type": "close", "rating": 4})
    await visitor.expect("session_closed")
    row = await _row(ctx, sid)
    assert row["rating"] == 4 and row["rating_comment"] is None
    await visitor.send({"type": "close", "rating": 4, "comment": "  Quick and kind.\x07\n "})
    await visitor.send({"type": "close", "comment": "x" * 501})
    err = await visitor.expect("error")
    assert err["code"] == "invalid_comment" and "comment" in err["fields"]
    row = await _row(ctx, sid)
    assert row["rating"] == 4 and row["rating_comment"] == "Quick and kind."
    # Agents see it in the conversation's details.
    resp = await world.api.get(f"/api/agents/sessions/{sid}", token=world.admin)
    assert resp.code == 200, resp
    assert resp.json["session"]["rating_comment"] == "Quick and kind."
    # An empty comment clears it; a comment that is not text is refused.
    await visitor.send({"type": "close", "comment": "   "})
    await visitor.send({"type": "close", "comment": 5})
    assert (await visitor.expect("error"))["code"] == "invalid_comment"
    assert (await _row(ctx, sid))["rating_comment"] is None


async def test_a_comment_closes_a_conversation_with_its_rating(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    s = await world.session()
    visitor, _ = await world.visitor(s)
    await visitor.say("Hi", "c-1")
    await visitor.send({"type": "close", "rating": 2, "comment": "Too slow"})
    await visitor.expect("session_closed")
    row = await _row(ctx, s["session_id"])
    assert (row["status"], row["rating"], row["rating_comment"]) == ("closed", 2, "Too slow")
