"""What every chatctl command shares: settings, consoles, and turning errors into one line.

A command's body is a coroutine that gets an open :class:`Context` (``@uses_context``) or
opens one itself (``run_async`` + ``with_context``). Either way an error reaches the user as
one line on stderr and a non-zero exit status, never as a traceback (``--traceback`` shows
one for an unexpected error, for bug reports).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Coroutine
from functools import wraps
from typing import Any, Concatenate, NoReturn, ParamSpec, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from chatserver.ai import embedding
from chatserver.config import Settings, load_settings
from chatserver.context import Context
from chatserver.errors import ParleyError

T = TypeVar("T")
P = ParamSpec("P")

# Exit statuses: 1 for an error the command reports, 2 for a usage error (click's own).
EXIT_ERROR = 1


def out() -> Console:
    """A console on stdout, made per use so it follows the stream and terminal in effect."""
    return Console(soft_wrap=True)


def err() -> Console:
    return Console(stderr=True, soft_wrap=True)


class CliState:
    """Per-invocation state: the global options and the settings they lead to."""

    def __init__(self, database_url: str | None = None, traceback: bool = False) -> None:
        self.database_url = database_url
        self.traceback = traceback
        self._settings: Settings | None = None
        self.sources: dict[str, str] = {}

    def settings(self, **overrides: Any) -> Settings:
        """Settings from the environment, .env and the options given (None = not given)."""
        if self._settings is None or overrides:
            settings, self.sources = load_settings(
                overrides={"database_url": self.database_url, **overrides})
            self._settings = settings
        return self._settings


pass_state = click.make_pass_decorator(CliState, ensure=True)


def current_state() -> CliState:
    click_ctx = click.get_current_context(silent=True)
    state = click_ctx.find_object(CliState) if click_ctx is not None else None
    return state if state is not None else CliState()


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print one error line on stderr and exit with `code`."""
    err().print(f"[bold red]error:[/] {escape(message)}", highlight=False, emoji=False)
    sys.exit(code)


def describe(exc: ParleyError) -> str:
    """One line: the message, then the fields it names that the message does not."""
    parts = [f"{k} {v}" for k, v in exc.fields.items() if f"{k} {v}" not in exc.message]
    return exc.message + (f": {'; '.join(parts)}" if parts else "")


def db_error(exc: BaseException) -> str:
    """The driver's own words for a database error, without SQLAlchemy's statement dump."""
    orig = getattr(exc, "orig", None) or exc
    args: tuple[Any, ...] = tuple(getattr(orig, "args", ()))
    if len(args) >= 2 and isinstance(args[0], int):
        text = str(args[1])
    else:
        text = str(orig).splitlines()[0] if str(orig) else type(orig).__name__
    if "no such table" in text or "doesn't exist" in text:
        text += " (is the schema there? run: chatctl db upgrade)"
    return text


def guarded(action: Callable[[], T]) -> T:
    """Run `action`; report our errors, database errors and surprises as one line, exit 1."""
    try:
        return action()
    except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit,
            KeyboardInterrupt):
        raise
    except ParleyError as exc:
        fail(describe(exc))
    except DBAPIError as exc:
        fail(f"database error: {db_error(exc)}")
    except SQLAlchemyError as exc:
        fail(f"database error: {str(exc).splitlines()[0]}")
    except OSError as exc:
        fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
    except Exception as exc:
        if current_state().traceback:
            raise
        fail(f"unexpected {type(exc).__name__}: {exc} (run with --traceback for details)")


def run_async(fn: Callable[P, Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """Run an async command body to completion; errors become one line and exit status 1."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        return guarded(lambda: asyncio.run(fn(*args, **kwargs)))

    return wrapper


async def with_context(state: CliState, body: Callable[[Context], Awaitable[T]], *,
                       search: bool = False) -> T:
    """Open a Context (settings + engine) for one command, and close it after. `search`: with
    the embedding model, when PARLEY_AI_DENSE is on, to search knowledge bases as the server
    does (loading it takes a second, so only the commands that search ask for it)."""
    settings = state.settings()
    ctx = Context.create(settings, embedder=embedding.configured(settings.ai_dense)
                         if search else None)
    try:
        return await body(ctx)
    except DBAPIError as exc:
        raise ParleyError(f"database error: {db_error(exc)}", code="database_error") from None
    finally:
        await ctx.close()


def uses_context(fn: Callable[Concatenate[Context, P], Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """Decorator for a command whose async body takes an open Context as first argument."""
    return _in_context(fn, search=False)


def uses_search_context(
        fn: Callable[Concatenate[Context, P], Coroutine[Any, Any, T]]) -> Callable[P, T]:
    """`uses_context`, with the embedding model in the Context (see `with_context`)."""
    return _in_context(fn, search=True)


def _in_context(fn: Callable[Concatenate[Context, P], Coroutine[Any, Any, T]], *,
                search: bool) -> Callable[P, T]:
    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        state = current_state()
        return guarded(lambda: asyncio.run(
            with_context(state, lambda ctx: fn(ctx, *args, **kwargs), search=search)))

    return wrapper


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, sort_keys=False, default=str))


def short_time(iso_time: str | None) -> str:
    """'2024-05-01T09:30:12.345Z' -> '2024-05-01 09:30' (UTC), for tables; None -> '-'."""
    return iso_time[:16].replace("T", " ") if iso_time else "-"


def display_host(host: str) -> str:
    """A host to put in a URL: a wildcard address becomes loopback, IPv6 gets brackets."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - we are naming it, not binding it
        return "127.0.0.1"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def base_url(settings: Settings, host: str | None = None, port: int | None = None) -> str:
    """The server's public origin: PARLEY_PUBLIC_URL, else http://HOST:PORT."""
    if settings.public_url and host is None and port is None:
        return settings.public_url.rstrip("/")
    return f"http://{display_host(host or settings.host)}:{port or settings.port}"


def read_password(stdin: bool, *, prompt: str = "Password") -> str:
    """A password from one line of stdin, or prompted twice without echo. Never an option."""
    if stdin:
        data = sys.stdin.read()
        password = data.rstrip("\r\n")
        if "\n" in password:
            raise click.UsageError("--password-stdin expects one line (the password)")
        if not password:
            raise click.UsageError("--password-stdin: no password on standard input")
        return password
    value: str = click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return value
