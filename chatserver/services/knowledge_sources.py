"""Knowledge sources (docs/knowledge.md): a web page, a site (its sitemap, or its links) or an
uploaded document, imported as article entries that keep their page's URL and title. The
actions of REST and `chatctl`; the syncing itself is services/source_sync.py."""

from __future__ import annotations

import urllib.parse
from datetime import timedelta
from typing import Any

from chatserver.context import Context
from chatserver.db import knowledge_sources as db
from chatserver.errors import Conflict
from chatserver.services import embeddings
from chatserver.services.access import Actor, access_widget
from chatserver.services.audit import record
from chatserver.services.source_sync import (
    model_id,
    not_found,
    replace_entries,
    runner,
    serialize,
)
from chatserver.sources.document import SourceError
from chatserver.timeutil import utcnow
from chatserver.validate import Fields

WEB_KINDS = ("page", "sitemap", "site")
MAX_SYNC_HOURS = 24 * 30


def parse_web_source(data: dict[str, Any], max_pages: int) -> dict[str, Any]:
    f = Fields(data)
    url = f.text("url", required=True, max_len=2000)
    kind = f.choice("kind", WEB_KINDS) or "page"
    pages = f.integer("max_pages", min=1, max=max_pages)
    hours = f.integer("sync_hours", min=1, max=MAX_SYNC_HOURS)
    f.check()
    assert url is not None
    parts = urllib.parse.urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceError("the URL must start with http:// or https:// and name a host",
                          code="url_invalid", fields={"url": "not an http(s) URL"})
    return {"kind": kind, "url": url.strip(), "max_pages": 1 if kind == "page" else
            (pages or min(50, max_pages)), "sync_hours": hours,
            "name": (parts.hostname + parts.path.rstrip("/"))[:255]}


async def widget_id(ctx: Context, actor: Actor, site_key: str) -> int:
    async with ctx.engine.connect() as conn:
        return int((await access_widget(conn, actor, site_key))["id"])


async def check_manage(ctx: Context, actor: Actor, site_key: str) -> None:
    """The actor may change the widget's knowledge base (before an upload's body is read)."""
    async with ctx.engine.connect() as conn:
        await access_widget(conn, actor, site_key, manage=True)


async def list_sources(ctx: Context, actor: Actor, site_key: str) -> list[dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        widget = await access_widget(conn, actor, site_key)
        counts = await db.counts(conn, widget["id"], model_id(ctx))
        return [serialize(r, counts.get(r["id"])) for r in await db.sources(conn, widget["id"])]


async def get_source(ctx: Context, actor: Actor, site_key: str,
                     source_id: int) -> dict[str, Any]:
    async with ctx.engine.connect() as conn:
        widget = await access_widget(conn, actor, site_key)
        row = await db.source(conn, source_id, widget["id"])
        if row is None:
            raise not_found()
        counts = await db.counts(conn, widget["id"], model_id(ctx))
    return serialize(row, counts.get(source_id))


async def add_web_source(ctx: Context, actor: Actor, site_key: str, data: dict[str, Any], *,
                         start: bool = True) -> dict[str, Any]:
    """Add a page, sitemap or site; its first sync starts in the background (`start`), or is
    left to the caller (the CLI syncs in its own process, with a progress bar)."""
    now = utcnow()
    async with ctx.engine.begin() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        values = parse_web_source(data, ctx.settings.kb_max_pages)
        source_id = await db.insert_source(conn, widget_id=widget["id"], status="queued",
                                           created_at=now, updated_at=now, **values)
        await record(conn, actor, "knowledge.source_add", "widget", site_key,
                     {"source_id": source_id, "kind": values["kind"], "url": values["url"]})
        row = await db.source(conn, source_id)
    assert row is not None
    if start:
        runner(ctx).start(source_id)
    return serialize(row)


async def update_source(ctx: Context, actor: Actor, site_key: str, source_id: int,
                        data: dict[str, Any]) -> dict[str, Any]:
    """Change a web source's page limit or schedule (`sync_hours`: null = by hand only)."""
    now = utcnow()
    async with ctx.engine.begin() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        row = await db.source(conn, source_id, widget["id"])
        if row is None:
            raise not_found()
        f = Fields(data)
        values: dict[str, Any] = {}
        if "max_pages" in data:
            values["max_pages"] = f.integer("max_pages", required=True, min=1,
                                            max=ctx.settings.kb_max_pages)
        if "sync_hours" in data:
            values["sync_hours"] = f.integer("sync_hours", min=1, max=MAX_SYNC_HOURS)
        f.check()
        if "sync_hours" in values:
            hours = values["sync_hours"]
            values["next_sync_at"] = None if hours is None or row["kind"] == "file" else \
                (row["synced_at"] or now) + timedelta(hours=hours)
        if row["kind"] == "page":
            values.pop("max_pages", None)
        await db.update_source(conn, source_id, updated_at=now, **values)
        await record(conn, actor, "knowledge.source_update", "widget", site_key,
                     {"source_id": source_id, "fields": sorted(values)})
    return await get_source(ctx, actor, site_key, source_id)


async def delete_source(ctx: Context, actor: Actor, site_key: str, source_id: int) -> None:
    async with ctx.engine.begin() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        row = await db.source(conn, source_id, widget["id"])
        if row is None:
            raise not_found()
        await db.delete_source(conn, source_id)
        await record(conn, actor, "knowledge.source_delete", "widget", site_key,
                     {"source_id": source_id, "name": row["name"]})
    ctx.knowledge.invalidate(widget["id"])


async def request_sync(ctx: Context, actor: Actor, site_key: str,
                       source_id: int) -> dict[str, Any]:
    """Re-fetch a web source now (in the background); a document is replaced by uploading it
    again."""
    async with ctx.engine.connect() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        row = await db.source(conn, source_id, widget["id"])
    if row is None:
        raise not_found()
    if row["kind"] == "file":
        raise Conflict("a document is synced by uploading it again",
                       code="source_not_syncable")
    if row["status"] == "syncing" and row["lease_until"] is not None \
            and row["lease_until"] > utcnow():
        raise Conflict("this source is being synced", code="sync_in_progress")
    async with ctx.engine.begin() as conn:
        await db.update_source(conn, source_id, status="queued", updated_at=utcnow())
        await record(conn, actor, "knowledge.source_sync", "widget", site_key,
                     {"source_id": source_id})
    runner(ctx).start(source_id)
    return await get_source(ctx, actor, site_key, source_id)


async def add_file(ctx: Context, actor: Actor, site_key: str, path: str, name: str, *,
                   replace: int | None = None) -> dict[str, Any]:
    """Import an uploaded document (already on disk at `path`) as a source, or as the new
    version of source `replace`: its unchanged passages keep their vectors. A document that
    cannot be read raises a SourceError naming it, and nothing changes."""
    name = " ".join(name.split())[:255] or "document"
    async with ctx.engine.connect() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        old = None if replace is None else await db.source(conn, replace, widget["id"])
    if replace is not None and (old is None or old["kind"] != "file"):
        raise not_found()
    docs = await runner(ctx).extract_file(path, name)
    now = utcnow()
    async with ctx.engine.begin() as conn:
        if old is None:
            source_id = await db.insert_source(
                conn, widget_id=widget["id"], kind="file", url=None, name=name,
                max_pages=ctx.settings.kb_max_file_pages, status="syncing",
                created_at=now, updated_at=now)
        else:
            source_id = old["id"]
            await db.update_source(conn, source_id, name=name)
        result = await replace_entries(conn, widget["id"], source_id, docs, set())
        await db.update_source(conn, source_id, status="ready", done=len(docs),
                               total=len(docs), result=result, synced_at=now, updated_at=now,
                               error=None, error_code=None)
        await record(conn, actor, "knowledge.source_file", "widget", site_key,
                     {"source_id": source_id, "name": name, "replaced": old is not None})
    ctx.knowledge.invalidate(widget["id"])
    embeddings.schedule(ctx, widget["id"])
    return await get_source(ctx, actor, site_key, source_id)


