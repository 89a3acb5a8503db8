"""A/B: two Parley source trees side by side, interleaved steps at one rate, so both see the
same machine load (the machine is shared: run-to-run noise is larger than most changes).

    git archive HEAD chatserver cli migrations | tar -x -C /tmp/a   # before
    cp -r chatserver cli migrations /tmp/b                           # after (or another commit)
    .venv/bin/python -m bench.ab /tmp/a /tmp/b [--rate 500] [--visitors 100] [--repeats 4]
    .venv/bin/python -m bench.ab /tmp/a /tmp/b --config [--repeats 5]   # the widget config route
    .venv/bin/python -m bench.ab /tmp/a /tmp/b --idle 5000 --churn 1300   # visitors arriving

``--churn N``: during each step, N more visitors open their sockets (a load generator of
their own, 4 at a time), as visitors arrive while others chat: what makes the garbage
collector's full collections come.

Each tree gets its own MariaDB database (the bench database's name + `_ab0`/`_ab1`), server,
idle sockets and paired conversations; then A and B alternate steps, each first in every
other pair (ABBA: a step right after another runs slower, whichever tree). Prints each step and
the medians (ack p50/p99, delivered/s, server CPU per message), and writes
bench/results/ab.json.

``--config``: the widget config route instead (scenario 3's measure: `wrk`, 50 keep-alive
connections, access log on), A, B and the bare handler interleaved; server CPU per request
and its ratio to the bare handler's, medians (bench/results/ab-config.json). Any database.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

from bench.common import database_url, setup_widget, workdir
from bench.loadgen import LoadGen, parley_agents, precreate_sessions
from bench.profile import PySpy, top
from bench.run import (
    RESULTS,
    WIDGET,
    BareServer,
    bench_url,
    http_load,
    is_mariadb,
    parley,
    proc_cpu,
    recreate_mariadb,
    save,
    target,
)
from tests.helpers.procs import ChatServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a", type=Path)
    parser.add_argument("b", type=Path)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--visitors", type=int, default=100)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=4.0)
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--churn", type=int, default=0,
                        help="sockets opened during each step (visitors arriving)")
    parser.add_argument("--config", action="store_true", help="the widget config route")
    parser.add_argument("--profile", action="store_true",
                        help="sample each server with py-spy during its steps "
                             "(bench/results/profile-ab-a.txt, -b.txt)")
    args = parser.parse_args()
    if args.config:
        config_ab({"a": args.a.resolve(), "b": args.b.resolve()}, args.repeats, args.duration)
        return
    base = bench_url()
    if not is_mariadb(base):
        raise SystemExit("set PARLEY_BENCH_DATABASE_URL to the MariaDB bench database")
    trees = {"a": args.a.resolve(), "b": args.b.resolve()}
    servers: dict[str, ChatServer] = {}
    gens: dict[str, LoadGen] = {}
    arriving: dict[str, tuple[LoadGen, list[tuple[str, str]]]] = {}
    steps: dict[str, list[dict[str, Any]]] = {k: [] for k in trees}
    with workdir() as tmp:
        work = Path(tmp)
        try:
            for i, (name, tree) in enumerate(trees.items()):
                os.environ["PARLEY_BENCH_SOURCE"] = str(tree)  # read when each server starts
                url = f"{base}_ab{i}"
                recreate_mariadb(url)
                os.environ["PARLEY_BENCH_DATABASE_URL"] = url
                database_url(work)
                servers[name] = parley(work / name, url).start()
                w = setup_widget(servers[name].url, WIDGET)
                agents = parley_agents(servers[name].url, w["token"], w["site_key"],
                                       max(1, args.visitors // 10))
                gens[name] = LoadGen(target("parley", servers[name].url, w["site_key"]), 2)
                gens[name].idle(args.idle, concurrency=32,
                                sessions=precreate_sessions(url, w["site_key"], args.idle))
                gens[name].pairs(agents, args.visitors)
                gens[name].step(999, 100, 2.0)  # warm up
                if args.churn:
                    arriving[name] = (LoadGen(target("parley", servers[name].url,
                                                     w["site_key"]), 1),
                                      precreate_sessions(url, w["site_key"],
                                                         args.churn * args.repeats))
            for rep in range(args.repeats):
                # ABBA: each tree goes first in every other pair. The second step of a pair
                # runs while MariaDB still purges and flushes the first's writes (its p99 came
                # out twice the first's, whichever tree, on a 2-core machine).
                for name in (list(trees) if rep % 2 == 0 else list(trees)[::-1]):
                    proc = servers[name].proc
                    assert proc is not None
                    with PySpy(proc.pid, RESULTS / f"profile-ab-{name}-{rep}.txt") \
                            if args.profile else contextlib.nullcontext(), \
                            arrivals(arriving.get(name), rep, args.churn):
                        r = gens[name].step(rep, args.rate, args.duration, server_pid=proc.pid)
                    steps[name].append(r)
                    print(f"{name} {rep}: ack p50 {r['ack_ms']['p50']} p99 {r['ack_ms']['p99']} "
                          f"ms, {r['delivered_per_s']} delivered/s, "
                          f"{r['server_cpu_ms_per_msg']} ms CPU/msg, load {r['loadavg']:.1f}",
                          flush=True)
        finally:
            for g in [*gens.values(), *(a[0] for a in arriving.values())]:
                g.close()
            for s in servers.values():
                s.kill()
            os.environ["PARLEY_BENCH_DATABASE_URL"] = base
    summary = {}
    for name, tree in trees.items():
        def med(key: str, sub: str | None = None, name: str = name) -> float:
            return round(statistics.median(
                (r[key][sub] if sub else r[key]) for r in steps[name]), 3)
        summary[name] = {"tree": str(tree), "ack_p50_ms": med("ack_ms", "p50"),
                         "ack_p99_ms": med("ack_ms", "p99"),
                         "delivered_per_s": med("delivered_per_s"),
                         "server_cpu_ms_per_msg": med("server_cpu_ms_per_msg")}
        print(f"median {name} ({tree}): {summary[name]}")
    result = {"args": {k: str(v) for k, v in vars(args).items()}, "summary": summary,
              "steps": steps}
    print(f"wrote {save('ab', result)}")
    if args.profile:
        for name in trees:
            parts = sorted(RESULTS.glob(f"profile-ab-{name}-*.txt"))
            merged = RESULTS / f"profile-ab-{name}.txt"
            merged.write_text("".join(p.read_text() for p in parts))
            for p in parts:
                p.unlink()
            print(top(merged))


@contextlib.contextmanager
def arrivals(churn: tuple[LoadGen, list[tuple[str, str]]] | None, rep: int,
             n: int) -> Iterator[None]:
    """Open the next n of the precreated sessions' sockets while the body runs."""
    if churn is None:
        yield
        return
    gen, sessions = churn
    opening = threading.Thread(target=gen.idle, args=(n,), daemon=True,
                               kwargs={"concurrency": 4,
                                       "sessions": sessions[rep * n:(rep + 1) * n]})
    opening.start()
    try:
        yield
    finally:
        opening.join()


def config_ab(trees: dict[str, Path], repeats: int, seconds: float) -> None:
    runs: dict[str, list[float]] = {"bare": [], **{name: [] for name in trees}}
    base_url = os.environ.get("PARLEY_BENCH_DATABASE_URL")
    with workdir() as tmp:
        work = Path(tmp)
        servers: dict[str, ChatServer] = {}
        urls: dict[str, str] = {}
        try:
            for name, tree in trees.items():
                os.environ["PARLEY_BENCH_SOURCE"] = str(tree)  # read when each server starts
                (work / name).mkdir()
                # SQLite: the route answers from the config cache, not the database
                os.environ.pop("PARLEY_BENCH_DATABASE_URL", None)
                servers[name] = parley(work / name, database_url(work / name)).start()
                w = setup_widget(servers[name].url, WIDGET)
                urls[name] = f"{servers[name].url}/api/widgets/{w['site_key']}/config"
            body = work / "config.json"
            body.write_bytes(httpx.get(urls["a"]).content)
            with BareServer(work / "bare.log", body) as bare:
                urls["bare"] = bare.url + "/api/widgets/x/config"
                pids = {name: s.proc.pid for name, s in servers.items()  # type: ignore[union-attr]
                        } | {"bare": bare.proc.pid}  # type: ignore[union-attr]
                for u in urls.values():  # warm up (Parley fills its config cache)
                    http_load(u, 1, 50)
                names = list(runs)
                for rep in range(repeats):
                    # Each goes first, second and third in turn (see the relay's ABBA).
                    for name in names[rep % 3:] + names[:rep % 3]:
                        cpu0 = proc_cpu(pids[name])
                        r = http_load(urls[name], seconds, 50)
                        cpu1 = proc_cpu(pids[name])
                        us = 1e6 * (cpu1[0] - cpu0[0]) / (r["requests_per_s"] * seconds)
                        runs[name].append(round(us, 1))
                        print(f"{name} {rep}: {r['requests_per_s']:.0f} req/s, {us:.1f} us CPU "
                              f"per request, load {os.getloadavg()[0]:.1f}", flush=True)
        finally:
            for s in servers.values():
                s.kill()
            if base_url is not None:
                os.environ["PARLEY_BENCH_DATABASE_URL"] = base_url
    bare_us = statistics.median(runs["bare"])
    summary = {name: {"server_cpu_us_per_request": statistics.median(v),
                      "ratio_to_bare": round(statistics.median(v) / bare_us, 3)}
               for name, v in runs.items()}
    for name, s in summary.items():
        print(f"median {name} ({trees.get(name, 'bare handler')}): {s}")
    print(f"wrote {save('ab-config', {'summary': summary, 'runs': runs})}")


if __name__ == "__main__":
    main()
