"""Rate limits as plain state: time is passed in, so they are tested without a clock."""

from __future__ import annotations

from collections import deque


class WindowLimiter:
    """At most `limit` events per `window_s` seconds per key (sliding window)."""

    # Forget idle keys once this many are tracked, so memory stays bounded.
    MAX_KEYS = 100_000

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit = limit
        self.window_s = window_s
        self.events: dict[str, deque[float]] = {}
        self.swept_at = float("-inf")

    def hit(self, key: str, now: float) -> float:
        """Record an event; 0 when allowed, else the seconds until one would be."""
        if now - self.swept_at >= self.window_s:
            # Once a window, forget keys whose events have all expired (they limit nothing):
            # keys come and go (sessions, IPs) for as long as the limiter lives.
            self._sweep(now)
            self.swept_at = now
        q = self.events.get(key)
        if q is None:
            if len(self.events) >= self.MAX_KEYS:
                self._sweep(now)
            q = self.events[key] = deque()
        while q and q[0] <= now - self.window_s:
            q.popleft()
        if len(q) >= self.limit:
            return q[0] + self.window_s - now
        q.append(now)
        return 0.0

    def _sweep(self, now: float) -> None:
        for key in [k for k, q in self.events.items() if not q or q[-1] <= now - self.window_s]:
            del self.events[key]


class SocketLimits:
    """One process's WebSocket limits, kept here by key (a socket's id, with the session it
    writes to) rather than by each socket: an idle socket costs them nothing, and a key is
    forgotten a window after its last event."""

    def __init__(self, burst: int, burst_window_s: float, per_minute: int, strikes: int,
                 signals: int, signal_window_s: float) -> None:
        self.burst = WindowLimiter(burst, burst_window_s)
        self.minute = WindowLimiter(per_minute, 60.0)
        self.strikes = WindowLimiter(strikes, 60.0)
        self.signals = WindowLimiter(signals, signal_window_s)

    def message(self, key: str, now: float) -> float:
        """A chat message: 0 when allowed, else the seconds to wait."""
        return self.burst.hit(key, now) or self.minute.hit(key, now)
