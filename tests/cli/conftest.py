"""Fixtures for chatctl tests (the `chatctl` fixture itself, a CliRunner on the suite's database
cleared before each test, is in tests/conftest.py: tests/ops uses it too).

CLI commands run their own event loop (asyncio.run), so these tests are plain sync tests and
never use the tornado io_loop fixture.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pymysql
import pytest
from sqlalchemy.engine import make_url


@pytest.fixture
def empty_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own (same server as the suite's), for migration commands."""
    if make_url(db_url).get_backend_name() != "mysql":
        yield f"sqlite+aiosqlite:///{tmp_path / 'parley_cli_test.db'}"
        return
    url = make_url(db_url)
    name = f"parley_cli_{secrets.token_hex(4)}_test"
    conn = pymysql.connect(host=url.host or "127.0.0.1", port=url.port or 3306,
                           user=url.username or "root", password=url.password or "",
                           autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        conn.close()
