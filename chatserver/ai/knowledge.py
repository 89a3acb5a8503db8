"""Retrieval over a widget's knowledge base: hybrid (the dense cosine ranking over E5 passage
vectors fused with the BM25 ranking, reciprocal-rank fusion) when the widget's vectors exist,
BM25 (bm25s) alone until then; and the answer / hedge / decline decision on top.

Dense text per entry (`dense_texts`): a Q&A pair is embedded as its question alone and as
question + answer, an article as its title alone (as a Q&A pair's question: without it an
imported page cleared the answer line far less often than the same knowledge typed,
bench/ai_eval.md "Imported knowledge") and as its title with each passage; an entry scores its
best row.
Measured in bench/ai_eval.md (R@1 0.84 vs 0.35 for BM25 on the tune split; the fusion's
weight in bench/ai_fusion.py). Answer, hedge or decline on the dense cosines of the best
entry and the best other one: `decide` (rules measured in bench/ai_rules.py)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np

from chatserver.ai.base import Passage, Turn
from chatserver.ai.language import FILLER, STOPWORDS, words

# A passage answers a question when at least this share of the question's content words
# appear in it (BM25 scores are relative and cannot be thresholded across knowledge bases).
MIN_COVERAGE = 0.5
# Articles are split into passages of about this many characters.
PASSAGE_CHARS = 600
# The decision on dense scores (`decide`), chosen on the tune split with bench/ai_rules.py
# (right - 2 x wrong); Settings overrides them. The cosine that answers, when the best entry
# leads the next by ANSWER_MARGIN:
MIN_SIMILARITY = 0.875
ANSWER_MARGIN = 0.01
# Below that, down to HEDGE_SIMILARITY and with a lead of HEDGE_MARGIN, the entry is given as
# "this might help" with the offer of a person.
HEDGE_SIMILARITY = 0.84
HEDGE_MARGIN = 0.035
# Reciprocal-rank fusion of the two rankings of entries (`KnowledgeIndex.search`, dense):
# 1 / (RRF_K + dense rank) + LEXICAL_WEIGHT / (RRF_K + BM25 rank), the BM25 term only for
# entries BM25 finds. Chosen on the tune split (bench/ai_fusion.py): a heavier lexical side
# (or the usual k = 60) lowers recall@1, because paraphrases avoid the entries' words and
# partial overlaps point to other entries. At these values BM25 never displaces the dense
# best entry (rank 2 + BM25 rank 1 = 0.458 < 0.5) but lifts an entry it ranks first from
# dense rank 6 or better into the best three, which the OpenAI responder is given.
RRF_K = 1.0
LEXICAL_WEIGHT = 0.25
# BM25 passages fused (the best ones): deeper ones add under 0.01 and cannot enter the best
# three; retrieving all of a large base would cost ~10 ms a question.
LEXICAL_DEPTH = 30
# How long another process's edits may take to be seen (this process invalidates at once).
CACHE_TTL_S = 30.0

_ALL_STOPWORDS = frozenset().union(*STOPWORDS.values()) | FILLER


def stem(word: str) -> str:
    """A very light stemmer (plurals, -ing, -ed, a final e), enough to match "bikes" to
    "bike", "opening" to "open" and "shipping" to "ships"; it only has to be consistent."""
    w = word
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if len(w) > len(suffix) + 2 and w.endswith(suffix):
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiou":
                w = w[:-1]
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def terms(text: str) -> list[str]:
    return [stem(w) for w in words(text) if w not in _ALL_STOPWORDS and len(w) > 1]


@dataclass(frozen=True)
class Doc:
    entry_id: int
    title: str
    text: str
    tokens: list[str]


def split_passages(text: str) -> list[str]:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    out: list[str] = []
    for para in paragraphs:
        while len(para) > PASSAGE_CHARS:
            cut = para.rfind(". ", 0, PASSAGE_CHARS)
            cut = cut + 1 if cut > PASSAGE_CHARS // 3 else PASSAGE_CHARS
            out.append(para[:cut].strip())
            para = para[cut:].strip()
        if para:
            out.append(para)
    return out


def dense_texts(entry: Mapping[str, Any]) -> list[str]:
    """What is embedded for an entry, one vector per text (its passage index is the position)."""
    if entry["kind"] == "qa":
        return [entry["title"], f"{entry['title']}\n{entry['body']}"]
    return [entry["title"], *(f"{entry['title']}\n{p}" for p in split_passages(entry["body"]))]


def _row_texts(entry: Mapping[str, Any]) -> list[str]:
    """The text a search returns for each of `dense_texts(entry)`'s rows: a Q&A pair's
    answer; an article's passage (its first one for the title's row)."""
    if entry["kind"] == "qa":
        return [entry["body"]] * 2
    passages = split_passages(entry["body"])
    return [passages[0] if passages else entry["body"], *passages]


def query_text(history: Sequence[Turn]) -> str:
    """The dense query: the last visitor message after the previous visitor message, if any
    (a follow-up rarely names its subject: "how much can I put on one?" after "do you sell
    gift cards?"). Always, not only for short messages: +2 on the tune split
    (bench/ai_rules.py)."""
    said = [t.text for t in history if t.role == "visitor"]
    return " ".join(said[-2:])


class KnowledgeIndex:
    """One widget's entries. BM25: a Q&A pair is one document (its question counts twice), an
    article one document per passage. Dense, when `vectors` holds every entry's rows (entry id
    -> matrix, rows as `dense_texts`): cosine, best row per entry."""

    def __init__(self, entries: Iterable[dict[str, Any]],
                 vectors: Mapping[int, np.ndarray] | None = None) -> None:
        entries = list(entries)
        self.entries = len(entries)
        # Entry id -> its page's URL, for the entries imported from a web page.
        self.urls: dict[int, str] = {e["id"]: e["url"] for e in entries if e.get("url")}
        self.docs: list[Doc] = []
        self.matrix: np.ndarray | None = None
        self.rows: list[tuple[int, str, str]] = []  # per matrix row: entry id, title, text
        if entries and vectors is not None and all(
                len(vectors.get(e["id"], ())) == len(dense_texts(e)) for e in entries):
            for e in entries:
                self.rows.extend((e["id"], e["title"], t) for t in _row_texts(e))
            self.matrix = np.concatenate([vectors[e["id"]] for e in entries
                                          if e["id"] in vectors]).astype(np.float32)
        for e in entries:
            if e["kind"] == "qa":
                tokens = terms(e["title"]) * 2 + terms(e["body"])
                self.docs.append(Doc(e["id"], e["title"], e["body"], tokens))
            else:
                for passage in split_passages(e["body"]):
                    tokens = terms(e["title"]) + terms(passage)
                    self.docs.append(Doc(e["id"], e["title"], passage, tokens))
        self.bm25: bm25s.BM25 | None = None
        if self.docs:
            self.bm25 = bm25s.BM25()
            self.bm25.index([d.tokens or ["\u0000"] for d in self.docs], show_progress=False)

    @property
    def dense(self) -> bool:
        """Every entry has its vectors: search by cosine, decide by similarity."""
        return self.matrix is not None

    def titles(self) -> dict[int, str]:
        """Entry id -> title."""
        return {d.entry_id: d.title for d in self.docs}

    def chars(self) -> int:
        """The size of the whole knowledge base, in characters of its passages."""
        return sum(len(d.title) + len(d.text) for d in self.docs)

    def with_everything(self, best: list[Passage]) -> list[Passage]:
        """`best`, then every other passage of the knowledge base (unscored), for a model
        that is given all of a small knowledge base."""
        given = {(p.entry_id, p.text) for p in best}
        return [*best, *(Passage(d.entry_id, d.title, d.text, 0.0, 0.0) for d in self.docs
                         if (d.entry_id, d.text) not in given)]

    def search(self, question: str, k: int = 3, *, vector: np.ndarray | None = None,
               lexical_weight: float = LEXICAL_WEIGHT) -> list[Passage]:
        """The best passages, best first. Dense index and `vector` (the question embedded, see
        `query_text`): one per entry, ranked by the fusion of the cosine ranking and the BM25
        ranking of `question` (`lexical_weight` 0: cosine alone), each with its cosine as
        `similarity` and `score` (the calibrated score `decision` uses) and its best BM25
        passage's coverage. Else by BM25, each with its score and question coverage."""
        if vector is not None and self.matrix is not None:
            return self._hybrid(question, vector, k, lexical_weight)
        return self._bm25(question, k)

    def _bm25(self, question: str, k: int) -> list[Passage]:
        query = terms(question)
        if not query or self.bm25 is None:
            return []
        k = min(k, len(self.docs))
        results, scores = self.bm25.retrieve([query], k=k, show_progress=False)
        wanted = set(query)
        out = []
        for idx, score in zip(results[0], scores[0], strict=True):
            if score <= 0:
                continue
            doc = self.docs[int(idx)]
            matched = len(wanted & set(doc.tokens))
            out.append(Passage(doc.entry_id, doc.title, doc.text, float(score),
                               matched / len(wanted), matched, len(wanted)))
        return out


    def _hybrid(self, question: str, vector: np.ndarray, k: int,
                lexical_weight: float) -> list[Passage]:
        assert self.matrix is not None
        sims = self.matrix @ np.asarray(vector, dtype=np.float32)
        dense: dict[int, int] = {}  # entry id -> its best row, best entry first
        for i in np.argsort(-sims, kind="stable"):
            dense.setdefault(self.rows[int(i)][0], int(i))
        lexical: dict[int, Passage] = {}  # entry id -> its best BM25 passage, best first
        for p in self._bm25(question, min(len(self.docs), max(k, LEXICAL_DEPTH))):
            lexical.setdefault(p.entry_id, p)
        fused = {e: 1.0 / (RRF_K + rank) for rank, e in enumerate(dense, 1)}
        if lexical_weight > 0:
            for rank, e in enumerate(lexical, 1):
                if e in fused:
                    fused[e] += lexical_weight / (RRF_K + rank)
        out: list[Passage] = []
        for e in sorted(fused, key=lambda e: -fused[e])[:k]:  # stable: dense order on ties
            row = dense[e]
            _, title, text = self.rows[row]
            cos = float(sims[row])
            lex = lexical.get(e)
            out.append(Passage(e, title, text, cos, lex.coverage if lex else 0.0,
                               lex.matched if lex else 0, lex.query_terms if lex else 0,
                               similarity=cos))
        return out


def decide(best: float, second: float | None, *, answer_min: float = MIN_SIMILARITY,
           hedge_min: float = HEDGE_SIMILARITY, hedge_margin: float = HEDGE_MARGIN,
           answer_margin: float = ANSWER_MARGIN) -> str:
    """Answer, hedge or decline on the dense scores of the best entry (`best`) and the best
    other entry (`second`, None when there is none): "answer" when `best` reaches
    `answer_min` and leads `second` by `answer_margin`; else "hedge" (the entry, introduced
    as what might help, with the offer of a person) when it reaches `hedge_min` and leads by
    `hedge_margin`; else "decline". Pure; the defaults are chosen in bench/ai_rules.py."""
    margin = best - second if second is not None else float("inf")
    if best >= answer_min and margin >= answer_margin:
        return "answer"
    if best >= hedge_min and margin >= hedge_margin:
        return "hedge"
    return "decline"


def decision(passages: Sequence[Passage], min_similarity: float = MIN_SIMILARITY, *,
             hedge_similarity: float = HEDGE_SIMILARITY, hedge_margin: float = HEDGE_MARGIN,
             answer_margin: float = ANSWER_MARGIN) -> str:
    """"answer", "hedge" or "decline" for the passages of one search, best first (one per
    entry when dense). Dense: `decide` on the first entry's cosine and the best cosine of the
    others (the fused order need not be the cosine order: a first entry that another
    outscores has a negative margin and is declined); BM25: answer when `confident`, else
    decline (its scores are not calibrated for a hedge)."""
    if not passages or passages[0].similarity is None:
        return "answer" if confident(list(passages)) else "decline"
    second = max((p.similarity for p in passages[1:] if p.similarity is not None),
                 default=None)
    return decide(passages[0].similarity, second, answer_min=min_similarity,
                  hedge_min=hedge_similarity, hedge_margin=hedge_margin,
                  answer_margin=answer_margin)


def confident(passages: list[Passage], min_similarity: float = MIN_SIMILARITY) -> bool:
    """Dense passages: the best one's cosine reaches `min_similarity`. BM25 ones: the best
    passage covers enough of the question: half its content words, and at least two of them
    when it has two or more ("tax return" is not answered by "return a bike")."""
    if not passages:
        return False
    best = passages[0]
    if best.similarity is not None:
        return best.similarity >= min_similarity
    return best.coverage >= MIN_COVERAGE and best.matched >= min(2, best.query_terms)


class KnowledgeCache:
    """Indexes per widget, rebuilt when this process changes the entries or after a TTL; and
    the background tasks computing a widget's missing vectors (one per widget at a time)."""

    def __init__(self) -> None:
        self.indexes: dict[int, tuple[float, KnowledgeIndex]] = {}
        # Indexes being built: callers meanwhile wait for the same one (a change of the
        # entries drops it here, so later callers build anew).
        self.building: dict[int, asyncio.Future[KnowledgeIndex]] = {}
        self.embedding: dict[int, asyncio.Task[None]] = {}
        self.embed_again: set[int] = set()

    async def stop(self) -> None:
        """Cancel the embedding tasks and the builds (before the database closes)."""
        tasks: list[asyncio.Future[Any]] = [*self.embedding.values(), *self.building.values()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def get(self, widget_id: int) -> KnowledgeIndex | None:
        hit = self.indexes.get(widget_id)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, widget_id: int, index: KnowledgeIndex) -> None:
        self.indexes[widget_id] = (time.monotonic() + CACHE_TTL_S, index)

    async def build(self, widget_id: int,
                    load: Callable[[], Awaitable[tuple[list[dict[str, Any]],
                                                       Mapping[int, np.ndarray] | None]]]
                    ) -> KnowledgeIndex:
        """The widget's index built from what `load` reads, in a worker thread (tokenizing
        and indexing 1,000 entries took 411 ms, which on the event loop would hold every
        socket of the process), once for all who ask meanwhile; kept unless the entries
        changed while it was built."""
        future = self.building.get(widget_id)
        if future is None:
            async def make() -> KnowledgeIndex:
                rows, vectors = await load()
                index = await asyncio.to_thread(KnowledgeIndex, rows, vectors)
                if self.building.get(widget_id) is future:
                    self.put(widget_id, index)
                return index

            future = self.building[widget_id] = asyncio.ensure_future(make())
            future.add_done_callback(lambda done: self._built(widget_id, done))
        return await asyncio.shield(future)

    def _built(self, widget_id: int, future: asyncio.Future[KnowledgeIndex]) -> None:
        if self.building.get(widget_id) is future:
            del self.building[widget_id]
        if not future.cancelled():
            future.exception()  # retrieved: a failed build is the callers' error, not logged

    def invalidate(self, widget_id: int) -> None:
        self.indexes.pop(widget_id, None)
        self.building.pop(widget_id, None)
