"""What every entry point shares: settings, the database engine, the bus, presence and caches.

Only handles that need nothing above them: the services, the AI runner and the sockets take
a Context, never the other way round. What a Context must call upward (start the AI on a
visitor's message, announce agents whose process died) is a hook given to ``create`` by
whoever builds it (chatserver/app.py for a serving process), so nothing is attached later.
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from chatserver import metrics
from chatserver.ai.embedding import Embedder
from chatserver.ai.knowledge import KnowledgeCache
from chatserver.bus import Bus, LocalBus, RedisBus
from chatserver.config import Settings
from chatserver.db.engine import create_engine
from chatserver.limits import CONTEXT_UPDATES_PER_MINUTE
from chatserver.locks import SessionLocks
from chatserver.presence import Presence, SharedPresence
from chatserver.ratelimit import WindowLimiter
from chatserver.secret_key import ensure_secret_key
from chatserver.services.socket_reads import SessionReads
from chatserver.services.writer import MessageWriter
from chatserver.storage import Storage, open_storage

# A visitor wrote in a session the AI owns (called once the message is stored and published).
VisitorHook = Callable[["Context", str], None]
# Agents went offline because their process died (another process noticed).
AgentsGoneHook = Callable[["Context", set[int]], Awaitable[None]]


# The niceness of the threads that process images: on a busy machine the event loop (and a
# database on the same machine) get the CPU first, so chat acks stay fast while images are
# processed (tests/uploads/test_ack_latency_while_processing.py).
FILE_WORKER_NICE = 10


def yield_the_cpu() -> None:
    """Lower the calling thread's CPU priority (Linux keeps a niceness per thread; elsewhere
    this may change the process's, so it is done on Linux only)."""
    if hasattr(os, "setpriority") and os.uname().sysname == "Linux":
        try:
            os.setpriority(os.PRIO_PROCESS, 0, os.getpriority(os.PRIO_PROCESS, 0)
                           + FILE_WORKER_NICE)
        except OSError:  # not permitted: run at the process's priority
            pass


@dataclass
class Context:
    settings: Settings
    engine: AsyncEngine
    started_at: float = field(default_factory=time.monotonic)
    # site_key -> (expires at, etag, JSON body, allowed origins): the public widget config.
    config_cache: dict[str, tuple[float, str, bytes, list[str]]] = field(default_factory=dict)
    # site_key -> (expires at, business hours and timezone, member ids): for availability.
    staff_cache: dict[str, tuple[float, dict[str, Any], frozenset[int]]] = field(
        default_factory=dict)
    presence: Presence = field(default_factory=Presence)
    bus: Bus = field(default_factory=LocalBus)
    session_locks: SessionLocks = field(default_factory=SessionLocks)
    knowledge: KnowledgeCache = field(default_factory=KnowledgeCache)
    # The embedding model of a serving process (None: keyword search only, e.g. the CLI).
    embedder: Embedder | None = None
    on_visitor_message: VisitorHook | None = None
    on_agents_gone: AgentsGoneHook | None = None
    # Group commit of chat messages over this engine (services/writer.py).
    writer: MessageWriter = field(init=False)
    # Group reads of the sessions visitor sockets open (services/socket_reads.py).
    socket_reads: SessionReads = field(init=False)
    session_limiter: WindowLimiter = field(init=False)
    # Uploaded files (docs/attachments.md): the storage backend, the bounded pool of threads
    # that decode and re-encode images off the event loop, and the uploads per IP per hour.
    storage: Storage = field(init=False)
    file_workers: ThreadPoolExecutor = field(init=False)
    upload_limiter: WindowLimiter = field(init=False)
    # Visitor context updates per conversation (services/visitor_context.py).
    context_limiter: WindowLimiter = field(
        default_factory=lambda: WindowLimiter(CONTEXT_UPDATES_PER_MINUTE, 60.0))
    # Visitor tracking's live store, GeoIP reader and limiter (services/tracking.py; made on
    # first use).
    tracking: Any = None
    # Knowledge sources' syncs, schedule and extraction process (services/knowledge_sources
    # .SourceRunner; made on first use).
    sources: Any = None

    def __post_init__(self) -> None:
        self.writer = MessageWriter(self.engine, self.settings)
        self.socket_reads = SessionReads(self.engine)
        self.session_limiter = WindowLimiter(self.settings.sessions_per_ip_per_minute, 60.0)
        self.storage = open_storage(self.settings)
        self.file_workers = ThreadPoolExecutor(max(1, self.settings.upload_workers),
                                               thread_name_prefix="files",
                                               initializer=yield_the_cpu)
        self.upload_limiter = WindowLimiter(self.settings.uploads_per_ip_per_hour, 3600.0)

    @classmethod
    def create(cls, settings: Settings, *, on_visitor_message: VisitorHook | None = None,
               on_agents_gone: AgentsGoneHook | None = None,
               embedder: Embedder | None = None) -> Context:
        """With PARLEY_REDIS_URL, fan-out and presence are shared with the other processes
        through Redis; without, they stay in this process. Without ``on_visitor_message``
        (the CLI) no AI answers; without ``on_agents_gone`` nobody announces the agents of a
        process that died."""
        settings = ensure_secret_key(settings)
        bus: Bus = LocalBus()
        presence = Presence()
        if settings.redis_url:
            redis_bus = RedisBus(settings.redis_url, settings.redis_prefix)
            bus, presence = redis_bus, SharedPresence(redis_bus)
        bus.observer = metrics.observe_publish
        return cls(settings=settings, engine=create_engine(settings), bus=bus,
                   presence=presence, on_visitor_message=on_visitor_message,
                   on_agents_gone=on_agents_gone, embedder=embedder)

    async def start(self) -> None:
        """Connect what needs connecting before serving (the Redis bus and presence)."""
        await self.bus.start()
        if isinstance(self.presence, SharedPresence) and self.on_agents_gone is not None:
            hook = self.on_agents_gone

            async def gone(agent_ids: set[int]) -> None:
                await hook(self, agent_ids)

            self.presence.on_gone = gone
        await self.presence.start()

    async def close(self) -> None:
        if self.sources is not None:
            await self.sources.stop()
        await self.knowledge.stop()
        await self.presence.close()
        await self.bus.close()
        self.file_workers.shutdown(wait=False, cancel_futures=True)
        await self.storage.close()
        await self.writer.close()
        await self.engine.dispose()
