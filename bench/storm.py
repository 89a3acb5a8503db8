"""The reconnect storm (issue #24): every visitor of a process that is restarted comes back.

    .venv/bin/python -m bench.run storm [--quick]

N idle visitor sockets (bench/loadgen.py's `StormVisitor`: the widget's reconnect policy and
resume from the last seq seen) are connected to a Parley process; a tenth of their sessions
are then sent a message the socket never sees (written to the database as another process's
agent would, after the SIGTERM), the process gets SIGTERM, and a new one is started on the
same port as soon as the old one has exited (systemd's restart). Twice in one run: with the
listening socket held across the restart, as deploy/systemd/parley.socket does (socket
activation: connections wait for the new process), and without (they are refused until it
listens, and the widgets back off). Measured: from the SIGTERM
to the last visitor `ready` again with its missed message replayed (target <= 15 s), nothing
lost or duplicated, and the new process's RSS with the same sockets against the old one's
(target within 10 %).
"""

from __future__ import annotations

import signal
import socket
import statistics
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import setup_widget, sync_url, targets_line, verdict, workdir
from bench.loadgen import LoadGen, precreate_sessions, proc_cpu, rss_kib, split
from tests.helpers.procs import free_port
from tests.helpers.wait import wait_until

TARGET_S = 15.0
TARGET_RSS_RATIO = 1.1
MISSED_EVERY = 10  # every tenth session is sent a message while its socket is away


def send_missed(url: str, sids: list[str]) -> None:
    """One agent message per session, written as the message writer would (seq = the
    session's last_seq + 1: these sessions have none yet), by no process the sockets are on."""
    from sqlalchemy import create_engine, insert, update

    from chatserver.db.schema import messages, sessions
    from chatserver.timeutil import utcnow

    engine = create_engine(sync_url(url))
    now = utcnow()
    try:
        with engine.begin() as conn:
            for i in range(0, len(sids), 1000):
                chunk = sids[i:i + 1000]
                conn.execute(insert(messages), [
                    {"session_id": sid, "seq": 1, "client_msg_id": str(uuid.uuid4()),
                     "sender_type": "agent", "sender_id": None, "sender_name": "Bench",
                     "text": "Sent while you were reconnecting", "meta": None,
                     "created_at": now} for sid in chunk])
                conn.execute(update(sessions).where(sessions.c.id.in_(chunk))
                             .values(last_seq=1, last_activity_at=now))
    finally:
        engine.dispose()


def totals(lg: LoadGen, since: float) -> dict[str, Any]:
    res = lg.call("storm_status", {"since": since})
    out: dict[str, Any] = {k: sum(r[k] for r in res) for k in
                           ("visitors", "ready", "messages", "duplicates", "gaps", "attempts")}
    out["last_ready"] = max(r["last_ready"] for r in res)
    out["last_message"] = max(r["last_message"] for r in res)
    out["failures"] = dict(sum((Counter(r["failures"]) for r in res), Counter()))
    return out


def wait_for(lg: LoadGen, since: float, ready: int, messages: int,
             limit_s: float) -> dict[str, Any]:
    deadline = time.time() + limit_s
    while True:
        t = totals(lg, since)
        if (t["ready"] >= ready and t["messages"] >= messages) or time.time() > deadline:
            return t
        time.sleep(0.25)


def run(cfg: dict[str, Any]) -> dict[str, Any]:
    """The storm with the listening socket held across the restart (socket activation,
    deploy/systemd/parley.socket) and without (a plain restart), alternating, `repeats`
    times each: the time and the RSS ratio are the medians, what was lost the most of any."""
    runs: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    for _ in range(cfg.get("repeats", 1)):
        for activated in (True, False):
            runs[activated].append(run_one(cfg, held=activated))
    held, plain = summary(runs[True]), summary(runs[False])
    return {"scenario": "storm", "sockets": cfg["sockets"], "socket_activation": held,
            "plain_restart": plain,
            "targets": [{**t, "what": f"{t['what']}, socket activation"}
                        for t in held["targets"]]
            + [{**t, "what": f"{t['what']}, plain restart"} for t in plain["targets"]]}


def run_one(cfg: dict[str, Any], held: bool) -> dict[str, Any]:
    from bench.run import WIDGET, fresh_database, parley, say, target

    n, workers = cfg["sockets"], cfg["workers"]
    listener = socket.create_server(("127.0.0.1", 0), backlog=128) if held else None
    port = listener.getsockname()[1] if listener else free_port()
    with workdir() as tmp:
        work = Path(tmp)
        url = fresh_database(work)
        with parley(work, url, port=port, listener=listener) as old:  # started on entering
            assert old.proc is not None
            w = setup_widget(old.url, WIDGET)
            made = precreate_sessions(url, w["site_key"], n)
            with LoadGen(target("parley", old.url, w["site_key"]), workers) as lg:
                shares, start, per = split(n, workers), 0, []
                for k in shares:
                    per.append({"n": k, "concurrency": 1, "given": made[start:start + k]})
                    start += k
                lg.call("sessions", per)
                say(f"storm: connecting {n} visitors")
                t0 = time.time()
                lg.call("storm_connect", {"concurrency": max(1, cfg["concurrency"] // workers)})
                first = wait_for(lg, t0, n, 0, 300)
                connect_s = first["last_ready"] - t0
                time.sleep(2.0)
                rss_old = rss_kib(old.proc.pid)
                missed = [sid for sid, _ in made[::MISSED_EVERY]]
                say(f"storm ({'socket activation' if held else 'plain restart'}): "
                    f"{first['ready']}/{n} ready in {connect_s:.1f} s, RSS "
                    f"{rss_old / 1024:.0f} MiB; SIGTERM, {len(missed)} messages sent meanwhile")
                writer = threading.Thread(target=send_missed, args=(url, missed))
                sigterm = time.time()
                old.proc.send_signal(signal.SIGTERM)
                writer.start()
                old.proc.wait(120)
                exited = time.time()
                writer.join()
                new = parley(work, url, port=port, listener=listener)
                before = new.log().count("listening on")  # the old process's line
                try:  # not `with`: entering would wait for /api/health (see below)
                    new.spawn()
                    assert new.proc is not None
                    # Its log says when it listens: a request to it would queue behind the
                    # reconnects (socket activation) until they are served.
                    wait_until(lambda: new.log().count("listening on") > before, 60,
                               "the new process to listen")
                    listening = time.time()
                    back = wait_for(lg, sigterm, n, len(missed), 120)
                    done = max(back["last_ready"], back["last_message"])
                    cpu = proc_cpu(new.proc.pid)  # since it started: start-up included
                    time.sleep(2.0)
                    rss_new = rss_kib(new.proc.pid)
                    final = totals(lg, sigterm)
                    lg.call("storm_close", {})
                finally:
                    new.kill()
    if listener:
        listener.close()
    storm_s = round(done - sigterm, 2)
    server_cpu_s = round(cpu[0], 2) if cpu else None
    lost = len(missed) - final["messages"]
    rss_ratio = round(rss_new / rss_old, 3) if rss_old else None
    result: dict[str, Any] = {
        "socket_activation": held, "sockets": n, "workers": workers,
        "missed_sent": len(missed),
        "first_connect_s": round(connect_s, 2), "sigterm_to_exit_s": round(exited - sigterm, 2),
        "exit_to_listening_s": round(listening - exited, 2),
        "listening_to_last_ready_s": round(done - listening, 2), "storm_s": storm_s,
        "reconnected": back["ready"], "replayed": final["messages"], "lost": lost,
        "duplicates": final["duplicates"], "gaps": final["gaps"],
        "attempts_per_visitor": round((final["attempts"] - first["attempts"]) / n, 2),
        "failures": final["failures"],
        # the new process's CPU from its start to the last ready, start-up included
        "new_server_cpu_s": server_cpu_s,
        "rss_old_kib": rss_old, "rss_new_kib": rss_new, "rss_ratio": rss_ratio}
    return result


# What the storm reports as the median of its repeats; lost, duplicated and gaps: the most.
MEDIAN = ("storm_s", "rss_ratio", "rss_old_kib", "rss_new_kib", "sigterm_to_exit_s",
          "exit_to_listening_s", "listening_to_last_ready_s", "attempts_per_visitor",
          "new_server_cpu_s")
WORST = ("lost", "duplicates", "gaps")


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None  # e.g. no CPU reading in any run


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    out = {**runs[0],
           **{k: _median([r[k] for r in runs if r[k] is not None]) for k in MEDIAN},
           **{k: max(r[k] for r in runs) for k in WORST},
           "reconnected": min(r["reconnected"] for r in runs),
           "replayed": min(r["replayed"] for r in runs),
           "each": [{k: r[k] for k in ("storm_s", "rss_ratio", "lost", "duplicates")}
                    for r in runs]}
    out["targets"] = [
        verdict("SIGTERM to the last ready with its missed messages (s)", out["storm_s"],
                "<=", TARGET_S),
        verdict("messages lost or duplicated", out["lost"] + out["duplicates"] + out["gaps"],
                "<=", 0),
        verdict("new process's RSS / old one's", out["rss_ratio"], "<=", TARGET_RSS_RATIO)]
    return out


def line(result: dict[str, Any]) -> str:
    out = []
    for name, r in (("socket activation", result["socket_activation"]),
                    ("plain restart", result["plain_restart"])):
        each = ", ".join(f"{e['storm_s']} s x{e['rss_ratio']}" for e in r["each"])
        out.append(
            f"storm ({name}): {r['reconnected']}/{r['sockets']} visitors back {r['storm_s']} s "
            f"after SIGTERM (old exited in {r['sigterm_to_exit_s']} s, new listening "
            f"{r['exit_to_listening_s']} s later, last ready {r['listening_to_last_ready_s']} "
            f"s after), {r['replayed']}/{r['missed_sent']} missed messages replayed, "
            f"{r['duplicates']} duplicates, {r['attempts_per_visitor']} tries per visitor, "
            f"new server {r['new_server_cpu_s']} s CPU (start-up included); RSS "
            f"{r['rss_old_kib'] / 1024:.0f} -> {r['rss_new_kib'] / 1024:.0f} MiB "
            f"(x{r['rss_ratio']}); medians of {len(r['each'])}: {each}")
    return "\n".join(out) + "\n" + targets_line("storm", result["targets"])
