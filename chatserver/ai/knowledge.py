"""Retrieval over a widget's knowledge base with BM25 (bm25s), plus a coverage check that
turns scores into a yes/no "we know this"."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import bm25s

from chatserver.ai.base import Passage
from chatserver.ai.language import FILLER, STOPWORDS, words

# A passage answers a question when at least this share of the question's content words
# appear in it (BM25 scores are relative and cannot be thresholded across knowledge bases).
MIN_COVERAGE = 0.5
# Articles are split into passages of about this many characters.
PASSAGE_CHARS = 600
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


class KnowledgeIndex:
    """A BM25 index of one widget's entries: a Q&A pair is one document (its question counts
    twice), an article one document per passage."""

    def __init__(self, entries: Iterable[dict[str, Any]]) -> None:
        self.docs: list[Doc] = []
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

    def titles(self) -> dict[int, str]:
        """Entry id -> title."""
        return {d.entry_id: d.title for d in self.docs}

    def search(self, question: str, k: int = 3) -> list[Passage]:
        """The best passages, best first, each with its BM25 score and question coverage."""
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


def confident(passages: list[Passage]) -> bool:
    """The best passage covers enough of the question: half its content words, and at least
    two of them when it has two or more ("tax return" is not answered by "return a bike")."""
    return bool(passages) and passages[0].coverage >= MIN_COVERAGE \
        and passages[0].matched >= min(2, passages[0].query_terms)


class KnowledgeCache:
    """Indexes per widget, rebuilt when this process changes the entries or after a TTL."""

    def __init__(self) -> None:
        self.indexes: dict[int, tuple[float, KnowledgeIndex]] = {}

    def get(self, widget_id: int) -> KnowledgeIndex | None:
        hit = self.indexes.get(widget_id)
        if hit is None or hit[0] < time.monotonic():
            return None
        return hit[1]

    def put(self, widget_id: int, index: KnowledgeIndex) -> None:
        self.indexes[widget_id] = (time.monotonic() + CACHE_TTL_S, index)

    def invalidate(self, widget_id: int) -> None:
        self.indexes.pop(widget_id, None)
