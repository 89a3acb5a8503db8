"""Telling whoever follows: services publish what happened as events on the bus (the shapes
are in chatserver/events.py), after it is committed. They never name a socket: the socket
layer decides which of its sockets get what (chatserver/realtime/follow.py)."""

from __future__ import annotations

from typing import Any

from chatserver.bus import session_channel, user_channel
from chatserver.context import Context
from chatserver.events import (
    FollowEvent,
    MessageView,
    ProfileEvent,
    PublicEvent,
    SessionEvent,
    UserEvent,
)


async def publish_frame(ctx: Context, channel: str, frame: dict[str, Any]) -> None:
    """A public event: its payload is the protocol frame clients get (docs/protocol.md)."""
    event: PublicEvent = {"frame": frame}
    await ctx.bus.publish(channel, dict(event))


async def publish_message(ctx: Context, msg: MessageView) -> None:
    await publish_frame(ctx, session_channel(msg["session_id"]), {"type": "message", **msg})


async def _internal(ctx: Context, channel: str,
                    event: FollowEvent | SessionEvent | UserEvent | ProfileEvent) -> None:
    await ctx.bus.publish(channel, dict(event))


async def cancel_ai_reply(ctx: Context, session_id: str) -> None:
    """Stop the AI reply streaming in the session, if one is (a person took over, it ended)."""
    await _internal(ctx, session_channel(session_id),
                    {"kind": "ai_cancel", "session_id": session_id})


async def follow(ctx: Context, agent_id: int, session_id: str, from_seq: int) -> None:
    """The agent's sockets follow the session from `from_seq` on (it became theirs)."""
    await _internal(ctx, user_channel(agent_id),
                    {"kind": "join", "session_id": session_id, "from_seq": from_seq})


async def unfollow(ctx: Context, agent_id: int, session_id: str) -> None:
    await _internal(ctx, user_channel(agent_id), {"kind": "leave", "session_id": session_id})


async def revoke(ctx: Context, user_id: int) -> None:
    """Close the user's sockets in every process (their tokens were revoked)."""
    await _internal(ctx, user_channel(user_id), {"kind": "revoked"})


async def profile_changed(ctx: Context, user_id: int, display_name: str) -> None:
    """The user's sockets in every process take their new display name (for what they send
    from now on)."""
    await _internal(ctx, user_channel(user_id), {"kind": "profile", "display_name": display_name})
