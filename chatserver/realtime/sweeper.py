"""Periodic housekeeping of one process: keep open visitors' sessions alive, abandon idle ones,
delete uploads no message took (after PARLEY_UPLOAD_ORPHAN_TTL_S), erase conversations past
their widget's retention (services/retention.py, every few minutes), and queue the day's digest
of missed conversations once its hour has come."""

from __future__ import annotations

import logging

import tornado.ioloop

from chatserver.context import Context
from chatserver.realtime.registry import Registry
from chatserver.services import chat, upload_admin
from chatserver.services.digest import DigestScheduler
from chatserver.services.retention import RetentionTimer

log = logging.getLogger(__name__)


class Sweeper:
    def __init__(self, ctx: Context, registry: Registry) -> None:
        self.ctx = ctx
        self.registry = registry
        self.digest = DigestScheduler(ctx)
        self.retention = RetentionTimer(ctx)
        interval_ms = self.ctx.settings.sweep_interval_s * 1000
        self.timer = tornado.ioloop.PeriodicCallback(self.run, interval_ms, jitter=0.1)

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    async def run(self) -> None:
        try:
            await chat.abandon_idle(self.ctx, self.ctx.settings.idle_abandon_s,
                                    self.registry.local_sessions())
        except Exception as exc:
            log.warning("sweep failed: %s", type(exc).__name__)
        try:
            await upload_admin.sweep_orphans(self.ctx)
        except Exception as exc:
            log.warning("orphan upload sweep failed: %s", type(exc).__name__)
        try:
            await self.retention.run()
        except Exception as exc:
            log.warning("retention failed: %s", type(exc).__name__)
        try:
            await self.digest.run()
        except Exception as exc:
            log.warning("digest scheduling failed: %s", type(exc).__name__)
