"""chatctl user …: admins and agents. A user is named by id, username or email."""

from __future__ import annotations

from typing import Any

import click
from rich import box
from rich.table import Table
from rich.text import Text

from chatserver.context import Context
from chatserver.services import users as svc
from chatserver.services.access import OPERATOR
from cli.common import out, print_json, read_password, short_time, uses_context

STDIN_OPTION_HELP = ("Read the password from one line of standard input instead of "
                     "prompting (for scripts: printf '%s\\n' \"$PW\" | chatctl …).")


@click.group()
def user() -> None:
    """Manage users: admins (everything) and agents (answer chats)."""


def _name(u: dict[str, Any]) -> str:
    return f"{u['username']} (id {u['id']}, {u['email']}, {u['role']})"


@user.command("create")
@click.option("--username", required=True, help="Login name: letters, digits, '.', '_', '-' (2-64).")
@click.option("--email", required=True, help="Email address; also accepted at login.")
@click.option("--role", type=click.Choice(svc.ROLES), default="agent", show_default=True,
              help="admin may configure everything; agent answers chats.")
@click.option("--display-name", help="Name shown to visitors and colleagues (default: the username).")
@click.option("--password-stdin", is_flag=True, help=STDIN_OPTION_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the new user as JSON.")
@uses_context
async def create(ctx: Context, username: str, email: str, role: str, display_name: str | None,
                 password_stdin: bool, as_json: bool) -> None:
    """Create a user. The password is prompted for (twice, hidden) or read from stdin.

    It must have at least 8 characters, at most 72 bytes, and not be a common password or
    the username or email.
    """
    password = read_password(password_stdin)
    created = await svc.create_user(ctx, username=username, email=email, password=password,
                                    role=role, display_name=display_name,
                                    actor=OPERATOR)
    if as_json:
        print_json(created)
    else:
        click.echo(f"created {_name(created)}")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the users as JSON.")
@uses_context
async def list_(ctx: Context, as_json: bool) -> None:
    """List every user."""
    rows = await svc.list_users(ctx)
    if as_json:
        print_json(rows)
        return
    table = Table(title=f"{len(rows)} user{'s' if len(rows) != 1 else ''}", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("username", no_wrap=True)
    table.add_column("email", overflow="fold", min_width=12)
    table.add_column("role", no_wrap=True)
    table.add_column("display name", overflow="fold", min_width=8)
    table.add_column("created", no_wrap=True)
    table.add_column("last login", no_wrap=True)
    for u in rows:
        table.add_row(str(u["id"]), u["username"], u["email"], u["role"],
                      Text(u["display_name"]), (u["created_at"] or "-")[:10],
                      short_time(u["last_login_at"]))
    out().print(table)


@user.command("delete", short_help="Delete a user.")
@click.argument("ident", metavar="USER")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@uses_context
async def delete(ctx: Context, ident: str, yes: bool) -> None:
    """Delete USER. Their widgets stay (without an owner); the last admin cannot go.

    USER is a user's id, username or email.
    """
    found = await svc.find_user(ctx, ident)
    if not yes:
        click.confirm(f"Delete user {_name(found)}?", abort=True)
    await svc.delete_user(ctx, OPERATOR, found["id"])
    click.echo(f"deleted {_name(found)}")


@user.command("set-password", short_help="Set a user's password.")
@click.argument("ident", metavar="USER")
@click.option("--password-stdin", is_flag=True, help=STDIN_OPTION_HELP)
@uses_context
async def set_password(ctx: Context, ident: str, password_stdin: bool) -> None:
    """Set USER's password and sign them out everywhere.

    USER is a user's id, username or email. The password is prompted for (twice, hidden)
    or read from stdin.
    """
    found = await svc.find_user(ctx, ident)
    password = read_password(password_stdin, prompt=f"New password for {found['username']}")
    await svc.set_password(ctx, OPERATOR, found["id"], password)
    click.echo(f"password set for {found['username']}; their sessions are signed out")


@user.command("set-role", short_help="Make a user an admin or an agent.")
@click.argument("ident", metavar="USER")
@click.argument("role", type=click.Choice(svc.ROLES))
@uses_context
async def set_role(ctx: Context, ident: str, role: str) -> None:
    """Make USER an admin or an agent (signs them out). The last admin cannot be demoted.

    USER is a user's id, username or email.
    """
    found = await svc.find_user(ctx, ident)
    updated = await svc.set_role(ctx, OPERATOR, found["id"], role)
    if updated["role"] == found["role"]:
        click.echo(f"{found['username']} is already {role}")
    else:
        click.echo(f"{found['username']} is now {role}")
