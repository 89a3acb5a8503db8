"""Fusions of the dense and BM25 rankings, and decisions over them, on the labelled set
(tune split only: the held-out business is never used here).

    python -m bench.ai_fusion [--split tune]

Each question is embedded once (the product's `query_text`) and searched by BM25 once (the
message alone and the query text); every configuration below is then a ranking of the
entries and the two scores (s1, s2) that `decide` gets, with its decision thresholds chosen
by the grid of bench/ai_rules.py (right - 2 x wrong, a hedge counted as an answer). Printed
per configuration: R@1, and the best rule's right / wrong / declined. What was kept is in
chatserver/ai/knowledge.py, the table in bench/ai_eval.md.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.ai_eval import load_sets
from chatserver.ai.base import Turn
from chatserver.ai.embedding import Embedder
from chatserver.ai.knowledge import KnowledgeIndex, dense_texts, query_text
from chatserver.ai.language import guess


@dataclass
class Q:
    """One question's features over its business's entries (arrays aligned with `ids`)."""
    question: dict[str, Any]
    ids: list[int]
    cos: np.ndarray        # best row per entry (the product's dense texts)
    cos3: np.ndarray       # ... with each Q&A answer alone as a third text
    bm25: np.ndarray       # best BM25 passage score per entry, the message alone (0: none)
    bm25q: np.ndarray      # ... the query text (previous visitor message in front)
    cov: np.ndarray        # that passage's coverage of the question's words
    foreign: bool          # the question's language is not the entries' (English)

    @property
    def expected(self) -> int | None:
        expected: int | None = self.question["expected"]
        return expected


def _per_entry(index: KnowledgeIndex, ids: list[int], text: str) -> tuple[np.ndarray,
                                                                          np.ndarray]:
    pos = {e: i for i, e in enumerate(ids)}
    score, cov = np.zeros(len(ids)), np.zeros(len(ids))
    for p in index.search(text, k=len(index.docs)):
        i = pos[p.entry_id]
        if p.score > score[i]:
            score[i], cov[i] = p.score, p.coverage
    return score, cov


def features(split: str) -> list[Q]:
    embedder = Embedder()
    out = []
    for business in load_sets(split):
        entries = business["entries"]
        ids = [e["id"] for e in entries]
        vectors = {e["id"]: embedder.embed_passages(dense_texts(e)) for e in entries}
        answers = {e["id"]: embedder.embed_passages([e["body"]]) for e in entries
                   if e["kind"] == "qa"}
        index = KnowledgeIndex(entries, vectors)
        for q in business["questions"]:
            history = [Turn("visitor", t) for t in (q.get("previous"), q["text"]) if t]
            text = query_text(history)
            v = embedder.embed_query(text)
            cos = np.array([float((vectors[e] @ v).max()) for e in ids])
            cos3 = np.array([max(c, float((answers[e] @ v).max())) if e in answers else c
                             for e, c in zip(ids, cos, strict=True)])
            bm25, cov = _per_entry(index, ids, q["text"])
            bm25q, _ = _per_entry(index, ids, text)
            out.append(Q(q, ids, cos, cos3, bm25, bm25q, cov, guess(q["text"]) != "en"))
    return out


def ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of each entry by score, best first (stable)."""
    order = np.argsort(-scores, kind="stable")
    r = np.empty(len(scores))
    r[order] = np.arange(1, len(scores) + 1)
    return r


# A configuration: (question) -> (entry order best first, decision score per entry)
Config = Callable[[Q], tuple[np.ndarray, np.ndarray]]


def rrf(k: float, w: float, *, query: bool = False, foreign_w: float | None = None,
        third: bool = False) -> Config:
    def fn(q: Q) -> tuple[np.ndarray, np.ndarray]:
        cos = q.cos3 if third else q.cos
        lex = q.bm25q if query else q.bm25
        weight = foreign_w if foreign_w is not None and q.foreign else w
        fused = 1 / (k + ranks(cos)) + weight * np.where(lex > 0, 1 / (k + ranks(lex)), 0)
        return np.argsort(-fused, kind="stable"), cos
    return fn


def wsum(w: float, *, query: bool = False, foreign_w: float | None = None) -> Config:
    """cos + w x BM25 / max BM25 of the question (ranking only)."""
    def fn(q: Q) -> tuple[np.ndarray, np.ndarray]:
        lex = q.bm25q if query else q.bm25
        weight = foreign_w if foreign_w is not None and q.foreign else w
        norm = lex / lex.max() if lex.max() > 0 else lex
        return np.argsort(-(q.cos + weight * norm), kind="stable"), q.cos
    return fn


def dense(third: bool = False) -> Config:
    def fn(q: Q) -> tuple[np.ndarray, np.ndarray]:
        cos = q.cos3 if third else q.cos
        return np.argsort(-cos, kind="stable"), cos
    return fn


@dataclass
class Rows:
    """Per question: the top entry is the labelled one; in scope; cross-language; s1; s2."""
    correct: np.ndarray
    in_scope: np.ndarray
    xl: np.ndarray
    s1: np.ndarray
    s2: np.ndarray


def rows(qs: list[Q], config: Config, second: str = "next",
         boost: float = 0.0, rel: bool = False) -> Rows:
    """`second`: "next" = the decision score of the entry ranked second, "other" = the best
    decision score among the other entries. `boost`: decision score + boost x coverage of
    the entry's best BM25 passage; "rel": s1 and s2 minus the mean of the rest."""
    correct, in_scope, xl, s1, s2 = [], [], [], [], []
    for q in qs:
        order, score = config(q)
        score = score + boost * q.cov
        if rel:  # relative to the question's scores: minus the mean over all entries
            score = score - score.mean() + 0.85
        top = order[0]
        correct.append(q.ids[top] == q.expected)
        in_scope.append(q.expected is not None)
        xl.append(q.question["class"] == "cross-language")
        s1.append(score[top])
        if second == "next":
            s2.append(score[order[1]])
        else:
            s2.append(float(np.delete(score, top).max()))
    return Rows(*(np.array(a) for a in (correct, in_scope, xl, s1, s2)))


def recall1(qs: list[Q], config: Config) -> float:
    ins = [q for q in qs if q.expected is not None]
    return float(sum(q.ids[config(q)[0][0]] == q.expected for q in ins) / len(ins))


@dataclass
class Best:
    objective: int
    right: int
    wrong: int
    declined: int
    hedged: int
    oos_declined: int
    xl_right: int
    rule: tuple[float, float, float, float]


def tune(r: Rows, lo: float = 0.80, hi: float = 0.921, step: float = 0.005,
         max_wrong: int | None = None) -> Best:
    """The best answer / hedge / both-margins rule (bench/ai_rules.py's richest family, and
    the plain threshold + margin) by right - 2 x wrong, ties to fewer wrong then fewer
    hedges; vectorised over the questions."""
    ts = np.arange(lo, hi, step)
    ds = np.arange(0.0, 0.061, 0.005)
    margin = r.s1 - r.s2
    best: Best | None = None
    rules = [(a, h, d, da) for a, h, d, da in itertools.product(ts, ts, ds,
                                                                (0.0, 0.005, 0.01, 0.02))
             if h <= a and da <= d]
    for a, h, d, da in rules:
        answer = (r.s1 >= a) & (margin >= da)
        hedge = ~answer & (r.s1 >= h) & (margin >= d)
        shown = answer | hedge
        right_shown = shown & r.correct & r.in_scope
        wrong = int((shown & ~(r.correct & r.in_scope)).sum())
        oos_declined = int((~shown & ~r.in_scope).sum())
        right = int(right_shown.sum()) + oos_declined
        obj = right - 2 * wrong
        if max_wrong is not None and wrong > max_wrong:
            continue
        key = (obj, -wrong, -int(hedge.sum()))
        if best is None or key > (best.objective, -best.wrong, -best.hedged):
            best = Best(obj, right, wrong, int((~shown & r.in_scope).sum()), int(hedge.sum()),
                        oos_declined, int((right_shown & r.xl).sum()),
                        (float(a), float(h), float(d), float(da)))
    assert best is not None
    return best


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("tune",), default="tune")
    args = ap.parse_args(argv)
    qs = features(args.split)
    configs: dict[str, Config] = {"dense": dense(), "dense, answer alone too": dense(True)}
    for k, w in itertools.product((1, 5, 60), (0.05, 0.1, 0.25, 0.5, 1.0)):
        configs[f"rrf k{k} w{w}"] = rrf(k, w)
    configs["rrf k5 w0.25, query text"] = rrf(5, 0.25, query=True)
    configs["rrf k5 w0.25, foreign w0"] = rrf(5, 0.25, foreign_w=0.0)
    for w in (0.005, 0.01, 0.02, 0.05):
        configs[f"cos + {w} bm25/max"] = wsum(w)
    configs["cos + 0.01 bm25/max, query text"] = wsum(0.01, query=True)
    print(f"{'configuration':<34} {'R@1':>5}  decision            right wrong decl hedged "
          f"oos_decl xl_right  obj   rule A H d da")
    for name, config in configs.items():
        r1 = recall1(qs, config)
        variants = [("cos, 2nd ranked", rows(qs, config, "next"), (0.80, 0.921)),
                    ("cos, best other", rows(qs, config, "other"), (0.80, 0.921))]
        if name in ("dense", "rrf k5 w0.25", "cos + 0.01 bm25/max", "rrf k60 w0.1"):
            variants.append(("rel (s - mean)", rows(qs, config, "next", rel=True),
                             (0.85, 1.0)))
            for b in (0.01, 0.02, 0.05):
                variants.append((f"cos+{b}cov, 2nd", rows(qs, config, "next", b),
                                 (0.80, 0.921 + b)))
        for (label, r, (lo, hi)), cap in itertools.product(variants, (None, 4)):
            t = tune(r, lo, hi, max_wrong=cap)
            label = label + (" w<=4" if cap else "")
            print(f"{name:<34} {r1:5.2f}  {label:<24} {t.right:>5} {t.wrong:>5} "
                  f"{t.declined:>4} {t.hedged:>6} {t.oos_declined:>8} {t.xl_right:>8} "
                  f"{t.objective:>4}   {' '.join(f'{x:.3f}' for x in t.rule)}")


if __name__ == "__main__":
    main()
