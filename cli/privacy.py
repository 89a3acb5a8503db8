"""chatctl visitors find|export|erase: a visitor's data (docs/privacy.md); chatctl privacy
retention: erase what is past each widget's retention, once."""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from typing import IO, Any

import click
from rich import box
from rich.table import Table
from rich.text import Text

from chatserver.context import Context
from chatserver.db.privacy import VisitorQuery
from chatserver.services import privacy as svc
from chatserver.services import retention
from chatserver.services.access import OPERATOR
from cli.common import fail, out, print_json, short_time, uses_context


def query_options(fn: Any) -> Any:
    for option in reversed([
        click.option("--email", help="The visitor's email (their own, left when nobody "
                     "answered, or in a pre-chat answer; any case)."),
        click.option("--user-id", "user_id", help="The verified user id the site signed "
                     "(needs --widget)."),
        click.option("--session", "session_id", metavar="ID", help="One conversation's id."),
        click.option("--widget", metavar="SITE_KEY", help="Only this widget's conversations."),
    ]):
        fn = option(fn)
    return fn


def _parse(email: str | None, user_id: str | None, session_id: str | None,
           widget: str | None) -> tuple[VisitorQuery, str | None]:
    if not any((email, user_id, session_id)):
        raise click.UsageError("give --email, --user-id or --session")
    return svc.parse_query({"email": email, "user_id": user_id, "session_id": session_id,
                            "widget": widget})


@click.group()
def visitors() -> None:
    """Find, export and erase a visitor's data (docs/privacy.md)."""


@visitors.command("find", short_help="List a visitor's conversations.")
@query_options
@click.option("--json", "as_json", is_flag=True, help="Print what was found as JSON.")
@uses_context
async def find(ctx: Context, email: str | None, user_id: str | None, session_id: str | None,
               widget: str | None, as_json: bool) -> None:
    """List the conversations of the visitor named by --email, --user-id or --session."""
    q, site_key = _parse(email, user_id, session_id, widget)
    found = await svc.find(ctx, OPERATOR, q, site_key)
    if as_json:
        print_json(found)
        return
    rows = found["sessions"]
    table = Table(title=f"{len(rows)} conversation{'s' if len(rows) != 1 else ''}",
                  title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for name in ("session", "widget", "started (UTC)", "status", "name", "email", "user id",
                 "messages", "files"):
        table.add_column(name, overflow="fold")
    for s in rows:
        table.add_row(s["session_id"], Text(s["widget"]["business_name"]),
                      short_time(s["created_at"]), s["status"], Text(s["visitor_name"] or "-"),
                      Text(s["visitor_email"] or s["offline_email"] or "-"),
                      Text(s["visitor_user_id"] or "-"), str(s["messages"]), str(s["files"]))
    out().print(table)


@visitors.command("export", short_help="Write a visitor's data to a ZIP file.")
@query_options
@click.option("--output", "-o", "output", required=True, metavar="PATH",
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Where to write the ZIP (visitor.json and files/).")
@click.option("--notes/--no-notes", default=False, show_default=True,
              help="Include the team's private notes.")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@uses_context
async def export(ctx: Context, email: str | None, user_id: str | None, session_id: str | None,
                 widget: str | None, output: Path, notes: bool, force: bool) -> None:
    """Export everything about the visitor as a ZIP: visitor.json (every conversation and
    message) and their files. Written to the audit log."""
    q, site_key = _parse(email, user_id, session_id, widget)
    if await asyncio.to_thread(output.exists) and not force:
        fail(f"{output} exists (--force overwrites it)")
    archive = await svc.export(ctx, OPERATOR, q, site_key, include_notes=notes)
    await asyncio.to_thread(_save, archive, output)
    click.echo(f"exported to {output}")


def _save(archive: IO[bytes], output: Path) -> None:
    """Written beside, then renamed: PATH is never half a ZIP."""
    tmp = output.with_name(f".{output.name}.part")
    try:
        with archive, tmp.open("wb") as f:
            shutil.copyfileobj(archive, f)
        os.replace(tmp, output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        fail(f"cannot write {output}: {exc.strerror or exc}")


@visitors.command("erase", short_help="Erase a visitor's personal data.")
@query_options
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@uses_context
async def erase(ctx: Context, email: str | None, user_id: str | None, session_id: str | None,
                widget: str | None, yes: bool, as_json: bool) -> None:
    """Erase the visitor's messages, files, emails, identity and context everywhere (the
    conversations stay, blanked, so the analytics count the same). Asks you to type the email
    or id again unless --yes. Written to the audit log."""
    q, site_key = _parse(email, user_id, session_id, widget)
    found = await svc.find(ctx, OPERATOR, q, site_key)
    n = len(found["sessions"])
    if n == 0:
        fail("no conversation of this visitor")
    if not yes:
        typed = click.prompt(f"Erase {n} conversation{'s' if n != 1 else ''} of this visitor "
                             "for good? Type the email or id again to confirm", default="",
                             show_default=False)
        if typed.strip().lower() != q.value.lower():
            fail("not confirmed: nothing erased")
    result = await svc.erase(ctx, OPERATOR, q, site_key)
    if as_json:
        print_json(result)
        return
    counts = result["erased"]
    detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "sessions" and v)
    click.echo(f"erased {counts['sessions']} conversation{'s' if counts['sessions'] != 1 else ''}"
               + (f" ({detail})" if detail else ""))


@click.group()
def privacy() -> None:
    """Privacy tasks (docs/privacy.md)."""


@privacy.command("retention", short_help="Erase conversations past their widget's retention.")
@click.option("--dry-run", is_flag=True, help="Only count what would be erased.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@uses_context
async def run_retention(ctx: Context, dry_run: bool, as_json: bool) -> None:
    """Erase, once, the conversations of every widget with a retention period that ended more
    than that many days ago (the server does it every few minutes on its own)."""
    report = await retention.run(ctx, dry_run=dry_run)
    if as_json:
        print_json(report)
        return
    verb = "would erase" if dry_run else "erased"
    for w in report["widgets"]:
        click.echo(f"{w['widget']}: {verb} {w['sessions']} (older than {w['retention_days']} days)")
    click.echo(f"{verb} {report['sessions']} conversation{'s' if report['sessions'] != 1 else ''}")
