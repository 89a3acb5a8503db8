"""The upload tests run against both storage backends: local disk and S3 (moto_server)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.s3 import moto_server  # noqa: F401 - fixture


@pytest.fixture(params=["local", "s3"], autouse=True)
def backend(request: pytest.FixtureRequest) -> str:
    """Every test here runs once per backend (autouse puts it in each test's parameters)."""
    return str(request.param)


@pytest.fixture
def settings_overrides(backend: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    if backend == "s3":
        return dict(request.getfixturevalue("moto_server").settings())
    return {}
