"""Group reads of the sessions visitor sockets open: the opens that arrive while a read is in
flight share the next one, one query for up to MAX_READ sessions. A lone open costs what it
did (one query); a restart whose visitors all come back at once costs a query per few hundred
sockets rather than a pool checkout and a query each, which queued on the pool until the
sockets timed out and came back again (bench/storm.py, docs/performance.md).

A read never joins a query already sent: each socket asks after it follows its session, so
what the read returns is at least as new as the follow (services/history.open_for_visitor).
"""

from __future__ import annotations

import asyncio
from itertools import islice

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from chatserver.db import sessions as sessions_db
from chatserver.tasks import spawn

# Sessions per query at most: large enough that a storm of reconnects needs few queries,
# small enough to keep each one short (its IN list and result).
MAX_READ = 500


class SessionReads:
    """One per process (the Context holds it)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.pending: dict[str, list[asyncio.Future[RowMapping | None]]] = {}
        self.running = False
        self.queries = 0  # for tests: how many queries the reads took

    async def for_visitor_socket(self, session_id: str) -> RowMapping | None:
        """Its row of `sessions_db.for_visitor_sockets`, read with whichever opens come with it."""
        future: asyncio.Future[RowMapping | None] = asyncio.get_running_loop().create_future()
        self.pending.setdefault(session_id, []).append(future)
        if not self.running:
            self.running = True
            spawn(self._run())
        return await future

    async def _run(self) -> None:
        try:
            while self.pending:
                batch = {sid: self.pending.pop(sid) for sid in list(islice(self.pending,
                                                                          MAX_READ))}
                self.queries += 1
                try:
                    async with self.engine.connect() as conn:
                        rows = await sessions_db.for_visitor_sockets(conn, list(batch))
                except Exception as exc:
                    for futures in batch.values():
                        for f in futures:
                            if not f.done():
                                f.set_exception(exc)
                    continue
                for sid, futures in batch.items():
                    for f in futures:
                        if not f.done():  # cancelled: its socket closed meanwhile
                            f.set_result(rows.get(sid))
        finally:
            self.running = False
