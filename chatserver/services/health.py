"""What /api/health reports: the database's state (checked with a short timeout) and the AI
provider's (from its last calls, never waiting on it)."""

from __future__ import annotations

import time
from typing import Any

from chatserver import __version__
from chatserver.context import Context
from chatserver.db.engine import check


async def report(ctx: Context) -> tuple[bool, dict[str, Any]]:
    """(healthy, the report)."""
    db_ok = await check(ctx.engine)
    return db_ok, {
        "status": "ok" if db_ok else "unavailable",
        "version": __version__,
        "uptime_s": round(time.monotonic() - ctx.started_at, 1),
        "database": "ok" if db_ok else "down",
        "ai": ctx.ai.health() if ctx.ai is not None else None,
    }
