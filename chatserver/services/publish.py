"""Telling whoever follows: services publish what happened as events on the bus (the shapes
are in chatserver/events.py), after it is committed. They never name a socket: the socket
layer decides which of its sockets get what (chatserver/realtime/follow.py)."""

from __future__ import annotations

from typing import Any

from chatserver.bus import session_channel
from chatserver.context import Context
from chatserver.events import MessageView, PublicEvent


async def publish_frame(ctx: Context, channel: str, frame: dict[str, Any]) -> None:
    """A public event: its payload is the protocol frame clients get (docs/protocol.md)."""
    event: PublicEvent = {"frame": frame}
    await ctx.bus.publish(channel, dict(event))


async def publish_message(ctx: Context, msg: MessageView) -> None:
    await publish_frame(ctx, session_channel(msg["session_id"]), {"type": "message", **msg})
