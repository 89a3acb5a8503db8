"""The outbox's sender: every serving process runs one. It claims due rows with a lease (so
several processes never send one row at once), builds each email from the database as it is
now, delivers it, and marks the row: sent, skipped (nothing left to send), pending again
with a back-off (the SMTP server was down or said 4xx, or the builder failed), or failed (a
5xx answer, or PARLEY_MAIL_MAX_ATTEMPTS used up).

Invariant: a row is claimed just before its delivery starts, and the whole attempt (build,
connect, TLS, auth, send) must finish within `attempt_budget_s`, which is shorter than the
lease by LEASE_MARGIN_S. So no other sender takes a row while an attempt on it can still
send; a process that dies holding a lease delays its rows by at most `lease_s`.

The one window where an email can go out twice: the SMTP server accepted it and the process
died (or the database went away) before the row was marked sent. The row's lease then runs
out and a sender delivers it again, with the same Message-ID, which lets mail clients show
it once.

Rows enqueued by this process are found by the next poll (every `interval_s`, 1 s in a
server): no hook on the chat path, one indexed query per second per process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import secrets
import socket
from datetime import timedelta

from sqlalchemy.engine import RowMapping

from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import outbox as db
from chatserver.mail.smtp import DeliveryError, send
from chatserver.outage import is_unavailable, outage_log
from chatserver.services.mail_kinds import BUILDERS, Outgoing
from chatserver.timeutil import utcnow

log = logging.getLogger(__name__)

# Due rows read per query; the sender goes on at once while it finds a full batch.
BATCH = 50
# Emails in flight at once per process: SMTP servers and relays limit the connections of
# one client (providers often to about 10), and a few at once already fill a relay's queue.
CONCURRENCY = 4
# An attempt may take this many PARLEY_SMTP_TIMEOUT_S in all (the builder, connect, TLS,
# auth, the envelope and the data each wait up to one timeout, rarely all at once).
ATTEMPT_TIMEOUTS = 4
# A lease outlives its attempt's budget by this much: the clocks of the machines sharing the
# queue may differ by this much without two senders holding one row.
LEASE_MARGIN_S = 30.0
# The longest back-off between attempts, and the random part of each (plus or minus 20 %),
# so rows that failed together (an SMTP outage) do not all come back in the same second.
MAX_BACKOFF_S = 3600.0
JITTER = 0.2
# On shutdown, emails being delivered get this long to finish before they are cut off.
STOP_WAIT_S = 5.0


def backoff_s(base_s: float, attempts: int, rand: float | None = None) -> float:
    """Wait before attempt `attempts + 1`: about base, 2 x base, 4 x base, ... up to an hour,
    each plus or minus JITTER (`rand` in [0, 1) picks where; random when None)."""
    delay = min(base_s * 2.0 ** max(attempts - 1, 0), MAX_BACKOFF_S)
    r = random.random() if rand is None else rand  # spreading retries, not a secret
    return float(delay * (1.0 - JITTER + 2.0 * JITTER * r))


def attempt_budget_s(settings: Settings) -> float:
    return settings.smtp_timeout_s * ATTEMPT_TIMEOUTS


def lease_s(settings: Settings) -> float:
    return attempt_budget_s(settings) + LEASE_MARGIN_S


class OutboxSender:
    def __init__(self, ctx: Context, interval_s: float = 1.0) -> None:
        self.ctx = ctx
        self.interval_s = interval_s
        self.owner = f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"
        self.task: asyncio.Task[None] | None = None
        self.wake = asyncio.Event()  # set it to look for due rows now
        self.stopping = False
        self._full = False  # the last round found a full batch: more may be due
        self.delivering: set[int] = set()  # ids of the rows being delivered now
        self.claims = 0

    def start(self) -> None:
        if self.ctx.settings.mail_enabled and self.task is None:
            self.stopping = False
            self.task = asyncio.ensure_future(self._loop())

    async def stop(self) -> None:
        """Let the emails being delivered finish (up to STOP_WAIT_S), claim nothing more."""
        if self.task is None:
            return
        self.stopping = True
        self.wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self.task), STOP_WAIT_S)
        except TimeoutError:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        self.task = None

    async def _loop(self) -> None:
        while not self.stopping:
            try:
                await self.run_once()
            except Exception as exc:  # never ends the loop: the next round tries again
                exc = _first(exc)
                if is_unavailable(exc):
                    outage_log("outbox", exc)
                else:
                    log.error("outbox round failed", exc_info=exc)
                self._full = False
            if self._full or self.stopping:
                continue
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.interval_s)

    async def run_once(self) -> int:
        """Deliver what is due now: up to BATCH rows, claimed and delivered CONCURRENCY at a
        time; how many rows this process claimed."""
        async with self.ctx.engine.connect() as conn:
            ids = await db.due_ids(conn, utcnow(), BATCH)
        self._full = len(ids) == BATCH
        claimed = 0
        for start in range(0, len(ids), CONCURRENCY):
            if self.stopping:
                break
            # Never a second attempt at a row this process is delivering, even when its
            # lease seems to have run out (the clock was stepped forward): the rows are
            # reserved here before the claim's await, so another round of this process
            # (run_once driven beside the loop) cannot claim them meanwhile.
            chunk = [i for i in ids[start:start + CONCURRENCY] if i not in self.delivering]
            self.delivering.update(chunk)
            rows: list[RowMapping] = []
            try:
                rows = await self._claim(chunk) if chunk else []
            finally:
                self.delivering.difference_update(set(chunk) - {r["id"] for r in rows})
            claimed += len(rows)
            async with asyncio.TaskGroup() as group:
                for row in rows:
                    group.create_task(self.deliver(row))
        return claimed

    async def _claim(self, ids: list[int]) -> list[RowMapping]:
        """Lease rows just before delivering them (at once: the lease covers one attempt);
        those that another sender has are left out."""
        now = utcnow()
        until = now + timedelta(seconds=lease_s(self.ctx.settings))
        self.claims += 1  # each claim its own lease owner: rows claimed earlier are not its
        async with self.ctx.engine.begin() as conn:
            return await db.claim_many(conn, ids, f"{self.owner}/{self.claims}", now, until)

    async def deliver(self, row: RowMapping) -> None:
        """One attempt at a claimed row, and its mark. Raises only when the database is
        unavailable (the row keeps its lease and is tried again when that runs out)."""
        self.delivering.add(row["id"])  # reserved by run_once already; a direct call too
        try:
            await self._deliver(row)
        finally:
            self.delivering.discard(row["id"])

    async def _deliver(self, row: RowMapping) -> None:
        attempts = row["attempts"] + 1
        budget = attempt_budget_s(self.ctx.settings)
        deadline = asyncio.timeout(budget)
        try:
            async with deadline:
                outgoing, answer = await self._attempt(row)
        except TimeoutError:
            if not deadline.expired():
                raise
            await self._failed(row, attempts, DeliveryError(
                f"no answer within {budget:g} s (PARLEY_SMTP_TIMEOUT_S x {ATTEMPT_TIMEOUTS})"))
            return
        except Exception as exc:
            await self._failed(row, attempts, exc)
            return
        status = "skipped" if outgoing is None else "sent"
        try:
            async with self.ctx.engine.begin() as conn:
                done = await db.finish(conn, row["id"], row["lease_owner"], status=status,
                                       attempts=attempts, sent_at=utcnow(), last_error=None)
                if done and outgoing is not None and outgoing.on_sent is not None:
                    await outgoing.on_sent(conn)
        except Exception as exc:
            if is_unavailable(exc):
                raise
            # The email went: mark it all the same, or it would go again and again.
            log.error("outbox %s (%s) sent, but what follows a delivery failed", row["id"],
                      row["kind"], exc_info=exc)
            async with self.ctx.engine.begin() as conn:
                done = await db.finish(conn, row["id"], row["lease_owner"], status=status,
                                       attempts=attempts, sent_at=utcnow(), last_error=None)
        if not done:
            log.warning("outbox %s (%s): lease lost before it was marked", row["id"], row["kind"])
        elif outgoing is not None:
            log.info("outbox %s (%s) sent: %s", row["id"], row["kind"], answer[:200])

    async def _attempt(self, row: RowMapping) -> tuple[Outgoing | None, str]:
        builder = BUILDERS.get(row["kind"])
        if builder is None:
            raise DeliveryError(f"no builder for kind {row['kind']!r}", permanent=True)
        outgoing = await builder(self.ctx, row)
        if outgoing is None:
            return None, ""
        del outgoing.message["Message-ID"]
        outgoing.message["Message-ID"] = row["message_id"]
        return outgoing, await send(self.ctx.settings, outgoing.message)

    async def _failed(self, row: RowMapping, attempts: int, exc: Exception) -> None:
        if is_unavailable(exc):
            raise exc
        settings = self.ctx.settings
        permanent = isinstance(exc, DeliveryError) and exc.permanent
        text = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, DeliveryError):
            log.warning("outbox %s (%s) could not be built", row["id"], row["kind"],
                        exc_info=exc)
        if permanent or attempts >= settings.mail_max_attempts:
            values: dict[str, object] = {"status": "failed"}
            log.warning("outbox %s (%s) failed after %d attempts: %s", row["id"], row["kind"],
                        attempts, text)
        else:
            wait = backoff_s(settings.mail_retry_base_s, attempts)
            values = {"due_at": utcnow() + timedelta(seconds=wait)}
            log.info("outbox %s (%s) attempt %d failed, next in %.0f s: %s", row["id"],
                     row["kind"], attempts, wait, text)
        async with self.ctx.engine.begin() as conn:
            await db.finish(conn, row["id"], row["lease_owner"], attempts=attempts,
                            last_error=text[:1000], **values)


def _first(exc: Exception) -> Exception:
    """The first real error of a round's task group."""
    while isinstance(exc, ExceptionGroup) and exc.exceptions:
        inner = exc.exceptions[0]
        if not isinstance(inner, Exception):
            break
        exc = inner
    return exc
