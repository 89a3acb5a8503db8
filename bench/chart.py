"""Draw latency against offered rate from bench/results/relay.json into docs/.

    .venv/bin/python -m bench.chart [--input bench/results/relay.json] [--output docs/...png]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT

OUTPUT = ROOT / "docs" / "performance-latency.png"


def draw(result: dict[str, Any], output: Path,
         extra: dict[str, list[dict[str, Any]]] | None = None) -> Path:
    """`extra`: more series (label -> steps), e.g. an experiment run with bench.loadgen."""
    import matplotlib
    import matplotlib.ticker

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 6), dpi=110)
    styles = {"parley": ("#007bff", "Parley (MariaDB, durable commits)"),
              "bare": ("#6c757d", "bare Tornado relay (no database)"),
              "redis": ("#17a2b8", "Parley, two processes + Redis")}
    others = iter(["#fd7e14", "#6f42c1", "#20c997"])
    series = dict(result["steps"])
    for label, steps in (extra or {}).items():
        series[label] = steps
        styles[label] = (next(others), label)
    for kind, steps in series.items():
        color, label = styles[kind]
        rates = [s["rate"] for s in steps]
        p99 = [s["worst_p99_ms"] for s in steps]
        p50 = [max(s["ack_ms"]["p50"] or 0, s["delivery_ms"]["p50"] or 0) for s in steps]
        ax.plot(rates, p99, "o-", color=color, label=f"{label}: p99")
        ax.plot(rates, p50, "s--", color=color, alpha=0.6, label=f"{label}: p50")
        for s in steps:
            if s["delivered_per_s"] < 0.95 * s["rate"]:
                ax.annotate(f"{s['delivered_per_s']:.0f}/s delivered",
                            (s["rate"], s["worst_p99_ms"]), textcoords="offset points",
                            xytext=(4, 6), fontsize=7, color=color)
    ax.axhline(10, color="#28a745", lw=0.8, ls=":")
    ax.axhline(25, color="#dc3545", lw=0.8, ls=":")
    ax.text(260, 10.5, "target p99 10 ms at 500 msg/s",
            fontsize=7, color="#28a745")
    ax.text(260, 26.5, "target p99 25 ms at 2,000 msg/s", fontsize=7, color="#dc3545")
    ax.set_xscale("log")
    ax.set_yscale("log")
    rates = sorted({s["rate"] for steps in series.values() for s in steps})
    ax.set_xticks(rates)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_xlabel("offered rate, visitor -> agent messages/s (open loop)")
    ax.set_ylabel("latency, ms (worst of send->ack and send->delivery)")
    m = result.get("machine", {})
    cfg = result.get("config", {})
    commit = (m.get("measured") or {}).get("commit") or "?"
    ax.set_title(f"Latency against rate, {cfg.get('idle', '?')} idle sockets open, Parley at "
                 f"{commit}\n"
                 f"{m.get('date', '')}, {m.get('cpus', '?')} cores {m.get('cpu_model', '')}, "
                 f"load average {m.get('loadavg', ['?'])[0]}", fontsize=9)
    ax.grid(True, which="both", alpha=0.25)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2,
              frameon=False)
    fig.tight_layout()
    output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(output)
    plt.close(fig)
    return output


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=RESULTS / "relay.json")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--extra", action="append", default=[], metavar="LABEL=FILE",
                        help="another run's Parley steps (bench.loadgen's JSON) as a series")
    args = parser.parse_args(argv)
    extra = {}
    for item in args.extra:
        label, _, path = item.partition("=")
        other = json.loads(Path(path).read_text())
        extra[label] = next(iter(other["steps"].values()))
    return draw(json.loads(args.input.read_text()), args.output, extra)


if __name__ == "__main__":
    print(f"wrote {main()}")
