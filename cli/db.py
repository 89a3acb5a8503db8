"""chatctl db …: the schema (Alembic migrations) and housekeeping."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import click
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from chatserver.context import Context
from chatserver.services import maintenance
from chatserver.timeutil import utcnow
from cli.common import CliState, err, fail, guarded, out, pass_state, uses_context

T = TypeVar("T")

UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1),
         "m": timedelta(minutes=1), "s": timedelta(seconds=1)}
DURATION_RE = re.compile(r"(\d+)\s*([wdhms])")


def parse_duration(text: str) -> timedelta:
    """'90d', '12h', '30m', '2w', '45s' or a sum like '1d12h'; ValueError otherwise."""
    compact = text.strip().lower()
    parts = DURATION_RE.findall(compact)
    if not compact or "".join(f"{n}{u}" for n, u in parts) != compact.replace(" ", ""):
        raise ValueError(f"{text!r} is not a duration like 90d, 12h, 30m or 2w")
    total = sum((int(n) * UNITS[u] for n, u in parts), timedelta())
    if total <= timedelta():
        raise ValueError(f"{text!r} must be longer than zero")
    return total


def describe_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds} seconds"


class Duration(click.ParamType[timedelta, Any]):
    name = "DURATION"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> timedelta:
        if isinstance(value, timedelta):
            return value
        try:
            return parse_duration(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@click.group()
def db() -> None:
    """Database schema (migrations) and maintenance."""


@db.command()
@click.argument("revision", default="head")
@pass_state
def upgrade(state: CliState, revision: str) -> None:
    """Upgrade the schema to REVISION (default: head). Creates an SQLite file if needed."""
    from chatserver.db import migrate

    url = state_url(state)
    _migrate(lambda: migrate.upgrade(url, revision))
    out().print(f"database at [bold]{escape(revision)}[/]", highlight=False)


@db.command(short_help="Downgrade the schema to REVISION.")
@click.argument("revision")
@pass_state
def downgrade(state: CliState, revision: str) -> None:
    """Downgrade the schema to REVISION ('base' removes every table and its data)."""
    from chatserver.db import migrate

    url = state_url(state)
    _migrate(lambda: migrate.downgrade(url, revision))
    out().print(f"database at [bold]{escape(revision)}[/]", highlight=False)


@db.command(short_help="Show the schema revision.")
@pass_state
def current(state: CliState) -> None:
    """Show the schema revision the database is at, and whether that is the newest."""
    from chatserver.db import migrate

    url = state_url(state)
    rev = _migrate(lambda: asyncio.run(migrate.current(url)))
    head = migrate.head_revision()
    note = " (head)" if rev == head else f" (head is {head})"
    click.echo(f"{rev or 'empty (no schema)'}{note}")


@db.command()
def history() -> None:
    """List the migrations, newest first."""
    from chatserver.db import migrate

    for rev, down, doc in migrate.history():
        out().print(f"{down or '<base>'} -> [bold]{rev}[/]  {escape(doc)}", highlight=False)


@db.command(short_help="Delete old finished conversations.")
@click.option("--older-than", "older_than", type=Duration(), required=True,
              help="Age of the conversations to delete: a number and a unit, w(eeks), "
                   "d(ays), h(ours), m(inutes) or s(econds), like 90d or 12h.")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@uses_context
async def prune(ctx: Context, older_than: timedelta, dry_run: bool) -> None:
    """Delete finished (closed or abandoned) conversations older than --older-than.

    A conversation's age counts from when it closed (or, if it never closed, its last
    activity). Its messages go with it. Conversations still open are never deleted.
    Deletes in batches; safe to run while the server runs, e.g. from cron.
    """
    cutoff = utcnow() - older_than
    age = f"finished more than {describe_duration(older_than)} ago (before {cutoff:%Y-%m-%d %H:%M} UTC)"
    if dry_run:
        counts = await maintenance.prune(ctx, older_than, dry_run=True)
        click.echo(f"would delete {_counts(counts)} {age}")
        return
    with Progress(TextColumn("pruning"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("sessions"), TimeElapsedColumn(),
                  console=err(), transient=True) as progress:
        task = progress.add_task("prune", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        counts = await maintenance.prune(ctx, older_than, progress=advance)
    click.echo(f"deleted {_counts(counts)} {age}")


def _counts(counts: dict[str, int]) -> str:
    s, m = counts["sessions"], counts["messages"]
    return f"{s} session{'s' if s != 1 else ''} and {m} message{'s' if m != 1 else ''}"


def state_url(state: CliState) -> str:
    return guarded(lambda: state.settings().effective_database_url)


def _migrate(action: Callable[[], T]) -> T:
    """Run an Alembic action; its errors (CommandError and friends) become one line too."""
    logging.getLogger("alembic").setLevel(logging.WARNING)

    def run() -> T:
        try:
            return action()
        except Exception as exc:
            from alembic.util import CommandError

            if isinstance(exc, CommandError):
                fail(str(exc))
            raise

    return guarded(run)
