"""The outbox's throughput to a local SMTP server: N emails queued at once, then one sender
(chatserver/services/outbox_sender.py, as a serving process runs it: claim, build the test
email from its templates, deliver over SMTP, mark) delivers them to an aiosmtpd sink in a
process of its own. Emails per second from the first round to the last row marked sent,
median of the runs, on SQLite and on MariaDB.

    .venv/bin/python -m bench.outbox [--emails 2000] [--runs 3] [--database sqlite|mariadb|both]

MariaDB: PARLEY_BENCH_DATABASE_URL (migrated here; only its outbox table is emptied, the
database is not dropped). Not part of `make test`; writes bench/results/outbox.json.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import chatctl_command, source_tree, workdir, write_result
from chatserver.config import Settings
from chatserver.context import Context
from chatserver.db.schema import outbox
from chatserver.services.outbox_sender import OutboxSender
from tests.helpers.outbox import queue
from tests.helpers.procs import free_port
from tests.helpers.settings import make_settings
from tests.helpers.wait import wait_until


def start_sink(port: int) -> subprocess.Popen[bytes]:
    """aiosmtpd's own server with its Sink handler (takes and drops every email)."""
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "aiosmtpd"), "-n", "-c", "aiosmtpd.handlers.Sink",
         "-l", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def answers() -> bool:
        import socket

        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", port)) == 0

    wait_until(answers, 15, "the SMTP sink to listen")
    return proc


def migrate(url: str) -> None:
    subprocess.run([*chatctl_command(), "db", "upgrade"], check=True, capture_output=True,
                   env={**os.environ, "PARLEY_DATABASE_URL": url}, cwd=source_tree())


async def one_run(settings: Settings, emails: int) -> dict[str, Any]:
    ctx = Context.create(settings)
    try:
        async with ctx.engine.begin() as conn:
            await conn.execute(outbox.delete())
        await queue(ctx.engine, settings, emails)
        sender = OutboxSender(ctx)
        cpu0, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        sent = 0
        while sent < emails:
            claimed = await sender.run_once()
            if not claimed:
                raise RuntimeError(f"the sender stopped after {sent} of {emails} emails")
            sent += claimed
        seconds = time.perf_counter() - start
        cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        async with ctx.engine.connect() as conn:
            statuses = (await conn.execute(outbox.select().with_only_columns(
                outbox.c.status))).scalars().all()
        assert statuses.count("sent") == emails, statuses[:5]
        cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
        return {"seconds": round(seconds, 3), "emails_per_s": round(emails / seconds, 1),
                "sender_cpu_ms_per_email": round(1000 * cpu / emails, 3)}
    finally:
        await ctx.close()


def bench(name: str, url: str, data_dir: Path, emails: int, runs: int) -> dict[str, Any]:
    migrate(url)
    port = free_port()
    sink = start_sink(port)
    try:
        settings = make_settings(url, data_dir, smtp_host="127.0.0.1", smtp_port=port,
                                 smtp_tls="none", mail_from="Bench <bench@parley.test>",
                                 public_url="http://127.0.0.1:9", smtp_timeout_s=10.0,
                                 log_level="WARNING")
        results = []
        for i in range(runs):
            result = asyncio.run(one_run(settings, emails))
            print(f"{name} run {i + 1}: {emails} emails in {result['seconds']} s = "
                  f"{result['emails_per_s']} emails/s, sender CPU "
                  f"{result['sender_cpu_ms_per_email']} ms/email", flush=True)
            results.append(result)
    finally:
        sink.terminate()
        sink.wait(10)
    median = statistics.median(r["emails_per_s"] for r in results)
    print(f"{name}: median {median} emails/s over {runs} runs of {emails}", flush=True)
    return {"database": name, "emails": emails, "runs": results, "median_emails_per_s": median,
            "median_sender_cpu_ms_per_email": statistics.median(
                r["sender_cpu_ms_per_email"] for r in results)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", choices=("sqlite", "mariadb", "both"), default="both")
    args = parser.parse_args()
    out = []
    with workdir() as tmp:
        work = Path(tmp)
        if args.database in ("sqlite", "both"):
            out.append(bench("sqlite", f"sqlite+aiosqlite:///{work / 'outbox.db'}",
                             work / "data", args.emails, args.runs))
        if args.database in ("mariadb", "both"):
            url = os.environ.get("PARLEY_BENCH_DATABASE_URL", "")
            if not url.startswith(("mysql", "mariadb")):
                raise SystemExit("set PARLEY_BENCH_DATABASE_URL to a MariaDB database "
                                 "(mysql+asyncmy://…) for --database mariadb")
            out.append(bench("mariadb", url, work / "data", args.emails, args.runs))
    print(f"results: {write_result('outbox', {'scenario': 'outbox', 'results': out})}")


if __name__ == "__main__":
    main()
