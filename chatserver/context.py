"""What every entry point shares: settings, the database engine, the bus, presence and caches."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine

from chatserver import metrics
from chatserver.ai.knowledge import KnowledgeCache
from chatserver.bus import Bus, LocalBus, RedisBus
from chatserver.config import Settings, ensure_secret_key
from chatserver.db.engine import create_engine
from chatserver.locks import SessionLocks
from chatserver.presence import Presence, SharedPresence
from chatserver.ratelimit import WindowLimiter

if TYPE_CHECKING:
    from chatserver.ai.runner import AIRunner
    from chatserver.services.writer import MessageWriter


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
    ai: AIRunner | None = None
    writer: MessageWriter | None = None
    session_limiter: WindowLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.session_limiter = WindowLimiter(self.settings.sessions_per_ip_per_minute, 60.0)

    @classmethod
    def create(cls, settings: Settings) -> Context:
        """With PARLEY_REDIS_URL, fan-out and presence are shared with the other processes
        through Redis; without, they stay in this process."""
        settings = ensure_secret_key(settings)
        ctx = cls(settings=settings, engine=create_engine(settings))
        if settings.redis_url:
            bus = RedisBus(settings.redis_url, settings.redis_prefix)
            ctx.bus, ctx.presence = bus, SharedPresence(bus)
        ctx.bus.observer = metrics.observe_publish
        return ctx

    async def start(self) -> None:
        """Connect what needs connecting before serving (the Redis bus and presence)."""
        await self.bus.start()
        if isinstance(self.presence, SharedPresence):
            from chatserver.services.agent_presence import publish as publish_presence

            async def gone(agent_ids: set[int]) -> None:
                for agent_id in sorted(agent_ids):
                    await publish_presence(self, agent_id, "offline")

            self.presence.on_gone = gone
        await self.presence.start()

    async def close(self) -> None:
        if self.ai is not None:
            await self.ai.close()
        await self.presence.close()
        await self.bus.close()
        await self.engine.dispose()
