"""The settings of a test server: the suite's database, a fixed secret key, fast bcrypt, and
no web page fetched but from the addresses a test allowlists (nothing leaves 127.0.0.0/8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chatserver.config import Settings

TEST_SECRET = "test-secret-key-" + "x" * 32


def make_settings(db_url: str, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db_url, "data_dir": str(data_dir), "secret_key": TEST_SECRET,
        "bcrypt_rounds": 4, "port": 0, "ai_provider": "offline", "fetch_only_allowed": True,
    }
    values.update(overrides)
    return Settings(**values)
