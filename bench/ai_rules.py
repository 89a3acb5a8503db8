"""Decision rules over the product's dense scores, on the labelled set (tune split only).

    python -m bench.ai_rules [--split tune] [--top N]

Each question is searched once with the product's retrieval (the `parley` retriever of
bench/ai_eval.py: E5 vectors and BM25 fused, KnowledgeIndex) under two query rules: `short` (the previous
visitor message in front of a message under 8 words, the rule before) and `always` (in front
of every follow-up: the product's `query_text` since). Then each decision rule is applied to
the first entry's cosine s1 and the best cosine of the next two s2 (margin m = s1 - s2, as
`knowledge.decision` takes them):

- threshold:       answer when s1 >= A;
- threshold+margin: answer when s1 >= A and m >= d;
- hedge band:      answer when s1 >= A, hedge (the entry, with "this might help" and the
                   offer of a person) when H <= s1 < A;
- hedge+margin:    as the hedge band, but a hedge also needs m >= d;
- both margins:    as hedge+margin, and an answer needs m >= d_answer (< d).

A hedge shows an entry, so it is scored as an answer: right when the entry is the labelled
one, wrong otherwise (an out-of-scope question is right only when declined). The objective is
right - 2 x wrong over all questions; per rule, the best setting is printed, ties broken by
fewer wrong, then fewer hedges.
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from bench.ai_eval import load_sets
from chatserver.ai.base import Turn
from chatserver.ai.embedding import Embedder
from chatserver.ai.knowledge import KnowledgeIndex, decide, dense_texts, query_text


@dataclass
class Scored:
    question: dict[str, Any]
    top: int
    s1: float
    s2: float

    @property
    def expected(self) -> int | None:
        return self.question["expected"]


def short_query(history: list[Turn]) -> str:
    """The rule before: the previous visitor message in front of one under 8 words only."""
    said = [t.text for t in history if t.role == "visitor"]
    if len(said) >= 2 and len(said[-1].split()) < 8:
        return f"{said[-2]} {said[-1]}"
    return said[-1] if said else ""


QUERIES = {"short": short_query, "always": query_text}


def score(split: str) -> dict[str, list[Scored]]:
    embedder = Embedder()
    out: dict[str, list[Scored]] = {name: [] for name in QUERIES}
    for business in load_sets(split):
        entries = business["entries"]
        vectors = {e["id"]: embedder.embed_passages(dense_texts(e)) for e in entries}
        index = KnowledgeIndex(entries, vectors)
        cache: dict[str, list[tuple[int, float]]] = {}
        for q in business["questions"]:
            history = [Turn("visitor", t) for t in (q.get("previous"), q["text"]) if t]
            for name, fn in QUERIES.items():
                text = fn(history)
                if text not in cache:
                    found = index.search(q["text"], k=3, vector=embedder.embed_query(text))
                    cache[text] = [(p.entry_id, p.score) for p in found]
                (top, s1), s2 = cache[text][0], max(s for _, s in cache[text][1:])
                out[name].append(Scored(q, top, s1, s2))
    return out


@dataclass(frozen=True)
class Rule:
    name: str
    answer_min: float
    hedge_min: float
    margin: float  # for the hedge band only (0 = none)
    answer_margin: float = 0.0


@dataclass
class Counts:
    right: int = 0
    wrong: int = 0
    declined: int = 0
    hedged: int = 0
    oos_declined: int = 0
    oos: int = 0
    xl_right: int = 0
    xl: int = 0

    @property
    def objective(self) -> int:
        return self.right - 2 * self.wrong


def evaluate(rows: list[Scored], rule: Rule) -> Counts:
    c = Counts()
    for r in rows:
        action = decide(r.s1, r.s2, answer_min=rule.answer_min, hedge_min=rule.hedge_min,
                        hedge_margin=rule.margin, answer_margin=rule.answer_margin)
        if r.expected is None:
            c.oos += 1
        if r.question["class"] == "cross-language":
            c.xl += 1
        if action == "decline":
            if r.expected is None:
                c.right += 1
                c.oos_declined += 1
            else:
                c.declined += 1
            continue
        c.hedged += action == "hedge"
        if r.top == r.expected:
            c.right += 1
            c.xl_right += r.question["class"] == "cross-language"
        else:
            c.wrong += 1
    return c


def grid() -> dict[str, list[Rule]]:
    ts = [round(x, 3) for x in np.arange(0.80, 0.921, 0.005)]
    ds = [round(x, 3) for x in np.arange(0.0, 0.061, 0.005)]
    return {
        "threshold": [Rule("threshold", a, a, 0.0) for a in ts],
        "threshold+margin": [Rule("threshold+margin", a, a, d, d)
                             for a, d in itertools.product(ts, ds)],
        "hedge band": [Rule("hedge band", a, h, 0.0) for a, h in itertools.product(ts, ts)
                       if h <= a],
        "hedge+margin": [Rule("hedge+margin", a, h, d) for a, h, d in
                         itertools.product(ts, ts, ds) if h < a],
        "hedge+margin, answer margin": [
            Rule("both margins", a, h, d, da) for a, h, d, da in
            itertools.product(ts, ts, ds, (0.005, 0.01, 0.02)) if h < a and da < d],
    }


def best(rows: list[Scored], rules: list[Rule], top: int = 1) -> list[tuple[Rule, Counts]]:
    scored = [(rule, evaluate(rows, rule)) for rule in rules]
    scored.sort(key=lambda rc: (-rc[1].objective, rc[1].wrong, rc[1].hedged,
                                -rc[0].answer_min, -rc[0].hedge_min))
    return scored[:top]


def line(query: str, rule: Rule, c: Counts, n: int) -> str:
    return (f"{query:<7} {rule.name:<17} A={rule.answer_min:.3f} H={rule.hedge_min:.3f} "
            f"d_hedge={rule.margin:.3f} d_answer={rule.answer_margin:.3f} | right {c.right:>3} "
            f"wrong {c.wrong:>2} declined {c.declined:>3} hedged {c.hedged:>3} "
            f"oos declined {c.oos_declined}/{c.oos} xl right {c.xl_right}/{c.xl} "
            f"| obj {c.objective:>4}  (n={n})")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("tune", "held-out", "all"), default="tune")
    ap.add_argument("--top", type=int, default=1, help="settings printed per rule")
    ap.add_argument("--rule", nargs=4, type=float, metavar=("A", "H", "D_HEDGE", "D_ANSWER"),
                    help="also print this one setting")
    args = ap.parse_args(argv)
    scored = score(args.split)
    for query, rows in scored.items():
        for rules in grid().values():
            for rule, c in best(rows, rules, args.top):
                print(line(query, rule, c, len(rows)))
        if args.rule:
            a, h, dh, da = args.rule
            rule = Rule("given", a, h, dh, da)
            print(line(query, rule, evaluate(rows, rule), len(rows)))
        print()


if __name__ == "__main__":
    main()
