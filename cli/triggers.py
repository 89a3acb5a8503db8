"""chatctl widget triggers: a widget's proactive-message triggers with their counts
(docs/widget.md "Proactive triggers"; the admin UI's Triggers tab changes them)."""

from __future__ import annotations

import click
from rich import box
from rich.table import Table
from rich.text import Text

from chatserver.context import Context
from chatserver.services import triggers as svc
from chatserver.services.access import OPERATOR
from cli.common import out, print_json, uses_context


def _conditions(t: dict[str, object]) -> str:
    parts = []
    if t["kind"] == "js":
        parts.append(f"Parley.trigger({t['name']})")
    if t["url_match"]:
        parts.append(f"URL {'matches' if t['url_match'] == 'glob' else 'contains'} "
                     f"{t['url_pattern']}")
    if t["delay_s"]:
        parts.append(f"after {t['delay_s']} s")
    if t["scroll_pct"]:
        parts.append(f"scrolled {t['scroll_pct']}%")
    if t["returning_visitor"]:
        parts.append("returning visitors")
    return ", ".join(parts) or "every page"


@click.command("triggers", short_help="List a widget's proactive triggers with their counts.")
@click.argument("site_key")
@click.option("--json", "as_json", is_flag=True, help="Print the triggers as JSON.")
@uses_context
async def triggers(ctx: Context, site_key: str, as_json: bool) -> None:
    """List the proactive-message triggers of the widget SITE_KEY: their conditions, message,
    and how often each was shown, opened and answered (all days, and the last 30)."""
    rows = await svc.list_triggers(ctx, OPERATOR, site_key)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} trigger{'s' if len(rows) != 1 else ''}",
                  title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("name", no_wrap=True)
    table.add_column("on", no_wrap=True)
    table.add_column("when", overflow="fold", ratio=1)
    table.add_column("message", overflow="fold", ratio=2)
    for name in ("shown", "opened", "answered"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("30 days", justify="right", no_wrap=True)
    for t in rows:
        c, r = t["counts"], t["counts_30d"]
        table.add_row(Text(t["name"]), "on" if t["enabled"] else "off", Text(_conditions(t)),
                      Text(t["message"]), str(c["shown"]), str(c["opened"]), str(c["answered"]),
                      f"{r['shown']}/{r['opened']}/{r['answered']}")
    out().print(table)
