"""chatctl kb sources|add-url|add-file|sync|remove-source: a knowledge base's web pages, sites
and documents (docs/knowledge.md). Syncs run in this process, with a progress bar: the pages
fetched, then the passages embedded."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import click
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from chatserver.context import Context
from chatserver.errors import ParleyError
from chatserver.services import embeddings, source_sync
from chatserver.services import knowledge_sources as svc
from chatserver.services.access import OPERATOR
from chatserver.services.uploads import file_too_large
from cli.common import out, print_json, short_time, uses_search_context
from cli.kb import kb

KIND_HELP = ("page: this page only; sitemap: the pages a sitemap lists (give its URL, or "
             "the site's, whose robots.txt names it); site: the pages the URL links to, "
             "on its site and under its path")


def _summary(source: dict[str, Any]) -> str:
    if source["status"] == "failed":
        error = source["error"] or {}
        return f"failed: {error.get('message', '')} (the previous version stays in use)"
    counts = (source["result"] or {}).get("counts") or {}
    done = ", ".join(f"{counts.get(k, 0)} {k}" for k in ("added", "changed", "removed",
                                                            "unchanged"))
    return f"{source['status']}: {source['entries']} entries ({done})"


def _bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=out(), transient=False)


async def _sync(ctx: Context, source_id: int, widget_id: int) -> dict[str, Any]:
    """Sync now, with a progress bar of pages, then embed the new passages."""
    with _bar() as bar:
        task = bar.add_task("fetching", total=None)

        def progress(done: int, total: int, url: str) -> None:
            bar.update(task, completed=done, total=total, description=f"fetching {url[-50:]}")

        source = await source_sync.sync(ctx, source_id, progress)
        bar.update(task, description="fetched", total=source["done"] or 1,
                   completed=source["done"] or 1)
    if source["status"] == "ready":
        await _embed(ctx, widget_id)
    return source


async def _embed(ctx: Context, widget_id: int) -> None:
    if ctx.embedder is None:
        return
    with _bar() as bar:
        bar.add_task("embedding the new passages", total=None)
        await embeddings.embed_missing(ctx, widget_id)


def _report(source: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(source)
        return
    click.echo(f"source {source['id']} {source['name']}: {_summary(source)}")
    for kind in ("added", "changed", "removed"):
        titles = (source["result"] or {}).get(kind) or []
        if titles:
            click.echo(f"  {kind}: " + "; ".join(titles))
    for error in (source["result"] or {}).get("errors") or []:
        click.echo(f"  skipped {error['url']}: {error['message']}")
    if source["status"] == "failed":
        raise ParleyError(f"source {source['id']} failed: {source['error']['message']}",
                          code=source["error"]["code"])


async def _widget_id(ctx: Context, site_key: str) -> int:
    return await svc.widget_id(ctx, OPERATOR, site_key)


@kb.command("sources", short_help="List the web pages, sites and documents imported.")
@click.argument("site_key")
@click.option("--json", "as_json", is_flag=True, help="Print the sources as JSON.")
@uses_search_context
async def sources(ctx: Context, site_key: str, as_json: bool) -> None:
    """List the knowledge sources of the widget SITE_KEY, with their last sync."""
    found = await svc.list_sources(ctx, OPERATOR, site_key)
    if as_json:
        print_json(found)
        return
    table = Table(title=f"{len(found)} source{'s' * (len(found) != 1)}", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    for column in ("id", "kind", "name", "sync", "last sync", "status"):
        table.add_column(column, overflow="fold")
    for s in found:
        every = f"every {s['sync_hours']} h" if s["sync_hours"] else "by hand"
        table.add_row(str(s["id"]), s["kind"], Text(s["url"] or s["name"]), every,
                      short_time(s["synced_at"]), Text(_summary(s)))
    out().print(table)


@kb.command("add-url", short_help="Import a web page, a sitemap or a site.")
@click.argument("site_key")
@click.argument("url")
@click.option("--kind", type=click.Choice(svc.WEB_KINDS), default="page", show_default=True,
              help=KIND_HELP)
@click.option("--max-pages", type=int, help="At most this many pages (default 50; at most "
              "PARLEY_KB_MAX_PAGES).")
@click.option("--every", "sync_hours", type=int, metavar="HOURS",
              help="Re-sync every HOURS hours (the server does it); default: by hand.")
@click.option("--json", "as_json", is_flag=True, help="Print the source as JSON.")
@uses_search_context
async def add_url(ctx: Context, site_key: str, url: str, kind: str, max_pages: int | None,
                  sync_hours: int | None, as_json: bool) -> None:
    """Import URL into the knowledge base of the widget SITE_KEY, now, with a progress bar.
    Private, loopback and link-local addresses are refused unless PARLEY_FETCH_ALLOW lets
    them through."""
    data: dict[str, Any] = {"url": url, "kind": kind}
    if max_pages is not None:
        data["max_pages"] = max_pages
    if sync_hours is not None:
        data["sync_hours"] = sync_hours
    source = await svc.add_web_source(ctx, OPERATOR, site_key, data, start=False)
    _report(await _sync(ctx, source["id"], await _widget_id(ctx, site_key)), as_json)


@kb.command("sync", short_help="Fetch a web source again now.")
@click.argument("site_key")
@click.argument("source_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the source as JSON.")
@uses_search_context
async def sync(ctx: Context, site_key: str, source_id: int, as_json: bool) -> None:
    """Fetch the web source SOURCE_ID (see chatctl kb sources) of the widget SITE_KEY again:
    what changed is updated, what is gone removed, unchanged passages keep their vectors.
    A sync that fails leaves the previous version in use."""
    source = await svc.get_source(ctx, OPERATOR, site_key, source_id)
    if source["kind"] == "file":
        raise ParleyError("a document is synced by importing it again: chatctl kb add-file "
                          f"{site_key} FILE --replace {source_id}", code="source_not_syncable")
    synced = await _sync(ctx, source_id, await _widget_id(ctx, site_key))
    if synced["status"] in ("queued", "syncing"):
        raise ParleyError(f"source {source_id} is being synced by the server; try again when "
                          "it is done", code="sync_in_progress")
    _report(synced, as_json)


@kb.command("add-file", short_help="Import a PDF, Word, HTML, Markdown or text file.")
@click.argument("site_key")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", type=int, metavar="SOURCE_ID",
              help="The new version of this document source (unchanged passages keep their "
                   "vectors).")
@click.option("--json", "as_json", is_flag=True, help="Print the source as JSON.")
@uses_search_context
async def add_file(ctx: Context, site_key: str, file: Path, replace: int | None,
                   as_json: bool) -> None:
    """Import FILE into the knowledge base of the widget SITE_KEY: its text, cut into
    passages titled by its headings or pages."""
    limit = ctx.settings.kb_max_file_bytes
    if await asyncio.to_thread(os.path.getsize, file) > limit:
        raise file_too_large(limit)
    source = await svc.add_file(ctx, OPERATOR, site_key, str(file), file.name, replace=replace)
    await _embed(ctx, await _widget_id(ctx, site_key))
    _report(source, as_json)


@kb.command("remove-source", short_help="Delete a source and its entries.")
@click.argument("site_key")
@click.argument("source_id", type=int)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@uses_search_context
async def remove_source(ctx: Context, site_key: str, source_id: int, yes: bool) -> None:
    """Delete the source SOURCE_ID of the widget SITE_KEY and the entries it imported."""
    source = await svc.get_source(ctx, OPERATOR, site_key, source_id)
    if not yes:
        click.confirm(f"Delete source {source_id} {source['name']} and its "
                      f"{source['entries']} entries?", abort=True)
    await svc.delete_source(ctx, OPERATOR, site_key, source_id)
    click.echo(f"deleted source {source_id} {source['name']}")
