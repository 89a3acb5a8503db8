"""The sweep marks its visitors' sessions active only when due (realtime/sweeper.py): each
once in `every` seconds rather than all at every sweep, and always soon enough that a
session with a socket open is never old enough to be abandoned."""

from __future__ import annotations

import pytest

from chatserver.config import Settings
from chatserver.realtime.sweeper import KeepAlive, keep_alive_every_s

pytestmark = pytest.mark.once


def test_a_session_is_marked_once_per_period_and_forgotten_when_it_leaves() -> None:
    keep = KeepAlive(every_s=840)
    assert keep.due({"a", "b"}, now=0.0) == {"a", "b"}  # new here: marked at once
    keep.done({"a", "b"}, now=0.0)
    assert keep.due({"a", "b", "c"}, now=30.0) == {"c"}  # only the newcomer
    keep.done({"c"}, now=30.0)
    assert keep.due({"a", "b", "c"}, now=839.0) == set()
    assert keep.due({"a", "b", "c"}, now=840.0) == {"a", "b"}
    keep.done({"a", "b"}, now=840.0)
    assert keep.due({"c"}, now=870.0) == {"c"}  # a and b left: forgotten
    assert set(keep.marked) == {"c"}
    # A sweep that failed marks nothing: the same sessions are due at the next one.
    assert keep.due({"c"}, now=900.0) == {"c"}


@pytest.mark.parametrize(("idle_s", "interval_s"), [(1800, 30), (600, 30), (120, 30),
                                                    (60, 30), (3600, 5)])
def test_a_marked_session_is_marked_again_before_it_could_be_abandoned(
        idle_s: float, interval_s: float) -> None:
    every = keep_alive_every_s(idle_s, interval_s)
    # Marked at 0, due from `every`, marked by the first sweep after it (jitter: 10 %).
    latest_mark = every + interval_s * 1.1
    assert latest_mark < idle_s
    assert every >= 0


def test_the_defaults_mark_each_session_every_14_minutes() -> None:
    s = Settings()
    assert keep_alive_every_s(s.idle_abandon_s, s.sweep_interval_s) == 840
