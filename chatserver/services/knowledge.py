"""A widget's knowledge base: entries (Q&A pairs and articles), import from Markdown or CSV,
and "try it" (what the AI would answer, and from which entries)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any, TypedDict

from sqlalchemy.engine import RowMapping

from chatserver.ai.base import AIRequest, Outcome, Passage, Turn
from chatserver.ai.knowledge import KnowledgeIndex, confident, query_text
from chatserver.ai.language import guess
from chatserver.ai.offline import OfflineResponder
from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db import knowledge as db
from chatserver.errors import NotFound, ValidationError
from chatserver.services import embeddings
from chatserver.services.access import Actor, access_widget
from chatserver.services.audit import record
from chatserver.timeutil import iso, utcnow
from chatserver.validate import Fields

KINDS = ("qa", "article")
MAX_TITLE = 500
MAX_BODY = 20_000
MAX_IMPORT_ENTRIES = 1000
# "Try it" labels a dense passage within this much cosine below the answer threshold a
# "partial" match (most rewordings of the entry's own question land in it), lower "weak".
PARTIAL_MARGIN = 0.04
# ... and a keyword passage with at least this share of the question's words "partial".
PARTIAL_COVERAGE = 0.25


def serialize(row: RowMapping | dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "kind": row["kind"], "title": row["title"], "body": row["body"],
            "status": row.get("status") or "published", "url": row.get("url"),
            "source_id": row.get("source_id"),
            "origin_session_id": row.get("origin_session_id"),
            "created_at": iso(row["created_at"]), "updated_at": iso(row["updated_at"])}


def parse_entry(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    f = Fields(data)
    out: dict[str, Any] = {}
    if not partial or "kind" in data:
        out["kind"] = f.choice("kind", KINDS) or "qa"
    if not partial or "title" in data:
        out["title"] = f.text("title", required=True, max_len=MAX_TITLE)
    if not partial or "body" in data:
        out["body"] = f.text("body", required=True, max_len=MAX_BODY, multiline=True)
    f.check()
    return out


async def index_for(ctx: Context, widget_id: int) -> KnowledgeIndex:
    """The widget's index: dense once all its entries have vectors of the running model (the
    missing ones are computed in the background meanwhile), BM25 until then."""
    index = ctx.knowledge.get(widget_id)
    if index is None:
        index = await ctx.knowledge.build(widget_id, lambda: embeddings.load(ctx, widget_id))
        if ctx.embedder is not None and not index.dense and index.entries:
            embeddings.schedule(ctx, widget_id)
    return index


class DecisionSettings(TypedDict):
    min_similarity: float
    answer_margin: float
    hedge_similarity: float
    hedge_margin: float


def decision_settings(settings: Settings) -> DecisionSettings:
    """The answer / hedge / decline settings, as AIRequest and `decision` take them."""
    return DecisionSettings(min_similarity=settings.ai_min_similarity,
                            answer_margin=settings.ai_answer_margin,
                            hedge_similarity=settings.ai_hedge_similarity,
                            hedge_margin=settings.ai_hedge_margin)


async def search(ctx: Context, index: KnowledgeIndex, history: list[Turn],
                 k: int = 3) -> list[Passage]:
    """The best passages for the visitor's last message: by cosine when the index is dense
    (the question embedded off the event loop, after the previous visitor message), else by
    BM25 on the message alone. A message without words (a file alone) finds
    nothing: the previous message was answered already."""
    if not history[-1].text.strip():
        return []
    if index.dense and ctx.embedder is not None:
        vector = await ctx.embedder.query(query_text(history))
        return index.search(history[-1].text, k, vector=vector)
    return index.search(history[-1].text, k)


async def list_entries(ctx: Context, actor: Actor, site_key: str,
                       status: str | None = None) -> list[dict[str, Any]]:
    """The widget's entries; `status` "draft" or "published": only those."""
    async with ctx.engine.connect() as conn:
        widget = await access_widget(conn, actor, site_key)
        return [serialize(r) for r in await db.entries(conn, widget["id"])
                if status is None or (r["status"] or "published") == status]


async def add_entries(ctx: Context, actor: Actor, site_key: str,
                      items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(items) > MAX_IMPORT_ENTRIES:
        raise ValidationError(f"at most {MAX_IMPORT_ENTRIES} entries at once",
                              code="too_many_entries")
    now = utcnow()
    async with ctx.engine.begin() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        rows = [{**item, "widget_id": widget["id"], "created_at": now, "updated_at": now}
                for item in items]
        ids = await db.insert_entries(conn, rows)
        await record(conn, actor, "knowledge.import", "widget", site_key, {"count": len(ids)})
    ctx.knowledge.invalidate(widget["id"])
    embeddings.schedule(ctx, widget["id"])
    return [serialize({**row, "id": i}) for row, i in zip(rows, ids, strict=True)]


async def update_entry(ctx: Context, actor: Actor, site_key: str, entry_id: int,
                       data: dict[str, Any]) -> dict[str, Any]:
    values = parse_entry(data, partial=True)
    async with ctx.engine.begin() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        if await db.entry(conn, widget["id"], entry_id) is None:
            raise NotFound("no such entry", code="entry_not_found")
        await db.update_entry(conn, entry_id, updated_at=utcnow(), **values)
        await db.delete_vectors(conn, entry_id)
        await record(conn, actor, "knowledge.update", "widget", site_key,
                     {"entry_id": entry_id, "fields": sorted(values)})
        row = await db.entry(conn, widget["id"], entry_id)
    ctx.knowledge.invalidate(widget["id"])
    embeddings.schedule(ctx, widget["id"])
    assert row is not None
    return serialize(row)


async def delete_entry(ctx: Context, actor: Actor, site_key: str, entry_id: int) -> None:
    async with ctx.engine.begin() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        if not await db.delete_entry(conn, widget["id"], entry_id):
            raise NotFound("no such entry", code="entry_not_found")
        await record(conn, actor, "knowledge.delete", "widget", site_key, {"entry_id": entry_id})
    ctx.knowledge.invalidate(widget["id"])


def parse_import(text: str, fmt: str) -> list[dict[str, Any]]:
    """Entries from a Markdown or CSV document.

    CSV: a header row with `question,answer` (Q&A pairs) or `title,body` (articles), or both
    kinds with a `kind` column. Markdown: each `## Heading` starts an entry; a heading that
    ends with "?" is a question and its text the answer, any other heading an article.
    """
    items: list[dict[str, Any]] = []
    if fmt == "csv":
        reader = csv.DictReader(io.StringIO(text))
        cols = {c.strip().lower() for c in reader.fieldnames or []}
        if not ({"question", "answer"} <= cols or {"title", "body"} <= cols):
            raise ValidationError("the CSV needs question,answer or title,body columns",
                                  code="invalid_import")
        for n, row in enumerate(reader, 2):
            row = {k.strip().lower(): (v or "") for k, v in row.items() if k}
            title = row.get("question") or row.get("title") or ""
            body = row.get("answer") or row.get("body") or ""
            kind = row.get("kind") or ("qa" if row.get("question") else "article")
            if not title.strip() and not body.strip():
                continue
            items.append(_checked({"kind": kind, "title": title, "body": body}, f"line {n}"))
    elif fmt == "markdown":
        heading_text: str | None = None
        lines: list[str] = []
        n0 = 0
        for n, line in enumerate([*text.splitlines(), "## "], 1):
            heading = re.match(r"^#{1,3}\s+(.*)$", line)
            if heading:
                if heading_text and "\n".join(lines).strip():
                    kind = "qa" if heading_text.rstrip().endswith("?") else "article"
                    items.append(_checked({"kind": kind, "title": heading_text,
                                           "body": "\n".join(lines).strip()}, f"line {n0}"))
                heading_text, lines, n0 = heading.group(1).strip(), [], n
            elif heading_text is not None:
                lines.append(line)
    else:
        raise ValidationError("format is markdown or csv", code="invalid_import")
    if not items:
        raise ValidationError("no entries found in the file", code="invalid_import")
    return items


def _checked(item: dict[str, Any], where: str) -> dict[str, Any]:
    try:
        return parse_entry(item)
    except ValidationError as exc:
        detail = "; ".join(f"{k} {v}" for k, v in exc.fields.items())
        raise ValidationError(f"{where}: {detail}", code="invalid_import",
                              fields={where: detail}) from None


async def try_question(ctx: Context, actor: Actor, site_key: str, question: str, *,
                       embed_missing: bool = False) -> dict[str, Any]:
    """What the offline responder would do with `question`: its `decision` ("answer", "hedge":
    offer the entry as what might help with a person, or "decline": it does not know and
    offers a person), an `explanation` of it in one plain
    sentence, its answer, and the passages retrieval found, each labelled by how close it is.

    `embed_missing` (the CLI, a process about to exit): compute and store the entries'
    missing vectors first, so the question is searched as the server will search it, rather
    than leave them to a background task."""
    async with ctx.engine.connect() as conn:
        widget = await access_widget(conn, actor, site_key)
    if embed_missing:
        await embeddings.embed_missing(ctx, widget["id"])
    index = await index_for(ctx, widget["id"])
    history = [Turn("visitor", question)]
    passages = await search(ctx, index, history)
    language = widget["ai_settings"].get("language") or guess(question)
    pieces: list[str] = []

    async def collect(text: str) -> None:
        pieces.append(text)

    min_similarity = ctx.settings.ai_min_similarity
    request = AIRequest(business_name=widget["business_name"],
                        history=history, passages=passages, settings=widget["ai_settings"],
                        language=language, **decision_settings(ctx.settings))
    outcome = await OfflineResponder().respond(request, collect)
    decided = "decline" if outcome.no_match else "hedge" if outcome.offer else "answer"
    return {"decision": decided,
            "explanation": explain(outcome, passages, empty=not index.docs, decided=decided),
            "answer": "".join(pieces),
            "search": "meaning" if index.dense and ctx.embedder is not None else "keywords",
            "confident": confident(passages, min_similarity),
            "no_match": outcome.no_match,
            "passages": [{"entry_id": p.entry_id, "title": p.title, "text": p.text,
                          "match": closeness(p, min_similarity),
                          "used": p.entry_id in outcome.sources,
                          "score": round(p.score, 3), "coverage": round(p.coverage, 2),
                          "similarity": None if p.similarity is None else round(p.similarity, 3)}
                         for p in passages]}


def closeness(passage: Passage, min_similarity: float) -> str:
    """"close" (enough to answer from), "partial" (near the threshold: a rewording of the
    entry's question would likely reach it) or "weak"."""
    if confident([passage], min_similarity):
        return "close"
    if passage.similarity is not None:
        return "partial" if passage.similarity >= min_similarity - PARTIAL_MARGIN else "weak"
    return "partial" if passage.coverage >= PARTIAL_COVERAGE else "weak"


def explain(outcome: Outcome, passages: list[Passage], *, empty: bool,
            decided: str = "answer") -> str:
    """One sentence, in plain words, of what was found and what the assistant would do."""
    offer = "the assistant would say it doesn't know and offer a person."
    if outcome.sources:
        used = next(p for p in passages if p.entry_id == outcome.sources[0])
        if decided == "hedge":
            return (f"Found “{used.title}”, a likely but not certain match: the assistant "
                    "would offer it as what might help, and offer a person.")
        return f"Found “{used.title}” — a close match: the assistant would answer with it."
    if not outcome.no_match:
        return ("This is a greeting or a thank-you: the assistant would reply politely, "
                "without the knowledge base.")
    if empty:
        return f"The knowledge base is empty: {offer}"
    if not passages:
        return f"Nothing in the knowledge base matches: {offer}"
    return f"The closest entry, “{passages[0].title}”, is not close enough: {offer}"
