"""GET /metrics: Prometheus text, guarded by the metrics settings, and the counters move
when chat happens."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from chatserver.context import Context
from tests.helpers.api import Api
from tests.helpers.procs import ChatServer

TOKEN = "metrics-token-" + "m" * 24


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


async def scrape(api: Api, **kw: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    resp = await api.get("/metrics", **kw)
    assert resp.code == 200, resp
    assert resp.headers["Content-Type"].startswith("text/plain")
    return samples(resp.body.decode())


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str,
          **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_counters_move_with_a_conversation(make_world: Any, api: Api, ctx: Context) -> None:
    world = await make_world()
    before = await scrape(api)
    s = await world.waiting_session()
    alice, _ = await world.agent("alice")
    await alice.send({"type": "accept", "session_id": s["session_id"]})
    await alice.expect("accepted")
    visitor, _ = await world.visitor(s)
    for i in range(3):
        await visitor.say(f"question {i}")
    await alice.say("an answer", session_id=s["session_id"])
    await visitor.send({"type": "message", "client_msg_id": "e-1", "text": "   "})
    assert (await visitor.expect("error"))["code"] == "empty_message"
    queued_at = time.monotonic()
    other = await world.waiting_session()  # stays in the queue
    await asyncio.sleep(0.05)
    after = await scrape(api)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("parley_messages_total", sender_type="visitor") == 3
    assert moved("parley_messages_total", sender_type="agent") == 1
    assert moved("parley_messages_total", sender_type="system") >= 3  # escalations, join
    assert moved("parley_ack_latency_seconds_count") == 4
    assert moved("parley_ack_latency_seconds_sum") > 0
    assert moved("parley_errors_total", where="ws", code="empty_message") == 1
    assert value(after, "parley_open_sockets", kind="visitor") == 1
    assert value(after, "parley_open_sockets", kind="agent") == 1
    assert value(after, "parley_queue_waiting", widget=world.key) == 1
    # `other` has waited since just after queued_at (the database's clock may keep whole seconds)
    assert 0 <= value(after, "parley_queue_oldest_wait_seconds", widget=world.key) \
        <= time.monotonic() - queued_at + 1
    assert value(after, "parley_agents_online", status="online") == 1
    # the pool is reported, and between requests no connection is held but the one the
    # message writer keeps while messages come (MariaDB: services/writer.py)
    assert ("parley_db_pool_connections", (("state", "checked_out"),)) in after
    kept = 0 if ctx.writer.held is None else 1
    assert value(after, "parley_db_pool_connections", state="checked_out") == kept
    assert value(after, "process_resident_memory_bytes") > 0
    assert other["session_id"]


async def test_rest_errors_are_counted(api: Api, app: Any) -> None:
    before = await scrape(api)
    assert (await api.get("/api/widgets/nope-nope-nope/config")).code == 404
    after = await scrape(api)
    key = ("parley_errors_total", (("code", "widget_not_found"), ("where", "http")))
    assert after.get(key, 0) - before.get(key, 0) == 1


@pytest.mark.parametrize("settings_overrides", [{"metrics_allow": "", "metrics_token": TOKEN}])
async def test_a_token_opens_it(api: Api, app: Any) -> None:
    assert (await api.get("/metrics")).code == 401
    assert (await api.get("/metrics", token="wrong")).code == 401
    await scrape(api, token=TOKEN)


@pytest.mark.parametrize("settings_overrides", [{"metrics_allow": "10.0.0.0/8"}])
async def test_other_addresses_are_refused(api: Api, app: Any) -> None:
    resp = await api.get("/metrics")
    assert resp.code == 403 and resp.error_code == "forbidden"


@pytest.mark.parametrize("settings_overrides", [{"metrics_allow": ""}])
async def test_off_without_settings(api: Api, app: Any) -> None:
    assert (await api.get("/metrics")).code == 404


def test_a_served_process_counts_requests(db_url: str, tmp_path: Path) -> None:
    """`chatctl serve` also counts every HTTP request (its access log does), and the
    garbage collector's pauses."""
    import urllib.request

    env = {"PARLEY_DATABASE_URL": db_url, "PARLEY_DATA_DIR": str(tmp_path / "data"),
           "PARLEY_SECRET_KEY": "metrics-serve-" + "q" * 40, "PARLEY_AI_PROVIDER": "none"}
    with ChatServer(env, tmp_path / "serve.log") as server:
        def read() -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
            with urllib.request.urlopen(server.url + "/metrics", timeout=10) as resp:
                return samples(resp.read().decode())

        first = read()
        for _ in range(5):
            assert server.health()[0] == 200
        second = read()
        key = ("parley_http_requests_total", (("method", "GET"), ("status", "2xx")))
        assert second[key] - first.get(key, 0) >= 6  # five health checks and a scrape
        assert ("parley_http_request_duration_seconds_count", ()) in second
        # the start-up's heap, collected once and frozen (chatserver/collector.py)
        assert second[("parley_gc_pause_seconds_count", (("generation", "2"),))] >= 1
        assert second[("parley_gc_frozen_objects", ())] > 10_000
