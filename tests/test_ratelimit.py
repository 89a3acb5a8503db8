"""Rate limiters live as long as a socket (per session written to) or the process (per IP):
keys whose window has passed must be forgotten, not kept until 100,000 of them pile up. The
soak's memory trace found an agent socket's per-session limiters growing with every chat."""

from __future__ import annotations

import pytest

from chatserver.ratelimit import WindowLimiter


def test_keys_idle_for_a_window_are_forgotten() -> None:
    limiter = WindowLimiter(limit=3, window_s=10.0)
    for i in range(1000):  # a thousand sessions, each written to once, over 5 s
        assert limiter.hit(f"session-{i}", i / 200) == 0.0
    assert len(limiter.events) == 1000  # all still inside their window
    assert limiter.hit("later", 30.0) == 0.0
    assert set(limiter.events) == {"later"}


def test_limits_are_unchanged_by_forgetting() -> None:
    limiter = WindowLimiter(limit=2, window_s=10.0)
    assert limiter.hit("k", 0.0) == 0.0
    assert limiter.hit("k", 1.0) == 0.0
    assert limiter.hit("k", 2.0) == 8.0  # the first of the two leaves the window at 10
    assert limiter.hit("other", 10.5) == 0.0  # a sweep runs here; "k" still has 1.0 inside
    assert limiter.hit("k", 10.5) == 0.0
    assert limiter.hit("k", 10.6) == pytest.approx(0.4)  # 1.0 leaves the window at 11
