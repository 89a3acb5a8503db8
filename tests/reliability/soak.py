"""Soak: steady chat load on `chatctl serve` (a private mariadbd) for SOAK_MINUTES (default 30),
sampling the server's RSS and open file descriptors every 10 s.

The load is harness.py's (50 chats, a message every 2 s each way, outboxes, resume), with what
real use brings over time and no server faults: now and then a socket dropped by the proxy,
and every few seconds a chat closed by its visitor and a new one started, escalated and
accepted. It passes when:
- nothing is lost, duplicated or falsely acknowledged (harness.py's checks);
- memory and file handles are flat after warm-up: the first third of the samples is warm-up,
  and the median of the last third is within RSS_MARGIN (relative, plus RSS_SLACK_KIB) and
  FD_MARGIN (absolute) of the median of the middle third;
- the server's log has no "Future exception was never retrieved", "Task was destroyed but it
  is pending", traceback or ERROR line.

`make soak` runs harness.py's full fault run first, then this. By hand:
    SOAK_MINUTES=3 .venv/bin/python -m tests.reliability.soak
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

from tests.reliability.harness import Config, Report, run

RSS_MARGIN = 0.05
RSS_SLACK_KIB = 2048
FD_MARGIN = 5


def trend(values: list[int]) -> tuple[float, float]:
    """(median of the middle third, median of the last third)."""
    n = len(values)
    return (statistics.median(values[n // 3:2 * n // 3]), statistics.median(values[2 * n // 3:]))


def check_flat(report: Report) -> list[str]:
    samples = report.samples
    if len(samples) < 6:
        return [f"only {len(samples)} samples: run longer"]
    problems = []
    rss_mid, rss_last = trend([rss for _, rss, _ in samples])
    fd_mid, fd_last = trend([fds for _, _, fds in samples])
    f = report.figures
    f["rss_mib_first_mid_last"] = (round(samples[0][1] / 1024, 1), round(rss_mid / 1024, 1),
                                   round(rss_last / 1024, 1))
    f["rss_growth_last_vs_mid_pct"] = round(100 * (rss_last - rss_mid) / rss_mid, 2)
    f["fds_first_mid_last"] = (samples[0][2], fd_mid, fd_last)
    after = samples[len(samples) // 3:]  # past warm-up: the drift, for the record
    f["rss_slope_after_warmup_mib_per_h"] = round(statistics.linear_regression(
        [t for t, _, _ in after], [rss / 1024 for _, rss, _ in after]).slope * 3600, 1)
    if rss_last > rss_mid * (1 + RSS_MARGIN) + RSS_SLACK_KIB:
        problems.append(f"RSS grows: median {rss_mid / 1024:.1f} MiB in the middle third, "
                        f"{rss_last / 1024:.1f} MiB in the last")
    if fd_last > fd_mid + FD_MARGIN:
        problems.append(f"open files grow: median {fd_mid} in the middle third, {fd_last} in "
                        "the last")
    return problems


def main() -> int:
    minutes = float(os.environ.get("SOAK_MINUTES", "30"))
    keep = os.environ.get("SOAK_KEEP")  # a directory to keep the logs in
    with tempfile.TemporaryDirectory(prefix="parley-soak-") as tmp:
        workdir = Path(keep or tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"soak: {minutes:g} min of steady load (SOAK_MINUTES), logs in {workdir}",
              flush=True)
        report = run(Config.soak(minutes), workdir)
        problems = check_flat(report)
        report.violations.extend(problems)
        print(report.text())
    print("soak: " + ("FAILED" if report.violations else "passed"))
    return 1 if report.violations else 0


if __name__ == "__main__":
    sys.exit(main())
