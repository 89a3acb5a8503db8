"""Shared pieces of the benchmarks: a server under test, REST set-up, percentiles, results."""

from __future__ import annotations

import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers.procs import ChatServer, socket_activation  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PASSWORD = "bench-password-123"


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1))))
    return ordered[k]


def summary_ms(values_s: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in values_s]
    return {"n": len(ms), "p50": round(percentile(ms, 50), 3), "p95": round(percentile(ms, 95), 3),
            "p99": round(percentile(ms, 99), 3), "mean": round(statistics.fmean(ms), 3) if ms else 0,
            "max": round(max(ms), 3) if ms else 0}


def machine() -> dict[str, Any]:
    return {"cpus": os.cpu_count(), "cpu_model": cpu_model(), "python": platform.python_version(),
            "platform": platform.platform(), "date": time.strftime("%Y-%m-%d %H:%M:%S"),
            "loadavg": [round(x, 2) for x in os.getloadavg()], "measured": measured_source(),
            "pinning": pinning()}


# PARLEY_BENCH_PIN=1: the servers (Parley's and the bare one) on CPU 0, the load generator,
# the bench itself and MariaDB on CPU 1, so that a figure is the server's and not the
# scheduler's (issue #24). Recorded in every result; unset, nothing is pinned.
PIN = os.environ.get("PARLEY_BENCH_PIN") == "1"
SERVER_CPU, CLIENT_CPU = 0, 1


def pinning() -> dict[str, str] | None:
    return {"servers": f"cpu {SERVER_CPU}", "load generator, bench, MariaDB":
            f"cpu {CLIENT_CPU}"} if PIN else None


def pinned(command: list[str]) -> list[str]:
    """A server's command line, on the server's CPU when pinning."""
    return ["taskset", "-c", str(SERVER_CPU), *command] if PIN else command


def pin_clients() -> None:
    """This process (the bench, a load generator worker) on the clients' CPU when pinning."""
    if PIN:
        os.sched_setaffinity(0, {CLIENT_CPU})


def pin_mariadb(pid: int | None, pin: bool) -> None:
    """MariaDB's threads on the clients' CPU (pin) or back on every CPU."""
    if PIN and pid:
        cpus = str(CLIENT_CPU) if pin else f"0-{(os.cpu_count() or 1) - 1}"
        subprocess.run(["taskset", "-a", "-p", "-c", cpus, str(pid)], check=True,
                       stdout=subprocess.DEVNULL)


def source_tree() -> Path:
    """The Parley source the servers run: PARLEY_BENCH_SOURCE (e.g. an exported commit, to
    compare two versions) or this checkout."""
    return Path(os.environ.get("PARLEY_BENCH_SOURCE") or ROOT).resolve()


def measured_source() -> dict[str, Any]:
    """Which code was measured: the commit, and chatserver files changed from it."""
    tree = source_tree()
    out: dict[str, Any] = {"tree": str(tree)}
    try:
        git = ["git", "-C", str(tree)]
        out["commit"] = subprocess.run([*git, "rev-parse", "--short", "HEAD"], text=True,
                                       capture_output=True, check=True).stdout.strip()
        out["uncommitted"] = subprocess.run(
            [*git, "status", "--porcelain", "--", "chatserver", "migrations"], text=True,
            capture_output=True, check=True).stdout.split("\n")[:-1]
    except (subprocess.CalledProcessError, OSError):
        stamp = tree / "COMMIT"  # an exported tree: `git archive` plus a note of its commit
        out["commit"] = stamp.read_text().strip() if stamp.exists() else None
    return out


def cpu_model() -> str:
    """The processor's name (the machine is shared: the load average says how busy it was)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=2))
    return path


def verdict(what: str, value: float | None, op: str, target: float) -> dict[str, Any]:
    """One target of issue #24's: the figure measured beside it, "met" or "missed" ("n/a"
    when the run had no such figure)."""
    met = value is not None and (value <= target if op == "<=" else value >= target)
    return {"what": what, "value": value, "target": f"{op} {target:g}",
            "verdict": "n/a" if value is None else "met" if met else "missed"}


def targets_line(name: str, targets: list[dict[str, Any]]) -> str:
    return f"{name} targets: " + "; ".join(
        f"{t['what']} {'n/a' if t['value'] is None else t['value']} (target {t['target']}): "
        f"{t['verdict']}" for t in targets)


def sync_url(url: str) -> str:
    """The bench database's URL for a synchronous SQLAlchemy engine (the bench's own reads)."""
    from sqlalchemy.engine import make_url
    u = make_url(url)
    if u.get_backend_name() in ("mysql", "mariadb"):
        return u.set(drivername="mysql+pymysql").render_as_string(hide_password=False)
    return u.set(drivername="sqlite").render_as_string(hide_password=False)


def database_url(workdir: Path) -> str:
    """PARLEY_BENCH_DATABASE_URL, else an SQLite file in the work directory (migrated here)."""
    url = os.environ.get("PARLEY_BENCH_DATABASE_URL") or \
        f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    env = {**os.environ, "PARLEY_DATABASE_URL": url}
    subprocess.run([*chatctl_command(), "db", "upgrade"], env=env, check=True,
                   capture_output=True, cwd=source_tree())
    return url


def chatctl_command() -> list[str]:
    """`chatctl`, run from the source tree being measured (PARLEY_BENCH_SOURCE) if set."""
    if os.environ.get("PARLEY_BENCH_SOURCE"):
        # -c puts the working directory (the source tree) first on sys.path
        return [sys.executable, "-c", "import sys; from cli.main import main; "
                "sys.argv[0] = 'chatctl'; main()"]
    return [str(Path(sys.executable).parent / "chatctl")]


class BenchServer(ChatServer):
    """ChatServer that kills its process when it fails to start (no orphan left behind), and
    can listen on a fixed port: a server logging below INFO never prints "listening on", so
    it is then known ready when /api/health answers."""

    def __init__(self, *args: Any, port: int = 0, listener: socket.socket | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_port = port
        self.listener = listener  # passed as systemd's socket activation does

    def spawn(self) -> None:
        command = chatctl_command()
        if self.env.get("PARLEY_BENCH_MEMTRACE"):  # tracemalloc on (bench/memtrace.py)
            command = [sys.executable, str(ROOT / "bench" / "memtrace.py")]
        passed = socket_activation(self.listener) if self.listener else {"env": {}}
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                pinned([*command, "serve", "--host", "127.0.0.1", "--port",
                        str(self.fixed_port)]), env={**self.env, **passed.pop("env")},
                cwd=source_tree(), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, **passed)

    def wait_listening(self, timeout: float = 30.0) -> None:
        if not self.fixed_port:
            super().wait_listening(timeout)
            return
        self.port = self.fixed_port
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(self.url + "/api/health", timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"chatctl serve exited:\n{self.log()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"chatctl serve not ready in {timeout}s")
            time.sleep(0.1)

    def start(self, timeout: float = 30.0) -> BenchServer:
        try:
            super().start(timeout)
        except BaseException:
            self.kill()
            raise
        return self


def start_server(workdir: Path, extra_env: dict[str, str], port: int = 0,
                 listener: socket.socket | None = None) -> BenchServer:
    """A Parley server for a `with` block: started on entering, killed on leaving. (Not
    started here: entering would start a second process and lose track of the first.)"""
    env = {"PARLEY_DATA_DIR": str(workdir / "data"), "PARLEY_SECRET_KEY": "bench-" + "k" * 40,
           "PARLEY_BCRYPT_ROUNDS": "4",
           "PARLEY_SESSIONS_PER_IP_PER_MINUTE": "100000",
           "PARLEY_MAX_VISITOR_SOCKETS_PER_IP": "100000",
           "PARLEY_VISITOR_BURST": "100000", "PARLEY_VISITOR_PER_MINUTE": "1000000",
           **extra_env}
    return BenchServer(env, workdir / "server.log", port=port, listener=listener)


def setup_widget(base: str, widget: dict[str, Any]) -> dict[str, Any]:
    """Register the first admin, create a widget; (admin token, site key)."""
    with httpx.Client(base_url=base, timeout=30) as http:
        admin = http.post("/api/auth/register", json={
            "username": "bench", "email": "bench@example.com", "password": PASSWORD}).json()
        token = admin["token"]
        w = http.post("/api/widgets", json=widget,
                      headers={"Authorization": f"Bearer {token}"}).json()["widget"]
    return {"token": token, "site_key": w["site_key"], "admin_id": admin["user"]["id"]}


def new_session(base: str, site_key: str) -> dict[str, Any]:
    with httpx.Client(base_url=base, timeout=30) as http:
        resp = http.post(f"/api/widgets/{site_key}/sessions", json={})
        resp.raise_for_status()
        data: dict[str, Any] = resp.json()
        return data


def workdir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="parley-bench-")
