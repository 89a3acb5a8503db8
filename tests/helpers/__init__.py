"""Helpers every suite shares, one module per thing they hold: waiting (wait), the JSON
client (api), users (accounts), tokens, socket clients (sockets), a widget with agents (world),
servers in subprocesses (procs), MariaDB, Redis, the fake AI provider, the browser harness.
Test modules import from here, never from each other or from a conftest; skip_or_fail is
here."""

from __future__ import annotations

import os

import pytest


def on_ci() -> bool:
    """CI sets CI=true; there a test that needs a real service fails instead of skipping."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_or_fail(reason: str) -> None:
    """Skip on a developer's machine, fail on CI, where nothing may be skipped silently."""
    if on_ci():
        pytest.fail(f"{reason} (CI=true: required, not skipped)", pytrace=False)
    pytest.skip(reason)
