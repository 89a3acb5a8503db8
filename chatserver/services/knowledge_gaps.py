"""The gap loop: what visitors asked that the AI could not answer, grouped by meaning, and an
agent's reply saved as a draft answer that the AI uses only once an admin publishes it.

A gap is an AI reply that offered a person because the knowledge base did not know
(`meta.no_match`: declined) or was not sure (`meta.offer` with `sources` and no `no_match`:
hedged); a reply after the AI provider failed (`offer_reason` `ai_error`) is not a gap in the
knowledge. Its question is what the visitor said just before it (their messages since the
last reply).

Grouping: the newest MAX_QUESTIONS gap questions of the window are embedded (E5 "query: ",
off the event loop, remembered per process by text) and grouped greedily: a question joins
the first group whose first question is at least SAME_QUESTION close, else starts one.
Without the embedding model, by shared content words instead.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import numpy as np
from sqlalchemy.engine import RowMapping

from chatserver.ai.embedding import Embedder
from chatserver.ai.knowledge import terms
from chatserver.ai.language import guess
from chatserver.ai.offer import answer_to_offer
from chatserver.context import Context
from chatserver.db import knowledge as kb_db
from chatserver.db import knowledge_gaps as db
from chatserver.errors import Conflict, NotFound, ValidationError
from chatserver.services import embeddings
from chatserver.services.access import Actor, access_session, access_widget
from chatserver.services.audit import record
from chatserver.services.knowledge import MAX_BODY, MAX_TITLE, parse_entry, serialize
from chatserver.timeutil import iso, utcnow

log = logging.getLogger(__name__)

# The newest gap questions looked at: bounds the embedding work of one request (~30 ms a
# question the first time it is seen; remembered after) and the answer's size.
MAX_QUESTIONS = 500
MAX_DAYS = 365
# Two questions are one gap when their E5 query vectors are at least this close. Chosen with
# bench/gap_groups.py on the labelled set's paraphrase pairs (an entry's question and a
# visitor's rewording of it): 0.88 merges 30 % (tune) / 44 % (held-out) of those deliberately
# far-apart rewordings and 1.4 % / 1.8 % of pairs of different questions; 0.86 merged 5-8 %
# of different pairs. A wrong merge hides a gap, a missed one only shows it twice.
SAME_QUESTION = 0.88
# Without the model: the share of content words two questions must share (Jaccard).
SAME_TERMS = 0.5
EXAMPLES = 3
# Messages looked at before a gap reply for the visitor's question.
LOOK_BACK = 6
MAX_QUESTION_CHARS = 1000
# Question vectors remembered per process (384 float32 each: ~1.5 KB).
CACHED_VECTORS = 5000


class _Vectors:
    """Question text -> its vector of one model, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.model = ""
        self.items: OrderedDict[str, np.ndarray] = OrderedDict()

    async def of(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        if embedder.model_id != self.model:
            self.model, self.items = embedder.model_id, OrderedDict()
        for text in texts:
            if text in self.items:
                self.items.move_to_end(text)
            else:
                self.items[text] = await embedder.query(text)
                if len(self.items) > self.size:
                    self.items.popitem(last=False)
        return np.stack([self.items[t] for t in texts])


_vectors = _Vectors(CACHED_VECTORS)


def _question(rows: list[RowMapping], seq: int) -> str:
    """The visitor's messages just before `seq` (since the last message of anybody else)."""
    said: list[str] = []
    for row in reversed([r for r in rows if r["seq"] < seq]):
        if row["sender_type"] != "visitor":
            break
        said.append(row["text"].strip())
    return " ".join(reversed([s for s in said if s]))[:MAX_QUESTION_CHARS]


def _kind(meta: dict[str, Any]) -> str | None:
    if meta.get("no_match"):
        return "declined"
    if meta.get("sources"):
        return "hedged"
    return None


def group_by_vectors(vectors: np.ndarray, threshold: float = SAME_QUESTION) -> list[list[int]]:
    """Greedy: each row joins the first group whose first row is at least `threshold` close
    (rows are unit vectors), else starts a group. Indexes, in input order."""
    leaders: list[int] = []
    groups: list[list[int]] = []
    for i in range(len(vectors)):
        if leaders:
            sims = vectors[leaders] @ vectors[i]
            best = int(np.argmax(sims))
            if sims[best] >= threshold:
                groups[best].append(i)
                continue
        leaders.append(i)
        groups.append([i])
    return groups


def group_by_terms(texts: Sequence[str], threshold: float = SAME_TERMS) -> list[list[int]]:
    """As `group_by_vectors`, on the questions' content words (Jaccard), for when the
    embedding model is off; questions without content words group by their exact text."""
    leaders: list[tuple[frozenset[str], str]] = []
    groups: list[list[int]] = []
    for i, text in enumerate(texts):
        mine = frozenset(terms(text))
        normal = " ".join(text.lower().split())
        for n, (theirs, their_text) in enumerate(leaders):
            same = (len(mine & theirs) / len(mine | theirs) >= threshold if mine and theirs
                    else normal == their_text)
            if same:
                groups[n].append(i)
                break
        else:
            leaders.append((mine, normal))
            groups.append([i])
    return groups


async def gaps(ctx: Context, actor: Actor, site_key: str, *, days: int = 30,
               limit: int = MAX_QUESTIONS) -> dict[str, Any]:
    """The widget's unanswered questions of the last `days`, grouped by meaning, the most
    asked first: each group's question (its newest wording), count, how many were declined
    and hedged, when last asked, up to EXAMPLES conversations, the languages asked in."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"days is 1 to {MAX_DAYS}", code="invalid_days",
                              fields={"days": f"1 to {MAX_DAYS}"})
    limit = max(1, min(limit, MAX_QUESTIONS))
    async with ctx.engine.connect() as conn:
        widget = await access_widget(conn, actor, site_key)
        replies = await db.unanswered(conn, widget["id"], utcnow() - timedelta(days=days), limit)
        earlier = await db.before(conn, [(r["session_id"], r["seq"]) for r in replies],
                                  LOOK_BACK)
    found: list[dict[str, Any]] = []
    for reply in replies:  # newest first
        kind = _kind(reply["meta"] or {})
        question = _question(earlier.get(reply["session_id"], []), reply["seq"])
        if kind and question:
            found.append({"question": question, "kind": kind, "session_id": reply["session_id"],
                          "at": reply["created_at"]})
    texts = [f["question"] for f in found]
    if ctx.embedder is not None and texts:
        grouped = group_by_vectors(await _vectors.of(ctx.embedder, texts))
        by = "meaning"
    else:
        grouped, by = group_by_terms(texts), "words"
    groups = [_group([found[i] for i in members]) for members in grouped]
    groups.sort(key=lambda g: (g["count"], g["last_at"]), reverse=True)
    return {"days": days, "grouped_by": by, "questions": len(found),
            "truncated": len(replies) == limit, "groups": groups}


def _group(items: list[dict[str, Any]]) -> dict[str, Any]:
    """One gap from its questions, newest first."""
    examples: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        if item["session_id"] not in seen and len(examples) < EXAMPLES:
            seen.add(item["session_id"])
            examples.append({"session_id": item["session_id"], "question": item["question"],
                             "at": iso(item["at"])})
    return {"question": items[0]["question"], "count": len(items),
            "declined": sum(i["kind"] == "declined" for i in items),
            "hedged": sum(i["kind"] == "hedged" for i in items),
            "last_at": iso(items[0]["at"]), "examples": examples,
            "languages": sorted({guess(i["question"]) for i in items})}


async def save_answer(ctx: Context, actor: Actor, session_id: str,
                      message_id: int | None) -> dict[str, Any]:
    """An agent's reply in a conversation as a draft Q&A entry: the visitor's last message
    before it is the question (not a yes or a no: "yes please" to the AI's offer of a person
    answers the offer, the question came before it), the reply the answer. Any agent of the
    widget may save one; the AI does not use it until an owner or admin publishes it."""
    async with ctx.engine.begin() as conn:
        session = await access_session(conn, None, session_id, actor=actor)
        if message_id is None or not 0 < message_id < 2**63:
            raise ValidationError("message_id is the id of the agent's message",
                                  code="invalid_message_id",
                                  fields={"message_id": "a message id"})
        reply = await db.message(conn, session["id"], message_id)
        if reply is None:
            raise NotFound("no such message", code="message_not_found")
        if reply["sender_type"] != "agent":
            raise ValidationError("only an agent's reply can be saved as an answer",
                                  code="not_an_agent_message")
        body = (reply["text"] or "").strip()[:MAX_BODY]
        if not body:
            raise ValidationError("the reply has no text", code="empty_message")
        said = await db.visitor_texts_before(conn, session["id"], reply["seq"], LOOK_BACK)
        question = next((t for t in said if t.strip() and answer_to_offer(t) is None), "")
        title = " ".join(question.split())[:MAX_TITLE]
        if not title:
            raise ValidationError("the visitor asked nothing before this reply",
                                  code="no_question")
        if await db.draft_from(conn, session["widget_id"], session["id"], body) is not None:
            raise Conflict("this reply is already saved as an answer", code="already_saved")
        now = utcnow()
        row = {"widget_id": session["widget_id"], "kind": "qa", "title": title, "body": body,
               "status": "draft", "origin_session_id": session["id"], "created_at": now,
               "updated_at": now}
        (entry_id,) = await kb_db.insert_entries(conn, [row])
        await record(conn, actor, "knowledge.draft", "widget", session["site_key"],
                     {"entry_id": entry_id, "session_id": session["id"]})
    log.info("draft answer %s saved from session %s", entry_id, session["id"])
    return serialize({**row, "id": entry_id})


async def publish(ctx: Context, actor: Actor, site_key: str, entry_id: int,
                  data: dict[str, Any]) -> dict[str, Any]:
    """Publish a draft (with the title and body the reviewer edited, if given): the AI uses it
    from now on. The entry stops pointing at its conversation: it is the site's answer now,
    and erasing that visitor's conversations must not take it away. Publishing a published
    entry changes nothing."""
    values = parse_entry(data, partial=True)
    async with ctx.engine.begin() as conn:
        widget = await access_widget(conn, actor, site_key, manage=True)
        entry = await kb_db.entry(conn, widget["id"], entry_id)
        if entry is None:
            raise NotFound("no such entry", code="entry_not_found")
        if entry["status"] == "published" and not values:
            return serialize(entry)
        await kb_db.update_entry(conn, entry_id, status="published", origin_session_id=None,
                                 updated_at=utcnow(), **values)
        await kb_db.delete_vectors(conn, entry_id)
        await record(conn, actor, "knowledge.publish", "widget", site_key,
                     {"entry_id": entry_id, "fields": sorted(values)})
        row = await kb_db.entry(conn, widget["id"], entry_id)
    ctx.knowledge.invalidate(widget["id"])
    embeddings.schedule(ctx, widget["id"])
    assert row is not None
    return serialize(row)
