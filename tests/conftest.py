"""Shared fixtures: a real database (SQLite by default, MariaDB by PARLEY_TEST_DATABASE_URL),
a real Tornado server on port 0 and a small JSON client for it."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import tornado.ioloop
import tornado.web
from sqlalchemy.engine import make_url

from chatserver.app import make_app, open_context
from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import migrate
from chatserver.realtime.handlers import close_all
from chatserver.services.assistant import AIRunner
from chatserver.tasks import drain
from tests.helpers.accounts import register
from tests.helpers.api import Api
from tests.helpers.chatctl import Chatctl, chatctl_env
from tests.helpers.database import clear_tables, database_name, drop_everything
from tests.helpers.fake_openai import fake_openai  # noqa: F401 - a fixture for every test
from tests.helpers.settings import make_settings
from tests.helpers.smtp import outbox_sender, smtp_sink  # noqa: F401 - fixtures for every test
from tests.helpers.world import World

# Suites whose outcome does not depend on which database the server uses (browsers, nginx,
# containers, packaging, the fuzzer, the fault harness with its own mariadbd, the import
# graph, the AI's evaluation set): marked `once`, so CI runs them on MariaDB only.
ONCE = ("tests/browser/", "tests/ai/test_eval_socket.py", "tests/ops/test_nginx.py",
        "tests/ops/test_containers.py",
        "tests/ops/test_systemd.py", "tests/test_packaging.py", "tests/api/test_schemathesis.py",
        "tests/security/browser/", "tests/reliability/test_faults.py",
        "tests/test_import_graph.py", "tests/test_test_layout.py")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = Path(str(config.rootpath))
    for item in items:
        path = Path(str(item.path)).relative_to(root).as_posix()
        if path.startswith(ONCE):
            item.add_marker(pytest.mark.once)


@pytest.fixture(scope="session", autouse=True)
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database, migrated to head once per run. Refuses any name not ending in _test.

    Autouse, so it runs before any test's event loop exists: asyncio.run() here would
    otherwise unset that loop."""
    url = os.environ.get("PARLEY_TEST_DATABASE_URL") or \
        f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'parley_test.db'}"
    if not database_name(url).endswith("_test"):
        pytest.exit(f"refusing to run on a database whose name does not end in _test: {url}",
                    returncode=2)
    asyncio.run(drop_everything(url))
    migrate.upgrade(url)
    return url


@pytest.fixture
def is_mariadb(db_url: str) -> bool:
    return make_url(db_url).get_backend_name() == "mysql"


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


@pytest.fixture
def api(http_server_client: Any) -> Api:
    return Api(http_server_client)


@pytest.fixture
def make_world(api: Api) -> Iterator[Callable[..., Awaitable[World]]]:
    """make_world(**widget) -> a widget (AI off unless asked) with the agent "alice"."""
    worlds: list[World] = []

    async def build(**widget: Any) -> World:
        admin = (await register(api, "root"))["token"]
        w = (await api.post("/api/widgets", {"business_name": "Acme", "ai_enabled": False,
                                              **widget},
                            token=admin)).json["widget"]
        world = World(api=api, admin=admin, key=w["site_key"])
        await world.add_agent("alice")
        worlds.append(world)
        return world

    yield build
    for world in worlds:
        for ws in world.sockets:
            ws.close()


@pytest.fixture
def chatctl(db_url: str, tmp_path: Path) -> Chatctl:
    """`chatctl` in-process on the suite's database, cleared first."""
    asyncio.run(clear_tables(db_url))
    return Chatctl(env=chatctl_env(db_url, tmp_path))
