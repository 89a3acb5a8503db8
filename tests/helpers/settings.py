"""The settings of a test server: the suite's database, a fixed secret key, fast bcrypt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chatserver.config import Settings

TEST_SECRET = "test-secret-key-" + "x" * 32


def make_settings(db_url: str, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db_url, "data_dir": str(data_dir), "secret_key": TEST_SECRET,
        "bcrypt_rounds": 4, "port": 0, "ai_provider": "offline",
    }
    values.update(overrides)
    return Settings(**values)
