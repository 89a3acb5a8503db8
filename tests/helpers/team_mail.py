"""For the tests of the team's emails (tests/mail/test_team_*.py): the test clock put back,
an agent's notification choices, and the outbox's rows once the due ones are settled."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db.schema import outbox
from chatserver.timeutil import reset_clock, utcnow
from tests.helpers.api import Api


@pytest.fixture
def clock() -> Iterator[None]:
    """Tests that move the clock put it back, before and after."""
    reset_clock()
    yield
    reset_clock()


async def choose(api: Api, token: str, **notifications: bool) -> dict[str, bool]:
    resp = await api.put("/api/auth/me/settings", {"notifications": notifications}, token=token)
    assert resp.code == 200, resp
    return resp.json["settings"]["notifications"]  # type: ignore[no-any-return]


async def rows(ctx: Context, kind: str | None = None) -> list[RowMapping]:
    stmt = select(outbox).order_by(outbox.c.id)
    if kind:
        stmt = stmt.where(outbox.c.kind == kind)
    async with ctx.engine.connect() as conn:
        return list((await conn.execute(stmt)).mappings())


async def settled(ctx: Context, sender: Any, kind: str | None = None,
                  timeout: float = 20.0) -> list[RowMapping]:
    """The rows once every due one is sent, skipped or failed (the sender is driven too, so
    this does not wait for its next round)."""
    deadline = time.monotonic() + timeout
    while True:
        found = await rows(ctx, kind)
        now = utcnow()
        if all(r["status"] != "pending" or r["due_at"] > now for r in found):
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"outbox rows still pending: {found}")
        await asyncio.wait_for(sender.run_once(), timeout)
        await asyncio.sleep(0.01)
