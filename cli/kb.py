"""chatctl kb …: a widget's knowledge base, the answers its AI assistant gives."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.table import Table
from rich.text import Text

from chatserver.ai.base import Turn
from chatserver.ai.escalation import detect
from chatserver.context import Context
from chatserver.errors import NotFound, ParleyError
from chatserver.services import knowledge as svc
from chatserver.services import knowledge_gaps as gaps_svc
from chatserver.services.access import OPERATOR
from cli.common import out, print_json, uses_context, uses_search_context

# Entry field -> the options that set it, to name options (not fields) in error messages.
OPTION_OF = {"kind": "--kind", "title": "--question/--title", "body": "--answer/--body"}
# File extension -> import format, when --format is not given.
FORMAT_OF = {".md": "markdown", ".markdown": "markdown", ".txt": "markdown", ".csv": "csv"}
# Characters of an entry's body shown in `kb list`.
PREVIEW_CHARS = 80
# How `kb try` names the search that found its passages.
SEARCHED = {"meaning": "by meaning, in any language",
            "keywords": "by keywords"}


def _read_text(path: str) -> str:
    """A UTF-8 file's text ('-' = standard input); a leading BOM (Excel's CSVs) is dropped."""
    if path == "-":
        data = sys.stdin.buffer.read()
    else:
        data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ParleyError(f"{_shown(path)} is not UTF-8 text", code="invalid_import") from None


def _shown(path: str) -> str:
    return "standard input" if path == "-" else path


def _preview(body: str) -> str:
    text = " ".join(body.split())
    return text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS - 1].rstrip() + "…"


def _entry_line(entry: dict[str, Any]) -> str:
    return f"entry {entry['id']} ({entry['kind']}) {entry['title']!r}"


@click.group(short_help="Manage a widget's knowledge base: what its AI answers from.")
def kb() -> None:
    """Manage a widget's knowledge base: the Q&A pairs and articles its AI answers from.

    The offline assistant answers a question only when an entry clearly matches it;
    `chatctl kb try` shows what it would say. Widgets are named by their site key.
    """


@kb.command("list")
@click.argument("site_key")
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
@uses_context
async def list_(ctx: Context, site_key: str, as_json: bool) -> None:
    """List the knowledge base entries of the widget SITE_KEY."""
    entries = await svc.list_entries(ctx, OPERATOR, site_key)
    if as_json:
        print_json(entries)
        return
    table = Table(title=f"{len(entries)} entr{'ies' if len(entries) != 1 else 'y'}",
                  title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=2, min_width=16)
    table.add_column("body", overflow="fold", ratio=3, min_width=16)
    for e in entries:
        table.add_row(str(e["id"]), e["kind"], Text(e["title"]), Text(_preview(e["body"])))
    out().print(table)


@kb.command("add", short_help="Add a question and its answer, or an article.")
@click.argument("site_key")
@click.option("--question", "--title", "title", required=True, metavar="TEXT",
              help="The question a visitor asks (an article's title).")
@click.option("--answer", "--body", "body", metavar="TEXT",
              help="The answer (an article's text).")
@click.option("--body-file", metavar="PATH",
              help="Read the answer or article from a UTF-8 file ('-' for standard input) "
                   "instead of --answer.")
@click.option("--kind", type=click.Choice(svc.KINDS), default="qa", show_default=True,
              help="qa: a question and its answer; article: a longer text, searched by "
                   "paragraph.")
@click.option("--json", "as_json", is_flag=True, help="Print the new entry as JSON.")
@uses_context
async def add(ctx: Context, site_key: str, title: str, body: str | None, body_file: str | None,
              kind: str, as_json: bool) -> None:
    """Add an entry to the knowledge base of the widget SITE_KEY."""
    if (body is None) == (body_file is None):
        raise click.UsageError("give the answer with --answer/--body or --body-file (one)")
    if body_file is not None:
        body = _read_text(body_file)
    try:
        entry = svc.parse_entry({"kind": kind, "title": title, "body": body})
    except ParleyError as exc:
        exc.fields = {OPTION_OF.get(k, k): v for k, v in exc.fields.items()}
        raise
    (created,) = await svc.add_entries(ctx, OPERATOR, site_key, [entry])
    if as_json:
        print_json(created)
        return
    click.echo(f"added {_entry_line(created)} to widget {site_key}")


@kb.command("import", short_help="Add the entries of a Markdown or CSV file.")
@click.argument("site_key")
@click.argument("file", metavar="FILE")
@click.option("--format", "fmt", type=click.Choice(("markdown", "csv")),
              help="The file's format (default: from its extension: .md, .markdown or .txt "
                   "for Markdown, .csv for CSV).")
@click.option("--json", "as_json", is_flag=True, help="Print the new entries as JSON.")
@uses_context
async def import_(ctx: Context, site_key: str, file: str, fmt: str | None,
                  as_json: bool) -> None:
    """Add the entries of FILE ('-' for standard input) to the widget SITE_KEY.

    \b
    Markdown: each heading ("#" to "###") starts an entry; a heading ending in "?"
      is a question and the text under it its answer, any other heading an article.
    CSV: a header row with question,answer (Q&A pairs) or title,body (articles);
      an optional kind column (qa or article) mixes both.

    Nothing is added when any entry is invalid. Entries are added, never replaced:
    importing a file twice adds its entries twice.
    """
    if fmt is None:
        fmt = FORMAT_OF.get(Path(file).suffix.lower()) if file != "-" else None
        if fmt is None:
            raise click.UsageError(f"cannot tell the format of {_shown(file)} from its name: "
                                   "give --format markdown or --format csv")
    text = _read_text(file)
    try:
        items = svc.parse_import(text, fmt)
    except ParleyError as exc:
        # "line 7: body is required" names the line; the file name completes it.
        raise ParleyError(f"{_shown(file)}: {exc.message}", code=exc.code) from None
    except csv.Error as exc:
        raise ParleyError(f"{_shown(file)}: not a valid CSV file: {exc}",
                          code="invalid_import") from None
    created = await svc.add_entries(ctx, OPERATOR, site_key, items)
    if as_json:
        print_json(created)
        return
    n = len(created)
    click.echo(f"added {n} entr{'ies' if n != 1 else 'y'} from {_shown(file)} to widget "
               f"{site_key}")


@kb.command("delete", short_help="Delete an entry.")
@click.argument("site_key")
@click.argument("entry_id", type=int)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@uses_context
async def delete(ctx: Context, site_key: str, entry_id: int, yes: bool) -> None:
    """Delete the entry ENTRY_ID (see chatctl kb list) of the widget SITE_KEY."""
    entries = await svc.list_entries(ctx, OPERATOR, site_key)
    entry = next((e for e in entries if e["id"] == entry_id), None)
    if entry is None:
        raise NotFound("no such entry", code="entry_not_found", fields={"id": str(entry_id)})
    if not yes:
        click.confirm(f"Delete {_entry_line(entry)}?", abort=True)
    await svc.delete_entry(ctx, OPERATOR, site_key, entry_id)
    click.echo(f"deleted {_entry_line(entry)}")


@kb.command("try", short_help="Show what the assistant would answer.")
@click.argument("site_key")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the decision and passages as JSON.")
@uses_search_context
async def try_(ctx: Context, site_key: str, question: str, as_json: bool) -> None:
    """Show whether the offline assistant of the widget SITE_KEY would answer QUESTION or
    decline and offer a person, why, its reply, and the knowledge base entries it found,
    each a close, partial or weak match.

    It searches as the server does: by meaning with the embedding model (computing the
    entries' missing vectors first) unless PARLEY_AI_DENSE is off. A message that asks for
    a person (or sounds angry) is handed to the team in a real chat before the assistant
    answers; this says so.
    """
    result = await svc.try_question(ctx, OPERATOR, site_key, question, embed_missing=True)
    escalate = detect([Turn("visitor", question)])
    if as_json:
        print_json({**result, "escalate": escalate})
        return
    console = out()
    if escalate:
        console.print(Text(f"hands off: in a chat, this message goes to a person "
                           f"(reason: {escalate}); the assistant does not answer it",
                           style="bold yellow"))
    style = "bold green" if result["decision"] == "answer" else "bold yellow"
    console.print(Text(f"{result['decision']}: ", style=style) + Text(result["explanation"]))
    console.print(Text("reply: ", style="bold") + Text(result["answer"]))
    if not result["passages"]:
        return
    searched = SEARCHED[result["search"]]
    table = Table(title=f"entries found ({searched})", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("entry", justify="right", no_wrap=True)
    table.add_column("title", overflow="fold", ratio=2, min_width=16)
    table.add_column("match", no_wrap=True)
    table.add_column("text", overflow="fold", ratio=3, min_width=16)
    for p in result["passages"]:
        match = f"{p['match']} match" + (", answered with" if p["used"] else "")
        table.add_row(str(p["entry_id"]), Text(p["title"]), match, Text(_preview(p["text"])))
    console.print(table)


@kb.command("gaps", short_help="List the questions the assistant could not answer.")
@click.argument("site_key")
@click.option("--days", type=click.IntRange(1, gaps_svc.MAX_DAYS), default=30,
              show_default=True, help="Look at the conversations of the last N days.")
@click.option("--json", "as_json", is_flag=True, help="Print the groups as JSON.")
@uses_search_context
async def gaps(ctx: Context, site_key: str, days: int, as_json: bool) -> None:
    """List what visitors of the widget SITE_KEY asked that the assistant declined (it
    did not know) or hedged on (it offered an entry it was not sure of, with a person),
    grouped by meaning, the most asked first, with conversations it was asked in.

    The newest 500 such questions are grouped. Add an answer with `chatctl kb add`;
    agents can also save their replies as drafts (`chatctl kb drafts`).
    """
    result = await gaps_svc.gaps(ctx, OPERATOR, site_key, days=days)
    if as_json:
        print_json(result)
        return
    groups = result["groups"]
    by = "meaning" if result["grouped_by"] == "meaning" else "shared words"
    table = Table(title=f"{result['questions']} unanswered question"
                        f"{'s' if result['questions'] != 1 else ''} in the last {days} days, "
                        f"{len(groups)} group{'s' if len(groups) != 1 else ''} (by {by})",
                  title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("asked", justify="right", no_wrap=True)
    table.add_column("declined", justify="right", no_wrap=True)
    table.add_column("hedged", justify="right", no_wrap=True)
    table.add_column("question", overflow="fold", ratio=3, min_width=16)
    table.add_column("last asked", no_wrap=True)
    table.add_column("conversations", overflow="fold", ratio=2, min_width=12)
    for g in groups:
        table.add_row(str(g["count"]), str(g["declined"]), str(g["hedged"]),
                      Text(g["question"]), g["last_at"][:16].replace("T", " "),
                      "\n".join(e["session_id"] for e in g["examples"]))
    out().print(table)
    if result["truncated"]:
        click.echo("(only the newest 500 questions were grouped)")


@kb.command("drafts", short_help="List the draft answers awaiting review.")
@click.argument("site_key")
@click.option("--json", "as_json", is_flag=True, help="Print the drafts as JSON.")
@uses_context
async def drafts(ctx: Context, site_key: str, as_json: bool) -> None:
    """List the draft answers of the widget SITE_KEY: agents' replies saved with "Save as
    answer", which the assistant does not use until published (chatctl kb publish)."""
    entries = await svc.list_entries(ctx, OPERATOR, site_key, "draft")
    if as_json:
        print_json(entries)
        return
    table = Table(title=f"{len(entries)} draft{'s' if len(entries) != 1 else ''}",
                  title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("id", justify="right", no_wrap=True)
    table.add_column("question", overflow="fold", ratio=2, min_width=16)
    table.add_column("answer", overflow="fold", ratio=3, min_width=16)
    table.add_column("conversation", overflow="fold", min_width=12)
    for e in entries:
        table.add_row(str(e["id"]), Text(e["title"]), Text(_preview(e["body"])),
                      e["origin_session_id"] or "")
    out().print(table)


@kb.command("publish", short_help="Publish a draft answer: the assistant uses it.")
@click.argument("site_key")
@click.argument("entry_id", type=int)
@click.option("--question", "--title", "title", metavar="TEXT",
              help="Change the question before publishing.")
@click.option("--answer", "--body", "body", metavar="TEXT",
              help="Change the answer before publishing.")
@click.option("--json", "as_json", is_flag=True, help="Print the published entry as JSON.")
@uses_context
async def publish(ctx: Context, site_key: str, entry_id: int, title: str | None,
                  body: str | None, as_json: bool) -> None:
    """Publish the draft ENTRY_ID (see chatctl kb drafts) of the widget SITE_KEY, with the
    question and answer changed if given. The assistant answers from it once its vectors
    are computed (the server does that in the background)."""
    changes = {k: v for k, v in (("title", title), ("body", body)) if v is not None}
    try:
        entry = await gaps_svc.publish(ctx, OPERATOR, site_key, entry_id, changes)
    except ParleyError as exc:
        exc.fields = {OPTION_OF.get(k, k): v for k, v in exc.fields.items()}
        raise
    if as_json:
        print_json(entry)
        return
    click.echo(f"published {_entry_line(entry)}")
