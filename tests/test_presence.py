"""Presence: the merged view of one process and the others, as plain state (its sharing over
Redis is tests/ops/test_shared_presence.py)."""

from __future__ import annotations

from chatserver.presence import Presence


def test_one_process_counts_sockets() -> None:
    p = Presence()
    p.connected(1)
    p.connected(1)
    p.set_status(1, "away")
    assert p.status == {1: "away"} and p.online() == set()
    assert p.disconnected(1) is False
    assert p.disconnected(1) is True
    assert p.status == {} and p.sockets == {}
    p.set_status(2, "online")  # no socket: ignored
    assert p.status == {}


def test_remote_agents_merge_and_keep_their_status() -> None:
    p = Presence()
    p.apply_remote("B", 5, "away", version=1)
    assert p.status == {5: "away"}
    p.connected(5)  # a tab here too: the status chosen elsewhere holds
    assert p.local == {5: "away"}
    p.apply_remote("B", 5, "online", version=2)  # chosen again in the other tab
    assert p.local == {5: "online"} and p.online() == {5}
    assert p.disconnected(5) is False  # still online on B
    p.apply_remote("B", 5, "away", version=1)  # older news: ignored
    assert p.status == {5: "online"}
    p.apply_remote("B", 5, None, version=3)
    assert p.status == {}


def test_a_snapshot_drops_dead_processes_and_reports_who_left() -> None:
    p = Presence()
    p.connected(1)
    p.apply_remote("B", 2, "online", version=4)
    p.apply_remote("C", 3, "online", version=1)
    p.apply_remote("C", 1, "online", version=1)
    gone = p.replace_remote({"B": (3, {}), "D": (1, {4: "away"})})
    # B's snapshot is older than what B said (version 4): kept; C is gone; 1 is still here.
    assert gone == {3}
    assert p.status == {1: "online", 2: "online", 4: "away"}
