"""What /api/health reports: the database's state (checked with a short timeout) and the AI
provider's (from its last calls, never waiting on it)."""

from __future__ import annotations

import time
from typing import Any

from chatserver import __version__
from chatserver.context import Context
from chatserver.db.engine import check
from chatserver.services.assistant import AIRunner


async def report(ctx: Context, ai: AIRunner | None) -> tuple[bool, dict[str, Any]]:
    """(healthy, the report)."""
    db_ok = await check(ctx.engine)
    return db_ok, {
        "status": "ok" if db_ok else "unavailable",
        "version": __version__,
        "uptime_s": round(time.monotonic() - ctx.started_at, 1),
        "database": "ok" if db_ok else "down",
        "ai": ai.health() if ai is not None else None,
    }
