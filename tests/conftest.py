"""Shared fixtures: a real database (SQLite by default, MariaDB by PARLEY_TEST_DATABASE_URL),
a real Tornado server on port 0 and a small JSON client for it."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tornado.httpclient
import tornado.ioloop
import tornado.web
from sqlalchemy import delete
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from chatserver.app import make_app, open_context
from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import migrate
from chatserver.db.schema import metadata
from chatserver.realtime.handlers import close_all
from chatserver.services.assistant import AIRunner
from chatserver.tasks import drain

TEST_SECRET = "test-secret-key-" + "x" * 32

# Suites whose outcome does not depend on which database the server uses (browsers, nginx,
# containers, packaging, the fuzzer, the fault harness with its own mariadbd, the import
# graph): marked `once`, so CI runs them on MariaDB only.
ONCE = ("tests/browser/", "tests/ops/test_nginx.py", "tests/ops/test_containers.py",
        "tests/ops/test_systemd.py", "tests/test_packaging.py", "tests/api/test_schemathesis.py",
        "tests/security/browser/", "tests/reliability/test_faults.py",
        "tests/test_import_graph.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(str(config.rootpath))
    for item in items:
        path = Path(str(item.path)).relative_to(root).as_posix()
        if path.startswith(ONCE):
            item.add_marker(pytest.mark.once)


def _database_name(url: str) -> str:
    parsed = make_url(url)
    name = parsed.database or ""
    return Path(name).stem if parsed.get_backend_name() == "sqlite" else name


@pytest.fixture(scope="session", autouse=True)
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database, migrated to head once per run. Refuses any name not ending in _test.

    Autouse, so it runs before any test's event loop exists: asyncio.run() here would
    otherwise unset that loop."""
    url = os.environ.get("PARLEY_TEST_DATABASE_URL") or \
        f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'parley_test.db'}"
    if not _database_name(url).endswith("_test"):
        pytest.exit(f"refusing to run on a database whose name does not end in _test: {url}",
                    returncode=2)
    asyncio.run(_drop_everything(url))
    migrate.upgrade(url)
    return url


async def _drop_everything(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(metadata.drop_all)
            await conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    finally:
        await engine.dispose()


async def clear_tables(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                await conn.execute(delete(table))
    finally:
        await engine.dispose()


@pytest.fixture
def is_mariadb(db_url: str) -> bool:
    return make_url(db_url).get_backend_name() == "mysql"


def make_settings(db_url: str, data_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": db_url, "data_dir": str(data_dir), "secret_key": TEST_SECRET,
        "bcrypt_rounds": 4, "port": 0, "ai_provider": "offline",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Override in a test module to change settings for its server."""
    return {}


@pytest.fixture
def settings(db_url: str, tmp_path: Path, settings_overrides: dict[str, Any]) -> Settings:
    return make_settings(db_url, tmp_path / "data", **settings_overrides)


@pytest.fixture
def ai_runner(settings: Settings) -> AIRunner:
    """The test server's AI (the ctx fixture closes it, before the context)."""
    return AIRunner(settings)


@pytest.fixture
def ctx(io_loop: tornado.ioloop.IOLoop, settings: Settings,
        ai_runner: AIRunner) -> Iterator[Context]:
    io_loop.run_sync(lambda: clear_tables(settings.database_url))
    context = open_context(settings, ai_runner)
    yield context
    io_loop.run_sync(ai_runner.close)
    io_loop.run_sync(context.close)


@pytest.fixture
def app(io_loop: tornado.ioloop.IOLoop, ctx: Context,
        ai_runner: AIRunner) -> Iterator[tornado.web.Application]:
    application = make_app(ctx, ai_runner)
    yield application

    async def stop() -> None:
        close_all(application.settings["registry"])
        for _ in range(3):
            await asyncio.sleep(0.01)
            await drain()

    io_loop.run_sync(stop)


class Response:
    def __init__(self, resp: tornado.httpclient.HTTPResponse) -> None:
        self.code = resp.code
        self.headers = resp.headers
        self.body = resp.body or b""
        try:
            self.json: Any = json.loads(self.body) if self.body else None
        except ValueError:
            self.json = None

    @property
    def error_code(self) -> str | None:
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            code: str = self.json["error"]["code"]
            return code
        return None

    def __repr__(self) -> str:
        return f"<Response {self.code} {self.body[:300]!r}>"


class Api:
    """A JSON client for the test server: `await api.post(path, json=…, token=…)`."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.token: str | None = None

    def url(self, path: str) -> str:
        return str(self.client.get_url(path))

    async def request(self, method: str, path: str, *, json_body: Any = None,
                      body: bytes | str | None = None, token: str | None = None,
                      headers: dict[str, str] | None = None) -> Response:
        hdrs = dict(headers or {})
        tok = token if token is not None else self.token
        if tok:
            hdrs["Authorization"] = f"Bearer {tok}"
        if json_body is not None:
            body = json.dumps(json_body)
            hdrs.setdefault("Content-Type", "application/json")
        if body is None and method in ("POST", "PUT", "PATCH"):
            body = b""
        resp = await self.client.fetch(path, method=method, body=body, headers=hdrs,
                                       raise_error=False, allow_nonstandard_methods=True)
        return Response(resp)

    async def get(self, path: str, **kw: Any) -> Response:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, json: Any = None, **kw: Any) -> Response:
        return await self.request("POST", path, json_body=json, **kw)

    async def put(self, path: str, json: Any = None, **kw: Any) -> Response:
        return await self.request("PUT", path, json_body=json, **kw)

    async def delete(self, path: str, **kw: Any) -> Response:
        return await self.request("DELETE", path, **kw)


@pytest.fixture
def api(http_server_client: Any) -> Api:
    return Api(http_server_client)
