"""`chatctl` run in-process (click's CliRunner) with a test environment."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from cli.main import cli
from tests.helpers.accounts import PASSWORD


def chatctl_env(db_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment of a `chatctl` on ``db_url`` with its data under ``tmp_path``."""
    return {
        "PARLEY_DATABASE_URL": db_url,
        "PARLEY_DATA_DIR": str(tmp_path / "data"),
        "PARLEY_BCRYPT_ROUNDS": "4",
        # No stray .env from the working directory, and wide tables so values are whole.
        "PARLEY_ENV_FILE": str(tmp_path / "no.env"),
        "COLUMNS": "200",
    }


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
        result = self.ok("user", "create", "--username", username,
                         "--email", f"{username}@example.com", "--role", role,
                         "--password-stdin", "--json", input=password + "\n")
        user: dict[str, Any] = json.loads(result.stdout)
        return user
