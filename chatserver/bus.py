"""Fan-out of events between sockets: in-process by default, Redis pub/sub for several processes.

Channels: ``session:<id>`` (everything said in a conversation), ``widget:<id>`` (queue and
presence for that widget's agents), ``user:<id>`` (one agent: assignments, revocation,
mentions), ``team:<session id>`` (the team's private notes of a conversation: only agent
sockets ever join it, so a visitor's socket cannot receive a note).
An event is a JSON-able dict. Listeners are plain callables that must not block: they only
queue frames for their sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

import orjson
from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

Event = dict[str, Any]
Listener = Callable[[Event], None]
# Called with (channel, event) for every event this process publishes (metrics).
Observer = Callable[[str, Event], None]


class Bus(Protocol):
    observer: Observer | None

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def publish(self, channel: str, event: Event) -> None: ...

    async def subscribe(self, channel: str, listener: Listener) -> None: ...

    async def unsubscribe(self, channel: str, listener: Listener) -> None: ...


class LocalBus:
    """One process: publish calls the channel's listeners directly."""

    def __init__(self) -> None:
        self.listeners: dict[str, list[Listener]] = {}
        self.observer: Observer | None = None

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        self.listeners.clear()

    async def publish(self, channel: str, event: Event) -> None:
        if self.observer is not None:
            self.observer(channel, event)
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


# --- several processes ---------------------------------------------------------------------

# A reconnecting reader waits this long after a failure, doubling up to the cap.
RECONNECT_FIRST_S = 0.1
RECONNECT_MAX_S = 2.0
# How long subscribe() waits for Redis to confirm a SUBSCRIBE before going on without it
# (the reader re-subscribes every channel when it reconnects).
SUBSCRIBE_CONFIRM_S = 5.0
# Events sent to Redis in one pipelined round trip, and the most that may wait: past it
# Redis is down or far too slow, and events are dropped (clients repair gaps with `fetch`).
PUBLISH_BATCH = 256
# An idle pub/sub connection is PINGed this often, to find one that died without a word.
HEALTH_CHECK_S = 15.0
PUBLISH_QUEUE_MAX = 100_000


class RedisBus:
    """Several processes: publish is a Redis PUBLISH of the event as JSON; each process holds
    one pub/sub connection, subscribed to the channels its sockets follow, and a reader task
    that hands what arrives to the local listeners.

    A process's own events go to its listeners directly (not round Redis), so they stay in
    order and still arrive while Redis is down; the copy that comes back from Redis is
    recognised by the process id and skipped. Pub/sub is at-most-once: an event published
    while a subscriber is reconnecting is lost for it. The database stays the truth, and
    clients repair a gap in a session's seq (`fetch`, docs/protocol.md).
    """

    def __init__(self, url: str, prefix: str = "parley:", proc_id: str | None = None) -> None:
        self.url = url
        self.prefix = prefix
        self.proc_id = proc_id or uuid.uuid4().hex[:12]
        self.local = LocalBus()
        self.observer: Observer | None = None
        self.redis: Redis | None = None
        self._pubsub: PubSub | None = None
        self._reader: asyncio.Task[None] | None = None
        self._confirm: dict[str, asyncio.Future[None]] = {}
        self._closing = False
        self.connected = asyncio.Event()
        # Events waiting to be sent to Redis, in publish order; one task sends them.
        self._outbox: deque[tuple[str, bytes]] = deque()
        self._pending = asyncio.Event()
        self._drained = asyncio.Event()
        self._publisher: asyncio.Task[None] | None = None
        self._failing = False
        self._overflowing = False
        # Counted for /metrics.
        self.published = 0
        self.publish_failures = 0
        self.received = 0
        self.reconnects = 0

    # -- lifecycle -------------------------------------------------------------------------

    def client(self) -> Redis:
        if self.redis is None:
            self.redis = Redis.from_url(self.url, socket_connect_timeout=2.0,
                                        health_check_interval=int(HEALTH_CHECK_S))
        return self.redis

    async def start(self) -> None:
        if self._reader is None and not self._closing:
            self._reader = asyncio.ensure_future(self._read())

    async def close(self) -> None:
        await self.flush()
        self._closing = True
        if self._publisher is not None:
            self._publisher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._publisher
            self._publisher = None
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, RedisError, OSError):
                await self._reader
            self._reader = None
        await self._drop_pubsub()
        if self.redis is not None:
            with contextlib.suppress(RedisError, OSError):
                await self.redis.aclose()
            self.redis = None
        self.local.listeners.clear()

    # -- the Bus protocol -------------------------------------------------------------------

    async def publish(self, channel: str, event: Event) -> None:
        """Deliver to this process's listeners now, and queue the event for Redis: one
        task sends the queue in order over one connection, pipelined, so events leave this
        process in the order they were published and a burst costs few round trips."""
        if self.observer is not None:
            self.observer(channel, event)
        self.local.deliver(channel, event)
        if self._closing:
            return
        if len(self._outbox) >= PUBLISH_QUEUE_MAX:
            self.publish_failures += 1
            if not self._overflowing:
                self._overflowing = True
                log.warning("redis publish queue full (%d events); dropping", PUBLISH_QUEUE_MAX)
            return
        self._overflowing = False
        self._outbox.append((self.prefix + channel, orjson.dumps(
            {"p": self.proc_id, "e": event}, option=orjson.OPT_NON_STR_KEYS)))
        self._pending.set()
        if self._publisher is None or self._publisher.done():
            self._publisher = asyncio.ensure_future(self._publish_forever())

    async def _publish_forever(self) -> None:
        while True:
            await self._pending.wait()
            self._pending.clear()
            while self._outbox:
                count = min(len(self._outbox), PUBLISH_BATCH)
                batch = [self._outbox.popleft() for _ in range(count)]
                await self._send(batch)
            self._drained.set()

    async def _send(self, batch: list[tuple[str, bytes]]) -> None:
        for attempt in (1, 2):
            try:
                async with self.client().pipeline(transaction=False) as pipe:
                    for name, data in batch:
                        pipe.publish(name, data)
                    await pipe.execute()
                self.published += len(batch)
                if self._failing:
                    self._failing = False
                    log.info("redis publishing works again")
                return
            except RedisConnectionError:
                if attempt == 1:  # a pooled connection that died with the last Redis: retry
                    continue     # once, on a new connection
                name = "ConnectionError"
            except (RedisError, OSError) as exc:
                name = type(exc).__name__
            self.publish_failures += len(batch)
            if not self._failing:
                self._failing = True
                log.warning("redis publish failed (%s); %d events not sent to other processes",
                            name, len(batch))
            return

    async def flush(self, limit_s: float = 2.0) -> None:
        """Wait (bounded) until the queued events were sent (or failed)."""
        if self._outbox and self._publisher is not None and not self._publisher.done():
            self._drained.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._drained.wait(), limit_s)

    async def subscribe(self, channel: str, listener: Listener) -> None:
        first = channel not in self.local.listeners
        await self.local.subscribe(channel, listener)
        if first:
            await self.start()
            await self._send_subscribe(channel)

    async def unsubscribe(self, channel: str, listener: Listener) -> None:
        await self.local.unsubscribe(channel, listener)
        if channel not in self.local.listeners and self._pubsub is not None \
                and self.connected.is_set():
            try:
                await self._pubsub.unsubscribe(self.prefix + channel)
            except (RedisError, OSError) as exc:
                log.warning("redis unsubscribe from %s failed: %s", channel,
                            type(exc).__name__)

    # -- the reader -------------------------------------------------------------------------

    async def _send_subscribe(self, channel: str) -> None:
        """SUBSCRIBE and wait for Redis to confirm it, so that an event published after this
        returns reaches us (a socket reads the database's history after joining)."""
        try:
            await asyncio.wait_for(self.connected.wait(), SUBSCRIBE_CONFIRM_S)
        except TimeoutError:
            log.warning("redis not connected; %s is subscribed once it is", channel)
            return
        name = self.prefix + channel
        confirmed = self._confirm.get(name)
        if confirmed is None or confirmed.done():
            confirmed = self._confirm[name] = asyncio.get_running_loop().create_future()
        try:
            assert self._pubsub is not None
            await self._pubsub.subscribe(name)
            await asyncio.wait_for(asyncio.shield(confirmed), SUBSCRIBE_CONFIRM_S)
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("redis subscribe to %s not confirmed: %s", channel,
                        type(exc).__name__)
        finally:
            if self._confirm.get(name) is confirmed and confirmed.done():
                del self._confirm[name]

    async def _read(self) -> None:
        delay = RECONNECT_FIRST_S
        while not self._closing:
            try:
                await self._connect()
                delay = RECONNECT_FIRST_S
                await self._dispatch_forever()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if self._closing:
                    return
                if not isinstance(exc, RedisError | OSError):
                    log.exception("redis pub/sub reader failed; reconnecting")
                elif self.connected.is_set():
                    log.warning("redis pub/sub connection lost (%s); reconnecting",
                                type(exc).__name__)
                self.connected.clear()
                await self._drop_pubsub()
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONNECT_MAX_S)

    async def _connect(self) -> None:
        pubsub = self.client().pubsub()
        channels = [self.prefix + c for c in self.local.listeners]
        # A connection of its own, opened now, so a failure shows here and not on first use.
        await pubsub.connect()  # type: ignore[no-untyped-call]
        if channels:
            await pubsub.subscribe(*channels)
        else:
            await pubsub.ping()
        self._pubsub = pubsub
        if self.reconnects or self.received:
            log.info("redis pub/sub reconnected; %d channels re-subscribed", len(channels))
        self.reconnects += 1
        self.connected.set()

    async def _dispatch_forever(self) -> None:
        assert self._pubsub is not None
        while True:
            # Wake up now and then even when nothing comes, so the connection's health check
            # (a PING) runs and a connection that died silently is noticed.
            msg = await self._pubsub.get_message(timeout=HEALTH_CHECK_S)
            if msg is None:
                continue
            kind = msg["type"]
            name = msg["channel"].decode() if isinstance(msg["channel"], bytes) \
                else str(msg["channel"])
            if kind == "subscribe":
                confirmed = self._confirm.get(name)
                if confirmed is not None and not confirmed.done():
                    confirmed.set_result(None)
            elif kind == "message":
                self._deliver(name, msg["data"])

    def _deliver(self, name: str, data: bytes | str) -> None:
        try:
            wrapped = orjson.loads(data)
            origin, event = wrapped["p"], wrapped["e"]
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed event on %s", name)
            return
        if origin == self.proc_id:
            return  # delivered locally when it was published
        self.received += 1
        self.local.deliver(name[len(self.prefix):], event)

    async def _drop_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()  # type: ignore[no-untyped-call, unused-ignore]


def make_bus(redis_url: str, prefix: str) -> Bus:
    """The bus for these settings: Redis when a URL is set, else in-process."""
    return RedisBus(redis_url, prefix) if redis_url else LocalBus()


# Every agent socket listens here: what every agent may see (e.g. global canned responses).
AGENTS_CHANNEL = "agents"


def session_channel(session_id: str) -> str:
    return f"session:{session_id}"


def session_of(channel: str) -> str:
    """The session id of a session channel ("" for any other channel)."""
    return channel.removeprefix("session:") if channel.startswith("session:") else ""


def team_channel(session_id: str) -> str:
    """A conversation's private notes: agent sockets join it with the session's channel;
    visitor sockets never do (chatserver/realtime/visitor.py)."""
    return f"team:{session_id}"


def widget_channel(widget_id: int) -> str:
    return f"widget:{widget_id}"


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"
