"""Shared pieces of the benchmarks: a server under test, REST set-up, percentiles, results."""

from __future__ import annotations

import json
import os
import platform
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

from tests.helpers.procs import ChatServer  # noqa: E402

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
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform(), "date": time.strftime("%Y-%m-%d %H:%M:%S")}


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **data}, indent=2))
    return path


def database_url(workdir: Path) -> str:
    """PARLEY_BENCH_DATABASE_URL, else an SQLite file in the work directory (migrated here)."""
    url = os.environ.get("PARLEY_BENCH_DATABASE_URL") or \
        f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
    env = {**os.environ, "PARLEY_DATABASE_URL": url}
    subprocess.run([str(Path(sys.executable).parent / "chatctl"), "db", "upgrade"], env=env,
                   check=True, capture_output=True)
    return url


def start_server(workdir: Path, extra_env: dict[str, str]) -> ChatServer:
    env = {"PARLEY_DATA_DIR": str(workdir / "data"), "PARLEY_SECRET_KEY": "bench-" + "k" * 40,
           "PARLEY_BCRYPT_ROUNDS": "4",
           "PARLEY_SESSIONS_PER_IP_PER_MINUTE": "100000",
           "PARLEY_MAX_VISITOR_SOCKETS_PER_IP": "100000",
           "PARLEY_VISITOR_BURST": "100000", "PARLEY_VISITOR_PER_MINUTE": "1000000",
           **extra_env}
    return ChatServer(env, workdir / "server.log").start()


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
