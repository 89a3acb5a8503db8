"""chatctl files …: list uploaded files and purge orphaned or old ones (docs/attachments.md)."""

from __future__ import annotations

from datetime import timedelta

import click
from rich import box
from rich.table import Table
from rich.text import Text

from chatserver.context import Context
from chatserver.services import upload_admin as svc
from cli.common import out, print_json, short_time, uses_context

LIST_MAX = 10_000


@click.group()
def files() -> None:
    """Uploaded files: list them, purge orphaned or old ones."""


@files.command("list", short_help="Uploaded files, oldest first.")
@click.option("--orphans", is_flag=True, help="Only files no message refers to.")
@click.option("--widget", "site_key", metavar="KEY", help="Only files of this widget (site key).")
@click.option("--limit", type=click.IntRange(1, LIST_MAX), default=100, show_default=True,
              help="Files listed.")
@click.option("--json", "as_json", is_flag=True, help="Print the files as JSON.")
@uses_context
async def list_files(ctx: Context, orphans: bool, site_key: str | None, limit: int,
                     as_json: bool) -> None:
    """A table of uploaded files (id, conversation, name, type, size, who uploaded it, the
    message that carries it, when), oldest first. An orphan (no message) is deleted by a
    running server once PARLEY_UPLOAD_ORPHAN_TTL_S has passed."""
    rows = await svc.list_files(ctx, site_key=site_key, orphans=orphans, limit=limit)
    if as_json:
        print_json(rows)
        return
    if not rows:
        out().print("no files", highlight=False)
        return
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for heading in ("id", "session", "name", "type", "size", "by", "message", "uploaded"):
        table.add_column(heading, overflow="fold", no_wrap=heading in ("id", "size"))
    for r in rows:
        table.add_row(r["id"], r["session_id"][:8], Text(r["name"]), r["type"],
                      _size(r["size"]), r["uploader"],
                      str(r["message_id"]) if r["message_id"] is not None else "-",
                      short_time(r["created_at"]))
    out().print(table)


@files.command("purge", short_help="Delete orphaned or old files.")
@click.option("--orphans", is_flag=True,
              help="Files no message refers to (older than PARLEY_UPLOAD_ORPHAN_TTL_S unless "
                   "--older-than says otherwise).")
@click.option("--older-than", "days", type=click.FloatRange(0, min_open=False), metavar="DAYS",
              help="Files uploaded more than DAYS days ago (with --orphans: orphans only).")
@uses_context
async def purge(ctx: Context, orphans: bool, days: float | None) -> None:
    """Delete files (their rows, then the stored objects). Messages that carried a purged
    file keep its name; downloading it answers 404. Safe while the server runs."""
    if not orphans and days is None:
        raise click.UsageError("give --orphans, --older-than DAYS, or both")
    older = timedelta(days=days) if days is not None else None
    result = await svc.purge(ctx, orphans=orphans, older_than=older)
    n = result["files"]
    click.echo(f"deleted {n} {'orphaned ' if orphans else ''}file{'s' if n != 1 else ''} "
               f"({_size(result['bytes'])})")


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KiB", "MiB"):
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {unit}"
    return f"{value / 1024:.1f} GiB"
