"""Agents' presence as their colleagues see it: a status they choose, told to the agents of
their widgets (the state itself is chatserver/presence.py)."""

from __future__ import annotations

from chatserver.bus import widget_channel
from chatserver.context import Context
from chatserver.db import widgets as widgets_db
from chatserver.services.access import Actor
from chatserver.services.publish import publish_frame
from chatserver.services.routing import assign_for


async def set_status(ctx: Context, actor: Actor, status: str) -> None:
    assert actor.id is not None
    ctx.presence.set_status(actor.id, status)
    await publish(ctx, actor.id, status)
    if status == "online":
        await assign_for(ctx, actor.id)


async def publish(ctx: Context, agent_id: int, status: str,
                  to: list[int] | None = None) -> None:
    """Tell the agent's widgets. ``to``: those widgets (`widget_ids`), when the caller has
    them; a closing socket has, so going offline needs no database."""
    ids = to if to is not None else await widget_ids(ctx, agent_id)
    for wid in ids:
        await publish_frame(ctx, widget_channel(wid), {"type": "presence", "agent_id": agent_id,
                                                       "status": status})


async def widget_ids(ctx: Context, agent_id: int) -> list[int]:
    """The widgets whose agents see this agent's presence."""
    async with ctx.engine.connect() as conn:
        return await widgets_db.visible_widget_ids(conn, agent_id)
