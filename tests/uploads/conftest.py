"""The upload tests run against both storage backends: local disk and S3 (moto_server).

A module that serves requests says ``pytestmark = pytest.mark.usefixtures("backend")`` (each
test then runs once per backend); ``extra`` (parametrized indirectly) adds settings."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.s3 import moto_server  # noqa: F401 - fixture


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def extra(request: pytest.FixtureRequest) -> dict[str, Any]:
    return dict(getattr(request, "param", {}))


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest, extra: dict[str, Any]) -> dict[str, Any]:
    backend = request.getfixturevalue("backend") if "backend" in request.fixturenames else "local"
    if backend == "s3":
        return {**request.getfixturevalue("moto_server").settings(), **extra}
    return extra
