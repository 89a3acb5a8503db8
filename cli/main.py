"""chatctl: a click group. Settings come from PARLEY_* variables, a .env file and options.

The commands live by topic: ``cli/db.py``, ``cli/users.py``, ``cli/widgets.py`` and
``cli/ops.py`` (stats, demo, config); ``cli/common.py`` holds what they share.
"""

from __future__ import annotations

import asyncio

import click
from click.core import ParameterSource

from chatserver import __version__
from chatserver.config import Settings
from chatserver.secret_key import ensure_secret_key
from cli import audit, db, deploy, files, kb, kb_sources, mail, ops, privacy, users, widgets
from cli.common import CliState, fail, guarded, pass_state, run_async, with_context

__all__ = ["CliState", "cli", "fail", "main", "run_async", "with_context"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chatctl")
@click.option("--database-url", envvar="PARLEY_DATABASE_URL", metavar="URL",
              help="Database URL: mysql+asyncmy://user:pass@host/db or "
                   "sqlite+aiosqlite:///path (default: PARLEY_DATABASE_URL, else "
                   "SQLite in the data directory).")
@click.option("--traceback", is_flag=True,
              help="Show the full traceback of an unexpected error (for bug reports).")
@click.pass_context
def cli(click_ctx: click.Context, database_url: str | None, traceback: bool) -> None:
    """Parley operator's tool: serve, migrate, manage users and widgets, stats.

    Every setting can be given as a PARLEY_* environment variable or in a .env file;
    `chatctl config` lists them.
    """
    # From the environment, the URL is left to load_settings, so `config` names its source.
    given = click_ctx.get_parameter_source("database_url") == ParameterSource.COMMANDLINE
    click_ctx.obj = CliState(database_url if given else None, traceback=traceback)


@cli.command(short_help="Run the chat server.")
@click.option("--host", help="Address to listen on (default: PARLEY_HOST).")
@click.option("--port", type=click.IntRange(0, 65535), help="Port to listen on (default: PARLEY_PORT).")
@click.option("--autoreload", is_flag=True, help="Restart when source files change (development).")
@click.option("--workers", type=click.IntRange(1, 256), default=1, show_default=True,
              envvar="PARLEY_WORKERS",
              help="Server processes sharing the port (SO_REUSEPORT); more than 1 needs "
                   "PARLEY_REDIS_URL.")
@pass_state
def serve(state: CliState, host: str | None, port: int | None, autoreload: bool,
          workers: int) -> None:
    """Run the chat server until SIGTERM or Ctrl-C, then shut down gracefully."""
    from chatserver.logs import setup_logging
    from chatserver.server import serve as serve_forever

    settings = guarded(lambda: ensure_secret_key(state.settings(host=host, port=port)))
    setup_logging(settings.log_format, settings.log_level)
    if workers > 1:
        _serve_workers(settings, workers, autoreload)
        return
    if autoreload:
        import tornado.autoreload

        tornado.autoreload.start()
    try:
        asyncio.run(serve_forever(settings))
    except OSError as exc:
        fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        pass


def _serve_workers(settings: Settings, workers: int, autoreload: bool) -> None:
    from chatserver.workers import run_workers

    if not settings.redis_url:
        fail(f"--workers {workers} needs Redis: the processes share messages, typing and "
             "presence through it. Set PARLEY_REDIS_URL (e.g. redis://127.0.0.1:6379/0), "
             "or run one process.")
    if autoreload:
        fail("--autoreload works with one process only")
    try:
        code = run_workers(settings, workers)
    except OSError as exc:
        fail(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror or exc}")
    raise SystemExit(code)


cli.add_command(db.db)
cli.add_command(users.user)
cli.add_command(widgets.widget)
cli.add_command(kb.kb)  # with kb_sources' commands
assert kb_sources.sources.name in kb.kb.commands
cli.add_command(ops.stats)
cli.add_command(ops.demo)
cli.add_command(ops.config)
cli.add_command(deploy.deploy)
cli.add_command(mail.mail)
cli.add_command(files.files)
cli.add_command(audit.audit)
cli.add_command(privacy.visitors)
cli.add_command(privacy.privacy)


def main() -> None:
    cli(prog_name="chatctl")


if __name__ == "__main__":
    main()
