"""Which sockets of this process listen to which bus channels (plain state, no Tornado)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from chatserver.bus import Bus, Event


class Listener(Protocol):
    conn_id: str

    def on_event(self, channel: str, event: Event) -> None: ...


class Registry:
    """One bus subscription per channel per process, fanned out to the local sockets."""

    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.channels: dict[str, set[Listener]] = {}
        self._handlers: dict[str, Callable[[Event], None]] = {}
        self.by_ip: dict[str, int] = {}
        self.sockets: set[Any] = set()

    async def join(self, channel: str, listener: Listener) -> None:
        members = self.channels.get(channel)
        if members is None:
            members = self.channels[channel] = set()
            handler = self._handlers[channel] = self._fan_out(channel)
            await self.bus.subscribe(channel, handler)
        members.add(listener)

    async def leave(self, channel: str, listener: Listener) -> None:
        members = self.channels.get(channel)
        if members is None:
            return
        members.discard(listener)
        if not members:
            del self.channels[channel]
            await self.bus.unsubscribe(channel, self._handlers.pop(channel))

    def _fan_out(self, channel: str) -> Callable[[Event], None]:
        def deliver(event: Event) -> None:
            for listener in list(self.channels.get(channel, ())):
                listener.on_event(channel, event)
        return deliver

    def add_ip(self, ip: str) -> int:
        self.by_ip[ip] = self.by_ip.get(ip, 0) + 1
        return self.by_ip[ip]

    def remove_ip(self, ip: str) -> None:
        left = self.by_ip.get(ip, 0) - 1
        if left > 0:
            self.by_ip[ip] = left
        else:
            self.by_ip.pop(ip, None)

    def local_sessions(self) -> set[str]:
        """Sessions with a visitor socket open in this process."""
        return {s.session_id for s in self.sockets
                if getattr(s, "kind", "") == "visitor" and getattr(s, "session_id", None)}
