"""A knowledge base's passage vectors: computed in the background when entries are added or
changed, or when an index finds some missing (a new model, a restart during an import), and
stored with the model that made them.

Invariant: a widget's index is dense only once every one of its entries has vectors of the
running model (until then it is BM25 alone), and stored vectors always match their entry's
text: an edit deletes them in its own transaction, and vectors computed from a text that
changed meanwhile are dropped (db.knowledge.store_vectors). Embedding runs on the embedder's
one worker thread (chatserver/ai/embedding.py), never on the event loop; a restart embeds
only what has no vectors of the running model.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np

from chatserver.ai.embedding import BATCH, from_blob, to_blob
from chatserver.ai.knowledge import dense_texts
from chatserver.context import Context
from chatserver.db import knowledge as db
from chatserver.tasks import spawn
from chatserver.timeutil import utcnow

log = logging.getLogger(__name__)


def schedule(ctx: Context, widget_id: int) -> None:
    """Compute the widget's missing vectors in the background (again, if already running)."""
    if ctx.embedder is None:
        return
    jobs = ctx.knowledge.embedding
    if widget_id in jobs:
        ctx.knowledge.embed_again.add(widget_id)
        return
    jobs[widget_id] = spawn(_run(ctx, widget_id))


async def _run(ctx: Context, widget_id: int) -> None:
    try:
        while True:
            ctx.knowledge.embed_again.discard(widget_id)
            await embed_missing(ctx, widget_id)
            if widget_id not in ctx.knowledge.embed_again:
                break
    finally:
        ctx.knowledge.embedding.pop(widget_id, None)
        ctx.knowledge.embed_again.discard(widget_id)


async def load(ctx: Context, widget_id: int) -> tuple[list[dict[str, Any]],
                                                      dict[int, np.ndarray] | None]:
    """The widget's published entries and their stored vectors of the running model (None without a
    model); an entry with missing vectors is left out of them."""
    async with ctx.engine.connect() as conn:
        rows = [dict(r) for r in await db.entries(conn, widget_id, published_only=True)]
        if ctx.embedder is None:
            return rows, None
        stored = await db.vectors(conn, widget_id, ctx.embedder.model_id)
    vectors = {e["id"]: np.stack([from_blob(b) for b in stored[e["id"]]])
               for e in rows if e["id"] in stored and len(stored[e["id"]]) == len(dense_texts(e))}
    return rows, vectors


async def embed_missing(ctx: Context, widget_id: int) -> int:
    """Embed and store the vectors of the widget's entries that have none of the running
    model; the number of entries done. The widget's index is rebuilt afterwards."""
    embedder = ctx.embedder
    if embedder is None:
        return 0
    rows, vectors = await load(ctx, widget_id)
    todo = [e for e in rows if vectors is None or e["id"] not in vectors]
    if not todo:
        return 0
    started, done = time.monotonic(), 0
    log.info("embedding %d knowledge entries of widget %s", len(todo), widget_id)
    chunk: list[dict[str, Any]] = []
    for n, entry in enumerate(todo, 1):
        chunk.append(entry)
        if sum(len(dense_texts(e)) for e in chunk) >= BATCH or n == len(todo):
            done += await _embed_and_store(ctx, chunk)
            chunk = []
    ctx.knowledge.invalidate(widget_id)
    log.info("embedded %d knowledge entries of widget %s in %.1f s", done, widget_id,
             time.monotonic() - started)
    return done


async def _embed_and_store(ctx: Context, entries: list[dict[str, Any]]) -> int:
    assert ctx.embedder is not None
    texts = [dense_texts(e) for e in entries]
    matrix = await ctx.embedder.passages([t for ts in texts for t in ts])
    stored, at, now = 0, 0, utcnow()
    async with ctx.engine.begin() as conn:
        for entry, ts in zip(entries, texts, strict=True):
            blobs = [to_blob(v) for v in matrix[at:at + len(ts)]]
            at += len(ts)
            stored += await db.store_vectors(conn, entry["id"], entry["updated_at"],
                                             ctx.embedder.model_id, blobs, now)
    return stored
