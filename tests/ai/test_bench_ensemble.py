"""The model-comparison harness's ensemble pieces (bench/ai_eval.py `Ensemble`,
bench/ai_ensemble.py): two models' cosines fused, the agreement bonus, and the most right
answers at a cap of wrong ones. Fake embedders; no model is loaded."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bench.ai_ensemble import CAPS, Extra, make_rows, max_right
from bench.ai_eval import Dense, Ensemble
from bench.ai_fusion import Q, Rows

ENTRIES = [{"id": 1, "kind": "qa", "title": "alpha", "body": "a"},
           {"id": 2, "kind": "qa", "title": "beta", "body": "b"}]


class Fixed:
    """Embeds a text by a table of unit vectors keyed on its first word."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = {k: np.asarray(v, dtype=np.float32) / np.linalg.norm(v)
                      for k, v in table.items()}

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self.table[t.split()[0]] for t in texts])

    queries = passages = _run


def test_ensemble_ranks_by_the_weighted_mean_of_the_two_cosines() -> None:
    # the first model prefers entry 1 a little, the second prefers entry 2 strongly
    first = Fixed({"alpha": [1, 0], "beta": [0.8, 0.6], "q": [1, 0.1]})
    second = Fixed({"alpha": [1, 0], "beta": [0, 1], "q": [0, 1]})
    q = first.queries(["q"])[0]
    cos = {1: float(q @ first.passages(["alpha"])[0]), 2: float(q @ first.passages(["beta"])[0])}
    assert cos[1] > cos[2]
    for weight, top in ((0.1, 1), (1.0, 2)):
        ens = Ensemble(Dense("a", first), Dense("b", second), weight, threshold=0.6)
        ranked = ens.rank(ens.index(ENTRIES), "q")
        assert ranked.top == top
        # the second model's cosine is 1 for entry 2 and 0 for entry 1
        want = {1: cos[1] / (1 + weight), 2: (cos[2] + weight) / (1 + weight)}
        got = dict(ranked.entries)
        assert got.keys() == want.keys()
        assert all(abs(got[e] - v) < 1e-6 for e, v in want.items())
        assert ranked.answered == (ranked.top_score >= 0.6)
    assert Ensemble(Dense("a", first), Dense("b", second)).name == "a+b"


def _extra(expected: int | None, cos: list[float], other: list[float]) -> Extra:
    q = Q({"id": "x", "text": "x", "expected": expected, "class": "paraphrase",
           "language": "en"}, [1, 2, 3], np.array(cos), np.array(cos), np.zeros(3),
          np.zeros(3), np.zeros(3), False)
    return Extra(q, {"m": np.array(other)})


def test_agreement_adds_the_bonus_only_when_the_other_model_picks_the_same_entry() -> None:
    xs = [_extra(1, [0.86, 0.80, 0.79], [0.9, 0.1, 0.1]),   # agree on entry 1
          _extra(1, [0.86, 0.80, 0.79], [0.1, 0.9, 0.1])]   # disagree
    rows, r1 = make_rows(xs, "m", 0.0, "agree", bonus=0.02)
    assert r1 == 1.0
    assert np.allclose(rows.s1, [0.88, 0.86])
    assert np.allclose(rows.s2, [0.80, 0.80])


def test_max_right_grows_with_the_cap_of_wrong_answers() -> None:
    # in scope: ranked right at 0.90 and 0.85, ranked wrong at 0.88 and 0.87; out of scope
    # at 0.84. Answering 0.85 costs both wrong ones; declining 0.84 is always right.
    r = Rows(correct=np.array([True, True, False, False, False]),
             in_scope=np.array([True, True, True, True, False]),
             xl=np.zeros(5, dtype=bool), s1=np.array([0.90, 0.85, 0.88, 0.87, 0.84]),
             s2=np.full(5, 0.70))
    best = dict(zip(CAPS, max_right(r, 0.80, 0.921, 0.005), strict=True))
    assert best[1] == 2      # 0.90 right (+ 0.88 wrong) and the out-of-scope declined
    assert best[2] == 3      # down to 0.85: both right ones
    assert best[8] == 3      # answering the out-of-scope one too adds a wrong, not a right
