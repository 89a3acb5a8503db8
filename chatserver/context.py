"""What every entry point shares: settings and the database engine (and, later, the bus)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from chatserver.config import Settings, ensure_secret_key
from chatserver.db.engine import create_engine


@dataclass
class Context:
    settings: Settings
    engine: AsyncEngine
    started_at: float = field(default_factory=time.monotonic)
    # site_key -> (expires at, etag, JSON body, allowed origins): the public widget config.
    config_cache: dict[str, tuple[float, str, bytes, list[str]]] = field(default_factory=dict)

    @classmethod
    def create(cls, settings: Settings) -> Context:
        settings = ensure_secret_key(settings)
        return cls(settings=settings, engine=create_engine(settings))

    async def close(self) -> None:
        await self.engine.dispose()
