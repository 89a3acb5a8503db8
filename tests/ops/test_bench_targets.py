"""`make bench` says met or missed beside each relay target of the performance issue
(bench/run.py `relay_targets`)."""

from __future__ import annotations

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
