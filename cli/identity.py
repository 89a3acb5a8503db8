"""chatctl widget identity-secret: the secret a site signs its visitors' identity with
(docs/identity.md)."""

from __future__ import annotations

from datetime import timedelta

import click

from chatserver.context import Context
from chatserver.services import identity_secret as svc
from chatserver.services.access import OPERATOR
from cli.common import print_json, uses_context


@click.command("identity-secret", short_help="Create or rotate a widget's identity secret.")
@click.argument("site_key")
@click.option("--rotate", is_flag=True,
              help="Replace the secret; the previous one stays valid for --grace.")
@click.option("--grace", "grace_hours", type=click.IntRange(0, 720), default=24,
              show_default=True, metavar="HOURS",
              help="With --rotate: how long the previous secret stays valid (0: not at all).")
@click.option("--finish", is_flag=True,
              help="Finish a rotation now: stop accepting the previous secret.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@uses_context
async def identity_secret(ctx: Context, site_key: str, rotate: bool, grace_hours: int,
                          finish: bool, as_json: bool) -> None:
    """Create the identity secret of the widget SITE_KEY and print it, once.

    The site's server signs each visitor's identity with it (an HS256 JWT; see
    docs/identity.md). Parley keeps it encrypted and never shows it again: store it in the
    site's configuration. A widget that has one already needs --rotate.
    """
    if finish and rotate:
        raise click.UsageError("give --rotate or --finish, not both")
    if finish:
        state = await svc.finish_rotation(ctx, OPERATOR, site_key)
        if as_json:
            print_json(state)
        else:
            click.echo(f"rotation finished: only the current secret of {site_key} is valid")
        return
    made = await svc.make_secret(ctx, OPERATOR, site_key, rotate=rotate,
                                 grace=timedelta(hours=grace_hours))
    if as_json:
        print_json(made)
        return
    click.echo(made["secret"])
    until = made["identity_previous_until"]
    note = (f"the previous secret stays valid until {until} UTC (or --finish)" if until
            else "no other secret is valid")
    click.echo(f"identity secret of {site_key}, shown once: keep it on the site's server; "
               f"{note}", err=True)
