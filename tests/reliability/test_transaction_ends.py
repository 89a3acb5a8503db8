"""MariaDB's connections send ROLLBACK only to an open transaction, as the server's status
tells (db/engine.py `MariaDBConnection`): no ROLLBACK when the pool takes
back a committed connection, and one whenever a transaction may be open, after an error too."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.util import greenlet_spawn

from chatserver.context import Context
from chatserver.db import engine as engine_mod
from chatserver.db import sessions as sessions_db
from chatserver.db.engine import create_engine
from chatserver.db.schema import outbox, sessions
from chatserver.services.sends import Send
from chatserver.services.writer import MessageWriter
from tests.helpers.settings import make_settings


@pytest.fixture
def sent(monkeypatch: Any) -> list[str]:
    """The statements every MariaDB connection sends."""
    seen: list[str] = []
    original = engine_mod.MariaDBConnection._execute_command

    async def spy(self: Any, command: int, sql: str | bytes) -> Any:
        seen.append(sql if isinstance(sql, str) else sql.decode())
        return await original(self, command, sql)

    monkeypatch.setattr(engine_mod.MariaDBConnection, "_execute_command", spy)
    return seen


def _ends(sent: list[str]) -> list[str]:
    return [s for s in sent if s in ("COMMIT", "ROLLBACK")]


async def test_rollback_is_sent_exactly_to_open_transactions(
        db_url: str, is_mariadb: bool, tmp_path: Path, sent: list[str]) -> None:
    if not is_mariadb:
        pytest.skip("MariaDB's driver (SQLite runs through aiosqlite)")
    engine = create_engine(make_settings(db_url, tmp_path / "data", db_pool_size=1))
    in_transaction = text("SELECT @@in_transaction")  # the server's own answer
    try:
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TEMPORARY TABLE t (k INT PRIMARY KEY)"))
        sent.clear()
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t VALUES (1)"))
        assert _ends(sent) == ["COMMIT"]  # no ROLLBACK when the pool took it back

        # The first statement of a transaction fails: no status came with the error, so the
        # transaction may be open (InnoDB keeps the duplicate's lock): rolled back.
        sent.clear()
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO t VALUES (1)"))
        assert _ends(sent) == ["ROLLBACK"]

        # A connection handed back with its transaction open (the driver's own statements):
        # the pool's reset rolls it back.
        sent.clear()
        raw = await engine.raw_connection()
        cursor = raw.driver_connection.cursor()
        await cursor.execute("SELECT k FROM t WHERE k = 1 FOR UPDATE")
        await cursor.close()
        await greenlet_spawn(raw.close)
        assert _ends(sent) == ["ROLLBACK"]
        async with engine.connect() as conn:
            assert await conn.scalar(in_transaction) == 0
            # A read opens a transaction too (a snapshot): its close rolls it back.
            sent.clear()
            assert await conn.scalar(text("SELECT COUNT(*) FROM t")) == 1
            assert await conn.scalar(in_transaction) == 1
        assert _ends(sent) == ["ROLLBACK"]
    finally:
        await engine.dispose()


async def test_a_message_batch_is_one_round_trip_and_one_queueing_an_email_four(
        make_world: Any, ctx: Context, is_mariadb: bool, sent: list[str]) -> None:
    """The session's lock, the insert, its seq update and COMMIT in one packet. Where an
    email batch is queued (an agent's reply to a visitor who gave an email), the general
    path: the lock, the update and insert, the email's row, COMMIT. Either way the message
    is stored and acked."""
    if not is_mariadb:
        pytest.skip("MariaDB's driver (SQLite runs through aiosqlite)")
    world = await make_world()
    agent = await world.add_agent("ada")
    sid = (await world.session())["session_id"]
    sent.clear()
    row, created = await ctx.writer.submit(Send(session_id=sid, client_msg_id="v-1",
                                                sender_type="visitor", text="hi"))
    assert created and row["seq"] == 1
    assert len(sent) == 1, sent
    statements = sent[0].split(";\n")
    assert [s.split()[0] for s in statements] == ["SELECT", "INSERT", "UPDATE", "COMMIT"]

    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions).where(sessions.c.id == sid).values(
            status="assigned", assigned_agent_id=agent["id"],
            visitor_email="visitor@example.com"))
    mailing = MessageWriter(ctx.engine, replace(ctx.settings, smtp_host="127.0.0.1"))
    sent.clear()
    row, created = await mailing.submit(Send(session_id=sid, client_msg_id="a-1",
                                             sender_type="agent", sender_id=agent["id"],
                                             text="hello"))
    assert created and row["seq"] == 2
    assert len(sent) == 4, sent  # the lock, the update and insert, the email's row, COMMIT
    assert not sent[1].endswith("COMMIT") and "INTO outbox" in sent[2]
    assert sent[3] == "COMMIT"
    async with ctx.engine.connect() as conn:
        queued = await conn.scalar(select(func.count()).select_from(outbox)
                                   .where(outbox.c.session_id == sid))
        assert await sessions_db.last_seq(conn, sid) == 2
    assert queued == 1
