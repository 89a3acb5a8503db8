"""chatctl widget …: the embeddable chat's configuration, named by its site key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich import box
from rich.table import Table
from rich.text import Text

from chatserver.context import Context
from chatserver.errors import ParleyError
from chatserver.services import users as users_svc
from chatserver.services import widget_form
from chatserver.services import widgets as svc
from chatserver.services.access import OPERATOR
from chatserver.services.widget_texts import WIDGET_LANGUAGES
from cli.common import base_url, current_state, out, print_json, short_time, uses_context
from cli.identity import identity_secret
from cli.triggers import triggers

F = TypeVar("F", bound=Callable[..., Any])

# Widget field -> the option that sets it, to name options (not fields) in error messages.
OPTION_OF = {
    "business_name": "--business-name", "widget_title": "--title",
    "welcome_message": "--welcome", "primary_color": "--primary-color",
    "secondary_color": "--secondary-color", "position": "--position",
    "enable_prechat_form": "--prechat", "allowed_origins": "--allowed-origin",
    "ai_enabled": "--ai", "timezone": "--timezone", "language": "--language",
    "enforce_identity": "--enforce-identity", "require_identity": "--require-identity",
    "retention_days": "--retention-days",
    "visitor_tracking": "--visitor-tracking",
}


def _default(name: str) -> str:
    value = widget_form.DEFAULTS[name]
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value) if value != [] else "none"


# What --retention-days never becomes (None is "not given").
NEVER = "never"


def _retention(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    if value.strip().lower() == NEVER:
        return NEVER
    if not value.strip().isdigit():
        raise click.BadParameter("a whole number of days, or `never`")
    return int(value)


def widget_options(creating: bool) -> Callable[[F], F]:
    """The options that set widget fields; on create, unset ones take the defaults shown."""

    def note(name: str) -> str:
        return f" (default: {_default(name)})" if creating else ""

    options = [
        click.option("--business-name", required=creating,
                     help="Your business's name, shown to agents and in the admin UI."),
        click.option("--title", "widget_title", help="Title in the chat window's header"
                     + note("widget_title") + "."),
        click.option("--welcome", "welcome_message", help="First message a visitor sees"
                     + note("welcome_message") + "."),
        click.option("--primary-color", metavar="#RRGGBB",
                     help="Main colour (launcher, header, visitor bubbles)"
                     + note("primary_color") + "."),
        click.option("--secondary-color", metavar="#RRGGBB",
                     help="Accent colour" + note("secondary_color") + "."),
        click.option("--position", type=click.Choice(widget_form.POSITIONS),
                     help="Corner of the page for the launcher" + note("position") + "."),
        click.option("--prechat/--no-prechat", "enable_prechat_form", default=None,
                     help="Ask for the visitor's name and email before the chat"
                     + note("enable_prechat_form") + "."),
        click.option("--allowed-origin", "allowed_origins", multiple=True, metavar="ORIGIN",
                     help="Site allowed to embed the widget, like https://example.com; "
                     "repeat for several" + (". Without one, only the chat server's own pages "
                                             "may use the widget" if creating else
                                             "; replaces the list") + "."),
        click.option("--ai/--no-ai", "ai_enabled", default=None,
                     help="Let the AI answer first" + note("ai_enabled") + "."),
        click.option("--timezone", metavar="ZONE",
                     help="IANA time zone for business hours, like Europe/Paris"
                     + note("timezone") + "."),
        click.option("--language", type=click.Choice(WIDGET_LANGUAGES),
                     help="The widget's default language (visitors' browsers choose first), "
                     "and its emails' (en, es, fr, de; else English)" + note("language") + "."),
        click.option("--enforce-identity/--no-enforce-identity", "enforce_identity",
                     default=None, help="Refuse a visitor name or email that comes without a "
                     "signed identity token (docs/identity.md)" + note("enforce_identity") + "."),
        click.option("--require-identity/--no-require-identity", "require_identity",
                     default=None, help="Refuse anonymous visitors too: only visitors with a "
                     "signed identity token may chat" + note("require_identity") + "."),
        click.option("--retention-days", "retention_days", metavar="DAYS|never",
                     callback=_retention,
                     help="Erase conversations ended more than DAYS days ago (docs/privacy.md); "
                     "`never` keeps them" + (" (default: never)" if creating else "") + "."),
        click.option("--visitor-tracking/--no-visitor-tracking", "visitor_tracking",
                     default=None, help="Report page views and presence before any "
                     "interaction, for the agents' live list of visitors (docs/privacy.md)"
                     + note("visitor_tracking") + "."),
    ]

    def apply(fn: F) -> F:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return apply


def _data(values: dict[str, Any], *, clear_origins: bool = False) -> dict[str, Any]:
    """The fields the user gave (an option left out is not sent)."""
    data = {k: v for k, v in values.items() if k in OPTION_OF and v is not None}
    if data.get("retention_days") == NEVER:
        data["retention_days"] = None
    if "allowed_origins" in data:
        data["allowed_origins"] = list(data["allowed_origins"])
        if not data["allowed_origins"]:
            del data["allowed_origins"]
    if clear_origins:
        data["allowed_origins"] = []
    return data


def _with_option_names(exc: ParleyError) -> ParleyError:
    exc.fields = {OPTION_OF.get(k, k): v for k, v in exc.fields.items()}
    return exc


def _rows(w: dict[str, Any], owner: str, agents: list[str]) -> list[tuple[str, str]]:
    def flag(value: bool) -> str:
        return "on" if value else "off"

    return [
        ("site key", w["site_key"]),
        ("business name", w["business_name"]),
        ("title", w["widget_title"]),
        ("welcome", w["welcome_message"]),
        ("primary color", w["primary_color"]),
        ("secondary color", w["secondary_color"]),
        ("position", w["position"]),
        ("prechat form", flag(w["enable_prechat_form"])),
        ("allowed origins", ", ".join(w["allowed_origins"]) or "none"),
        ("AI", flag(w["ai_enabled"])),
        ("timezone", w["timezone"]),
        ("email language", w["language"]),
        ("identity", _identity(w)),
        ("retention", f"{w['retention_days']} days" if w["retention_days"] else "forever"),
        ("visitor tracking", flag(w["visitor_tracking"])),
        ("owner", owner),
        ("agents", ", ".join(agents) or "-"),
        ("created", short_time(w["created_at"]) + " UTC"),
        ("updated", short_time(w["updated_at"]) + " UTC"),
    ]


def _identity(w: dict[str, Any]) -> str:
    rules = "required" if w["require_identity"] else \
        "enforced" if w["enforce_identity"] else "optional"
    secret = "secret set" if w["identity_secret_set"] else "no secret"
    if w["identity_previous_until"]:
        secret += f", rotating until {short_time(w['identity_previous_until'])} UTC"
    return f"{rules} ({secret})"


async def _owner_names(ctx: Context) -> dict[int, str]:
    return {u["id"]: u["username"] for u in await users_svc.list_users(ctx)}


@click.group()
def widget() -> None:
    """Manage widgets: the chat a site embeds with one script tag.

    A widget is named by its site key. Should an older key start with '-', put '--' before
    it (chatctl widget show -- -AbC...) so it is not read as an option.
    """


@widget.command("create")
@widget_options(creating=True)
@click.option("--owner", metavar="USER",
              help="User who owns the widget (id, username or email); default: no owner.")
@click.option("--json", "as_json", is_flag=True, help="Print the new widget as JSON.")
@uses_context
async def create(ctx: Context, /, owner: str | None, as_json: bool, **values: Any) -> None:
    """Create a widget and print its site key."""
    owner_id = None if owner is None else (await users_svc.find_user(ctx, owner))["id"]
    try:
        created = await svc.create_widget(ctx, OPERATOR, _data(values), owner_id=owner_id)
    except ParleyError as exc:
        raise _with_option_names(exc) from None
    if as_json:
        print_json(created)
        return
    click.echo(f"created widget {created['business_name']!r} with site key {created['site_key']}")
    click.echo(f"embed it with: chatctl widget snippet {created['site_key']}")


@widget.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the widgets as JSON.")
@uses_context
async def list_(ctx: Context, as_json: bool) -> None:
    """List every widget."""
    rows = await svc.list_widgets(ctx, OPERATOR)
    if as_json:
        print_json(rows)
        return
    owners = await _owner_names(ctx)
    table = Table(title=f"{len(rows)} widget{'s' if len(rows) != 1 else ''}",
                  title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("site key", no_wrap=True)
    table.add_column("business name", overflow="fold", min_width=12, ratio=2)
    table.add_column("owner", overflow="fold", min_width=8, ratio=1)
    table.add_column("allowed origins", overflow="fold", min_width=12, ratio=2)
    table.add_column("AI", no_wrap=True)
    for w in rows:
        owner = owners.get(w["owner_id"], "-") if w["owner_id"] is not None else "-"
        table.add_row(w["site_key"], Text(w["business_name"]), Text(owner),
                      Text("\n".join(w["allowed_origins"]) or "none"),
                      "on" if w["ai_enabled"] else "off")
    out().print(table)


@widget.command("show", short_help="Show a widget and its agents.")
@click.argument("site_key")
@click.option("--json", "as_json", is_flag=True, help="Print the widget as JSON.")
@uses_context
async def show(ctx: Context, site_key: str, as_json: bool) -> None:
    """Show the widget with site key SITE_KEY, with its agents."""
    w = await svc.get_widget(ctx, OPERATOR, site_key)
    agents = await svc.list_agents(ctx, OPERATOR, site_key)
    if as_json:
        print_json({**w, "agents": agents})
        return
    owners = await _owner_names(ctx)
    owner = owners.get(w["owner_id"], "-") if w["owner_id"] is not None else "-"
    table = Table(show_header=False, box=None, padding=(0, 2, 0, 0))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in _rows(w, owner, [a["username"] for a in agents]):
        table.add_row(key, Text(value))
    out().print(table)


@widget.command("update", short_help="Change a widget's settings.")
@click.argument("site_key")
@widget_options(creating=False)
@click.option("--clear-origins", is_flag=True,
              help="Remove every allowed origin (then only the chat server's own pages "
                   "may use the widget).")
@click.option("--json", "as_json", is_flag=True, help="Print the updated widget as JSON.")
@uses_context
async def update(ctx: Context, /, site_key: str, clear_origins: bool, as_json: bool,
                 **values: Any) -> None:
    """Change the widget with site key SITE_KEY; options left out keep their value."""
    if clear_origins and values.get("allowed_origins"):
        raise click.UsageError("give --allowed-origin or --clear-origins, not both")
    data = _data(values, clear_origins=clear_origins)
    if not data:
        raise click.UsageError("nothing to change: give at least one option (see --help)")
    try:
        updated = await svc.update_widget(ctx, OPERATOR, site_key, data)
    except ParleyError as exc:
        raise _with_option_names(exc) from None
    if as_json:
        print_json(updated)
        return
    changed = ", ".join(OPTION_OF[k].lstrip("-") for k in data)
    click.echo(f"updated widget {updated['business_name']!r} ({updated['site_key']}): {changed}")


@widget.command("delete", short_help="Delete a widget and its conversations.")
@click.argument("site_key")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@uses_context
async def delete(ctx: Context, site_key: str, yes: bool) -> None:
    """Delete the widget with site key SITE_KEY, with all its conversations."""
    w = await svc.get_widget(ctx, OPERATOR, site_key)
    if not yes:
        click.confirm(f"Delete widget {w['business_name']!r} ({site_key}) and all its "
                      "conversations?", abort=True)
    await svc.delete_widget(ctx, OPERATOR, site_key)
    click.echo(f"deleted widget {w['business_name']!r} ({site_key})")


@widget.command("snippet", short_help="Print the tag that embeds a widget.")
@click.argument("site_key")
@click.option("--base-url", "base", metavar="URL",
              help="The chat server's public URL (default: PARLEY_PUBLIC_URL, else "
                   "http://HOST:PORT from the settings).")
@uses_context
async def snippet(ctx: Context, site_key: str, base: str | None) -> None:
    """Print the tag to paste into a site's pages to embed the widget SITE_KEY."""
    w = await svc.get_widget(ctx, OPERATOR, site_key)
    base = base or base_url(current_state().settings())
    click.echo(svc.snippet(base, w["site_key"]))


widget.add_command(identity_secret)
widget.add_command(triggers)
