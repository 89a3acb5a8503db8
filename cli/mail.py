"""chatctl mail …: send a test email, look at the outbox, retry what failed."""

from __future__ import annotations

import click
from rich import box
from rich.table import Table
from rich.text import Text

from chatserver.context import Context
from chatserver.mail.smtp import DeliveryError
from chatserver.services import outbox_admin as svc
from chatserver.services.access import OPERATOR
from cli.common import (
    CliState,
    fail,
    guarded,
    out,
    pass_state,
    print_json,
    run_async,
    short_time,
    uses_context,
)

# Rows listed per status unless --limit says otherwise.
LIST_DEFAULT = 50


@click.group()
def mail() -> None:
    """Outgoing mail: a test email, the outbox queue, retrying failed emails."""


@mail.command("test", short_help="Send a test email now; exit 1 when it cannot.")
@click.argument("address")
@click.option("--queue", "queued", is_flag=True,
              help="Queue it in the outbox instead, for a running server to send (tests the "
                   "server's sender too); see it with `chatctl mail queue --status sent`.")
@pass_state
def test(state: CliState, address: str, queued: bool) -> None:
    """Send the test email to ADDRESS through the configured SMTP server (PARLEY_SMTP_*) and
    print the server's answer. Exits 1 with the server's answer or the connection error when
    the email is not accepted, and when mail is not configured."""
    settings = guarded(state.settings)
    if not settings.mail_enabled:
        fail("mail is not configured: set PARLEY_SMTP_HOST, PARLEY_MAIL_FROM and "
             "PARLEY_PUBLIC_URL (docs/email.md)")
    where = f"{settings.smtp_host}:{settings.smtp_port} ({settings.smtp_tls})"
    if queued:
        row_id = _queue(address)
        click.echo(f"queued as outbox email {row_id}: a running server sends it within a "
                   "second or two (chatctl mail queue --status sent)")
        return

    async def send() -> str:
        try:
            return await svc.send_test(settings, address)
        except DeliveryError as exc:
            fail(f"{where} did not take the email: {exc}")

    answer = run_async(send)()
    click.echo(f"sent to {address} via {where}: {answer}")


@uses_context
async def _queue(ctx: Context, address: str) -> int:
    return await svc.queue_test(ctx, OPERATOR, address)


@mail.command("queue", short_help="Counts by status; pending and failed emails.")
@click.option("--status", type=click.Choice(svc.STATUSES),
              help="List the emails of this status only (default: failed, then pending).")
@click.option("--limit", type=click.IntRange(1, svc.LIST_MAX), default=LIST_DEFAULT,
              show_default=True, help="Emails listed per status.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts and rows as JSON.")
@uses_context
async def queue(ctx: Context, status: str | None, limit: int, as_json: bool) -> None:
    """How many emails the outbox holds by status, and a table of the failed and pending
    ones (id, kind, recipient, attempts, when due, the last error). A failed email is not
    tried again until `chatctl mail retry` (or the admin UI's Mail page) says so."""
    listed = {s: await svc.list_rows(ctx, OPERATOR, s, limit)
              for s in ([status] if status else ["failed", "pending"])}
    counts = await svc.counts(ctx, OPERATOR)
    if as_json:
        print_json({"counts": counts, **{s: v["rows"] for s, v in listed.items()}})
        return
    console = out()
    console.print(", ".join(f"{n} {s}" for s, n in counts.items()), highlight=False)
    for name, found in listed.items():
        rows = found["rows"]
        if not rows:
            console.print(f"{name}: none", highlight=False)
            continue
        table = Table(title=f"{name}: {len(rows)}" + (f" of {counts[name]}"
                                                       if counts[name] > len(rows) else ""),
                      title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        for heading in ("id", "kind", "recipient", "attempts",
                        "sent" if name in ("sent", "skipped") else "due"):
            table.add_column(heading, no_wrap=heading != "recipient", overflow="fold")
        table.add_column("last error", overflow="fold", min_width=20)
        for r in rows:
            table.add_row(str(r["id"]), r["kind"], Text(r["recipient"] or "-"),
                          str(r["attempts"]) + (" (sending)" if r["leased"] else ""),
                          short_time(r["sent_at"] if name in ("sent", "skipped")
                                     else r["due_at"]),
                          Text(r["last_error"] or "-"))
        console.print(table)


@mail.command("retry", short_help="Send failed emails again.")
@click.argument("row_id", metavar="ID", type=click.IntRange(1), required=False)
@click.option("--all-failed", is_flag=True, help="Every failed email.")
@uses_context
async def retry(ctx: Context, row_id: int | None, all_failed: bool) -> None:
    """Put a failed email (ID, from `chatctl mail queue`), or every failed one, back in the
    queue, due now, with its attempts counted afresh. A running server sends them."""
    if (row_id is None) == (not all_failed):
        raise click.UsageError("give an email's ID or --all-failed (not both)")
    if all_failed:
        count = await svc.retry_failed(ctx, OPERATOR)
        click.echo(f"{count} failed email{'s' if count != 1 else ''} queued again")
        return
    assert row_id is not None
    row = await svc.retry(ctx, OPERATOR, row_id)
    click.echo(f"email {row['id']} to {row['recipient']} queued again, due now")
