"""Passage vectors: stored when entries are saved, loaded with the index, recomputed for
another model, and computed without holding up the sockets."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import select, update

from chatserver.ai.knowledge import dense_texts
from chatserver.context import Context
from chatserver.db import widgets as widgets_db
from chatserver.db.schema import kb_embeddings, kb_entries
from chatserver.services.knowledge import index_for
from tests.helpers.knowledge import FAQ_MD, embedded


async def _world_with_faq(make_world: Any, ctx: Context) -> tuple[Any, int]:
    world = await make_world(ai_enabled=True)
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/import",
                                {"format": "markdown", "content": FAQ_MD}, token=world.admin)
    assert resp.code == 201
    async with ctx.engine.connect() as conn:
        widget = await widgets_db.by_site_key(conn, world.key)
    assert widget is not None
    return world, widget["id"]



async def _stored(ctx: Context, widget_id: int) -> list[Any]:
    async with ctx.engine.connect() as conn:
        return list((await conn.execute(
            select(kb_embeddings.c.entry_id, kb_embeddings.c.passage, kb_embeddings.c.model)
            .join(kb_entries, kb_entries.c.id == kb_embeddings.c.entry_id)
            .where(kb_entries.c.widget_id == widget_id))).all())


async def test_added_entries_get_vectors_and_a_new_index_loads_them(make_world: Any,
                                                                     ctx: Context) -> None:
    assert ctx.embedder is not None
    _, widget_id = await _world_with_faq(make_world, ctx)
    await embedded(ctx)
    async with ctx.engine.connect() as conn:
        entries = list((await conn.execute(select(kb_entries).where(
            kb_entries.c.widget_id == widget_id))).mappings())
    rows = await _stored(ctx, widget_id)
    assert len(rows) == sum(len(dense_texts(e)) for e in entries) == 8
    assert {r.model for r in rows} == {ctx.embedder.model_id}

    ctx.knowledge.invalidate(widget_id)  # as a restart would
    before = ctx.embedder.passage_calls
    index = await index_for(ctx, widget_id)
    assert index.dense and not ctx.knowledge.embedding
    assert ctx.embedder.passage_calls == before  # loaded, not embedded again


async def test_an_edited_entry_and_another_models_vectors_are_recomputed(
        make_world: Any, ctx: Context) -> None:
    assert ctx.embedder is not None
    world, widget_id = await _world_with_faq(make_world, ctx)
    await embedded(ctx)
    async with ctx.engine.begin() as conn:
        first = min(r.entry_id for r in await _stored(ctx, widget_id))
        await conn.execute(update(kb_embeddings).where(kb_embeddings.c.entry_id == first)
                           .values(model="some-older-model"))
    ctx.knowledge.invalidate(widget_id)
    before = ctx.embedder.passage_calls
    assert not (await index_for(ctx, widget_id)).dense  # BM25 until the vectors are back
    await embedded(ctx)
    assert ctx.embedder.passage_calls == before + 2  # that entry's two texts, no more
    assert {r.model for r in await _stored(ctx, widget_id)} == {ctx.embedder.model_id}
    assert (await index_for(ctx, widget_id)).dense

    resp = await world.api.put(f"/api/widgets/{world.key}/knowledge/{first}",
                                 {"body": "We are open every day from 8:00 to 20:00."},
                                 token=world.admin)
    assert resp.code == 200
    assert not (await index_for(ctx, widget_id)).dense
    await embedded(ctx)
    assert ctx.embedder.passage_calls == before + 4
    tried = await world.api.post(f"/api/widgets/{world.key}/knowledge/try",
                                 {"question": "¿Abren los domingos?"}, token=world.admin)
    assert tried.json["passages"][0]["entry_id"] == first
    assert tried.json["passages"][0]["similarity"] is not None


async def test_sockets_stay_responsive_while_a_large_knowledge_base_is_embedded(
        make_world: Any, ctx: Context) -> None:
    world = await make_world()
    lines = ["question,answer"] + [
        f"How do I configure option number {n} of the router?,"
        f"Open the settings page and set option {n} to the value your provider gave you."
        for n in range(300)]
    resp = await world.api.post(f"/api/widgets/{world.key}/knowledge/import",
                                {"format": "csv", "content": "\n".join(lines)},
                                token=world.admin)
    assert resp.code == 201
    try:
        visitor, _ = await world.visitor(await world.session())
        await visitor.say("hello")  # the socket's first message, before timing
        await asyncio.sleep(0.5)  # embedding is under way on the worker thread
        acks = []
        for n in range(15):  # within the visitor's burst limit (20 per 10 s)
            started = time.perf_counter()
            await visitor.say(f"message {n}")
            acks.append(time.perf_counter() - started)
            await asyncio.sleep(0.05)
        assert ctx.knowledge.embedding, "the embedding finished before the measurement ended"
        # The event loop is never held by the embedding: nine acks in ten, and the median, come
        # within 50 ms. On the shared 2-core CI machine a single ack can wait on the disk
        # (MariaDB's durable commit beside the vectors' inserts), which the loop cannot help.
        ms = sorted(round(a * 1000) for a in acks)
        assert ms[len(ms) // 2] < 50 and ms[int(len(ms) * 0.9) - 1] < 50, ms
    finally:
        await ctx.knowledge.stop()  # 600 texts: not worth waiting for
