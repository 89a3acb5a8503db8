"""Housekeeping of uploaded files: the orphan sweep, deleting a conversation's files, the
operator's list and purge (chatctl files), storage used per widget (analytics).

Rows go first, in their transaction; the stored objects are deleted after the commit (an
object whose row is gone is never served; the other way round would serve a missing file).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import uploads as db
from chatserver.db import widgets as widgets_db
from chatserver.errors import NotFound
from chatserver.timeutil import iso, utcnow

log = logging.getLogger(__name__)

BATCH = 500


async def delete_objects(ctx: Context, keys: list[str]) -> None:
    """Delete stored objects whose rows are gone (after the commit). A failure is logged, not
    raised: the rows are already deleted, nobody can reach the objects any more."""
    if not keys:
        return
    try:
        await ctx.storage.delete(keys)
    except Exception as exc:
        log.warning("could not delete %d stored files: %s", len(keys), type(exc).__name__)


async def _delete_where(ctx: Context, *, orphans: bool, before: datetime | None,
                        widget_id: int | None = None) -> tuple[int, int]:
    """Delete matching uploads in batches, rows then objects; (files, bytes)."""
    files = size = 0
    while True:
        async with ctx.engine.begin() as conn:
            rows = await db.find(conn, widget_id=widget_id, orphans=orphans, before=before,
                                 limit=BATCH, for_update=True)
            await db.delete_ids(conn, [r["id"] for r in rows])
        await delete_objects(ctx, db.keys(rows))
        files += len(rows)
        size += sum(int(r["size"]) for r in rows)
        if len(rows) < BATCH:
            return files, size


async def sweep_orphans(ctx: Context) -> int:
    """Delete the uploads no message refers to, older than PARLEY_UPLOAD_ORPHAN_TTL_S (the
    sweeper calls this); how many."""
    cutoff = utcnow() - timedelta(seconds=ctx.settings.upload_orphan_ttl_s)
    files, _size = await _delete_where(ctx, orphans=True, before=cutoff)
    return files


async def purge(ctx: Context, *, orphans: bool, older_than: timedelta | None) -> dict[str, int]:
    """Delete uploads: ``orphans`` those no message refers to (older than ``older_than``, by
    default the orphan TTL), else every upload older than ``older_than``."""
    if older_than is None:
        if not orphans:
            raise ValueError("purge what: orphans or files older than a time")
        older_than = timedelta(seconds=ctx.settings.upload_orphan_ttl_s)
    files, size = await _delete_where(ctx, orphans=orphans, before=utcnow() - older_than)
    return {"files": files, "bytes": size}


async def list_files(ctx: Context, *, site_key: str | None, orphans: bool,
                     limit: int) -> list[dict[str, Any]]:
    """Uploads, oldest first, for the operator."""
    async with ctx.engine.connect() as conn:
        widget_id = None
        if site_key is not None:
            widget = await widgets_db.by_site_key(conn, site_key)
            if widget is None:
                raise NotFound("no such widget", code="widget_not_found")
            widget_id = widget["id"]
        rows = await db.find(conn, widget_id=widget_id, orphans=orphans, limit=limit)
    return [_listed(r) for r in rows]


def _listed(r: RowMapping) -> dict[str, Any]:
    return {"id": r["id"], "session_id": r["session_id"], "widget_id": r["widget_id"],
            "name": r["name"], "type": r["content_type"], "size": r["size"],
            "uploader": r["uploader_type"], "message_id": r["message_id"],
            "created_at": iso(r["created_at"])}


def storage_report(per_widget: list[dict[str, Any]]) -> dict[str, Any]:
    """The analytics' ``storage``: totals and each widget's files (``db.usage``)."""
    return {"bytes": sum(w["bytes"] for w in per_widget),
            "files": sum(w["files"] for w in per_widget), "widgets": per_widget}
