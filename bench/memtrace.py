"""`chatctl` with tracemalloc on, for finding what an idle socket costs (`run.py idle
--memtrace`). Each SIGUSR1 writes a snapshot to ``$PARLEY_BENCH_MEMTRACE.<n>`` (then an empty
``.<n>.done`` file); ``diff(before, after, sockets)`` says which source lines grew.

    PARLEY_BENCH_MEMTRACE=/tmp/snap python bench/memtrace.py serve --port 0

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


def diff(before: Path, after: Path, sockets: int, top: int = 25) -> str:
    old = tracemalloc.Snapshot.load(str(before))
    new = tracemalloc.Snapshot.load(str(after))
    keep = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = new.filter_traces(keep).compare_to(old.filter_traces(keep), "lineno")
    grew = sum(s.size_diff for s in stats)
    lines = [f"Python heap grew {grew / 1024:.0f} KiB for {sockets} sockets = "
             f"{grew / 1024 / max(1, sockets):.2f} KiB/socket; the lines that grew most:",
             "  KiB/socket  blocks/socket  where"]
    for s in stats[:top]:
        frame = s.traceback[0]
        where = "/".join(Path(frame.filename).parts[-2:])
        lines.append(f"  {s.size_diff / 1024 / max(1, sockets):10.2f}  "
                     f"{s.count_diff / max(1, sockets):13.1f}  {where}:{frame.lineno}")
    lines.append("  by file:")
    for s in new.filter_traces(keep).compare_to(old.filter_traces(keep), "filename")[:15]:
        where = "/".join(Path(s.traceback[0].filename).parts[-2:])
        lines.append(f"  {s.size_diff / 1024 / max(1, sockets):10.2f}  "
                     f"{s.count_diff / max(1, sockets):13.1f}  {where}")
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
    sys.argv[0] = "chatctl"
    from cli.main import main as chatctl

    chatctl()


if __name__ == "__main__":
    main()
