"""SQL for messages: per-session seq allocated in the inserting transaction, dedupe by
client_msg_id."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    case,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.driver import driver_connection, fetch, fetch_each, fetch_last, prepared
from chatserver.db.schema import messages, sessions, uploads
from chatserver.domain import ENDED


def preview() -> Any:
    """A message's text for a list of conversations; for a message of files alone, one of
    its file names ("📎 invoice.pdf")."""
    a_file = (select(literal("\N{PAPERCLIP} ") + uploads.c.name)
              .where(uploads.c.message_id == messages.c.id)
              .order_by(uploads.c.name).limit(1).scalar_subquery())
    return func.coalesce(func.nullif(messages.c.text, ""), a_file)


async def by_client_id(conn: AsyncConnection, session_id: str,
                       client_msg_id: str) -> RowMapping | None:
    stmt = select(messages).where(messages.c.session_id == session_id,
                                  messages.c.client_msg_id == client_msg_id)
    return (await conn.execute(stmt)).mappings().first()


async def insert_message(conn: AsyncConnection, *, session_id: str, client_msg_id: str,
                         sender_type: str, text: str, now: datetime,
                         sender_id: int | None = None, sender_name: str | None = None,
                         meta: dict[str, Any] | None = None) -> tuple[dict[str, Any], bool]:
    """Insert one message, or find the one already sent with this client_msg_id.

    Returns (row, created). The seq comes from incrementing ``sessions.last_seq`` in this same
    transaction: the UPDATE's row lock orders concurrent writers, so seqs have no gaps.
    """
    existing = await by_client_id(conn, session_id, client_msg_id)
    if existing is not None:
        return dict(existing), False
    await conn.execute(update(sessions).where(sessions.c.id == session_id)
                       .values(last_seq=sessions.c.last_seq + 1, last_activity_at=now))
    seq = (await conn.execute(select(sessions.c.last_seq)
                              .where(sessions.c.id == session_id))).scalar_one()
    values = {"session_id": session_id, "seq": seq, "client_msg_id": client_msg_id,
              "sender_type": sender_type, "sender_id": sender_id, "sender_name": sender_name,
              "text": text, "meta": meta, "created_at": now}
    result = await conn.execute(insert(messages).values(**values))
    return {"id": result.inserted_primary_key[0], **values}, True  # type: ignore[index]


async def after(conn: AsyncConnection, session_id: str, after_seq: int,
                limit: int) -> list[RowMapping]:
    stmt = (select(messages).where(messages.c.session_id == session_id,
                                   messages.c.seq > after_seq)
            .order_by(messages.c.seq).limit(limit))
    return list((await conn.execute(stmt)).mappings())


async def existing_batch(conn: AsyncConnection,
                         keys: list[tuple[str, str]]) -> dict[tuple[str, str], RowMapping]:
    """Messages already stored under these (session_id, client_msg_id) pairs."""
    if not keys:
        return {}
    result = await conn.execute(_EXISTING, {"keys": keys})
    return {(r["session_id"], r["client_msg_id"]): r for r in result.mappings()}


# Built once: SQLAlchemy's compiled cache is hit without constructing an IN list and its
# cache key per batch (at 500 msg/s from 100 visitors, building the writer's statements was a
# fifth of the server's CPU: bench/ab.py --profile). An expanding parameter takes the list.
_EXISTING = select(messages).where(tuple_(messages.c.session_id, messages.c.client_msg_id)
                                   .in_(bindparam("keys", expanding=True)))


async def lock_sessions(conn: AsyncConnection,
                        session_ids: list[str]) -> dict[str, Mapping[str, Any]]:
    """Lock the sessions' rows (in id order, so concurrent writers cannot deadlock) and read
    what sending checks and seq allocation need."""
    if not session_ids:  # every send of the batch was stored before
        return {}
    ids = sorted(session_ids)
    rows = await fetch(conn, _lock(conn.dialect, len(ids)),
                       {f"id{i}": sid for i, sid in enumerate(ids)})
    return {r["id"]: r for r in rows}


# The writer's statements (every message runs them) are built once per size, run on
# MariaDB's driver (db/driver.py) and through SQLAlchemy on SQLite.
@prepared
def _lock(n: int) -> Any:
    return (select(sessions.c.id, sessions.c.widget_id, sessions.c.status,
                   sessions.c.assigned_agent_id, sessions.c.ai_mode, sessions.c.last_seq,
                   sessions.c.first_agent_reply_at, sessions.c.offline_email,
                   sessions.c.visitor_email, sessions.c.mailed_seq)
            .where(sessions.c.id.in_([bindparam(f"id{i}") for i in range(n)]))
            .order_by(sessions.c.id).with_for_update())


async def insert_batch(conn: AsyncConnection, rows: list[dict[str, Any]],
                       last_seqs: dict[str, int], agent_replied: set[str],
                       now: datetime, *, commit: bool = False) -> list[int]:
    """Insert messages whose seqs were allocated from the locked sessions' last_seq, move
    those sessions' last_seq forward in one statement, and return the new ids in order.
    Both statements go to MariaDB in one round trip, with the transaction's COMMIT if
    `commit` (the caller has nothing more to write in it)."""
    if not rows:
        return []
    agents = sorted(agent_replied)
    moved: dict[str, Any] = {"now": now}
    for i, (sid, seq) in enumerate(last_seqs.items()):
        moved[f"id{i}"], moved[f"seq{i}"] = sid, seq
    moved.update({f"a{i}": sid for i, sid in enumerate(agents)})
    # The driver takes the JSON column's value encoded, as SQLAlchemy's type would ("null" too).
    on_driver = driver_connection(conn) is not None
    inserted: dict[str, Any] = {}
    for i, row in enumerate(rows):
        inserted.update({f"{name}{i}": row[name] for name in _INSERTED})
        inserted[f"meta{i}"] = json.dumps(row["meta"]) if on_driver else row["meta"]
    new = await fetch_last(conn, [(_move_seqs(conn.dialect, len(last_seqs), len(agents)), moved),
                                  (_insert(conn.dialect, len(rows)), inserted)], commit=commit)
    # By the (session, seq) each row was given: no reliance on RETURNING's order.
    ids = {(r["session_id"], r["seq"]): int(r["id"]) for r in new}
    return [ids[(row["session_id"], row["seq"])] for row in rows]


_INSERTED = ("session_id", "seq", "client_msg_id", "sender_type", "sender_id", "sender_name",
             "text", "created_at")


@prepared
def _insert(n: int) -> Any:
    values: list[dict[str, Any]] = [
        {name: bindparam(f"{name}{i}") for name in (*_INSERTED, "meta")} for i in range(n)]
    return (insert(messages).values(values)
            .returning(messages.c.id, messages.c.session_id, messages.c.seq))


@prepared
def _move_seqs(n: int, agents: int) -> Any:
    """Move n sessions' last_seq forward, and note the first reply of `agents` of them."""
    now: Any = bindparam("now", type_=sessions.c.last_activity_at.type)
    ids: list[Any] = [bindparam(f"id{i}") for i in range(n)]
    values: dict[str, Any] = {
        "last_seq": case({ids[i]: bindparam(f"seq{i}") for i in range(n)},
                         value=sessions.c.id, else_=sessions.c.last_seq),
        "last_activity_at": now,
    }
    if agents:
        values["first_agent_reply_at"] = _first_reply([f"a{i}" for i in range(agents)], now)
    return update(sessions).where(sessions.c.id.in_(ids)).values(**values)


def _first_reply(replied: list[str], now: Any) -> Any:
    """first_agent_reply_at: now for the sessions (parameters `replied`) that have none."""
    return case((sessions.c.id.in_([bindparam(name) for name in replied])
                 & sessions.c.first_agent_reply_at.is_(None), now),
                else_=sessions.c.first_agent_reply_at)


async def write_common(conn: AsyncConnection, groups: list[tuple[str, list[dict[str, Any]]]],
                       now: datetime) -> tuple[dict[str, Mapping[str, Any]], list[Any]]:
    """A batch of new text messages in one round trip on MariaDB's driver, with its COMMIT:
    the sessions locked and read (as `lock_sessions`), then each session's messages inserted
    with the seqs after its last_seq and that last_seq moved forward, both only where the
    session takes them (the checks of `sends.check_can_send` for its senders, in SQL). A
    session that does not take them gets neither: it is written nowhere and the caller
    writes its messages another way. `groups`: each session's new rows in order (without
    seq). Returns the locked sessions by id and the inserted rows' (id, session_id, seq).

    The statements depend on the numbers of rows and sessions only (each session's checks
    are parameters), so that a few compiled statements serve every batch."""
    ids = sorted(sid for sid, _rows in groups)
    params: dict[str, Any] = {f"id{i}": sid for i, sid in enumerate(ids)}
    params.update({f"ended{i}": str(status) for i, status in enumerate(ENDED)}, now=now)
    i = agent_sessions = 0
    for j, (sid, rows) in enumerate(groups):
        agents = {r["sender_id"] for r in rows if r["sender_type"] == "agent"}
        # Two agents writing in one session cannot both be its assignee: no user is -1.
        agent = (agents.pop() if len(agents) == 1 else -1) if agents else None
        ai = any(r["sender_type"] == "ai" for r in rows)
        params.update({f"s{j}": sid, f"n{j}": len(rows), f"agent{j}": agent, f"ai{j}": ai})
        if agent is not None:
            params[f"replied{agent_sessions}"] = sid
            agent_sessions += 1
        for k, row in enumerate(rows, 1):
            params.update({f"{name}{i}": row[name] for name in _SELECTED})
            params[f"meta{i}"] = json.dumps(row["meta"])  # encoded, as insert_batch's
            params.update({f"session{i}": sid, f"k{i}": k, f"agent_of{i}": agent,
                           f"ai_of{i}": ai})
            i += 1
    locked, new, _moved = await fetch_each(
        conn, [(_lock(conn.dialect, len(ids)), params), (_insert_taken(conn.dialect, i), params),
               (_move_taken(conn.dialect, len(groups), agent_sessions), params)], commit=True)
    return {r["id"]: r for r in locked}, new


# What a row brings beyond its session and seq.
_SELECTED = (*_INSERTED[2:], "meta")


def _takes(agent: str, ai: str) -> Any:
    """A session takes its messages: `sends.check_can_send` in SQL. It is open, assigned to
    the agent who writes in it (parameter `agent`, None if none does), and owned by the AI
    if the AI writes in it (parameter `ai`)."""
    return and_(sessions.c.status.not_in([bindparam(f"ended{e}") for e in range(len(ENDED))]),
                or_(bindparam(agent).is_(None),
                    sessions.c.assigned_agent_id == bindparam(agent)),
                or_(bindparam(ai).is_(False), sessions.c.ai_mode.is_(True)))


@prepared
def _insert_taken(n: int) -> Any:
    """n rows, each with the seq k after its session's last_seq, selected only from a
    session that takes its messages."""
    selects = [select(sessions.c.id, sessions.c.last_seq + bindparam(f"k{i}"),
                      *(bindparam(f"{name}{i}") for name in _SELECTED))
               .where(sessions.c.id == bindparam(f"session{i}"),
                      _takes(f"agent_of{i}", f"ai_of{i}"))
               for i in range(n)]
    source = union_all(*selects) if n > 1 else selects[0]
    return (insert(messages).from_select(["session_id", "seq", *_SELECTED], source)
            .returning(messages.c.id, messages.c.session_id, messages.c.seq))


@prepared
def _move_taken(n: int, agent_sessions: int) -> Any:
    """The last_seq of each of n sessions that took its rows moved past them (and the first
    reply of each of `agent_sessions` noted)."""
    now: Any = bindparam("now", type_=sessions.c.last_activity_at.type)
    values: dict[str, Any] = {
        "last_seq": case(*((sessions.c.id == bindparam(f"s{j}"),
                            sessions.c.last_seq + bindparam(f"n{j}")) for j in range(n)),
                         else_=sessions.c.last_seq),
        "last_activity_at": now,
    }
    if agent_sessions:
        values["first_agent_reply_at"] = _first_reply(
            [f"replied{m}" for m in range(agent_sessions)], now)
    # The sessions by their key (an OR of each session's checks was scanned whole by
    # MariaDB from ~40 sessions on), then each one's checks.
    ids: list[Any] = [bindparam(f"s{j}") for j in range(n)]
    takes = case(*((sessions.c.id == ids[j], _takes(f"agent{j}", f"ai{j}")) for j in range(n)),
                 else_=false())
    return update(sessions).where(sessions.c.id.in_(ids), takes).values(**values)


async def count_since(conn: AsyncConnection, session_id: str, client_msg_id_prefix: str,
                      since: datetime) -> int:
    """Messages of the session whose client_msg_id starts with the prefix, stored since then
    (replies by email: ``mail-``). The (session_id, client_msg_id) key serves the prefix."""
    stmt = select(func.count()).select_from(messages).where(
        messages.c.session_id == session_id,
        messages.c.client_msg_id.startswith(client_msg_id_prefix, autoescape=True),
        messages.c.created_at >= since)
    return int((await conn.execute(stmt)).scalar_one())
