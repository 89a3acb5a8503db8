"""Which sockets of this process listen to which bus channels (plain state, no Tornado)."""

from __future__ import annotations

from typing import Any, Protocol

from chatserver.bus import Bus, Event


class Listener(Protocol):
    conn_id: str

    def on_event(self, channel: str, event: Event) -> None: ...


class Fanout:
    """A channel's local sockets; the bus's listener for the channel, handing them its
    events. One small object per channel (there is one channel per open conversation): a
    closure, a set and a map of handlers cost three times as much."""

    __slots__ = ("channel", "members")

    def __init__(self, channel: str) -> None:
        self.channel = channel
        # A list: most channels have one or two sockets, and a socket joins a channel once.
        self.members: list[Listener] = []

    def __call__(self, event: Event) -> None:
        for listener in list(self.members):
            listener.on_event(self.channel, event)


class Registry:
    """One bus subscription per channel per process, fanned out to the local sockets."""

    def __init__(self, bus: Bus) -> None:
        self.bus = bus
        self.channels: dict[str, Fanout] = {}
        self.by_ip: dict[str, int] = {}
        self.sockets: set[Any] = set()

    async def join(self, channel: str, listener: Listener) -> None:
        """Add a socket to a channel (a socket joins each of its channels once)."""
        fanout = self.channels.get(channel)
        if fanout is None:
            fanout = self.channels[channel] = Fanout(channel)
            await self.bus.subscribe(channel, fanout)
        fanout.members.append(listener)

    async def leave(self, channel: str, listener: Listener) -> None:
        fanout = self.channels.get(channel)
        if fanout is None or listener not in fanout.members:
            return
        fanout.members.remove(listener)
        if not fanout.members:
            del self.channels[channel]
            await self.bus.unsubscribe(channel, fanout)

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
