"""Alembic driven from Python, so `chatctl db …` works from an installed package too."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import create_async_engine

import migrations
from chatserver.db.engine import ensure_sqlite_dir, parse_url


def alembic_config(url: str) -> Config:
    parsed = parse_url(url)
    ensure_sqlite_dir(parsed)
    url = parsed.render_as_string(hide_password=False)
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations.__file__).parent))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    return script.get_current_head()


def history() -> list[tuple[str, str | None, str]]:
    """(revision, down_revision, message) from newest to oldest."""
    script = ScriptDirectory.from_config(alembic_config("sqlite+aiosqlite://"))
    return [(str(r.revision), r.down_revision if isinstance(r.down_revision, str | None) else
             ",".join(r.down_revision), r.doc or "") for r in script.walk_revisions()]


async def current(url: str) -> str | None:
    engine = create_async_engine(parse_url(url), poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda c: MigrationContext.configure(c).get_current_revision())
    finally:
        await engine.dispose()
