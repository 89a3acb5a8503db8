"""What every entry point shares: settings and the database engine (and, later, the bus)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine

from chatserver.ai.knowledge import KnowledgeCache
from chatserver.bus import Bus, LocalBus
from chatserver.config import Settings, ensure_secret_key
from chatserver.db.engine import create_engine
from chatserver.locks import SessionLocks
from chatserver.ratelimit import WindowLimiter
from chatserver.realtime.presence import Presence

if TYPE_CHECKING:
    from chatserver.ai.runner import AIRunner


@dataclass
class Context:
    settings: Settings
    engine: AsyncEngine
    started_at: float = field(default_factory=time.monotonic)
    # site_key -> (expires at, etag, JSON body, allowed origins): the public widget config.
    config_cache: dict[str, tuple[float, str, bytes, list[str]]] = field(default_factory=dict)
    presence: Presence = field(default_factory=Presence)
    bus: Bus = field(default_factory=LocalBus)
    session_locks: SessionLocks = field(default_factory=SessionLocks)
    knowledge: KnowledgeCache = field(default_factory=KnowledgeCache)
    ai: AIRunner | None = None
    session_limiter: WindowLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.session_limiter = WindowLimiter(self.settings.sessions_per_ip_per_minute, 60.0)

    @classmethod
    def create(cls, settings: Settings) -> Context:
        settings = ensure_secret_key(settings)
        return cls(settings=settings, engine=create_engine(settings))

    async def close(self) -> None:
        if self.ai is not None:
            await self.ai.close()
        await self.engine.dispose()
