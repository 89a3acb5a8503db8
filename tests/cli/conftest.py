"""Fixtures for chatctl tests: a CliRunner on the suite's database, cleared before each test.

CLI commands run their own event loop (asyncio.run), so these tests are plain sync tests and
never use the tornado io_loop fixture.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymysql
import pytest
from click.testing import CliRunner, Result
from sqlalchemy.engine import make_url

from cli.main import cli
from tests.conftest import clear_tables

PASSWORD = "correct-horse-battery"


@dataclass
class Chatctl:
    """Runs `chatctl ARGS…` in-process with the test environment."""

    env: dict[str, str]
    runner: CliRunner = field(default_factory=CliRunner)

    def __call__(self, *args: str, input: str | None = None,
                 env: dict[str, str] | None = None) -> Result:
        return self.runner.invoke(cli, list(args), input=input, env={**self.env, **(env or {})},
                                  prog_name="chatctl")

    def ok(self, *args: str, **kw: Any) -> Result:
        """Run and insist on exit 0."""
        result = self(*args, **kw)
        assert result.exit_code == 0, (
            f"chatctl {' '.join(args)} exited {result.exit_code}\n{result.output}"
            f"{result.exception!r}")
        return result

    def fails(self, *args: str, message: str, code: int = 1, **kw: Any) -> Result:
        """Run and insist on a clean failure: the exit code, the message, no traceback."""
        result = self(*args, **kw)
        assert result.exit_code == code, (result.exit_code, result.output, result.exception)
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        assert message in result.stderr, result.output
        assert "Traceback" not in result.output
        return result

    def create_user(self, username: str, role: str = "agent", *,
                    password: str = PASSWORD) -> dict[str, Any]:
        import json

        result = self.ok("user", "create", "--username", username,
                         "--email", f"{username}@example.com", "--role", role,
                         "--password-stdin", "--json", input=password + "\n")
        user: dict[str, Any] = json.loads(result.stdout)
        return user


@pytest.fixture
def chatctl(db_url: str, tmp_path: Path) -> Chatctl:
    asyncio.run(clear_tables(db_url))
    return Chatctl(env={
        "PARLEY_DATABASE_URL": db_url,
        "PARLEY_DATA_DIR": str(tmp_path / "data"),
        "PARLEY_BCRYPT_ROUNDS": "4",
        # No stray .env from the working directory, and wide tables so values are whole.
        "PARLEY_ENV_FILE": str(tmp_path / "no.env"),
        "COLUMNS": "200",
    })


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
