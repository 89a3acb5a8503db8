"""Prometheus metrics of one process (served at GET /metrics, chatserver/api/metrics.py).

Counters and histograms are updated where things happen (a message published, a frame
answered, an error sent, an AI reply); gauges that describe state (open sockets, the database
pool, the queue, presence, the Redis bus) are read when scraped. Each process has its own
figures: Prometheus scrapes every process and sums them (``sum by (…)``).

Names follow Prometheus conventions: ``parley_`` prefix, base units (seconds, bytes),
``_total`` for counters.
"""

from __future__ import annotations

import gc
import time
from collections import Counter as Tally
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST as CONTENT_TYPE
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from chatserver.bus import Bus, Event
    from chatserver.presence import Presence
    from chatserver.realtime.registry import Registry

__all__ = ["CONTENT_TYPE", "REGISTRY", "render"]

# Parley's own registry (not the library's global one): what /metrics shows is exactly this.
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # CPU, memory, open file descriptors of this process
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)  # python_gc_*: collections and objects collected

# Latency buckets for chat frames: a stored-and-acknowledged message takes milliseconds.
FAST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# AI replies take seconds.
AI_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)

MESSAGES = Counter("parley_messages_total", "Chat messages stored and published, by sender type "
                   "(rate() gives messages per second).", ["sender_type"], registry=REGISTRY)
FRAMES_PUBLISHED = Counter("parley_frames_published_total", "Frames published on the bus, "
                           "by frame type.", ["type"], registry=REGISTRY)
ACK_LATENCY = Histogram("parley_ack_latency_seconds", "From a message frame received to its "
                        "ack sent (stored, committed, published).", registry=REGISTRY,
                        buckets=FAST_BUCKETS)
ERRORS = Counter("parley_errors_total", "Errors answered, by where (ws: error frames, http: "
                 "REST error responses) and stable code.", ["where", "code"], registry=REGISTRY)
HTTP_REQUESTS = Counter("parley_http_requests_total", "HTTP requests answered, by method and "
                        "status class.", ["method", "status"], registry=REGISTRY)
HTTP_LATENCY = Histogram("parley_http_request_duration_seconds", "HTTP request handling time.",
                         registry=REGISTRY, buckets=FAST_BUCKETS)
FETCHES = Counter("parley_fetch_total", "fetch frames answered (clients repairing a gap in a "
                  "session's seq).", registry=REGISTRY)
AI_FIRST_TOKEN = Histogram("parley_ai_first_token_seconds", "From the start of an AI reply to "
                           "its first streamed text, by provider.", ["provider"],
                           registry=REGISTRY, buckets=AI_BUCKETS)
AI_REPLY = Histogram("parley_ai_reply_seconds", "Duration of whole AI replies, by provider and "
                     "outcome (ok, error, cancelled).", ["provider", "outcome"],
                     registry=REGISTRY, buckets=AI_BUCKETS)
AI_TOKENS = Counter("parley_ai_tokens_total", "AI tokens used, by direction (in = prompt, out "
                    "= completion).", ["direction"], registry=REGISTRY)

SOCKETS = Gauge("parley_open_sockets", "Open WebSockets in this process, by kind (visitor, agent; "
                "socket = not yet authenticated).", ["kind"], registry=REGISTRY)
CHANNELS = Gauge("parley_bus_channels", "Bus channels this process follows.", registry=REGISTRY)
QUEUE_WAITING = Gauge("parley_queue_waiting", "Sessions waiting for an agent, by widget.",
                      ["widget"], registry=REGISTRY)
QUEUE_OLDEST = Gauge("parley_queue_oldest_wait_seconds", "How long the longest-waiting session "
                     "of a widget has waited.", ["widget"], registry=REGISTRY)
AGENTS_ONLINE = Gauge("parley_agents_online", "Agents online (in any process), by status.",
                      ["status"], registry=REGISTRY)
DB_POOL = Gauge("parley_db_pool_connections", "Database pool connections, by state (checked_out "
                "= in use, idle, overflow; size = the configured pool size).", ["state"],
                registry=REGISTRY)
BUS = Gauge("parley_bus_events", "Redis bus events of this process since it started, by what "
            "(published, publish_failures, received, connects).", ["what"], registry=REGISTRY)
UP = Gauge("parley_redis_connected", "1 while this process's Redis pub/sub connection is up "
           "(absent without Redis).", registry=REGISTRY)
STARTED = Gauge("parley_start_time_seconds", "When this process started (Unix time).",
                registry=REGISTRY)
STARTED.set(time.time())
# The garbage collector's pauses (chatserver/collector.py): a full one holds every socket.
GC_PAUSES = Histogram("parley_gc_pause_seconds", "Garbage collections, how long each held the "
                      "process, by generation (2 = a full collection).", ["generation"],
                      registry=REGISTRY, buckets=(0.0005, *FAST_BUCKETS))
GC_PAUSE = tuple(GC_PAUSES.labels(str(g)) for g in range(3))
FROZEN = Gauge("parley_gc_frozen_objects", "Objects frozen out of the garbage collector's "
               "generations (survivors of its last full collection).", registry=REGISTRY)
FROZEN.set_function(gc.get_freeze_count)

_KINDS = ("visitor", "agent", "socket")


def observe_publish(channel: str, event: Event) -> None:
    """Called by the bus for every event this process publishes."""
    frame = event.get("frame")
    if not isinstance(frame, dict):
        return
    ftype = frame.get("type")
    if not isinstance(ftype, str):
        return
    FRAMES_PUBLISHED.labels(ftype).inc()
    if ftype == "message":
        MESSAGES.labels(str(frame.get("sender_type") or "unknown")).inc()


def observe_request(method: str, status: int, seconds: float) -> None:
    key = (method, status // 100)
    counter = _REQUEST_COUNTERS.get(key)
    if counter is None:  # labels() takes a lock and builds the key: once per pair
        counter = _REQUEST_COUNTERS[key] = HTTP_REQUESTS.labels(method, f"{status // 100}xx")
    counter.inc()
    HTTP_LATENCY.observe(seconds)


_REQUEST_COUNTERS: dict[tuple[str, int], Any] = {}


async def refresh(registry: Registry, presence: Presence, engine: AsyncEngine, bus: Bus) -> None:
    """Read the state gauges (called just before rendering a scrape). Given the handles it
    reads, not the Context, which imports this module."""
    from chatserver.bus import RedisBus
    from chatserver.db import sessions as sessions_db
    from chatserver.db import widgets as widgets_db

    kinds = Tally(getattr(s, "kind", "socket") if getattr(s, "authed", False) else "socket"
                  for s in registry.sockets)
    for kind in _KINDS:
        SOCKETS.labels(kind).set(kinds.get(kind, 0))
    CHANNELS.set(len(registry.channels))

    statuses = Tally(presence.status.values())
    for status in ("online", "away"):
        AGENTS_ONLINE.labels(status).set(statuses.get(status, 0))

    pool: Any = engine.pool
    if hasattr(pool, "checkedout"):
        DB_POOL.labels("size").set(pool.size())
        DB_POOL.labels("checked_out").set(pool.checkedout())
        DB_POOL.labels("idle").set(pool.checkedin())
        DB_POOL.labels("overflow").set(max(0, pool.overflow()))

    if isinstance(bus, RedisBus):
        for what, value in (("published", bus.published), ("publish_failures",
                            bus.publish_failures), ("received", bus.received),
                            ("connects", bus.reconnects)):
            BUS.labels(what).set(value)
        UP.set(1 if bus.connected.is_set() else 0)

    async with engine.connect() as conn:
        widgets = {w["id"]: w["site_key"] for w in await widgets_db.list_widgets(conn)}
        waiting = await sessions_db.waiting_in(conn, list(widgets))
    now = time.time()
    counts: Tally[str] = Tally()
    oldest: dict[str, float] = {}
    for row in waiting:
        key = widgets.get(row["widget_id"], str(row["widget_id"]))
        counts[key] += 1
        since = row["escalated_at"] or row["created_at"]
        if since is not None:
            waited = now - _epoch(since)
            oldest[key] = max(oldest.get(key, 0.0), waited)
    QUEUE_WAITING.clear()
    QUEUE_OLDEST.clear()
    for key in widgets.values():
        QUEUE_WAITING.labels(key).set(counts.get(key, 0))
        QUEUE_OLDEST.labels(key).set(round(oldest.get(key, 0.0), 3))


def _epoch(value: Any) -> float:
    """A naive UTC datetime from the database (or an aware one) as Unix time."""
    from datetime import UTC

    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return float(value.timestamp())


def render() -> bytes:
    return generate_latest(REGISTRY)
