"""The suite's database: its name, emptied between tests, dropped before a run."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from chatserver.db.schema import messages, metadata


def database_name(url: str) -> str:
    parsed = make_url(url)
    name = parsed.database or ""
    return Path(name).stem if parsed.get_backend_name() == "sqlite" else name


async def drop_everything(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.drop_all)
            await conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        await engine.dispose()


async def clear_tables(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                await conn.execute(delete(table))
    finally:
        await engine.dispose()


async def stored_messages(db_url: str, session_id: str) -> dict[int, str]:
    """The stored messages of a session: seq -> client_msg_id."""
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(
                select(messages.c.seq, messages.c.client_msg_id)
                .where(messages.c.session_id == session_id).order_by(messages.c.seq))).all()
    finally:
        await engine.dispose()
    return {seq: cid for seq, cid in rows}
