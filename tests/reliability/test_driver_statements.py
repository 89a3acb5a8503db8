"""The writer's statements run on MariaDB's driver itself (db/driver.py): its errors are the
ones SQLAlchemy's statements raise, so the outage handling and the writer's retries work the
same. A connection killed under a batch fails it as unavailable (invalidated, never returned
to the pool), and the next batch gets a new connection; a duplicate key is an IntegrityError."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pymysql  # type: ignore[import-untyped]
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from chatserver.db import messages as db
from chatserver.db.driver import driver_connection
from chatserver.db.engine import create_engine
from chatserver.outage import is_unavailable
from chatserver.timeutil import utcnow
from tests.helpers.settings import make_settings


def _kill(db_url: str, connection_id: int) -> None:
    u = make_url(db_url)
    with pymysql.connect(host=u.host, port=u.port or 3306, user=u.username,
                         password=u.password or "", database=u.database,
                         unix_socket=u.query.get("unix_socket")) as admin:  # the same account
        with admin.cursor() as cur:
            cur.execute(f"KILL {int(connection_id)}")


async def test_driver_errors_are_sqlalchemys_and_a_lost_connection_is_replaced(
        db_url: str, is_mariadb: bool, tmp_path: Path, make_world: Any) -> None:
    if not is_mariadb:
        pytest.skip("statements on MariaDB's driver (SQLite's go through SQLAlchemy)")
    sid = (await (await make_world()).session())["session_id"]
    engine = create_engine(make_settings(db_url, tmp_path / "data", db_pool_size=1))
    now = utcnow()
    row = {"session_id": sid, "seq": 1, "client_msg_id": "c-1", "sender_type": "visitor",
           "sender_id": None, "sender_name": None, "text": "hi", "meta": None,
           "created_at": now}
    try:
        async with engine.begin() as conn:
            assert driver_connection(conn) is not None  # the statements below are the driver's
            locked = await db.lock_sessions(conn, [sid])
            assert locked[sid]["last_seq"] == 0 and not locked[sid]["ai_mode"]
            [first_id] = await db.insert_batch(conn, [row], {sid: 1}, set(), now)
        # The same (session, client_msg_id) again: the unique key, as SQLAlchemy's error.
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await db.insert_batch(conn, [{**row, "seq": 2}], {sid: 2}, set(), now)

        # The server drops the connection under a batch: unavailable, and not pooled again.
        with pytest.raises(OperationalError) as lost:
            async with engine.begin() as conn:
                killed = int(await conn.scalar(text("SELECT CONNECTION_ID()")))
                _kill(db_url, killed)
                await db.lock_sessions(conn, [sid])
        assert lost.value.connection_invalidated and is_unavailable(lost.value)
        async with engine.begin() as conn:
            assert int(await conn.scalar(text("SELECT CONNECTION_ID()"))) != killed
            locked = await db.lock_sessions(conn, [sid])
            assert locked[sid]["last_seq"] == 1  # the first batch's, committed
            [second_id] = await db.insert_batch(conn, [{**row, "seq": 2, "client_msg_id": "c-2"}],
                                                {sid: 2}, {sid}, now)
        assert second_id > first_id
        async with engine.connect() as conn:
            got = (await conn.execute(text("SELECT last_seq, first_agent_reply_at FROM sessions "
                                           "WHERE id = :sid"), {"sid": sid})).one()
        assert got[0] == 2 and got[1] is not None
    finally:
        await engine.dispose()
