"""Retention per widget: conversations that ended (closed or abandoned) more than the widget's
``retention_days`` ago are erased, in batches, with the visitor erasure's routine
(services/privacy.py). Run by every serving process's sweeper (realtime/sweeper.py) at most
every RUN_EVERY_S, and once by ``chatctl privacy retention``. Several processes may run it at
once: a session is claimed in the erasing transaction, so each is erased once.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from chatserver.context import Context
from chatserver.db import privacy as db
from chatserver.services.audit import SYSTEM, record
from chatserver.services.privacy import AUDIT_IDS_MAX, erase_sessions
from chatserver.timeutil import utcnow

log = logging.getLogger(__name__)

BATCH = 100
RUN_EVERY_S = 600.0
# One run erases at most this many batches per widget; the next run goes on.
MAX_BATCHES = 50


async def run(ctx: Context, *, dry_run: bool = False, batch: int = BATCH) -> dict[str, Any]:
    """Erase (or, dry, count) every widget's expired conversations; per widget figures."""
    now = utcnow()
    async with ctx.engine.connect() as conn:
        widgets = await db.retention_widgets(conn)
    report: list[dict[str, Any]] = []
    for w in widgets:
        cutoff = now - timedelta(days=int(w["retention_days"]))
        if dry_run:
            async with ctx.engine.connect() as conn:
                n = await db.count_expired(conn, w["id"], cutoff)
            report.append({"widget": w["site_key"], "retention_days": w["retention_days"],
                           "sessions": n})
            continue
        erased: list[str] = []
        totals: dict[str, int] = {}
        for _ in range(MAX_BATCHES):
            async with ctx.engine.connect() as conn:
                ids = await db.expired_ids(conn, w["id"], cutoff, batch)
            if not ids:
                break
            counts, mine = await erase_sessions(ctx, ids)
            erased += mine
            for k, v in counts.items():
                totals[k] = totals.get(k, 0) + v
        if erased:
            totals["sessions"] = len(erased)
            async with ctx.engine.begin() as conn:
                await record(conn, SYSTEM, "retention.erase", "widget", w["site_key"],
                             {"retention_days": w["retention_days"],
                              "sessions": erased[:AUDIT_IDS_MAX], "counts": totals})
            log.info("retention: %d conversations of widget %s erased", len(erased),
                     w["site_key"])
        report.append({"widget": w["site_key"], "retention_days": w["retention_days"],
                       "sessions": len(erased)})
    return {"dry_run": dry_run, "widgets": report,
            "sessions": sum(r["sessions"] for r in report)}


class RetentionTimer:
    """Runs retention from the sweeper, at most every RUN_EVERY_S (the first sweep runs it)."""

    def __init__(self, ctx: Context, every_s: float = RUN_EVERY_S) -> None:
        self.ctx = ctx
        self.every_s = every_s
        self.next_at = 0.0

    async def run(self) -> None:
        if time.monotonic() < self.next_at:
            return
        self.next_at = time.monotonic() + self.every_s
        await run(self.ctx)
