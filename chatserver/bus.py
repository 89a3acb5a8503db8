"""Fan-out of events between sockets: in-process by default, Redis pub/sub for several processes.

Channels: ``session:<id>`` (everything said in a conversation), ``widget:<id>`` (queue and
presence for that widget's agents), ``user:<id>`` (one agent: assignments, revocation).
An event is a JSON-able dict. Listeners are plain callables that must not block: they only
queue frames for their sockets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

Event = dict[str, Any]
Listener = Callable[[Event], None]


class Bus(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, channel: str, event: Event) -> None: ...

    async def subscribe(self, channel: str, listener: Listener) -> None: ...

    async def unsubscribe(self, channel: str, listener: Listener) -> None: ...


class LocalBus:
    """One process: publish calls the channel's listeners directly."""

    def __init__(self) -> None:
        self.listeners: dict[str, list[Listener]] = {}

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        self.listeners.clear()

    async def publish(self, channel: str, event: Event) -> None:
        self.deliver(channel, event)

    def deliver(self, channel: str, event: Event) -> None:
        for listener in list(self.listeners.get(channel, ())):
            try:
                listener(event)
            except Exception:
                log.exception("listener failed on %s", channel)

    async def subscribe(self, channel: str, listener: Listener) -> None:
        self.listeners.setdefault(channel, []).append(listener)

    async def unsubscribe(self, channel: str, listener: Listener) -> None:
        found = self.listeners.get(channel)
        if found and listener in found:
            found.remove(listener)
            if not found:
                del self.listeners[channel]


def session_channel(session_id: str) -> str:
    return f"session:{session_id}"


def widget_channel(widget_id: int) -> str:
    return f"widget:{widget_id}"


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"
