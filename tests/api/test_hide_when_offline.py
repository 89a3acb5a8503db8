"""A widget that hides its launcher when nobody could answer: the public config's
`hidden_now`, computed at each request (docs/widget.md)."""

from __future__ import annotations

import time
from typing import Any


def _closed_hours() -> dict[str, list[list[str]]]:
    # Open one minute a week, at a time that is not now.
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(time.gmtime().tm_wday + 3) % 7]
    return {day: [["03:00", "03:01"]]}


async def _config(world: Any) -> dict[str, Any]:
    resp = await world.api.get(f"/api/widgets/{world.key}/config")
    assert resp.code == 200, resp
    return resp.json  # type: ignore[no-any-return]


async def test_hidden_only_when_asked_outside_hours_with_nobody_online(make_world: Any) -> None:
    world = await make_world()
    await world.add_agent("alex")
    cfg = await _config(world)
    assert cfg["hidden_now"] is False and cfg["hide_when_offline"] is False  # off by default
    resp = await world.api.put(f"/api/widgets/{world.key}", {"business_hours": _closed_hours(),
                                                             "timezone": "UTC"}, token=world.admin)
    assert resp.code == 200, resp
    assert (await _config(world))["hidden_now"] is False  # closed, but not asked to hide
    resp = await world.api.put(f"/api/widgets/{world.key}", {"hide_when_offline": True},
                               token=world.admin)
    assert resp.code == 200 and resp.json["widget"]["hide_when_offline"] is True
    cfg = await _config(world)
    assert cfg["hidden_now"] is True and cfg["hide_when_offline"] is True
    # An agent comes online: shown again, at once (not cached).
    ws, _ = await world.agent("alex")
    assert (await _config(world))["hidden_now"] is False
    ws.close()
    # Inside business hours nobody online is not enough to hide.
    resp = await world.api.put(f"/api/widgets/{world.key}", {"business_hours": None},
                               token=world.admin)
    assert resp.code == 200
    assert (await _config(world))["hidden_now"] is False
    bad = await world.api.put(f"/api/widgets/{world.key}", {"hide_when_offline": "yes"},
                              token=world.admin)
    assert bad.code == 400 and "hide_when_offline" in bad.json["error"]["fields"]
