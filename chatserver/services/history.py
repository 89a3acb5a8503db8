"""What a socket reads from a conversation: the session it opens, an agent's snapshot, and
the messages a client missed or asks for again.

The socket layer calls these and turns what they return into frames; it runs no SQL itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.context import Context
from chatserver.db import messages as messages_db
from chatserver.db import sessions as sessions_db
from chatserver.errors import NotFound
from chatserver.events import MessageView
from chatserver.limits import REPLAY_MAX
from chatserver.services.access import Actor, token_opens, visible_widget_ids
from chatserver.services.sessions import message_view


@dataclass(frozen=True)
class Missed:
    """What a resuming client missed in a session: the messages after its `last_seq` (in
    order), or `reset` when that is more than REPLAY_MAX or the client is ahead; `end` is
    the seq they end at (the reset's seq)."""

    messages: list[MessageView]
    end: int
    reset: bool = False


async def read_missed(conn: AsyncConnection, session_id: str, last_seq: int,
                      current_seq: int) -> Missed:
    """Read after the socket follows the session, so that nothing published from then on is
    lost: everything committed before this read is in it."""
    rows = [] if last_seq > current_seq else \
        await messages_db.after(conn, session_id, last_seq, REPLAY_MAX + 1)
    if last_seq > current_seq or len(rows) > REPLAY_MAX:
        return Missed([], await sessions_db.last_seq(conn, session_id), reset=True)
    return Missed([message_view(r) for r in rows], rows[-1]["seq"] if rows else last_seq)


async def missed_in(ctx: Context, positions: dict[str, tuple[int, int]]) -> dict[str, Missed]:
    """`missed` for several sessions (session id -> (last_seq, current_seq)), one connection."""
    if not positions:
        return {}
    async with ctx.engine.connect() as conn:
        return {sid: await read_missed(conn, sid, last, current)
                for sid, (last, current) in positions.items()}


async def messages_after(ctx: Context, session_id: str, after_seq: int,
                         limit: int) -> list[MessageView]:
    async with ctx.engine.connect() as conn:
        return [message_view(r) for r in await messages_db.after(conn, session_id, after_seq,
                                                                 limit)]


async def open_for_visitor(ctx: Context, session_id: str, visitor_token: str,
                           last_seq: int) -> tuple[RowMapping, Missed]:
    """The session its visitor token opens (404 otherwise), with its widget's
    `allowed_origins`, and what a client holding `last_seq` missed. Called once the socket
    follows the session. The session is read with the other sockets opening meanwhile
    (services/socket_reads.py); nothing more is read unless something was missed or the
    token is not the session's first."""
    row = await ctx.socket_reads.for_visitor_socket(session_id) \
        if len(session_id) <= 36 else None
    if row is None or not await token_opens(ctx.engine, row, visitor_token):
        raise NotFound("no such session", code="session_not_found")
    if last_seq == row["last_seq"]:  # read after the follow: nothing missed, none read
        return row, Missed([], last_seq)
    async with ctx.engine.connect() as conn:
        return row, await read_missed(conn, session_id, last_seq, row["last_seq"])


@dataclass(frozen=True)
class AgentSnapshot:
    """What an agent's socket starts from: the widgets it follows, the open sessions
    assigned to the agent (most recent first) and the waiting queue of its widgets."""

    widget_ids: list[int]
    assigned: list[RowMapping]
    waiting: list[RowMapping]


async def agent_snapshot(ctx: Context, actor: Actor) -> AgentSnapshot:
    assert actor.id is not None
    async with ctx.engine.connect() as conn:
        widget_ids = await visible_widget_ids(conn, actor)
        return AgentSnapshot(widget_ids, await sessions_db.assigned_to(conn, actor.id),
                             await sessions_db.waiting_in(conn, widget_ids))


async def adopted(ctx: Context, session_id: str,
                  from_seq: int) -> tuple[RowMapping, Missed] | None:
    """A session that just became an agent's (as the inbox lists it: with its widget's
    name), and its messages from the hand-over on."""
    async with ctx.engine.connect() as conn:
        row = await sessions_db.get_listed(conn, session_id)
        if row is None:
            return None
        return row, await read_missed(conn, session_id, from_seq, row["last_seq"])


def session_positions(rows: list[RowMapping], resume: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """An agent's `last_seq` map, for its assigned sessions only: session id -> (the
    client's last seq, 0 when invalid; the session's current seq)."""
    out: dict[str, tuple[int, int]] = {}
    for row in rows:
        if row["id"] in resume:
            n = resume[row["id"]]
            valid = isinstance(n, int) and not isinstance(n, bool) and n >= 0
            out[row["id"]] = (n if valid else 0, row["last_seq"])
    return out
