"""chatctl audit: the audit log of admin actions, as a table or exported as JSON or CSV."""

from __future__ import annotations

import csv
import json
import sys
from typing import Any

import click
from rich import box
from rich.table import Table
from rich.text import Text

from chatserver.context import Context
from chatserver.services import audit as svc
from chatserver.services.access import OPERATOR
from cli.common import out, print_json, uses_context

# Entries shown in the table unless --limit says otherwise (JSON and CSV export everything).
TABLE_DEFAULT = 50
CSV_COLUMNS = ("id", "at", "actor_type", "actor_id", "actor_name", "action", "target_type",
               "target_id", "details", "ip")


def _actor(entry: dict[str, Any]) -> str:
    actor = entry["actor"]
    if actor["type"] == "chatctl":
        return f"chatctl ({actor['name']})"
    return str(actor["name"]) if actor["type"] == "user" else "system"


def _details(details: dict[str, Any]) -> str:
    return ", ".join(f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}"
                     for k, v in details.items())


def _csv_row(entry: dict[str, Any]) -> list[Any]:
    a = entry["actor"]
    return [entry["id"], entry["at"], a["type"], a["id"] if a["id"] is not None else "",
            a["name"], entry["action"], entry["target_type"], entry["target_id"] or "",
            json.dumps(entry["details"], ensure_ascii=False, sort_keys=True), entry["ip"] or ""]


async def _entries(ctx: Context, params: dict[str, str | None], limit: int | None
                   ) -> list[dict[str, Any]]:
    """Newest first, following the cursor until `limit` (None: every match)."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while limit is None or len(found) < limit:
        f = svc.parse_filter({**params, "cursor": cursor})
        want = svc.PAGE_MAX if limit is None else min(svc.PAGE_MAX, limit - len(found))
        page = await svc.list_entries(ctx, OPERATOR, f, want)
        found += page["entries"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    return found


@click.command(short_help="List or export the audit log of admin actions.")
@click.option("--actor", metavar="WHO",
              help="Only entries by this user (id or username), `chatctl` or `system`.")
@click.option("--action", metavar="CODE",
              help="Only this action or actions starting so (widget, widget.update).")
@click.option("--target", metavar="TYPE[:ID]",
              help="Only entries about this target: widget, user, canned, label, outbox, or one of "
                   "them (widget:SITE_KEY, user:3).")
@click.option("--from", "since", metavar="DATE",
              help="From this date (YYYY-MM-DD, UTC) or ISO date-time, included.")
@click.option("--to", "until", metavar="DATE",
              help="Up to this date (its whole day included) or ISO date-time.")
@click.option("--limit", type=click.IntRange(1, 1_000_000), metavar="N",
              help=f"At most N entries, newest first (default: {TABLE_DEFAULT} in the table, "
                   "every match with --format json or csv).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="A table to read, or JSON or CSV to export.")
@uses_context
async def audit(ctx: Context, actor: str | None, action: str | None, target: str | None,
                since: str | None, until: str | None, limit: int | None, fmt: str) -> None:
    """Who changed which widget, user, knowledge base, canned response, label or email.

    Each entry was written in the same transaction as the change it records; it names the
    fields that changed, never a password or secret. The log is kept (Parley never prunes
    it). Bad filters exit with status 1 and say which.
    """
    target_type, _, target_id = (target or "").partition(":")
    params: dict[str, str | None] = {"actor": actor, "action": action,
                                     "target_type": target_type or None,
                                     "target_id": target_id or None,
                                     "from": since, "to": until}
    if target is not None and not target_type:
        raise click.UsageError("--target needs a type: widget, user, label or outbox (TYPE[:ID])")
    entries = await _entries(ctx, params, limit or (TABLE_DEFAULT if fmt == "table" else None))
    if fmt == "json":
        print_json(entries)
        return
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(_csv_row(e) for e in entries)
        return
    table = Table(title=f"{len(entries)} entr{'ies' if len(entries) != 1 else 'y'}",
                  title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("time (UTC)", no_wrap=True)
    table.add_column("actor", overflow="fold", min_width=8)
    table.add_column("action", no_wrap=True)
    table.add_column("target", overflow="fold", min_width=10)
    table.add_column("details", overflow="fold", min_width=12, ratio=1)
    table.add_column("ip", no_wrap=True)
    for e in entries:
        target_text = e["target_type"] + (f":{e['target_id']}" if e["target_id"] else "")
        table.add_row(e["at"][:19].replace("T", " "), Text(_actor(e)), e["action"], Text(target_text),
                      Text(_details(e["details"])), e["ip"] or "-")
    out().print(table)
