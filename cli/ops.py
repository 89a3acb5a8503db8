"""chatctl stats, demo and config: what an operator looks at."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from typing import Any

import click
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from chatserver.config import Settings, env_name
from chatserver.context import Context
from chatserver.services import analytics, maintenance
from chatserver.services.access import OPERATOR
from cli.common import CliState, base_url, current_state, guarded, out, pass_state, print_json, uses_context

# (column heading, how to get the figure from a stats row); "open" = not yet closed.
STATS_COLUMNS: tuple[tuple[str, Callable[[dict[str, int]], int]], ...] = (
    ("sessions", lambda r: r["sessions"]),
    ("messages", lambda r: r["messages"]),
    ("escalated", lambda r: r["escalations"]),
    ("open", lambda r: r["waiting"] + r["assigned"] + r["active"]),
    ("closed", lambda r: r["closed"]),
    ("AI\nresolved", lambda r: r["ai_resolved"]),
    ("agent\nresolved", lambda r: r["agent_resolved"]),
    ("abandoned", lambda r: r["abandoned"]),
)

STATS_TITLE = "Conversations per widget (all time; open = waiting, assigned or active)"
# Below this many columns the one-row-per-widget table does not fit.
WIDE_STATS_WIDTH = 110

DEMO_PAGES = (("admin UI", "/admin"), ("agent inbox", "/agent"),
              ("test page", "/test-widget.html"), ("health", "/api/health"))


@click.command(short_help="Conversations and outcomes per widget, and analytics.")
@click.option("--from", "date_from", metavar="YYYY-MM-DD",
              help="First day of the period (default: 29 days before --to).")
@click.option("--to", "date_to", metavar="YYYY-MM-DD", help="Last day of the period (default: today).")
@click.option("--tz", default="UTC", show_default=True,
              help="IANA time zone the days are counted in, e.g. Europe/Paris.")
@click.option("--site-key", help="Only this widget's conversations in the analytics.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@uses_context
async def stats(ctx: Context, date_from: str | None, date_to: str | None, tz: str,
                site_key: str | None, as_json: bool) -> None:
    """Conversations, messages and outcomes per widget, with totals, then the analytics of a
    period: outcomes, escalation reasons, median wait and first response, ratings (the admin
    UI's analytics page, from the same queries).

    The per-widget table covers all time unless --from or --to is given; the analytics cover
    the last 30 days by default."""
    period = analytics.parse_period(date_from, date_to, tz)
    since, until = period.bounds() if date_from or date_to else (None, None)
    figures = await maintenance.stats(ctx, since=since, until=until)
    report = await analytics.report(ctx, OPERATOR, period, site_key)
    if as_json:
        print_json({**figures, "analytics": report})
        return
    console = out()
    totals = figures["totals"]
    title = STATS_TITLE if since is None else STATS_TITLE.replace(
        "all time", f"{period.start} to {period.end}, {period.tz}")
    if console.width >= WIDE_STATS_WIDTH:
        table = Table(title=title, title_justify="left", show_footer=True,
                      box=box.SIMPLE_HEAD)
        table.add_column("widget", footer="total", overflow="fold", min_width=16)
        for heading, figure in STATS_COLUMNS:
            table.add_column(heading, justify="right", no_wrap=True, footer=str(figure(totals)))
        for row in figures["widgets"]:
            name = Text(row["business_name"])
            name.append(f"\n{row['site_key']}", style="dim")
            table.add_row(name, *(str(figure(row)) for _, figure in STATS_COLUMNS))
        console.print(table)
    else:
        # Narrow terminal: a small table per widget, then the totals.
        console.print(title, highlight=False)
        for row in [*figures["widgets"], {**totals, "business_name": "total", "site_key": None}]:
            heading_text = Text(row["business_name"], style="bold")
            if row["site_key"]:
                heading_text.append(f" {row['site_key']}", style="dim")
            table = Table(title=heading_text, title_justify="left", show_header=False,
                          box=box.SIMPLE)
            table.add_column(min_width=16)
            table.add_column(justify="right")
            for heading, figure in STATS_COLUMNS:
                table.add_row(heading.replace("\n", " "), str(figure(row)))
            console.print(table)
    console.print(analytics_table(report))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.1f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


def analytics_table(report: dict[str, Any]) -> Table:
    """The analytics summary of a period, as two columns."""
    p, t = report["period"], report["totals"]
    scope = f" for {p['site_key']}" if p["site_key"] else ""
    table = Table(title=f"Analytics {p['from']} to {p['to']} ({p['tz']}){scope}",
                  title_justify="left", show_header=False, box=box.SIMPLE)
    table.add_column(min_width=24)
    table.add_column(justify="right")
    for label, value in (
            ("conversations", t["conversations"]), ("AI resolved", t["ai_resolved"]),
            ("agent resolved", t["agent_resolved"]), ("abandoned", t["abandoned"]),
            ("still open", t["open"]), ("escalated", t["escalated"]),
            ("median wait", _duration(t["median_wait_s"])),
            ("median first response", _duration(t["median_first_response_s"])),
            ("rating", "-" if t["rating_avg"] is None
             else f"{t['rating_avg']:.2f} / 5 ({t['rated']} rated)")):
        table.add_row(label, str(value))
    for reason in report["escalation_reasons"]:
        if reason["count"]:
            table.add_row(f"escalated: {reason['reason'].replace('_', ' ')}", str(reason["count"]))
    return table


@click.command(short_help="Create a demo admin, agent and widget; print URLs.")
@click.option("--host", help="Host the server will listen on, for the URLs printed "
                             "(default: PARLEY_HOST).")
@click.option("--port", type=click.IntRange(1, 65535),
              help="Port the server will listen on, for the URLs printed (default: PARLEY_PORT).")
@click.option("--json", "as_json", is_flag=True, help="Print what exists as JSON.")
@uses_context
async def demo(ctx: Context, host: str | None, port: int | None, as_json: bool) -> None:
    """Create a demo admin, agent and widget unless they exist; print how to try them.

    Safe to run again: it creates only what is missing. The credentials printed are
    public: change the passwords (chatctl user set-password) on anything reachable.
    """
    result = await maintenance.demo(ctx)
    base = base_url(current_state().settings(), host, port)
    urls = {label: base + path for label, path in DEMO_PAGES}
    if as_json:
        print_json({"created": result["created"], "urls": urls,
                    "site_key": result["widget"]["site_key"],
                    "credentials": {role: {"email": email, "password": password}
                                    for role, (email, password) in result["credentials"].items()}})
        return
    console = out()
    created = result["created"]
    console.print("[bold green]Parley demo ready[/] "
                  + (f"(created: {', '.join(created)})" if created else "(already set up)"),
                  highlight=False)
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 2))
    for label, url in urls.items():
        table.add_row(label, url)
    for role, (email, password) in result["credentials"].items():
        table.add_row(f"{role} login", Text(f"{email}  /  {password}"))
    table.add_row("widget site key", result["widget"]["site_key"])
    console.print(table, highlight=False)
    serve = "chatctl serve" + (f" --host {host}" if host else "") + (f" --port {port}" if port else "")
    console.print(f"run the server with: {serve}", highlight=False, markup=False)


def _config_rows(settings: Settings, sources: dict[str, str]) -> list[dict[str, Any]]:
    """One row per setting; a secret's value is masked, other values keep their type."""
    rows = []
    for f, (name, shown, env, help_text) in zip(fields(Settings), masked(settings), strict=True):
        secret = bool(f.metadata.get("secret"))
        value = getattr(settings, name)
        rows.append({"env": env, "name": name, "value": shown if secret and value else value,
                     "source": sources.get(name, "default"), "secret": secret,
                     "help": help_text})
    return rows


@click.command(short_help="Show every setting, its value and its source.")
@click.option("--json", "as_json", is_flag=True, help="Print the settings as JSON.")
@pass_state
def config(state: CliState, as_json: bool) -> None:
    """Show every setting: its environment variable, value and where the value came from.

    Sources: default, env (the environment), .env (the .env file, or PARLEY_ENV_FILE),
    option (a chatctl option such as --database-url). Secrets are masked.
    """
    settings = guarded(state.settings)
    rows = _config_rows(settings, state.sources)
    if as_json:
        print_json(rows)
        return
    table = Table(title="Parley settings", title_justify="left")
    table.add_column("environment variable", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_column("source", no_wrap=True)
    for row in rows:
        value = row["value"]
        cell = Text(str(value)) if value != "" else Text("(empty)", style="dim")
        if row["name"] == "database_url" and value == "":
            # Empty means SQLite in the data directory: a file path, no password to hide.
            cell.append(f" = {settings.effective_database_url}", style="dim")
        source = row["source"]
        table.add_row(row["env"], cell, escape(source) if source == "default"
                      else f"[bold]{escape(source)}[/]")
    out().print(table)


def masked(settings: Settings) -> list[tuple[str, str, str, str]]:
    """(env name, value, source placeholder, help) rows with secrets masked, for `chatctl config`."""
    rows = []
    for f in fields(Settings):
        value = getattr(settings, f.name)
        shown = str(value)
        if f.metadata.get("secret") and value:
            shown = _mask_url(shown) if "://" in shown else "********"
        rows.append((f.name, shown, env_name(f.name), f.metadata["help"]))
    return rows


def _mask_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "********"
