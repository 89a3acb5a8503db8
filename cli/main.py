"""chatctl: a click group. Every option can also come from the environment (PARLEY_*)."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any, TypeVar

import click
from rich.console import Console

from chatserver import __version__
from chatserver.config import Settings, ensure_secret_key, load_settings
from chatserver.context import Context
from chatserver.errors import ParleyError

T = TypeVar("T")
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


class CliState:
    def __init__(self, database_url: str | None) -> None:
        self.database_url = database_url
        self._settings: Settings | None = None
        self.sources: dict[str, str] = {}

    def settings(self, **overrides: Any) -> Settings:
        if self._settings is None or overrides:
            settings, self.sources = load_settings(
                overrides={"database_url": self.database_url, **overrides})
            self._settings = settings
        return self._settings


def fail(message: str, code: int = 1) -> None:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    sys.exit(code)


def run_async(fn: Callable[..., Coroutine[Any, Any, T]]) -> Callable[..., T]:
    """Run an async command body; turn our errors into one line and exit status 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        try:
            return asyncio.run(fn(*args, **kwargs))
        except ParleyError as exc:
            detail = "; ".join(f"{k} {v}" for k, v in exc.fields.items())
            fail(exc.message + (f" ({detail})" if detail and detail not in exc.message else ""))
        except OSError as exc:
            fail(str(exc))
        raise AssertionError("unreachable")

    return wrapper


async def with_context(state: CliState, body: Callable[[Context], Awaitable[T]]) -> T:
    """Open a Context (settings + engine) for one command, and close it after."""
    ctx = Context.create(state.settings())
    try:
        return await body(ctx)
    except Exception as exc:
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            raise ParleyError(f"database error: {_db_error(exc)}", code="database_error") from None
        raise
    finally:
        await ctx.close()


def _db_error(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    args = getattr(orig, "args", ())
    if len(args) >= 2 and isinstance(args[0], int):
        return str(args[1])
    return str(orig).splitlines()[0] if str(orig) else type(orig).__name__


pass_state = click.make_pass_decorator(CliState)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "PARLEY"})
@click.version_option(__version__, prog_name="chatctl")
@click.option("--database-url", envvar="PARLEY_DATABASE_URL", metavar="URL",
              help="Database URL (default: PARLEY_DATABASE_URL, else SQLite in the data directory).")
@click.pass_context
def cli(click_ctx: click.Context, database_url: str | None) -> None:
    """Parley operator's tool: serve, migrate, manage users and widgets, stats."""
    click_ctx.obj = CliState(database_url)


@cli.command()
@click.option("--host", help="Address to listen on (overrides PARLEY_HOST).")
@click.option("--port", type=int, help="Port to listen on (overrides PARLEY_PORT).")
@click.option("--autoreload", is_flag=True, help="Restart when source files change (development).")
@pass_state
def serve(state: CliState, host: str | None, port: int | None, autoreload: bool) -> None:
    """Run the chat server until SIGTERM or Ctrl-C, then shut down gracefully."""
    from chatserver.logs import setup_logging
    from chatserver.server import serve as serve_forever

    try:
        settings = ensure_secret_key(state.settings(host=host, port=port))
    except ParleyError as exc:
        fail(exc.message)
        return
    setup_logging(settings.log_format, settings.log_level)
    if autoreload:
        import tornado.autoreload

        tornado.autoreload.start()
    try:
        asyncio.run(serve_forever(settings))
    except OSError as exc:
        fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        pass


@cli.group()
def db() -> None:
    """Database schema and maintenance."""


@db.command()
@click.argument("revision", default="head")
@pass_state
def upgrade(state: CliState, revision: str) -> None:
    """Upgrade the schema to REVISION (default: head)."""
    from chatserver.db import migrate

    url = _url(state)
    _migrate(lambda: migrate.upgrade(url, revision))
    console.print(f"database at [bold]{revision}[/]")


@db.command()
@click.argument("revision")
@pass_state
def downgrade(state: CliState, revision: str) -> None:
    """Downgrade the schema to REVISION ('base' removes every table)."""
    from chatserver.db import migrate

    url = _url(state)
    _migrate(lambda: migrate.downgrade(url, revision))
    console.print(f"database at [bold]{revision}[/]")


@db.command()
@pass_state
def current(state: CliState) -> None:
    """Show the schema revision the database is at."""
    from chatserver.db import migrate

    url = _url(state)
    rev = _migrate(lambda: asyncio.run(migrate.current(url)))
    head = migrate.head_revision()
    note = " (head)" if rev == head else f" (head is {head})"
    console.print(f"{rev or 'empty (no schema)'}{note}")


@db.command()
def history() -> None:
    """List the migrations, newest first."""
    from chatserver.db import migrate

    for rev, down, doc in migrate.history():
        console.print(f"{down or '<base>'} -> [bold]{rev}[/]  {doc}", highlight=False)


def _url(state: CliState) -> str:
    try:
        return state.settings().effective_database_url
    except ParleyError as exc:
        fail(exc.message)
        raise AssertionError("unreachable") from None


def _migrate(action: Callable[[], T]) -> T:
    from sqlalchemy.exc import DBAPIError

    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        return action()
    except ParleyError as exc:
        fail(exc.message)
    except DBAPIError as exc:
        fail(f"database error: {_db_error(exc)}")
    except Exception as exc:  # alembic's CommandError and friends: one line, no traceback
        fail(f"{type(exc).__name__}: {exc}")
    raise AssertionError("unreachable")


def main() -> None:
    cli(prog_name="chatctl")


if __name__ == "__main__":
    main()
