"""Syncing knowledge sources (docs/knowledge.md): fetch and extract everything first, then
replace the source's entries in one transaction: an entry whose title and text did not
change is left alone (its vectors are kept), a changed one is updated (and re-embedded), what
is gone is deleted. A sync that fails leaves the previous version in use. Extraction (HTML,
PDF, Word) is CPU-bound and runs in a worker process; embedding runs in the embedder's
threads afterwards (services/embeddings.py). One source of a widget syncs at a time, across
processes (`db.claim`); a process that dies mid-sync leaves a lease that lapses, and the next
process's scheduler takes the source over."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import logging
import multiprocessing
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.context import Context, yield_the_cpu
from chatserver.db import knowledge as entries_db
from chatserver.db import knowledge_sources as db
from chatserver.errors import NotFound
from chatserver.net import guard
from chatserver.services import embeddings
from chatserver.services.uploads import Spool
from chatserver.sources import web
from chatserver.sources.document import Document, SourceError, to_entries
from chatserver.tasks import spawn
from chatserver.timeutil import iso, utcnow

log = logging.getLogger(__name__)

# A syncing process renews its lease at each page; one that stops renewing for this long is
# taken for dead.
LEASE_S = 300.0
# A document's extraction may take this long in the worker process before it is stopped.
EXTRACT_TIMEOUT_S = 120.0
# One page's body and the time its fetch may take, redirects included.
MAX_PAGE_BYTES = 5 * 1024 * 1024
PAGE_TIMEOUT_S = 20.0
# How long a stopping process tries to hand its interrupted syncs back.
HAND_BACK_S = 2.0
# Titles listed per kind of change in a sync's result (the counts are always whole).
RESULT_TITLES = 50

Progress = Callable[[int, int, str], None]
# How names are resolved for the guard (tests point it at their loopback site).
resolver: guard.Resolver = guard.resolve


def not_found() -> NotFound:
    return NotFound("no such knowledge source", code="source_not_found")


def serialize(row: RowMapping | dict[str, Any],
              counts: tuple[int, int] | None = None) -> dict[str, Any]:
    entries, embedded = counts or (0, 0)
    return {"id": row["id"], "kind": row["kind"], "url": row["url"], "name": row["name"],
            "max_pages": row["max_pages"], "sync_hours": row["sync_hours"],
            "status": row["status"], "done": row["done"], "total": row["total"],
            "error": None if row["error_code"] is None else
            {"code": row["error_code"], "message": row["error"]},
            "result": row["result"], "entries": entries, "embedded": embedded,
            "synced_at": iso(row["synced_at"]), "next_sync_at": iso(row["next_sync_at"]),
            "created_at": iso(row["created_at"])}


async def sync(ctx: Context, source_id: int, progress: Progress | None = None) -> dict[str, Any]:
    """Fetch and import a web source now, in this process: the source's row as it ends
    (status "ready" or "failed", or unchanged when another sync holds it: "queued" or
    "syncing")."""
    now = utcnow()
    async with ctx.engine.begin() as conn:
        row = await db.source(conn, source_id)
        if row is None:
            raise not_found()
        claimed = await db.claim(conn, row, now, LEASE_S)
    if claimed != "claimed":
        return {**serialize(row), "status": "syncing" if claimed == "busy" else "queued"}
    widget_id = row["widget_id"]
    try:
        docs, failed, errors = await _fetch(ctx, row, progress)
        if not docs:
            first = errors[0] if errors else {"code": "source_empty",
                                               "message": f"nothing to import at {row['url']}"}
            raise SourceError(first["message"], code=first["code"])
        async with ctx.engine.begin() as conn:
            result = await replace_entries(conn, widget_id, source_id, docs, failed)
            result["errors"] = errors[:RESULT_TITLES]
            await _finish(conn, row, status="ready", result=result, done=len(docs))
    except SourceError as exc:
        log.info("knowledge source %s failed: %s", source_id, exc.message)
        async with ctx.engine.begin() as conn:
            await _finish(conn, row, status="failed", error_code=exc.code,
                          error=exc.message[:1000])
    except Exception:
        log.exception("knowledge source %s failed", source_id)
        async with ctx.engine.begin() as conn:
            await _finish(conn, row, status="failed", error_code="internal_error",
                          error="an unexpected error; see the server's log")
        raise
    finally:
        ctx.knowledge.invalidate(widget_id)
    embeddings.schedule(ctx, widget_id)
    async with ctx.engine.connect() as conn:
        counts = await db.counts(conn, widget_id, model_id(ctx))
        final = await db.source(conn, source_id)
    assert final is not None
    return serialize(final, counts.get(source_id))


async def _finish(conn: Any, row: RowMapping, *, status: str, **values: Any) -> None:
    now = utcnow()
    hours = row["sync_hours"]
    await db.update_source(conn, row["id"], status=status, lease_until=None, updated_at=now,
                           next_sync_at=None if not hours else now + timedelta(hours=hours),
                           **({"synced_at": now} if status == "ready" else {}), **values)


async def _fetch(ctx: Context, row: RowMapping, progress: Progress | None
                 ) -> tuple[list[Document], set[str], list[dict[str, str]]]:
    """The source's documents now; the URLs that failed for a reason that may pass (their
    previous entries are kept; a 404 or 410 is gone for good); the pages' errors."""
    docs: list[Document] = []
    failed: set[str] = set()
    errors: list[dict[str, str]] = []
    total = row["max_pages"]
    last_write = 0.0
    loop = asyncio.get_running_loop()
    settings = ctx.settings
    async with guard.new_client() as client:
        fetcher = functools.partial(
            guard.fetch, client=client, max_bytes=MAX_PAGE_BYTES, timeout_s=PAGE_TIMEOUT_S,
            policy=guard.policy_from_setting(settings.fetch_allow_rules, resolver,
                                             only_allowed=settings.fetch_only_allowed))
        async for page in web.crawl(row["url"], mode=row["kind"], max_pages=row["max_pages"],
                                    rate_per_s=settings.kb_crawl_rate, fetcher=fetcher,
                                    extract=runner(ctx).extract_html,
                                    extract_file=runner(ctx).extract_linked_file):
            if isinstance(page, Document):
                docs.append(page)
                url = page.url or row["url"]
            else:
                url = page.url
                errors.append({"url": url, "code": page.error.code,
                               "message": page.error.message})
                if page.error.fields.get("status") not in ("404", "410"):
                    failed.add(web.url_key(url))
            done = len(docs) + len(errors)
            total = max(total, done)
            if progress is not None:
                progress(done, total, url)
            if loop.time() - last_write >= 1.0:
                last_write = loop.time()
                async with ctx.engine.begin() as conn:
                    await db.update_source(conn, row["id"], done=done, total=total,
                                           lease_until=utcnow() + timedelta(seconds=LEASE_S))
    return docs, failed, errors


def _hash(title: str, body: str) -> str:
    return hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()


async def replace_entries(conn: Any, widget_id: int, source_id: int, docs: list[Document],
                           keep_urls: set[str]) -> dict[str, Any]:
    """Make the source's entries those of `docs`, matched by page URL and title: unchanged
    ones are left (with their vectors), changed ones updated (their vectors dropped, to be
    recomputed), new ones inserted, the others deleted, except those of `keep_urls` (pages
    that failed this time for a reason that may pass). What changed, for the admin."""
    now = utcnow()
    old = {(e["url"] or "", e["title"]): e for e in await db.source_entries(conn, source_id)}
    seen: set[tuple[str, str]] = set()
    added: list[str] = []
    changed: list[str] = []
    new_rows = []
    for doc in docs:
        for item in to_entries(doc):
            key = (item["url"] or "", str(item["title"]))
            if key in seen:  # the same page found twice, or two sections of one title
                continue
            seen.add(key)
            digest = _hash(key[1], str(item["body"]))
            entry = old.get(key)
            if entry is None:
                new_rows.append({**item, "widget_id": widget_id, "source_id": source_id,
                                 "content_hash": digest, "created_at": now, "updated_at": now})
                added.append(key[1])
            elif entry["content_hash"] != digest:
                await entries_db.update_entry(conn, entry["id"], body=item["body"],
                                              content_hash=digest, updated_at=now)
                await entries_db.delete_vectors(conn, entry["id"])
                changed.append(key[1])
    await entries_db.insert_entries(conn, new_rows)
    gone = [e for key, e in old.items()
            if key not in seen and not (e["url"] and web.url_key(e["url"]) in keep_urls)]
    await db.delete_entries(conn, [e["id"] for e in gone])
    removed = [e["title"] for e in gone]
    return {"added": added[:RESULT_TITLES], "changed": changed[:RESULT_TITLES],
            "removed": removed[:RESULT_TITLES], "counts": {
                "added": len(added), "changed": len(changed), "removed": len(removed),
                "unchanged": len(old) - len(gone) - len(changed)}}


def model_id(ctx: Context) -> str | None:
    return None if ctx.embedder is None else ctx.embedder.model_id


class SourceRunner:
    """A process's knowledge-source work: one sync task per widget at a time, the scheduled
    re-syncs, and the worker process that extracts pages and documents."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.tasks: dict[int, asyncio.Task[None]] = {}  # widget id -> its sync task
        self.syncing: dict[int, int] = {}  # widget id -> the source its task syncs
        self.pool: ProcessPoolExecutor | None = None
        self.loop_task: asyncio.Task[None] | None = None

    def start(self, source_id: int) -> None:
        """Sync the source in the background (it waits its turn behind its widget's)."""
        spawn(self._start(source_id))

    async def _start(self, source_id: int) -> None:
        async with self.ctx.engine.connect() as conn:
            row = await db.source(conn, source_id)
        if row is None or row["widget_id"] in self.tasks:
            return  # the widget's task picks queued sources up when it finishes
        self.tasks[row["widget_id"]] = spawn(self._run_widget(row["widget_id"], source_id))

    async def _run_widget(self, widget_id: int, source_id: int | None) -> None:
        try:
            while source_id is not None:
                self.syncing[widget_id] = source_id
                await sync(self.ctx, source_id)
                async with self.ctx.engine.connect() as conn:
                    queued = [r for r in await db.sources(conn, widget_id)
                              if r["status"] == "queued"]
                source_id = queued[0]["id"] if queued else None
        except Exception:  # noqa: S110 - logged by sync; the scheduler retries what is queued
            pass
        finally:
            self.tasks.pop(widget_id, None)
            self.syncing.pop(widget_id, None)

    def schedule(self) -> None:
        """Look for due sources every PARLEY_KB_SYNC_CHECK_S (a serving process)."""
        self.loop_task = spawn(self._scheduler())

    async def _scheduler(self) -> None:
        while True:
            await asyncio.sleep(self.ctx.settings.kb_sync_check_s)
            try:
                async with self.ctx.engine.connect() as conn:
                    due = await db.due(conn, utcnow())
                for row in due:
                    if row["widget_id"] not in self.tasks:
                        self.tasks[row["widget_id"]] = spawn(
                            self._run_widget(row["widget_id"], row["id"]))
            except Exception:
                log.exception("looking for knowledge sources to sync failed")

    async def stop(self) -> None:
        """Cancel the schedule and the syncs under way (their leases lapse), stop the
        extraction process."""
        tasks = [t for t in (self.loop_task, *self.tasks.values()) if t is not None]
        interrupted = list(self.syncing.values())
        self.loop_task = None
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if interrupted:  # the next process (or this one's successor) syncs them at once
            try:
                await asyncio.wait_for(self._hand_back(interrupted), HAND_BACK_S)
            except Exception:  # the database is gone or frozen: the leases lapse instead
                log.warning("could not hand back %d knowledge source syncs", len(interrupted))
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = None

    async def _hand_back(self, source_ids: list[int]) -> None:
        async with self.ctx.engine.begin() as conn:
            for source_id in source_ids:
                await db.update_source(conn, source_id, status="queued", lease_until=None)

    async def _in_worker(self, what: str, fn: Callable[..., Any], *args: Any,
                         **kwargs: Any) -> Any:
        """`fn(*args)` in the extraction process (started on first use), stopped after
        EXTRACT_TIMEOUT_S; a crash of the process is the document's fault."""
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                1, mp_context=multiprocessing.get_context("spawn"), initializer=yield_the_cpu)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, _call, fn, args, kwargs)
        try:
            return await asyncio.wait_for(future, EXTRACT_TIMEOUT_S)
        except (TimeoutError, BrokenProcessPool):
            self._kill_pool()
            raise SourceError(f"{what} could not be read in {EXTRACT_TIMEOUT_S:.0f} s, or "
                              "crashed its reader", code="file_broken") from None

    def _kill_pool(self) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)

    async def extract_file(self, path: str, name: str) -> list[Document]:
        from chatserver.sources.files import extract_file

        docs: list[Document] = await self._in_worker(
            name, extract_file, path, name, max_pages=self.ctx.settings.kb_max_file_pages)
        return docs

    async def extract_linked_file(self, body: bytes, url: str,
                                  content_type: str) -> list[Document]:
        """A PDF, Word or text file found on a site: read as an uploaded one, its passages
        keeping its URL."""
        name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]) \
            or "document"
        if "." not in name:
            name += {"application/pdf": ".pdf", "text/markdown": ".md"}.get(
                content_type, ".docx" if "wordprocessingml" in content_type else ".txt")
        spool = Spool(Path(self.ctx.settings.data_dir) / "spool")
        try:
            spool.write(body)
            spool.file.close()
            docs = await self.extract_file(str(spool.path), name)
        finally:
            spool.discard()
        return [dataclasses.replace(d, url=url) for d in docs]

    async def extract_html(self, body: bytes, url: str) -> Document:
        from chatserver.sources.html import extract_html

        doc: Document = await self._in_worker(url, extract_html, body, url)
        return doc


def _call(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return fn(*args, **kwargs)


def runner(ctx: Context) -> SourceRunner:
    """The process's source runner (made on first use)."""
    if ctx.sources is None:
        ctx.sources = SourceRunner(ctx)
    assert isinstance(ctx.sources, SourceRunner)
    return ctx.sources
