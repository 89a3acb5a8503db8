"""Parley's benchmarks against its targets, each beside the bare stack's own limit.

    .venv/bin/python -m bench.run all            # every scenario (~10 min)
    .venv/bin/python -m bench.run all --quick    # smoke run (~1 min)
    .venv/bin/python -m bench.run idle|relay|config|ai|retrieval|sources|storm [--quick]

Each scenario prints one line of figures and writes bench/results/<scenario>.json.
PARLEY_BENCH_DATABASE_URL picks the database (`make bench` sets MariaDB); without it an
SQLite file is used. A MariaDB bench database is dropped and created afresh for each
scenario. See bench/README.md for what every figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    PIN,
    RESULTS,
    ROOT,
    chatctl_command,
    database_url,
    pin_clients,
    pin_mariadb,
    pinned,
    pinning,
    setup_widget,
    source_tree,
    start_server,
    targets_line,
    verdict,
    workdir,
    write_result,
)
from bench.loadgen import (
    LoadGen,
    bare_agents,
    db_visitor_counts,
    exactly_once,
    mariadb_pid,
    ms_summary,
    parley_agents,
    precreate_sessions,
    proc_cpu,
    rss_kib,
)
from bench.memtrace import beside as memtrace_beside
from bench.memtrace import diff as memtrace_diff
from bench.profile import PySpy, top
from tests.helpers.procs import ChatServer, free_port

# Limits raised so the benchmark measures throughput, not the abuse guards.
PARLEY_ENV = {
    "PARLEY_AGENT_MAX_CHATS": "100000",
    "PARLEY_WS_SEND_QUEUE_MESSAGES": "100000",
    "PARLEY_WS_SEND_QUEUE_BYTES": str(256 * 1024 * 1024),
    "PARLEY_AI_PROVIDER": "none",
}
WIDGET = {"business_name": "Bench", "ai_enabled": False}
P99_LIMIT_MS = 25.0
MAX_RATE = 20_000  # the relay's steps stop here (msg/s): past the load generator's reach
PROFILE = False  # --profile: sample the Parley server with py-spy during each phase
MEMTRACE = False  # --memtrace: idle's Parley server under tracemalloc (bench/memtrace.py)
QUICK_RUN = False  # --quick: results to *-quick.json

FULL: dict[str, dict[str, Any]] = {
    "idle": {"sockets": 10_000, "workers": 2, "concurrency": 64, "repeats": 3},
    "relay": {"rates": [250, 500, 1000, 2000, 3000, 5000, 8000], "duration": 4.0,
              "repeats": 3, "idle": 5_000, "visitors": 200, "agents": 20, "workers": 2},
    "config": {"seconds": 5.0, "repeats": 3, "connections": 50},
    "ai": {"replies": 40, "words": 50, "delay": 0.005},
    "retrieval": {"quick": False},
    "sources": {"quick": False},
    "storm": {"sockets": 10_000, "workers": 2, "concurrency": 64, "repeats": 3},
}
QUICK: dict[str, dict[str, Any]] = {
    "idle": {"sockets": 1_000, "workers": 2, "concurrency": 32, "repeats": 1},
    "relay": {"rates": [250, 500, 1000], "duration": 2.0, "repeats": 1, "idle": 500,
              "visitors": 40, "agents": 4, "workers": 2},
    "config": {"seconds": 2.0, "repeats": 1, "connections": 50},
    "ai": {"replies": 8, "words": 20, "delay": 0.005},
    "retrieval": {"quick": True},
    "sources": {"quick": True},
    "storm": {"sockets": 1_000, "workers": 2, "concurrency": 32},
}


def save(name: str, result: dict[str, Any]) -> Path:
    """bench/results/<name>.json; a --quick run's go to <name>-quick.json (not kept in git),
    so a smoke run never replaces the figures docs/performance.md is written from; a pinned
    run's (PARLEY_BENCH_PIN=1) to <name>-pinned.json, beside the unpinned one."""
    return write_result(f"{name}{'-quick' if QUICK_RUN else ''}{'-pinned' if PIN else ''}",
                        {**result, "quick": QUICK_RUN})


def say(*parts: Any) -> None:
    print(*parts, file=sys.stderr, flush=True)


# --- servers ------------------------------------------------------------------------------


class BareServer(ChatServer):
    """bench/baseline.py in a subprocess, started and stopped like `chatctl serve`."""

    def __init__(self, log_path: Path, config_body: Path | None = None,
                 memtrace: Path | None = None) -> None:
        super().__init__({"PARLEY_BENCH_MEMTRACE": str(memtrace)} if memtrace else {},
                         log_path, cwd=ROOT)
        self.config_body = config_body
        self.memtrace = memtrace

    def start(self, timeout: float = 30.0) -> BareServer:
        try:
            super().start(timeout)
        except BaseException:
            self.kill()
            raise
        return self

    def spawn(self) -> None:
        cmd = [sys.executable, *(["bench/memtrace.py", "baseline"] if self.memtrace
                                 else ["-m", "bench.baseline"]), "--port", "0"]
        if self.config_body is not None:
            cmd += ["--config-body", str(self.config_body)]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(pinned(cmd), env=self.env, cwd=self.cwd, stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def bench_url() -> str:
    return os.environ.get("PARLEY_BENCH_DATABASE_URL", "")


def is_mariadb(url: str) -> bool:
    return url.startswith(("mysql", "mariadb"))


def fresh_database(work: Path) -> str:
    """An empty, migrated database: MariaDB's bench database is dropped and re-created."""
    url = bench_url()
    if is_mariadb(url):
        recreate_mariadb(url)
    return database_url(work)


def fresh_mariadb_bench() -> str:
    """The MariaDB bench database's URL, the database emptied and migrated (the in-process
    benches: bench.driver, bench.batch); exits when PARLEY_BENCH_DATABASE_URL is not MariaDB."""
    from chatserver.db import migrate

    url = bench_url()
    if not is_mariadb(url):
        raise SystemExit("set PARLEY_BENCH_DATABASE_URL to the MariaDB bench database")
    recreate_mariadb(url)
    migrate.upgrade(url)
    return url


def recreate_mariadb(url: str) -> None:
    import pymysql  # type: ignore[import-untyped]
    from sqlalchemy.engine import make_url

    u = make_url(url)
    name = u.database
    assert name and re.fullmatch(r"[A-Za-z0-9_]+", name), name
    statements = [f"DROP DATABASE IF EXISTS `{name}`",
                  f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"]
    try:  # as root (the development machine's default), also making the user
        conn = pymysql.connect(host=u.host or "127.0.0.1", port=u.port or 3306, user="root",
                               password="")
        esc = (u.password or "").replace("'", "''")
        statements = [
            f"CREATE USER IF NOT EXISTS '{u.username}'@'127.0.0.1' IDENTIFIED BY '{esc}'",
            f"CREATE USER IF NOT EXISTS '{u.username}'@'localhost' IDENTIFIED BY '{esc}'",
            *statements,
            f"GRANT ALL PRIVILEGES ON `{name}`.* TO '{u.username}'@'127.0.0.1'",
            f"GRANT ALL PRIVILEGES ON `{name}`.* TO '{u.username}'@'localhost'"]
    except pymysql.MySQLError:
        conn = pymysql.connect(host=u.host or "127.0.0.1", port=u.port or 3306,
                               user=u.username, password=u.password or "")
    with conn:
        with conn.cursor() as cur:
            for sql in statements:
                cur.execute(sql)


def mariadb_status(url: str) -> dict[str, int]:
    """Global counters of the MariaDB server (all its clients: others' tests share it)."""
    import pymysql
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with pymysql.connect(host=u.host or "127.0.0.1", port=u.port or 3306, user=u.username,
                         password=u.password or "", database=u.database) as conn:
        with conn.cursor() as cur:
            cur.execute("SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_commit', "
                        "'Innodb_data_fsyncs', 'Questions', 'Innodb_rows_inserted')")
            return {str(k): int(v) for k, v in cur.fetchall()}


def commit_probe(url: str, n: int = 200) -> dict[str, Any] | None:
    """Latency of one durable single-row commit (autocommit INSERT), one after another: what
    the disk and the shared database server give right now, whatever Parley does."""
    if not is_mariadb(url):
        return None
    import pymysql
    from sqlalchemy.engine import make_url

    u = make_url(url)
    times = []
    with pymysql.connect(host=u.host or "127.0.0.1", port=u.port or 3306, user=u.username,
                         password=u.password or "", database=u.database,
                         autocommit=True) as conn:
        with conn.cursor() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS bench_probe (id BIGINT AUTO_INCREMENT "
                        "PRIMARY KEY, v VARCHAR(40)) ENGINE=InnoDB")
            for _ in range(n):
                t0 = time.perf_counter()
                cur.execute("INSERT INTO bench_probe (v) VALUES ('probe')")
                times.append(time.perf_counter() - t0)
            cur.execute("DROP TABLE bench_probe")
    return {"n": n, **{k: v for k, v in ms_summary(times).items() if k != "n"},
            "commits_per_s": round(n / sum(times), 1), "loadavg": os.getloadavg()[0]}


def db_durability(url: str) -> dict[str, Any]:
    """The settings that decide whether a commit is on disk when it returns."""
    if not is_mariadb(url):
        return {"database": "sqlite", "synchronous": "NORMAL (WAL)"}
    import pymysql
    from sqlalchemy.engine import make_url

    u = make_url(url)
    with pymysql.connect(host=u.host or "127.0.0.1", port=u.port or 3306, user=u.username,
                         password=u.password or "", database=u.database) as conn:
        with conn.cursor() as cur:
            cur.execute("SELECT @@version, @@innodb_flush_log_at_trx_commit, @@sync_binlog, "
                        "@@log_bin, @@innodb_buffer_pool_size, @@innodb_flush_method")
            row = cur.fetchone()
    assert row is not None
    return {"database": "mariadb", "version": row[0], "innodb_flush_log_at_trx_commit": row[1],
            "sync_binlog": row[2], "log_bin": row[3], "innodb_buffer_pool_size": row[4],
            "innodb_flush_method": row[5]}


def parley(work: Path, url: str, extra: dict[str, str] | None = None,
           port: int = 0, listener: socket.socket | None = None) -> ChatServer:
    work.mkdir(parents=True, exist_ok=True)
    return start_server(work, {"PARLEY_DATABASE_URL": url, **PARLEY_ENV, **server_env(),
                               **(extra or {})}, port=port, listener=listener)


def server_env() -> dict[str, str]:
    """PARLEY_BENCH_SERVER_ENV="PARLEY_DB_POOL_SIZE=40 ...": settings for an experiment."""
    pairs = os.environ.get("PARLEY_BENCH_SERVER_ENV", "").split()
    return dict(p.split("=", 1) for p in pairs if "=" in p)


def target(kind: str, url: str, site_key: str | None = None) -> dict[str, Any]:
    return {"kind": kind, "url": url, "site_key": site_key}


# Two Parley processes sharing Redis (relay-redis): visitors on one, agents on the other.
REDIS_URL = os.environ.get("PARLEY_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_pair_database(work: Path) -> str:
    """An empty, migrated database of its own for the two-process pair (its own admin and
    widget): the bench database's name + "_redis", or a second SQLite file."""
    url = bench_url()
    if is_mariadb(url):
        from sqlalchemy.engine import make_url

        u = make_url(url)
        url = u.set(database=f"{u.database}_redis").render_as_string(hide_password=False)
        recreate_mariadb(url)
    else:
        url = f"sqlite+aiosqlite:///{work / 'redis-pair.db'}"
    subprocess.run([*chatctl_command(), "db", "upgrade"],
                   env={**os.environ, "PARLEY_DATABASE_URL": url}, check=True,
                   capture_output=True, cwd=source_tree())
    return url


# --- 1. idle ----------------------------------------------------------------------------


def snapshot(pid: int, path: Path) -> None:
    """Ask a server run by bench/memtrace.py for a tracemalloc snapshot; wait for it."""
    os.kill(pid, signal.SIGUSR1)
    done = Path(f"{path}.done")
    deadline = time.monotonic() + 120
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.2)


def idle_on(lg: LoadGen, pid: int, n: int, concurrency: int,
            sessions: list[tuple[str, str]] | None, profile: str | None = None,
            memtrace: Path | None = None) -> dict[str, Any]:
    spy = PySpy(pid, RESULTS / f"profile-{profile}.txt") if profile and PROFILE else None

    def before() -> int:
        if memtrace:
            snapshot(pid, Path(f"{memtrace}.1"))
        time.sleep(1.0)
        rss = rss_kib(pid)
        if spy:
            spy.__enter__()
        return rss

    try:
        res = lg.idle(n, concurrency=concurrency, before_connect=before, sessions=sessions,
                      server_pid=pid)
    finally:
        if spy:
            spy.__exit__(None, None, None)
            say(top(spy.out, 15))
    time.sleep(2.0)
    after = rss_kib(pid)
    if memtrace:
        snapshot(pid, Path(f"{memtrace}.2"))
        report = memtrace_diff(Path(f"{memtrace}.1"), Path(f"{memtrace}.2"), res["connected"])
        say(report)
        res["memtrace"] = report
    check = lg.check()
    rss_before = res.pop("before")
    # The server's CPU while the sockets connected and authenticated, per socket.
    res["server_cpu_ms_per_handshake"] = round(
        res["server_cpu_pct"] / 100 * res["connect_s"] * 1000 / max(1, res["connected"]), 3)
    res.update({"rss_before_kib": rss_before, "rss_after_kib": after,
                "rss_per_socket_kib": round((after - rss_before) / max(1, res["connected"]), 2),
                "still_open": check["idle_open"]})
    lg.close_sockets()
    return res


# The idle scenario's figures given as the median of its repeats.
MEDIAN_IDLE = ("rss_per_socket_kib", "rss_before_kib", "rss_after_kib", "handshakes_per_s",
               "server_cpu_ms_per_handshake")


def scenario_idle(cfg: dict[str, Any]) -> dict[str, Any]:
    n, workers, conc = cfg["sockets"], cfg["workers"], cfg["concurrency"]
    runs: dict[str, list[dict[str, Any]]] = {"parley": [], "bare": []}
    with workdir() as tmp:
        work = Path(tmp)
        url = fresh_database(work)
        site_key, made = "", None
        # Parley, bare, Parley, bare…: each a fresh process, under the same machine load.
        for rep in range(cfg["repeats"]):
            trace = work / "snap" if MEMTRACE and rep == 0 else None
            # A directory and a log of its own each: a server's port is read from its log.
            with parley(work / f"run{rep}", url,
                        {"PARLEY_BENCH_MEMTRACE": str(trace)} if trace else None) as server:
                if made is None:
                    site_key = setup_widget(server.url, WIDGET)["site_key"]
                    made = precreate_sessions(url, site_key, n)
                assert server.proc is not None
                with LoadGen(target("parley", server.url, site_key), workers) as lg:
                    say(f"idle: opening {n} sockets on Parley")
                    runs["parley"].append(idle_on(lg, server.proc.pid, n, conc, made,
                                                  profile="idle-connect" if rep == 0 else None,
                                                  memtrace=trace))
            bare_trace = work / "bare-snap" if trace else None
            with BareServer(work / f"bare{rep}.log", memtrace=bare_trace) as bare:
                assert bare.proc is not None
                with LoadGen(target("baseline", bare.url), workers) as lg:
                    say(f"idle: opening {n} sockets on the bare baseline")
                    runs["bare"].append(idle_on(lg, bare.proc.pid, n, conc, None,
                                                memtrace=bare_trace))
            if trace and bare_trace:
                p0, b0 = runs["parley"][0], runs["bare"][0]
                both = memtrace_beside((Path(f"{trace}.1"), Path(f"{trace}.2"), p0["connected"]),
                                       (Path(f"{bare_trace}.1"), Path(f"{bare_trace}.2"),
                                        b0["connected"]))
                say(both)
                (RESULTS / "memtrace-idle.txt").write_text("\n\n".join(
                    [both, "Parley: " + p0.pop("memtrace"), "bare: " + b0.pop("memtrace")]) + "\n")
    # Each figure is the median of the repeats; the fewest sockets held and still open.
    p, b = ({**rs[0], **{k: statistics.median(r[k] for r in rs) for k in MEDIAN_IDLE},
             "connected": min(r["connected"] for r in rs),
             "still_open": min(r["still_open"] for r in rs),
             "each": [{k: r[k] for k in MEDIAN_IDLE} for r in rs]}
            for rs in (runs["parley"], runs["bare"]))
    result = {"scenario": "idle", "sockets": n, "workers": workers, "concurrency": conc,
              "repeats": cfg["repeats"],
              "memtrace": MEMTRACE,  # tracemalloc on: RSS figures inflated, for diagnosis
              "database": db_durability(url)["database"], "parley": p, "bare": b,
              "ratio": {"rss_per_socket": _ratio(p["rss_per_socket_kib"],
                                                 b["rss_per_socket_kib"]),
                        "handshakes_per_s": _ratio(p["handshakes_per_s"],
                                                   b["handshakes_per_s"]),
                        "cpu_per_handshake": _ratio(p["server_cpu_ms_per_handshake"],
                                                    b["server_cpu_ms_per_handshake"])},
              "target": {"sockets": 10_000, "rss_per_socket_kib": 20}}
    met = p["connected"] >= n and p["still_open"] >= n and p["rss_per_socket_kib"] <= 20
    result["target_met"] = met
    result["targets"] = [
        verdict("sockets held open", p["still_open"], ">=", n),
        verdict("server CPU per handshake+auth / the bare server's",
                result["ratio"]["cpu_per_handshake"], "<=", 1.7),
        verdict("RSS per idle socket / the bare server's", result["ratio"]["rss_per_socket"],
                "<=", 1.1)]
    print(f"idle: {p['connected']}/{n} sockets open ({p['still_open']} still open at the end); "
          f"Parley {p['rss_per_socket_kib']:.1f} KiB RSS/socket "
          f"({p['rss_before_kib'] / 1024:.0f}->{p['rss_after_kib'] / 1024:.0f} MiB), "
          f"{p['handshakes_per_s']:.0f} handshakes+auth/s (p99 {p['handshake_ms']['p99']:.0f} ms)"
          f"; bare {b['rss_per_socket_kib']:.1f} KiB/socket, {b['handshakes_per_s']:.0f}/s; "
          f"ratio RSS x{result['ratio']['rss_per_socket']}, rate x"
          f"{result['ratio']['handshakes_per_s']}; server CPU per handshake+auth "
          f"{p['server_cpu_ms_per_handshake']} ms vs bare {b['server_cpu_ms_per_handshake']} ms"
          f" (medians of {cfg['repeats']}; RSS/socket each: Parley "
          f"{', '.join(str(r['rss_per_socket_kib']) for r in p['each'])}, bare "
          f"{', '.join(str(r['rss_per_socket_kib']) for r in b['each'])} KiB)")
    print(targets_line("idle", result["targets"]))
    print(f"wrote {save('idle', result)}")
    return result


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a and b else None


# --- 2. relay ---------------------------------------------------------------------------


def worst_p99(step: dict[str, Any]) -> float:
    vals = [step["ack_ms"]["p99"], step["delivery_ms"]["p99"]]
    return max(v if v is not None else float("inf") for v in vals)


def aggregate(reps: list[dict[str, Any]], visitors: int) -> dict[str, Any]:
    """Median over the repeats of each figure; a rate is held when the median worst p99
    (ack or delivery) is within the limit and no repeat lost, refused or skipped a message.
    A step is invalid when the load generator itself ran late by more than 10 % of the
    interval between one visitor's messages (its p99 lag): the client, not the server, was
    the limit."""

    def med(get: Any) -> float | None:
        vals = [get(r) for r in reps]
        vals = [v for v in vals if v is not None]
        return round(statistics.median(vals), 3) if vals else None

    out: dict[str, Any] = {"rate": reps[0]["rate"], "repeats": len(reps)}
    for key in ("ack_ms", "delivery_ms", "client_lag_ms"):
        out[key] = {p: med(lambda r, k=key, p=p: r[k][p]) for p in ("p50", "p95", "p99", "max")}
    for key in ("delivered_per_s", "client_cpu_pct", "server_cpu_pct", "server_cpu_ms_per_msg",
                "db_cpu_pct", "server_rss_mib", "loadavg"):
        out[key] = med(lambda r, k=key: r[k])
    if reps[0].get("db_per_s"):
        out["db_per_s"] = {k: med(lambda r, k=k: (r.get("db_per_s") or {}).get(k))
                           for k in reps[0]["db_per_s"]}
    for key in ("sent", "skipped", "acked", "delivered", "errored", "duplicates"):
        out[key] = sum(r[key] for r in reps)
    out["worst_p99_ms"] = med(worst_p99)
    out["worst_p99_each_ms"] = [round(worst_p99(r), 3) for r in reps]
    out["held"] = (out["worst_p99_ms"] is not None and out["worst_p99_ms"] <= P99_LIMIT_MS
                   and out["skipped"] == 0 and out["errored"] == 0
                   and out["delivered"] == out["sent"])
    lag = out["client_lag_ms"]["p99"]
    out["valid"] = lag is None or lag <= 0.1 * 1000 * visitors / out["rate"]
    return out


def highest_held(steps: list[dict[str, Any]]) -> float | None:
    """The highest rate held before the first that was not (a step where the client lagged
    is neither: it is not counted)."""
    best = None
    for s in steps:
        if not s["valid"]:
            continue
        if not s["held"]:
            break
        best = s["rate"]
    return best


def at_rate(steps: list[dict[str, Any]], rate: float) -> dict[str, Any] | None:
    return next((s for s in steps if s["rate"] == rate), None)


def scenario_relay(cfg: dict[str, Any], kinds: tuple[str, ...] = ("parley", "bare"),
                   name: str = "relay") -> dict[str, Any]:
    rates, duration, repeats = cfg["rates"], cfg["duration"], cfg["repeats"]
    n_idle, visitors, n_agents, workers = cfg["idle"], cfg["visitors"], cfg["agents"], \
        cfg["workers"]
    with workdir() as tmp:
        work = Path(tmp)
        url = fresh_database(work) if "parley" in kinds else ""
        durability = db_durability(url) if url else {"database": None}
        servers: dict[str, ChatServer] = {}
        peers: dict[str, ChatServer] = {}  # the agents' process of a two-process pair
        urls = {"parley": url}
        gens: dict[str, LoadGen] = {}
        setup: dict[str, Any] = {}
        try:
            if "parley" in kinds:
                servers["parley"] = parley(work, url).start()
            if "redis" in kinds:
                urls["redis"] = redis_pair_database(work)
                shared = {"PARLEY_REDIS_URL": REDIS_URL,
                          "PARLEY_REDIS_PREFIX": f"bench-{os.getpid()}:"}
                servers["redis"] = parley(work / "redis-a", urls["redis"], shared).start()
                peers["redis"] = parley(work / "redis-b", urls["redis"], shared).start()
            if "bare" in kinds:
                servers["bare"] = BareServer(work / "bare.log").start()
            pids = {k: s.proc.pid for k, s in servers.items() if s.proc is not None}
            db_pid = mariadb_pid() if is_mariadb(url) else None
            for kind, server in servers.items():
                t0 = time.monotonic()
                if kind in ("parley", "redis"):
                    w = setup_widget(server.url, WIDGET)
                    agents = parley_agents(server.url, w["token"], w["site_key"], n_agents)
                    tgt = target("parley", server.url, w["site_key"])
                    if kind in peers:
                        tgt["agent_url"] = peers[kind].url
                else:
                    agents, tgt = bare_agents(n_agents), target("baseline", server.url)
                gens[kind] = LoadGen(tgt, workers)
                say(f"relay: {kind}: {n_idle} idle sockets, {visitors} visitors, "
                    f"{n_agents} agents")
                made = precreate_sessions(urls[kind], tgt["site_key"], n_idle) \
                    if kind in urls else None
                idle = gens[kind].idle(n_idle, concurrency=64, sessions=made,
                                       server_pid=pids[kind])
                if sum(idle["failed"].values()) > max(10, n_idle // 100):
                    raise RuntimeError(f"{kind}: idle sockets refused: {idle['failed']}")
                if idle["failed"]:  # a few: noted in the result, the run goes on
                    say(f"relay: {kind}: {idle['failed']}")
                pairs = gens[kind].pairs(agents, visitors)
                setup[kind] = {"idle": {k: v for k, v in idle.items() if k != "before"},
                               "pairs": pairs, "seconds": round(time.monotonic() - t0, 1),
                               "rss_mib": round(rss_kib(pids[kind]) / 1024, 1)}
            probes = [commit_probe(url)] if url else []
            steps: dict[str, list[dict[str, Any]]] = {k: [] for k in servers}
            count = itertools.count()

            def run_step(rate: float, kinds_now: list[str]) -> None:
                """`repeats` steps at one rate for each kind, bare first then Parley: side by
                side under the same machine load; the median of each kind's kept."""
                reps: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds_now}
                hopeless: set[str] = set()
                i = next(count)
                for rep in range(repeats):
                    for kind in sorted(kinds_now, key=lambda k: k != "bare"):
                        if kind in hopeless:
                            continue
                        spy = PySpy(pids[kind], RESULTS / f"profile-{name}-{rate:g}.txt") \
                            if PROFILE and kind == "parley" and rep == 0 else nullcontext()
                        with spy:
                            reps[kind].append(gens[kind].step(
                                i * 100 + rep, rate, duration, server_pid=pids[kind],
                                db_pid=db_pid if kind in urls else None,
                                db_status=functools.partial(mariadb_status, urls[kind])
                                if kind in urls and is_mariadb(urls[kind]) else None))
                        if isinstance(spy, PySpy):
                            say(top(spy.out, 15))
                        last = reps[kind][-1]
                        if last["skipped"] or worst_p99(last) > 40 * P99_LIMIT_MS:
                            hopeless.add(kind)  # far over (a second): repeating only costs time
                for kind, got in reps.items():
                    agg = aggregate(got, visitors)
                    steps[kind].append(agg)
                    say(f"relay: {kind} {rate:>5g} msg/s: p50 {agg['delivery_ms']['p50']} ms, "
                        f"p99 ack {agg['ack_ms']['p99']} / delivery {agg['delivery_ms']['p99']}"
                        f" ms, {agg['delivered_per_s']} delivered/s, server CPU "
                        f"{agg['server_cpu_pct']}% ({agg['server_cpu_ms_per_msg']} ms/msg), "
                        f"client CPU {agg['client_cpu_pct']}%, "
                        f"lag p99 {agg['client_lag_ms']['p99']} ms"
                        f"{'' if agg['held'] else '  <- not held'}"
                        f"{'' if agg['valid'] else '  <- invalid: the client lagged'}")

            # The listed rates, both kinds side by side, up to 2,000 msg/s (a target) and then
            # up to the first rate a kind does not hold.
            active = list(servers)
            for rate in rates:
                run_step(rate, active)
                active = [k for k in active if steps[k][-1]["held"] or rate < 2000]
                if not active:
                    break
            # Then each kind on its own, in steps of 10 % from its highest rate held: up to
            # the next listed rate, which it did not hold, or (it held them all) until it
            # does not, or the client cannot keep up.
            for kind in servers if not QUICK_RUN else ():
                rate = highest_held(steps[kind])
                if rate is None or rate < 1000:
                    continue
                ceiling = next((s["rate"] for s in steps[kind] if not s["held"]), float("inf"))
                while (rate := round(rate * 1.1, -1)) < ceiling and rate <= MAX_RATE:
                    run_step(rate, [kind])
                    if not steps[kind][-1]["held"]:
                        break
                steps[kind].sort(key=lambda s: s["rate"])
            if url:
                probes.append(commit_probe(url))
            checks: dict[str, Any] = {}
            for kind, lg in gens.items():
                check = lg.check()
                counts = db_visitor_counts(urls[kind]) if kind in urls else None
                checks[kind] = exactly_once(check, counts)
                setup[kind]["rss_end_mib"] = round(rss_kib(pids[kind]) / 1024, 1)
        except BaseException:
            for kind, server in servers.items():
                say(f"--- the end of {kind}'s log ---\n{server.log()[-2000:]}")
            raise
        finally:
            for lg in gens.values():
                lg.close()
            for server in [*servers.values(), *peers.values()]:
                server.kill()
    result = {"scenario": name, "database": durability, "commit_probe": probes,
              "server_env": server_env(), "config": cfg, "setup": setup,
              "steps": steps, "exactly_once": checks, "p99_limit_ms": P99_LIMIT_MS}
    summary: dict[str, Any] = {}
    for kind, st in steps.items():
        summary[kind] = {
            "highest_rate_held": highest_held(st),
            "max_delivered_per_s": max((s["delivered_per_s"] for s in st), default=None),
            "p99_at_500_ms": (at_rate(st, 500) or {}).get("worst_p99_ms"),
            "p99_at_2000_ms": (at_rate(st, 2000) or {}).get("worst_p99_ms"),
            "server_cpu_ms_per_msg_at_250": (at_rate(st, 250) or {}).get(
                "server_cpu_ms_per_msg"),
            "server_cpu_ms_per_msg_at_500": (at_rate(st, 500) or {}).get(
                "server_cpu_ms_per_msg"),
            "last_rate_tried": st[-1]["rate"] if st else None}
    result["summary"] = summary
    if "parley" in summary and "bare" in summary:
        p, b = summary["parley"], summary["bare"]
        result["ratio"] = {
            "highest_rate_held": _ratio(p["highest_rate_held"], b["highest_rate_held"]),
            "max_delivered_per_s": _ratio(p["max_delivered_per_s"], b["max_delivered_per_s"]),
            "p99_at_500": _ratio(p["p99_at_500_ms"], b["p99_at_500_ms"]),
            "p99_at_2000": _ratio(p["p99_at_2000_ms"], b["p99_at_2000_ms"]),
            "server_cpu_per_msg_at_500": _ratio(p["server_cpu_ms_per_msg_at_500"],
                                                b["server_cpu_ms_per_msg_at_500"])}
        result["target"] = {"persisted_msgs_per_s": 5000, "p99_at_500_ms": 10,
                            "p99_at_2000_ms": 25}
        result["targets"] = relay_targets(p, b)
        print(relay_line(result))
        print(targets_line("relay", result["targets"]))
    if "parley" in summary and "redis" in summary:
        result["two_processes"] = {
            "note": "visitors on process A, agents on process B, fan-out through Redis; "
                    "server CPU is process A's",
            "max_delivered_per_s": _ratio(summary["redis"]["max_delivered_per_s"],
                                          summary["parley"]["max_delivered_per_s"])}
        for kind in ("parley", "redis"):
            st = steps[kind]
            print(f"relay-redis: {'one process' if kind == 'parley' else 'two + Redis'}: held "
                  f"{summary[kind]['highest_rate_held']} msg/s, max delivered "
                  f"{summary[kind]['max_delivered_per_s']}/s; delivery p50/p99 at 500 msg/s "
                  + "/".join(str(((at_rate(st, 500) or {}).get("delivery_ms") or {}).get(q))
                             for q in ("p50", "p99")) + " ms")
    print(f"wrote {save(name, result)}")
    return result


def relay_targets(p: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    """The relay's targets (issue #24), each with the figure measured and met / missed
    (n/a when the run had no such step)."""
    held = _ratio(p["highest_rate_held"], b["highest_rate_held"])
    if held is None and b["highest_rate_held"]:  # the bare relay held a rate, Parley none
        held = 0.0
    return [verdict("server CPU per message at 250 msg/s (ms)",
                    p["server_cpu_ms_per_msg_at_250"], "<=", 0.8),
            verdict("server CPU per message at 500 msg/s (ms)",
                    p["server_cpu_ms_per_msg_at_500"], "<=", 0.6),
            verdict("p99 at 500 msg/s (ms)", p["p99_at_500_ms"], "<=", 10),
            verdict("p99 at 2000 msg/s (ms)", p["p99_at_2000_ms"], "<=", 25),
            verdict("highest rate held / the bare relay's", held, ">=", 0.8)]


def relay_line(r: dict[str, Any]) -> str:
    p, b = r["summary"]["parley"], r["summary"]["bare"]
    d = r["database"]
    ok = r["exactly_once"].get("parley", {})

    def f(v: Any, unit: str = "") -> str:
        return "n/a" if v is None else f"{v:g}{unit}"

    db = (f"MariaDB, innodb_flush_log_at_trx_commit={d['innodb_flush_log_at_trx_commit']}"
          if d["database"] == "mariadb" else "SQLite")
    probe = next((x for x in r.get("commit_probe") or [] if x), None)
    if probe:
        db += f", a lone durable commit p50 {probe['p50']:.1f} ms"
    return (f"relay ({db}, {r['config']['idle']} idle sockets, {r['config']['visitors']} "
            f"visitors/{r['config']['agents']} agents): highest rate held (p99 <= 25 ms) "
            f"Parley {f(p['highest_rate_held'], ' msg/s')} vs bare "
            f"{f(b['highest_rate_held'], ' msg/s')} (x{f(r['ratio']['highest_rate_held'])}); "
            f"max delivered {f(p['max_delivered_per_s'])}/s vs {f(b['max_delivered_per_s'])}/s;"
            f" p99 at 500 msg/s {f(p['p99_at_500_ms'], ' ms')} (bare "
            f"{f(b['p99_at_500_ms'], ' ms')}), at 2000 msg/s {f(p['p99_at_2000_ms'], ' ms')} "
            f"(bare {f(b['p99_at_2000_ms'], ' ms')}); server CPU per message at 500 msg/s "
            f"{f(p['server_cpu_ms_per_msg_at_500'], ' ms')} (bare "
            f"{f(b['server_cpu_ms_per_msg_at_500'], ' ms')}); exactly once: "
            f"{'ok' if ok.get('ok') else 'FAILED'} ({ok.get('sent', 0)} sent, "
            f"{ok.get('db_rows', 'n/a')} rows); targets 5000 msg/s, 10 ms at 500, 25 ms at 2000")


# --- 3. config --------------------------------------------------------------------------

WRK_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(url: str, seconds: float, connections: int) -> dict[str, Any]:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--latency",
                          "--timeout", "10s", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    pct = {}
    for p, value, unit in re.findall(r"^\s+(50|75|90|99)%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M):
        pct[f"p{p}"] = round(float(value) * WRK_UNITS[unit], 3)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: (.*)", out)
    return {"client": "wrk", "requests_per_s": rps, **pct,
            "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": sock.group(1) if sock else ""}


async def _http_load(host: str, port: int, path: str, seconds: float,
                     connections: int) -> dict[str, Any]:
    """A small keep-alive HTTP/1.1 load client for when wrk is not installed."""
    request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode()
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def conn() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.monotonic() < deadline:
                t0 = time.monotonic()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(re.search(rb"(?i)content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
                await reader.readexactly(length)
                latencies.append(time.monotonic() - t0)
                if not head.startswith(b"HTTP/1.1 200"):
                    errors += 1
        finally:
            writer.close()

    t0 = time.monotonic()
    await asyncio.gather(*(conn() for _ in range(connections)))
    wall = time.monotonic() - t0
    s = ms_summary(latencies)
    return {"client": "python", "requests_per_s": round(len(latencies) / wall, 1),
            "p50": s["p50"], "p99": s["p99"], "non_2xx": errors}


def http_load(url: str, seconds: float, connections: int) -> dict[str, Any]:
    if shutil.which("wrk"):
        return wrk(url, seconds, connections)
    m = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    assert m is not None
    return asyncio.run(_http_load(m.group(1), int(m.group(2)), m.group(3), seconds,
                                  connections))


def scenario_config(cfg: dict[str, Any]) -> dict[str, Any]:
    seconds, repeats, conns = cfg["seconds"], cfg["repeats"], cfg["connections"]
    runs: dict[str, list[dict[str, Any]]] = {"parley": [], "bare": [], "parley_no_access_log": []}
    with workdir() as tmp:
        work = Path(tmp)
        url = fresh_database(work)
        body_file = work / "config.json"
        with parley(work, url) as server, \
                parley(work / "quiet", url, {"PARLEY_LOG_LEVEL": "WARNING"},
                       port=free_port()) as quiet:
            w = setup_widget(server.url, WIDGET)
            path = f"/api/widgets/{w['site_key']}/config"
            resp = httpx.get(server.url + path)
            resp.raise_for_status()
            body_file.write_bytes(resp.content)
            with BareServer(work / "bare.log", body_file) as bare:
                same = httpx.get(bare.url + path)
                assert same.content == resp.content, "the bare handler must serve the same bytes"
                headers = {k: resp.headers.get(k) for k in ("content-type", "etag",
                                                            "cache-control")}
                assert headers == {k: same.headers.get(k) for k in headers}, (headers,
                                                                             same.headers)
                urls = {"parley": server.url + path, "bare": bare.url + path,
                        "parley_no_access_log": quiet.url + path}
                pids = {"parley": server.proc.pid, "bare": bare.proc.pid,  # type: ignore[union-attr]
                        "parley_no_access_log": quiet.proc.pid}  # type: ignore[union-attr]
                for u in urls.values():  # warm up (Parley fills its config cache)
                    http_load(u, 1, conns)
                for _ in range(repeats):
                    for kind in ("bare", "parley", "parley_no_access_log"):
                        cpu0 = proc_cpu(pids[kind])
                        run = http_load(urls[kind], seconds, conns)
                        cpu1 = proc_cpu(pids[kind])
                        if cpu0 and cpu1 and run["requests_per_s"]:
                            # server CPU per request: robust to how much CPU it was given
                            run["server_cpu_us_per_request"] = round(
                                1e6 * (cpu1[0] - cpu0[0]) / (run["requests_per_s"] * seconds),
                                1)
                        run["loadavg"] = os.getloadavg()[0]
                        runs[kind].append(run)

    def med(kind: str, key: str) -> float | None:
        vals = [r[key] for r in runs[kind] if r.get(key) is not None]
        return round(statistics.median(vals), 3) if vals else None

    summary = {k: {"requests_per_s": med(k, "requests_per_s"), "p50_ms": med(k, "p50"),
                   "p99_ms": med(k, "p99"),
                   "server_cpu_us_per_request": med(k, "server_cpu_us_per_request")}
               for k in runs}
    cpu_ratio = _ratio(summary["bare"]["server_cpu_us_per_request"],
                       summary["parley"]["server_cpu_us_per_request"])
    ratio = _ratio(summary["parley"]["requests_per_s"], summary["bare"]["requests_per_s"])
    quiet_ratio = _ratio(summary["parley_no_access_log"]["requests_per_s"],
                         summary["bare"]["requests_per_s"])
    result = {"scenario": "config", "client": runs["bare"][0]["client"], "connections": conns,
              "seconds": seconds, "repeats": repeats, "body_bytes": body_file.stat().st_size
              if body_file.exists() else None, "runs": runs, "summary": summary,
              "ratio": ratio, "ratio_without_access_log": quiet_ratio,
              # bare's CPU per request / Parley's: the requests/s ratio when both are CPU-bound
              "ratio_by_cpu_per_request": cpu_ratio,
              "target": {"ratio": 0.9}, "target_met": bool(ratio and ratio >= 0.9)}
    p, b = summary["parley"], summary["bare"]
    result["targets"] = [verdict(
        "server CPU per config request, access log on / the bare handler's",
        _ratio(p["server_cpu_us_per_request"], b["server_cpu_us_per_request"]), "<=", 1.1)]
    print(f"config: Parley {p['requests_per_s']:.0f} req/s p99 {p['p99_ms']} ms, bare Tornado "
          f"{b['requests_per_s']:.0f} req/s p99 {b['p99_ms']} ms -> {100 * (ratio or 0):.0f}% "
          f"(target >= 90%: {'met' if result['target_met'] else 'MISSED'}); without the access "
          f"log {100 * (quiet_ratio or 0):.0f}%; by server CPU per request "
          f"{p['server_cpu_us_per_request']} vs {b['server_cpu_us_per_request']} us: "
          f"{100 * (cpu_ratio or 0):.0f}% [{result['client']}, {conns} connections, "
          f"median of {repeats} x {seconds:g} s]")
    print(targets_line("config", result["targets"]))
    print(f"wrote {save('config', result)}")
    return result


# --- 4. ai ------------------------------------------------------------------------------


def scenario_ai(cfg: dict[str, Any]) -> dict[str, Any]:
    from bench import ai_latency

    if is_mariadb(bench_url()):
        recreate_mariadb(bench_url())
    result = ai_latency.run(cfg["replies"], cfg["words"], cfg["delay"])
    f, later = result["first_chunk_ms"], result["later_chunks_ms"]
    result["targets"] = [verdict("AI first chunk added, p50 (ms)", f["p50"], "<=", 1),
                         verdict("AI first chunk added, p99 (ms)", f["p99"], "<=", 5)]
    result["target_met"] = all(t["verdict"] == "met" for t in result["targets"])
    print(f"ai: first chunk p50 {f['p50']:.3f} ms p99 {f['p99']:.3f} ms (n={f['n']}); "
          f"later chunks p50 {later['p50']:.3f} ms p99 {later['p99']:.3f} ms "
          f"(n={later['n']})")
    print(targets_line("ai", result["targets"]))
    print(f"wrote {save('ai_latency', result)}")
    return result


# --- 5. retrieval ------------------------------------------------------------------------


def scenario_retrieval(cfg: dict[str, Any]) -> dict[str, Any]:
    """bench/retrieval.py: knowledge retrieval on one core (its own SQLite database and
    server; the bench database is not used)."""
    from bench import retrieval

    return retrieval.run(cfg["quick"])


# --- 6. knowledge sources ----------------------------------------------------------------


def scenario_sources(cfg: dict[str, Any]) -> dict[str, Any]:
    """bench/knowledge_sources.py: a generated site imported through REST while visitors
    chat (the bench database, recreated when MariaDB)."""
    from bench import knowledge_sources

    if is_mariadb(bench_url()):
        recreate_mariadb(bench_url())
    result = knowledge_sources.run(cfg["quick"])
    print(knowledge_sources.line(result))
    print(f"wrote {save('knowledge_sources', result)}")
    return result


# --- ad hoc (bench/loadgen.py's command line) -------------------------------------------


def adhoc(kind: str, visitors: int, agents: int, idle: int, rates: list[float],
          duration: float, workers: int) -> dict[str, Any]:
    cfg = {"rates": rates, "duration": duration, "repeats": 1, "idle": idle,
           "visitors": visitors, "agents": agents, "workers": workers}
    return scenario_relay(cfg, kinds=("parley" if kind == "parley" else "bare",),
                          name=f"loadgen-{kind}")


def scenario_storm(cfg: dict[str, Any]) -> dict[str, Any]:
    """bench/storm.py: a process restarted under its visitors' sockets."""
    from bench import storm

    result = storm.run(cfg)
    print(storm.line(result))
    print(f"wrote {save('storm', result)}")
    return result


def scenario_relay_redis(cfg: dict[str, Any]) -> dict[str, Any]:
    """The relay through two processes and Redis, beside one process, in the same run."""
    return scenario_relay(cfg, kinds=("parley", "redis"), name="relay_redis")


SCENARIOS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "idle": scenario_idle, "relay": scenario_relay, "config": scenario_config,
    "ai": scenario_ai, "retrieval": scenario_retrieval, "sources": scenario_sources,
    "storm": scenario_storm, "relay-redis": scenario_relay_redis}
# Not part of `all` (make bench): it needs Redis and takes as long as relay.
OPTIONAL = {"relay-redis"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=[*SCENARIOS, "all"])
    parser.add_argument("--quick", action="store_true", help="a smoke run of about a minute")
    parser.add_argument("--no-chart", action="store_true")
    parser.add_argument("--profile", action="store_true",
                        help="sample the Parley server with py-spy (bench/results/profile-*)")
    parser.add_argument("--memtrace", action="store_true",
                        help="idle: trace the server's Python allocations per socket "
                        "(bench/results/memtrace-idle.txt; inflates the RSS figures)")
    args = parser.parse_args()
    global PROFILE, MEMTRACE, QUICK_RUN
    PROFILE, MEMTRACE, QUICK_RUN = args.profile, args.memtrace, args.quick
    plan = QUICK if args.quick else FULL
    names = [n for n in SCENARIOS if n not in OPTIONAL] if args.scenario == "all" \
        else [args.scenario]
    started = time.monotonic()
    pin_clients()
    pin_mariadb(mariadb_pid(), True)
    try:
        run_all(names, plan, args.quick, args.no_chart)
    finally:
        pin_mariadb(mariadb_pid(), False)
    say(f"bench: done in {time.monotonic() - started:.0f} s")


def run_all(names: list[str], plan: dict[str, dict[str, Any]], quick: bool,
            no_chart: bool) -> None:
    say(f"bench: {', '.join(names)}{' (quick)' if quick else ''}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}; database "
        f"{'MariaDB' if is_mariadb(bench_url()) else 'SQLite'}; pinning {pinning() or 'none'}")
    targets: list[tuple[str, dict[str, Any]]] = []
    for name in names:
        t0 = time.monotonic()
        result = SCENARIOS[name](plan.get(name) or plan["relay"])
        targets += [(name, t) for t in result.get("targets") or []]
        say(f"bench: {name} took {time.monotonic() - t0:.0f} s")
    if "relay" in names and not no_chart and not quick:
        from bench import chart
        print(f"wrote {chart.main([])}")
    if targets:  # every target of the run, the figure beside it
        print("\ntargets" + (" (--quick: smaller runs than the targets assume)"
                             if quick else ""))
        for name, t in targets:
            value = "n/a" if t["value"] is None else f"{t['value']:g}"
            print(f"  {t['verdict']:6} {name:7} {t['what']}: {value} (target {t['target']})")


if __name__ == "__main__":
    main()
