"""The outbox's sender: every serving process runs one. It claims due rows with a lease (so
several processes never send one row at once), builds each email from the database as it is
now, delivers it, and marks the row: sent, skipped (nothing left to send), pending again
with a back-off (the SMTP server was down or said 4xx), or failed (a 5xx answer, or
PARLEY_MAIL_MAX_ATTEMPTS used up).

The one window where an email can go out twice: the SMTP server accepted it and the process
died (or the database went away) before the row was marked sent. The row's lease then runs
out and another sender delivers it again, with the same Message-ID, which lets mail
clients show it once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from datetime import timedelta

from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import outbox as db
from chatserver.mail.smtp import DeliveryError, send
from chatserver.outage import is_unavailable, outage_log
from chatserver.services import digest, mail_team  # noqa: F401 - their builders join BUILDERS
from chatserver.services.mail_kinds import BUILDERS
from chatserver.timeutil import utcnow

log = logging.getLogger(__name__)

# Rows claimed per round; the longest back-off between attempts.
BATCH = 50
MAX_BACKOFF_S = 3600.0


def backoff_s(base_s: float, attempts: int) -> float:
    """Wait before attempt `attempts + 1`: base, 2 x base, 4 x base, ... up to an hour."""
    return float(min(base_s * 2.0 ** max(attempts - 1, 0), MAX_BACKOFF_S))


class OutboxSender:
    def __init__(self, ctx: Context, interval_s: float = 1.0) -> None:
        self.ctx = ctx
        self.interval_s = interval_s
        self.owner = f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"
        self.task: asyncio.Task[None] | None = None
        self.wake = asyncio.Event()

    def start(self) -> None:
        if self.ctx.settings.mail_enabled and self.task is None:
            self.task = asyncio.ensure_future(self._loop())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None

    async def _loop(self) -> None:
        while True:
            try:
                while await self.run_once() == BATCH:
                    pass
            except Exception as exc:  # the database is away: try again next round
                if is_unavailable(exc):
                    outage_log("outbox", exc)
                else:
                    log.exception("outbox round failed")
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.interval_s)

    async def run_once(self) -> int:
        """Deliver what is due now; how many rows this process claimed."""
        now = utcnow()
        lease = now + timedelta(seconds=self.ctx.settings.smtp_timeout_s * 4 + 60)
        async with self.ctx.engine.begin() as conn:
            ids = await db.due_ids(conn, now, BATCH)
        claimed = []
        for row_id in ids:
            async with self.ctx.engine.begin() as conn:
                if await db.claim(conn, row_id, self.owner, now, lease):
                    claimed.append(row_id)
        for row_id in claimed:
            async with self.ctx.engine.connect() as conn:
                row = await db.get(conn, row_id)
            if row is not None:
                await self.deliver(row)
        return len(claimed)

    async def deliver(self, row: RowMapping) -> None:
        settings = self.ctx.settings
        attempts = row["attempts"] + 1
        builder = BUILDERS.get(row["kind"])
        try:
            if builder is None:
                raise DeliveryError(f"no builder for kind {row['kind']!r}", permanent=True)
            outgoing = await builder(self.ctx, row)
            if outgoing is None:
                async with self.ctx.engine.begin() as conn:
                    await db.finish(conn, row["id"], self.owner, status="skipped",
                                    attempts=attempts, sent_at=utcnow())
                return
            outgoing.message["Message-ID"] = row["message_id"]
            answer = await send(settings, outgoing.message)
        except Exception as exc:
            await self._failed(row, attempts, exc)
            return
        async with self.ctx.engine.begin() as conn:
            if await db.finish(conn, row["id"], self.owner, status="sent", attempts=attempts,
                               sent_at=utcnow(), last_error=None) \
                    and outgoing.on_sent is not None:
                await outgoing.on_sent(conn)
        log.info("outbox %s (%s) sent: %s", row["id"], row["kind"], answer[:200])

    async def _failed(self, row: RowMapping, attempts: int, exc: Exception) -> None:
        if is_unavailable(exc):
            raise exc
        settings = self.ctx.settings
        permanent = isinstance(exc, DeliveryError) and exc.permanent
        text = str(exc) if isinstance(exc, DeliveryError) else f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, DeliveryError):
            log.error("outbox %s (%s) could not be built", row["id"], row["kind"], exc_info=exc)
        if permanent or attempts >= settings.mail_max_attempts:
            values: dict[str, object] = {"status": "failed"}
            log.warning("outbox %s (%s) failed after %d attempts: %s", row["id"], row["kind"],
                        attempts, text)
        else:
            values = {"due_at": utcnow() + timedelta(
                seconds=backoff_s(settings.mail_retry_base_s, attempts))}
        async with self.ctx.engine.begin() as conn:
            await db.finish(conn, row["id"], self.owner, attempts=attempts,
                            last_error=text[:1000], **values)
