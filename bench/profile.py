"""Sample a running server with py-spy while a benchmark phase runs, and summarise where its
time goes (the evidence for what limits a figure).

    with PySpy(server_pid, RESULTS / "profile-relay-500.txt"):
        ...  # the load
    print(top(RESULTS / "profile-relay-500.txt"))

py-spy (the `bench` extra) samples from outside the process, without slowing it much
(``--nonblocking``). The raw output is folded stacks, one ``frame;frame;... count`` a line;
``python -m bench.profile FILE`` prints the functions with the most samples, inclusive
(anywhere on the stack) and self (the frame running).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import TracebackType


def py_spy() -> str | None:
    here = Path(sys.executable).parent / "py-spy"
    return str(here) if here.exists() else shutil.which("py-spy")


class PySpy:
    def __init__(self, pid: int, out: Path, rate: int = 250, idle: bool = False) -> None:
        self.pid, self.out, self.rate, self.idle = pid, out, rate, idle
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> PySpy:
        exe = py_spy()
        if exe is None:
            print("py-spy is not installed (pip install -e '.[bench]'); no profile",
                  file=sys.stderr)
            return self
        self.out.parent.mkdir(parents=True, exist_ok=True)
        cmd = [exe, "record", "--pid", str(self.pid), "--format", "raw", "--rate",
               str(self.rate), "--nonblocking", "--output", str(self.out)]
        if self.idle:
            cmd.append("--idle")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _frame_name(frame: str) -> str:
    # "function (path/to/file.py:123)" -> "function (file.py)"; lines differ per sample
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    short = "/".join(path.split("/")[-2:]) if path else ""
    return f"{name} ({short})" if short else name


def top(path: Path, n: int = 25) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        k = int(count)
        total += k
        frames = [_frame_name(f) for f in stack.split(";")]
        for name in set(frames):
            inclusive[name] += k
        own[frames[-1]] += k
    if not total:
        return f"{path}: no samples"
    lines = [f"{path.name}: {total} samples (frames on more than 75% of them left out)",
             "  inclusive%  self%  function"]
    shown = [(name, k) for name, k in inclusive.most_common() if k <= 0.75 * total][:n]
    for name, k in shown:
        lines.append(f"  {100 * k / total:9.1f}  {100 * own[name] / total:5.1f}  {name}")
    lines.append("  -- most self time --")
    for name, k in own.most_common(12):
        lines.append(f"  {100 * inclusive[name] / total:9.1f}  {100 * k / total:5.1f}  {name}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="summarise a py-spy raw profile")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("-n", type=int, default=25)
    args = parser.parse_args()
    for f in args.files:
        print(top(f, args.n))


if __name__ == "__main__":
    main()
