"""Fixtures for operations tests: Redis (shared server, private prefix)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.redis_servers import PrivateRedis, delete_prefix, shared_redis_or_skip, unique_prefix


@pytest.fixture
def redis_url() -> str:
    return shared_redis_or_skip()


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    prefix = unique_prefix()
    yield prefix
    delete_prefix(redis_url, prefix)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.close()
