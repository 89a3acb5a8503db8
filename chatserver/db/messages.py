"""SQL for messages: per-session seq allocated in the inserting transaction, dedupe by
client_msg_id."""

from __future__ import annotations

import functools
import json
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, insert, literal, select, tuple_, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.driver import driver_connection, execute, fetch, prepared
from chatserver.db.schema import messages, sessions, uploads


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
    if len(keys) == 1:  # the common batch (see _ONE_SESSION_SEQ)
        result = await conn.execute(_ONE_EXISTING, {"sid": keys[0][0], "cid": keys[0][1]})
    else:
        result = await conn.execute(_EXISTING, {"keys": keys})
    return {(r["session_id"], r["client_msg_id"]): r for r in result.mappings()}


# The writer's statements are built once, whatever the batch: SQLAlchemy's compiled cache is
# hit without constructing an IN list, a CASE and their cache keys per batch (at 500 msg/s
# from 100 visitors, building them was a fifth of the server's CPU: bench/ab.py --profile).
# An expanding parameter takes the batch's list at execution.
_ONE_EXISTING = select(messages).where(messages.c.session_id == bindparam("sid"),
                                       messages.c.client_msg_id == bindparam("cid"))
_EXISTING = select(messages).where(tuple_(messages.c.session_id, messages.c.client_msg_id)
                                   .in_(bindparam("keys", expanding=True)))


async def lock_sessions(conn: AsyncConnection, session_ids: list[str]) -> dict[str, RowMapping]:
    """Lock the sessions' rows (in id order, so concurrent writers cannot deadlock) and read
    what sending checks and seq allocation need."""
    if not session_ids:  # every send of the batch was stored before
        return {}
    driver = driver_connection(conn)
    if driver is not None:
        ids = sorted(session_ids)
        rows: Any = await fetch(conn, driver, _lock_on_driver(conn.dialect, len(ids)),
                                {f"id{i}": sid for i, sid in enumerate(ids)})
    elif len(session_ids) == 1:
        rows = (await conn.execute(_LOCK_ONE, {"sid": session_ids[0]})).mappings()
    else:
        rows = (await conn.execute(_LOCK_MANY, {"ids": sorted(session_ids)})).mappings()
    return {r["id"]: r for r in rows}


_LOCKED = select(sessions.c.id, sessions.c.widget_id, sessions.c.status,
                 sessions.c.assigned_agent_id, sessions.c.ai_mode, sessions.c.last_seq,
                 sessions.c.first_agent_reply_at, sessions.c.offline_email,
                 sessions.c.visitor_email, sessions.c.mailed_seq)
_LOCK_ONE = _LOCKED.where(sessions.c.id == bindparam("sid")).with_for_update()
_LOCK_MANY = (_LOCKED.where(sessions.c.id.in_(bindparam("ids", expanding=True)))
              .order_by(sessions.c.id).with_for_update())


@prepared
def _lock_on_driver(n: int) -> Any:
    return (_LOCKED.where(sessions.c.id.in_([bindparam(f"id{i}") for i in range(n)]))
            .order_by(sessions.c.id).with_for_update())


async def insert_batch(conn: AsyncConnection, rows: list[dict[str, Any]],
                       last_seqs: dict[str, int], agent_replied: set[str],
                       now: datetime) -> list[int]:
    """Insert messages whose seqs were allocated from the locked sessions' last_seq, move
    those sessions' last_seq forward in one statement, and return the new ids in order."""
    if not rows:
        return []
    driver = driver_connection(conn)
    if driver is not None:
        return await _insert_on_driver(conn, driver, rows, last_seqs, agent_replied, now)
    if len(last_seqs) == 1 and not agent_replied:  # the common batch: one statement, cached
        ((sid, seq),) = last_seqs.items()
        await conn.execute(_ONE_SESSION_SEQ, {"sid": sid, "seq": seq, "now": now})
    else:
        await _move_seqs(conn, last_seqs, agent_replied, now)
    result = await conn.execute(_INSERT, rows)
    return [int(r[0]) for r in result.all()]


async def _insert_on_driver(conn: AsyncConnection, driver: Any, rows: list[dict[str, Any]],
                            last_seqs: dict[str, int], agent_replied: set[str],
                            now: datetime) -> list[int]:
    """insert_batch's two statements on the driver (db/driver.py)."""
    agents = sorted(agent_replied)
    await execute(conn, driver, _seqs_update_on_driver(conn.dialect, len(last_seqs), len(agents)),
                  {**_seq_params(last_seqs), **{f"a{i}": sid for i, sid in enumerate(agents)},
                   "now": now})
    params: dict[str, Any] = {}
    for i, row in enumerate(rows):
        params.update({f"{name}{i}": row[name] for name in _INSERTED})
        params[f"meta{i}"] = json.dumps(row["meta"])  # as the JSON type stores it ("null" too)
    new = await fetch(conn, driver, _insert_on_driver_stmt(conn.dialect, len(rows)), params)
    # By the (session, seq) each row was given: no reliance on RETURNING's order.
    ids = {(r["session_id"], r["seq"]): int(r["id"]) for r in new}
    return [ids[(row["session_id"], row["seq"])] for row in rows]


def _seq_params(last_seqs: dict[str, int]) -> dict[str, Any]:
    params: dict[str, Any] = {f"id{i}": sid for i, sid in enumerate(last_seqs)}
    params.update({f"seq{i}": seq for i, seq in enumerate(last_seqs.values())})
    return params


_INSERTED = ("session_id", "seq", "client_msg_id", "sender_type", "sender_id", "sender_name",
             "text", "created_at")


@prepared
def _insert_on_driver_stmt(n: int) -> Any:
    values: list[dict[str, Any]] = [
        {name: bindparam(f"{name}{i}") for name in (*_INSERTED, "meta")} for i in range(n)]
    return (insert(messages).values(values)
            .returning(messages.c.id, messages.c.session_id, messages.c.seq))


@prepared
def _seqs_update_on_driver(n: int, agents: int) -> Any:
    """As _seqs_update, its lists as one parameter each (the driver has no expanding ones)."""
    now: Any = bindparam("now")
    ids: list[Any] = [bindparam(f"id{i}") for i in range(n)]
    values: dict[str, Any] = {
        "last_seq": case({ids[i]: bindparam(f"seq{i}") for i in range(n)},
                         value=sessions.c.id, else_=sessions.c.last_seq),
        "last_activity_at": now,
    }
    if agents:
        values["first_agent_reply_at"] = case(
            (sessions.c.id.in_([bindparam(f"a{i}") for i in range(agents)])
             & sessions.c.first_agent_reply_at.is_(None), now),
            else_=sessions.c.first_agent_reply_at)
    return update(sessions).where(sessions.c.id.in_(ids)).values(**values)


_INSERT = insert(messages).returning(messages.c.id, sort_by_parameter_order=True)
_ONE_SESSION_SEQ = (update(sessions).where(sessions.c.id == bindparam("sid"))
                    .values(last_seq=bindparam("seq"), last_activity_at=bindparam("now")))


async def _move_seqs(conn: AsyncConnection, last_seqs: dict[str, int], agent_replied: set[str],
                     now: datetime) -> None:
    params = _seq_params(last_seqs)
    params.update(ids=list(last_seqs), agents=sorted(agent_replied), now=now)
    await conn.execute(_seqs_update(len(last_seqs), bool(agent_replied)), params)


@functools.lru_cache(maxsize=64)
def _seqs_update(sessions_n: int, agent_replied: bool) -> Any:
    """Move `sessions_n` sessions' last_seq forward (and note an agent's first reply) in one
    statement; one built per size, its values given as parameters."""
    now = bindparam("now", type_=sessions.c.last_activity_at.type)
    values: dict[str, Any] = {
        "last_seq": case({bindparam(f"id{i}", type_=sessions.c.id.type):
                          bindparam(f"seq{i}", type_=sessions.c.last_seq.type)
                          for i in range(sessions_n)},
                         value=sessions.c.id, else_=sessions.c.last_seq),
        "last_activity_at": now,
    }
    if agent_replied:
        values["first_agent_reply_at"] = case(
            (sessions.c.id.in_(bindparam("agents", expanding=True))
             & sessions.c.first_agent_reply_at.is_(None), now),
            else_=sessions.c.first_agent_reply_at)
    return (update(sessions).where(sessions.c.id.in_(bindparam("ids", expanding=True)))
            .values(**values))


async def count_since(conn: AsyncConnection, session_id: str, client_msg_id_prefix: str,
                      since: datetime) -> int:
    """Messages of the session whose client_msg_id starts with the prefix, stored since then
    (replies by email: ``mail-``). The (session_id, client_msg_id) key serves the prefix."""
    stmt = select(func.count()).select_from(messages).where(
        messages.c.session_id == session_id,
        messages.c.client_msg_id.startswith(client_msg_id_prefix, autoescape=True),
        messages.c.created_at >= since)
    return int((await conn.execute(stmt)).scalar_one())
