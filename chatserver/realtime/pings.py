"""Keep-alive pings: one timer for all the process's sockets, not a task per socket.

Tornado's own (``websocket_ping_interval``) runs a task per socket that sleeps, pings and
sleeps: about ten objects per socket (the task, its coroutines, futures, timer handles) that
live for an interval and are then replaced. CPython counts the old ones freed against the
new ones made, so with 5,000 sockets no young collection came until one walked the 90,000
objects a round of pings had made: 35-60 ms, every ping interval (docs/performance.md,
section 8). Each socket's timer also sat in the event loop's heap.

Here a wheel of slots a fraction of the interval apart: each tick pings the sockets of one
slot and closes those pinged ``timeout`` ago that have not answered since. Sockets join the
slots in turn, not the slot of the moment they opened: the 5,000 sockets that open within
two seconds of a restart would otherwise fill ten slots, and each of those ticks would ping
500 sockets at once (8-10 ms of CPU in which no message moves; docs/performance.md, section
13). A socket's first ping comes within one interval of its opening.
"""

from __future__ import annotations

import math
from typing import Protocol

import tornado.ioloop
import tornado.websocket

TICK_S = 0.25  # slots a quarter of a second apart (at most 1/4 of the interval)
PING_TIMED_OUT = "ping timed out"


class Pingable(Protocol):
    ping_slot: int
    pong_slot: int
    pong_due: bool

    def ping(self, data: bytes = b"") -> None: ...

    def close(self, code: int | None = None, reason: str | None = None) -> None: ...


class Pinger:
    """Pings every socket once per ``interval_s``; closes one that has not answered a ping
    (any pong since) within ``timeout_s``. ``interval_s`` 0: no pings."""

    def __init__(self, interval_s: float, timeout_s: float) -> None:
        self.enabled = interval_s > 0
        self.slots = max(4, round(interval_s / TICK_S)) if self.enabled else 1
        tick_s = interval_s / self.slots if self.enabled else 1.0
        # Answered by the slot this many ticks on (at most a whole turn: the ping's next one).
        self.timeout_ticks = max(1, min(self.slots, math.ceil(timeout_s / tick_s)))
        self.wheel: list[set[Pingable]] = [set() for _ in range(self.slots)]
        self.waiting: list[set[Pingable]] = [set() for _ in range(self.slots)]
        self.turn = 0
        self.next_slot = 0
        self._timer = tornado.ioloop.PeriodicCallback(self.tick, 1000 * tick_s)

    def add(self, sock: Pingable) -> None:
        if not self.enabled:
            return
        if not self._timer.is_running():
            self._timer.start()
        sock.ping_slot = self.next_slot
        self.next_slot = (self.next_slot + 1) % self.slots
        self.wheel[sock.ping_slot].add(sock)

    def remove(self, sock: Pingable) -> None:
        if not self.enabled:
            return
        self.wheel[sock.ping_slot].discard(sock)
        self.waiting[sock.pong_slot].discard(sock)

    def stop(self) -> None:
        self._timer.stop()

    def __len__(self) -> int:
        return sum(map(len, self.wheel))

    def tick(self) -> None:
        slot = self.turn
        self.turn = (slot + 1) % self.slots
        late, self.waiting[slot] = self.waiting[slot], set()
        for sock in late:
            if sock.pong_due:
                sock.close(None, PING_TIMED_OUT)
        answer_by = (slot + self.timeout_ticks) % self.slots
        for sock in list(self.wheel[slot]):
            if sock in late and sock.pong_due:
                continue  # closed just now
            try:
                sock.ping()
            except tornado.websocket.WebSocketClosedError:
                continue  # closing: it leaves the wheel when it has closed
            sock.pong_due = True
            sock.pong_slot = answer_by
            self.waiting[answer_by].add(sock)
