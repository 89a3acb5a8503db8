"""Per-key asyncio locks that disappear when nobody holds or waits for them."""

from __future__ import annotations

import asyncio


class SessionLocks:
    """Per-session locks so that, within a process, commits are published in seq order."""

    def __init__(self) -> None:
        self.locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def __call__(self, session_id: str) -> _Held:
        return _Held(self, session_id)


class _Held:
    def __init__(self, owner: SessionLocks, key: str) -> None:
        self.owner, self.key = owner, key

    async def __aenter__(self) -> None:
        lock, users = self.owner.locks.get(self.key, (asyncio.Lock(), 0))
        self.owner.locks[self.key] = (lock, users + 1)
        await lock.acquire()

    async def __aexit__(self, *exc: object) -> None:
        lock, users = self.owner.locks[self.key]
        lock.release()
        if users <= 1:
            del self.owner.locks[self.key]
        else:
            self.owner.locks[self.key] = (lock, users - 1)
