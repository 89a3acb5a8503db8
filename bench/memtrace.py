"""`chatctl` (or, with `baseline` first, the bare server) with tracemalloc on, for finding
what an idle socket costs (`run.py idle --memtrace`). Each SIGUSR1 writes a snapshot to
``$PARLEY_BENCH_MEMTRACE.<n>`` (then an empty ``.<n>.done`` file); ``diff(before, after,
sockets)`` says which source lines grew, ``beside(parley, bare)`` which grew more in Parley.

    PARLEY_BENCH_MEMTRACE=/tmp/snap python bench/memtrace.py serve --port 0
    PARLEY_BENCH_MEMTRACE=/tmp/bare python bench/memtrace.py baseline --port 0

Run from the source tree being measured (its directory goes first on sys.path). tracemalloc
slows the server and counts Python allocations only (not the kernel's socket buffers, nor
the allocator's free lists): use it to explain the RSS figure, not as the figure.
"""

from __future__ import annotations

import os
import signal
import sys
import tracemalloc
from pathlib import Path
from types import FrameType


def _grew(before: Path, after: Path, by: str) -> list[tracemalloc.StatisticDiff]:
    keep = [tracemalloc.Filter(False, tracemalloc.__file__)]
    old = tracemalloc.Snapshot.load(str(before)).filter_traces(keep)
    return tracemalloc.Snapshot.load(str(after)).filter_traces(keep).compare_to(old, by)


def _where(s: tracemalloc.StatisticDiff) -> str:
    frame = s.traceback[0]
    return "/".join(Path(frame.filename).parts[-2:]) + f":{frame.lineno}"


def diff(before: Path, after: Path, sockets: int, top: int = 25) -> str:
    stats = _grew(before, after, "lineno")
    grew = sum(s.size_diff for s in stats)
    lines = [f"Python heap grew {grew / 1024:.0f} KiB for {sockets} sockets = "
             f"{grew / 1024 / max(1, sockets):.2f} KiB/socket; the lines that grew most:",
             "  KiB/socket  blocks/socket  where"]
    for s in stats[:top]:
        lines.append(f"  {s.size_diff / 1024 / max(1, sockets):10.2f}  "
                     f"{s.count_diff / max(1, sockets):13.1f}  {_where(s)}")
    lines.append("  by file:")
    for s in _grew(before, after, "filename")[:15]:
        lines.append(f"  {s.size_diff / 1024 / max(1, sockets):10.2f}  "
                     f"{s.count_diff / max(1, sockets):13.1f}  {_where(s).rsplit(':', 1)[0]}")
    return "\n".join(lines)


def beside(parley: tuple[Path, Path, int], bare: tuple[Path, Path, int], top: int = 25) -> str:
    """Per socket, the lines whose allocations grew more (or less) in Parley than in the bare
    server: what Parley adds to an idle socket, line by line."""
    per: dict[str, list[float]] = {}
    for i, (before, after, sockets) in enumerate((parley, bare)):
        for s in _grew(before, after, "lineno"):
            per.setdefault(_where(s), [0.0, 0.0])[i] += s.size_diff / 1024 / max(1, sockets)
    rows = sorted(per.items(), key=lambda kv: -abs(kv[1][0] - kv[1][1]))
    total = sum(p - b for p, b in per.values())
    lines = [f"Parley's Python heap per socket minus the bare server's: {total:.2f} KiB; "
             "the lines that differ most:", "  Parley KiB  bare KiB  where"]
    lines += [f"  {p:10.2f}  {b:8.2f}  {where}" for where, (p, b) in rows[:top]]
    return "\n".join(lines)


def main() -> None:
    base = os.environ["PARLEY_BENCH_MEMTRACE"]
    tracemalloc.start(1)
    taken = 0

    def snapshot(signum: int, frame: FrameType | None) -> None:
        nonlocal taken
        taken += 1
        tracemalloc.take_snapshot().dump(f"{base}.{taken}")
        Path(f"{base}.{taken}.done").touch()

    signal.signal(signal.SIGUSR1, snapshot)
    sys.path[0] = os.getcwd()  # the source tree, not bench/ (whose profile.py is stdlib's name)
    if sys.argv[1:2] == ["baseline"]:
        del sys.argv[1]
        from bench.baseline import main as baseline

        baseline()
        return
    sys.argv[0] = "chatctl"
    from cli.main import main as chatctl

    chatctl()


if __name__ == "__main__":
    main()
