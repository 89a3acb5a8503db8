"""Group commit for chat messages: sends that arrive while a transaction is in flight share
the next one, so a process writes thousands of durable messages a second instead of one
fsync per message.

Each send waits for its batch's commit before it is acknowledged (nothing is acked before it
is durable). One batch is in flight at a time per process, which also keeps each session's
messages committed and published in the order they were sent.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chatserver.config import Settings
from chatserver.db import messages as db
from chatserver.db import uploads as uploads_db
from chatserver.db.driver import driver_connection
from chatserver.errors import ParleyError
from chatserver.services.reply_batch import has_email, queue_batch
from chatserver.services.sends import (
    Send,
    check_can_send,
    check_repeat,
    check_repeat_files,
    claim_files,
    hide_foreign,
)
from chatserver.tasks import spawn
from chatserver.timeutil import utcnow

log = logging.getLogger(__name__)

# Sends per transaction at most: large enough to amortise the commit, small enough to keep
# a batch's statements short.
MAX_BATCH = 200

# Batches of up to this many messages are written in one round trip (`_one_packet`); larger
# ones in two, where one more costs little per message (the one packet's insert, a UNION of
# a SELECT per row, took 8 ms alone at 100 rows, the whole two-round-trip batch 6 ms).
ONE_PACKET_MAX = 4

# On MariaDB the writer keeps a pooled connection while sends come, and gives it back after
# this long without a batch (or once it is older than the pool's recycle age).
HOLD_S = 1.0


class _CheckStored(Exception):
    """A batch written without looking for stored copies must be written with the look."""


class MessageWriter:
    """One per process (the Context holds it): batches are per database engine."""

    def __init__(self, engine: AsyncEngine, settings: Settings) -> None:
        self.engine = engine
        self.settings = settings
        self.pending: list[Send] = []
        self.running = False
        # MariaDB: the connection the common batch is written on (`_write_held`).
        self.on_driver = engine.dialect.name != "sqlite"  # as db/driver.py's
        self.held: AsyncConnection | None = None
        self.held_since = self.used_at = 0.0
        self.release_timer: asyncio.TimerHandle | None = None

    async def submit(self, send: Send) -> tuple[dict[str, Any], bool]:
        """Store a message (or find its earlier copy): (row, created), once committed."""
        self.pending.append(send)
        if not self.running:
            self.running = True
            spawn(self._run())
        return await send.future

    async def _run(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
                try:
                    try:
                        if not self._common(batch):
                            await self._write(batch, check_stored=False)
                        elif refused := await self._write_held(batch):
                            await self._write(refused, check_stored=True)
                    except (IntegrityError, _CheckStored):
                        # One of them may have been stored before (a resend after a
                        # reconnect): the batch again, each looked for among the stored.
                        await self._write(batch, check_stored=True)
                except IntegrityError:
                    # Another process stored one of these client_msg_ids meanwhile: redo
                    # them one by one, so each finds its copy.
                    for send in batch:
                        if not send.future.done():
                            await self._write_one(send)
                except Exception as exc:
                    for send in batch:
                        if not send.future.done():
                            send.future.set_exception(exc)
        finally:
            self.running = False

    def _common(self, batch: list[Send]) -> bool:
        """On MariaDB, a batch of text messages that queues no email (no agent's reply where
        mail is on): all but a few."""
        return self.on_driver and not any(
            s.files or (s.sender_type == "agent" and self.settings.mail_enabled)
            for s in batch)

    async def _write_held(self, batch: list[Send]) -> list[Send]:
        """The common batch on the connection the writer holds, on MariaDB's driver and
        without SQLAlchemy's transaction. A checkout, a begin, a commit and a check-in
        through SQLAlchemy (a greenlet each) were ~40 % of a one-message batch's CPU
        (docs/performance.md, section 11).

        A batch of up to ONE_PACKET_MAX messages is one round trip (`_one_packet`); a larger
        one two: the sessions' lock, then the seq update, the insert and COMMIT in one
        packet. Returns the sends of sessions that did not take their messages (written
        nowhere), for the caller to write through `_write`, looking for stored copies. A
        refusal found after the lock, or a duplicate client_msg_id, rolls the batch back
        (_CheckStored, IntegrityError), to be written so too."""
        conn = await self._connection()
        now = utcnow()
        refused: list[Send] = []
        try:
            if len(batch) <= ONE_PACKET_MAX:
                plan, refused = await _one_packet(conn, batch, now)
            else:
                locked = await db.lock_sessions(conn, list({s.session_id for s in batch}))
                plan = await _plan(conn, batch, {}, locked, {}, now, check_stored=False)
                plan.stored(await db.insert_batch(conn, plan.rows, plan.changed,
                                                  plan.agent_replied, now, commit=True))
        except (IntegrityError, _CheckStored):
            await self._end(conn, rollback=True)
            raise
        except BaseException:
            await self._release(invalidate=True)  # it may be between a query and its answer
            raise
        plan.settle()
        return refused

    async def _connection(self) -> AsyncConnection:
        """The held connection; a pooled one taken if there is none (or it is too old)."""
        loop = asyncio.get_running_loop()
        self.used_at = now = loop.time()
        if self.held is not None and now - self.held_since > self.settings.db_pool_recycle_s:
            await self._release()
        if self.held is None:
            self.held = await self.engine.connect()
            self.held_since = now
            if self.release_timer is None:
                self.release_timer = loop.call_later(HOLD_S, self._release_when_idle)
        return self.held

    async def _end(self, conn: AsyncConnection, *, rollback: bool) -> None:
        """End the held connection's transaction if one is open (the driver knows)."""
        driver = driver_connection(conn)
        assert driver is not None  # MariaDB's
        try:
            await (driver.rollback() if rollback else driver.commit())
        except Exception:
            await self._release(invalidate=True)
            raise

    def _release_when_idle(self) -> None:
        loop = asyncio.get_running_loop()
        idle = loop.time() - self.used_at
        if self.held is not None and (self.running or idle < HOLD_S):
            self.release_timer = loop.call_later(HOLD_S - idle if idle < HOLD_S else HOLD_S,
                                                 self._release_when_idle)
            return
        self.release_timer = None
        if self.held is not None:
            spawn(self._release())

    async def _release(self, invalidate: bool = False) -> None:
        conn, self.held = self.held, None
        if conn is not None:
            if invalidate:
                await conn.invalidate()
            await conn.close()

    async def close(self) -> None:
        """Give the held connection back (the process is stopping; no send is waiting)."""
        if self.release_timer is not None:
            self.release_timer.cancel()
            self.release_timer = None
        await self._release()

    async def _write_one(self, send: Send) -> None:
        try:
            await self._write([send], check_stored=True)
        except Exception as exc:
            if not send.future.done():
                send.future.set_exception(exc)

    async def _write(self, batch: list[Send], *, check_stored: bool) -> None:
        """Store the batch in one transaction. Without `check_stored` no statement looks
        for messages already stored under the batch's client_msg_ids (a resend is rare, and
        this is a statement fewer of four or five per batch): the unique key refuses one with
        an IntegrityError, and a send that would be refused (its session closed since, its
        files claimed: by its own stored copy?) raises _CheckStored; either way the caller
        writes the batch again with the check."""
        now = utcnow()
        async with self.engine.begin() as conn:
            found = await db.existing_batch(conn, sorted({(s.session_id, s.client_msg_id)
                                                          for s in batch})) \
                if check_stored else {}
            fresh = [s for s in batch if (s.session_id, s.client_msg_id) not in found]
            locked = await db.lock_sessions(conn, list({s.session_id for s in fresh}))
            # Only a batch with files reads uploads: a text message costs no statement more.
            wanted = [f for s in fresh if s.files for f in s.files]
            uploads = await uploads_db.lock_for_message(conn, wanted) if wanted else {}
            plan = await _plan(conn, batch, found, locked, uploads, now, check_stored)
            # An agent's reply to a visitor who gave an email: their next email batch (in
            # this transaction, so the row exists exactly when the message does).
            mailed = [sid for sid in sorted(plan.agent_replied)
                      if self.settings.mail_enabled and has_email(locked[sid])]
            # With no files to link and no email batch to queue, the insert's round trip
            # commits too.
            ids = await db.insert_batch(conn, plan.rows, plan.changed, plan.agent_replied,
                                        now, commit=not wanted and not mailed)
            await uploads_db.link(conn, plan.stored(ids))
            for sid in mailed:
                await queue_batch(conn, self.settings, session_id=sid,
                                  widget_id=locked[sid]["widget_id"],
                                  mailed_seq=locked[sid]["mailed_seq"], first_at=now)
        plan.settle()


class _Plan:
    """What a batch writes, and what each send gets once it is committed."""

    def __init__(self) -> None:
        self.results: list[tuple[Send, dict[str, Any] | ParleyError, bool]] = []
        self.rows: list[dict[str, Any]] = []
        self.changed: dict[str, int] = {}  # session -> its new last_seq
        self.agent_replied: set[str] = set()

    def stored(self, ids: list[int]) -> dict[str, int]:
        """Give the rows their new ids; the upload ids to link to them."""
        links: dict[str, int] = {}
        for row, new_id in zip(self.rows, ids, strict=True):
            row["id"] = new_id
            for f in (row["meta"] or {}).get("files") or ():
                links[f["id"]] = new_id
        return links

    def settle(self) -> None:
        for send, outcome, created in self.results:
            if send.future.done():
                continue
            if isinstance(outcome, ParleyError):
                send.future.set_exception(outcome)
            else:
                send.future.set_result((outcome, created))


async def _one_packet(conn: AsyncConnection, batch: list[Send],
                      now: Any) -> tuple[_Plan, list[Send]]:
    """A small batch in one round trip: the sessions' lock, the insert, the seq update and
    COMMIT in one packet, the checks of `check_can_send` in SQL (`db.write_common`); the
    lock's round trip before the insert was ~8 % of a one-message batch's CPU
    (docs/performance.md, section 12). The plan of what was stored (from the locked rows,
    as for any batch), and the sends of the sessions that stored nothing."""
    groups: dict[str, dict[str, dict[str, Any]]] = {}  # session -> client_msg_id -> row
    for send in batch:
        groups.setdefault(send.session_id, {}).setdefault(send.client_msg_id, {
            "client_msg_id": send.client_msg_id, "sender_type": send.sender_type,
            "sender_id": send.sender_id, "sender_name": send.sender_name,
            "text": send.text, "meta": send.meta, "created_at": now})
    locked, new = await db.write_common(
        conn, [(sid, list(rows.values())) for sid, rows in groups.items()], now)
    taken = {row["session_id"] for row in new}
    plan = await _plan(conn, [s for s in batch if s.session_id in taken], {}, locked, {}, now,
                       check_stored=False)
    ids = {(row["session_id"], row["seq"]): int(row["id"]) for row in new}
    # The seqs the statements gave are the ones the checks on the locked rows give.
    plan.stored([ids.pop((row["session_id"], row["seq"])) for row in plan.rows])
    if ids:
        raise RuntimeError(f"the writer's statements stored rows it did not plan: {ids}")
    return plan, [s for s in batch if s.session_id not in taken]


async def _plan(conn: AsyncConnection, batch: list[Send],
                found: dict[tuple[str, str], Any], locked: dict[str, Any],
                uploads: dict[str, Any], now: Any, check_stored: bool) -> _Plan:
    """Each send's row (its seq from its locked session's) or why it is refused; raises
    _CheckStored for a refusal without `check_stored` (see MessageWriter._write)."""
    plan = _Plan()
    last_seq = {sid: row["last_seq"] for sid, row in locked.items()}
    claimed: set[str] = set()
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for send in batch:
        key = (send.session_id, send.client_msg_id)
        if key in found:
            repeat_error = check_repeat(found[key], send) or (
                check_repeat_files(found[key], send) if send.files else None)
            plan.results.append((send, repeat_error or dict(found[key]), False))
            continue
        if key in seen:  # the same message twice in one batch: one row
            plan.results.append((send, seen[key], False))
            continue
        error = check_can_send(locked.get(send.session_id), send)
        if error is not None:
            if not check_stored:
                raise _CheckStored
            if error.code == "not_assigned" and send.actor is not None:
                error = await hide_foreign(conn, locked[send.session_id], send.actor, error)
            plan.results.append((send, error, False))
            continue
        meta = send.meta
        if send.files:
            files = claim_files(send, uploads, claimed)
            if isinstance(files, ParleyError):
                if not check_stored:
                    raise _CheckStored
                plan.results.append((send, files, False))
                continue
            meta = {**(meta or {}), "files": files}
        last_seq[send.session_id] += 1
        row = {"session_id": send.session_id, "seq": last_seq[send.session_id],
               "client_msg_id": send.client_msg_id, "sender_type": send.sender_type,
               "sender_id": send.sender_id, "sender_name": send.sender_name,
               "text": send.text, "meta": meta, "created_at": now}
        if send.sender_type == "agent":
            plan.agent_replied.add(send.session_id)
        session = locked[send.session_id]
        send.ai_turn = bool(session["ai_mode"]) and session["status"] == "active"
        plan.rows.append(row)
        seen[key] = row
        plan.results.append((send, row, True))
    plan.changed = {sid: seq for sid, seq in last_seq.items()
                    if seq != locked[sid]["last_seq"]}
    return plan
