"""`make bench` says met or missed beside each target of the performance issue (bench/run.py
`relay_targets`, bench/common.py `verdict`), and the reconnect storm's visitors come back and
count what they are sent as the widget would (bench/loadgen.py `StormVisitor`)."""

from __future__ import annotations

from bench.common import verdict
from bench.loadgen import StormVisitor, widget_delay
from bench.run import relay_targets


def _verdicts(parley: dict[str, float | None], bare_held: float | None) -> dict[str, str]:
    base = {"server_cpu_ms_per_msg_at_250": None, "server_cpu_ms_per_msg_at_500": None,
            "p99_at_500_ms": None, "p99_at_2000_ms": None, "highest_rate_held": None}
    rows = relay_targets({**base, **parley}, {"highest_rate_held": bare_held})
    return {r["what"]: r["verdict"] for r in rows}


def test_each_relay_target_is_met_missed_or_not_measured() -> None:
    v = _verdicts({"server_cpu_ms_per_msg_at_250": 0.8, "server_cpu_ms_per_msg_at_500": 0.61,
                   "p99_at_500_ms": 9.9, "highest_rate_held": 800}, 1000)
    assert v == {"server CPU per message at 250 msg/s (ms)": "met",
                 "server CPU per message at 500 msg/s (ms)": "missed",
                 "p99 at 500 msg/s (ms)": "met", "p99 at 2000 msg/s (ms)": "n/a",
                 "highest rate held / the bare relay's": "met"}


def test_holding_no_rate_where_the_bare_relay_held_one_is_missed() -> None:
    assert _verdicts({}, 1000)["highest rate held / the bare relay's"] == "missed"
    assert _verdicts({}, None)["highest rate held / the bare relay's"] == "n/a"


def test_a_verdict_is_met_missed_or_not_measured() -> None:
    assert verdict("x", 15.0, "<=", 15)["verdict"] == "met"
    assert verdict("x", 15.1, "<=", 15)["verdict"] == "missed"
    assert verdict("x", 0.7, ">=", 0.8) == {"what": "x", "value": 0.7, "target": ">= 0.8",
                                           "verdict": "missed"}
    assert verdict("x", None, "<=", 1)["verdict"] == "n/a"


def test_the_storm_visitor_backs_off_as_the_widget_does() -> None:
    # packages/protocol/src/socket.ts: 250-1,250 ms after a restart close, then equal jitter
    # from 0.5 s doubling to a 15 s cap.
    first = [widget_delay(0, restart=True) for _ in range(200)]
    assert 0.25 <= min(first) and max(first) <= 1.25
    assert all(0.25 <= widget_delay(0, restart=False) <= 0.5 for _ in range(50))
    assert all(2.0 <= widget_delay(3, restart=False) <= 4.0 for _ in range(50))
    assert all(7.5 <= widget_delay(9, restart=False) <= 15.0 for _ in range(50))


def test_the_storm_visitor_counts_replayed_duplicate_and_skipped_messages() -> None:
    v = StormVisitor("ws://127.0.0.1:1", "s", "t")
    assert v.frame({"type": "ready"}) is True and v.ready_at > 0
    for seq in (1, 2, 2, 5):
        assert v.frame({"type": "message", "seq": seq}) is False
    assert (v.last_seq, v.duplicates, v.gaps) == (5, 1, 2)
