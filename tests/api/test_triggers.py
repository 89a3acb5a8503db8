"""Proactive messages over REST (services/triggers.py, docs/widget.md): a widget's triggers
(validation with codes, who may change them), the public config carrying the enabled ones,
the widget's beacon counting shown and opened per trigger and day, and a visitor answering a
trigger: the conversation starts with the trigger's message and the answer is counted."""

from __future__ import annotations

import json
from typing import Any

from tests.helpers.api import Response
from tests.helpers.world import World

PRICING = {"name": "pricing-help", "message": "Questions about our plans? Ask away.",
           "url_match": "glob", "url_pattern": "/pricing*", "delay_s": 5}


async def _create(world: World, body: Any, token: str | None = None) -> Response:
    return await world.api.post(f"/api/widgets/{world.key}/triggers", body,
                                token=token or world.admin)


async def _list(world: World) -> list[dict[str, Any]]:
    resp = await world.api.get(f"/api/widgets/{world.key}/triggers", token=world.admin)
    assert resp.code == 200, resp
    triggers: list[dict[str, Any]] = resp.json["triggers"]
    return triggers


async def _config(world: World) -> dict[str, Any]:
    resp = await world.api.get(f"/api/widgets/{world.key}/config")
    assert resp.code == 200, resp
    config: dict[str, Any] = resp.json
    return config


async def _event(world: World, body: Any) -> Response:
    # As the widget sends it: text/plain, no credentials.
    return await world.api.post(f"/api/widgets/{world.key}/trigger-events", token="",
                                body=json.dumps(body), headers={"Content-Type": "text/plain"})


async def test_an_admin_adds_edits_and_deletes_triggers(make_world: Any) -> None:
    world = await make_world()
    assert await _list(world) == [] and (await _config(world))["triggers"] == []
    resp = await _create(world, PRICING)
    assert resp.code == 201, resp
    t = resp.json["trigger"]
    assert {k: t[k] for k in PRICING} == PRICING
    assert t["kind"] == "auto" and t["enabled"] is True and t["open_widget"] is False
    assert t["counts"] == {"shown": 0, "opened": 0, "answered": 0}
    assert (await _config(world))["triggers"] == [{
        "id": t["id"], "name": "pricing-help", "kind": "auto", "message": PRICING["message"],
        "open": False, "url_match": "glob", "url_pattern": "/pricing*", "delay_s": 5,
        "scroll_pct": None, "returning": False}]
    js = (await _create(world, {"name": "help", "kind": "js", "message": "Need a hand?",
                                "open_widget": True})).json["trigger"]
    assert [x["name"] for x in await _list(world)] == ["pricing-help", "help"]

    url = f"/api/widgets/{world.key}/triggers/{t['id']}"
    resp = await world.api.put(url, {"enabled": False, "scroll_pct": 50}, token=world.admin)
    assert resp.code == 200, resp
    assert resp.json["trigger"]["enabled"] is False and resp.json["trigger"]["scroll_pct"] == 50
    assert resp.json["trigger"]["message"] == PRICING["message"]  # unchanged fields stay
    # Disabled: gone from the public config at once (the cache is dropped).
    assert [x["name"] for x in (await _config(world))["triggers"]] == ["help"]
    assert (await _config(world))["triggers"][0]["open"] is True

    resp = await world.api.delete(url, token=world.admin)
    assert resp.code == 204, resp
    assert [x["id"] for x in await _list(world)] == [js["id"]]
    resp = await world.api.delete(url, token=world.admin)
    assert resp.code == 404 and resp.error_code == "trigger_not_found", resp
    # Each change is in the audit log, with the trigger's name and the fields changed.
    audit = await world.api.get("/api/admin/audit?action=trigger", token=world.admin)
    entries = [(e["action"], e["target_id"], e["details"]) for e in audit.json["entries"]]
    assert entries == [
        ("trigger.delete", world.key, {"trigger": "pricing-help"}),
        ("trigger.update", world.key, {"trigger": "pricing-help",
                                       "fields": ["enabled", "scroll_pct"]}),
        ("trigger.create", world.key, {"trigger": "help"}),
        ("trigger.create", world.key, {"trigger": "pricing-help"})], entries
    for bad in ("abc", "0x1", "99999999999"):
        resp = await world.api.put(f"/api/widgets/{world.key}/triggers/{bad}", {},
                                   token=world.admin)
        assert resp.code == 404 and resp.error_code == "trigger_not_found", (bad, resp)


async def test_bad_triggers_are_refused_with_codes(make_world: Any) -> None:
    world = await make_world()
    cases: list[tuple[dict[str, Any], int, str, str]] = [
        ({"message": "Hi"}, 422, "validation_failed", "name"),
        ({"name": "has spaces", "message": "Hi"}, 422, "validation_failed", "name"),
        ({"name": "x", "message": "  "}, 422, "validation_failed", "message"),
        ({"name": "x", "message": "m" * 501}, 422, "validation_failed", "message"),
        ({"name": "x", "message": "Hi", "kind": "sometimes"}, 422, "validation_failed", "kind"),
        ({"name": "x", "message": "Hi", "url_match": "regex", "url_pattern": "a"}, 422,
         "validation_failed", "url_match"),
        ({"name": "x", "message": "Hi", "url_match": "glob"}, 422, "validation_failed",
         "url_pattern"),
        ({"name": "x", "message": "Hi", "delay_s": -1}, 422, "validation_failed", "delay_s"),
        ({"name": "x", "message": "Hi", "delay_s": 3601}, 422, "validation_failed", "delay_s"),
        ({"name": "x", "message": "Hi", "scroll_pct": 0}, 422, "validation_failed", "scroll_pct"),
        ({"name": "x", "message": "Hi", "scroll_pct": 101}, 422, "validation_failed",
         "scroll_pct"),
        ({"name": "x", "message": "Hi", "delay_s": "5"}, 400, "invalid_type", "delay_s"),
        ({"name": "x", "message": "Hi", "enabled": "yes"}, 400, "invalid_type", "enabled"),
        ({"name": 5, "message": "Hi"}, 400, "invalid_type", "name"),
        # Returning visitors are only told apart with visitor tracking on.
        ({"name": "x", "message": "Hi", "returning_visitor": True}, 422,
         "trigger_needs_tracking", "returning_visitor"),
    ]
    for body, status, code, field in cases:
        resp = await _create(world, body)
        assert resp.code == status and resp.error_code == code, (body, resp)
        assert field in resp.json["error"].get("fields", {}), (body, resp)
    assert await _list(world) == []
    # A pattern alone means "contains".
    resp = await _create(world, {"name": "x", "message": "Hi", "url_pattern": "pricing"})
    assert resp.code == 201 and resp.json["trigger"]["url_match"] == "contains", resp
    resp = await _create(world, {"name": "x", "message": "Other"})
    assert resp.code == 409 and resp.error_code == "trigger_name_taken", resp
    for i in range(19):
        assert (await _create(world, {"name": f"t{i}", "message": "Hi"})).code == 201
    resp = await _create(world, {"name": "one-too-many", "message": "Hi"})
    assert resp.code == 422 and resp.error_code == "too_many_triggers", resp


async def test_returning_visitor_triggers_follow_visitor_tracking(make_world: Any) -> None:
    world = await make_world(visitor_tracking=True)
    resp = await _create(world, {"name": "welcome-back", "message": "Welcome back!",
                                 "returning_visitor": True})
    assert resp.code == 201, resp
    assert (await _config(world))["triggers"][0]["returning"] is True
    # Tracking switched off: the trigger stays (and is listed) but never reaches the widget.
    resp = await world.api.put(f"/api/widgets/{world.key}", {"visitor_tracking": False},
                               token=world.admin)
    assert resp.code == 200, resp
    assert (await _config(world))["triggers"] == []
    assert [t["name"] for t in await _list(world)] == ["welcome-back"]


async def test_only_the_owner_or_an_admin_changes_triggers(make_world: Any) -> None:
    world = await make_world()
    alice = world.agents["alice"]["token"]
    resp = await _create(world, PRICING, token=alice)
    assert resp.code == 403 and resp.error_code == "not_owner", resp
    resp = await world.api.get(f"/api/widgets/{world.key}/triggers", token="")
    assert resp.code == 401, resp
    resp = await world.api.get("/api/widgets/no-such-widget/triggers", token=world.admin)
    assert resp.code == 404 and resp.error_code == "widget_not_found", resp


async def test_the_beacon_counts_shown_and_opened_per_trigger(make_world: Any) -> None:
    world = await make_world()
    t = (await _create(world, PRICING)).json["trigger"]
    other = (await _create(world, {"name": "other", "message": "Hello"})).json["trigger"]
    for event in ("shown", "shown", "opened"):
        resp = await _event(world, {"trigger_id": t["id"], "event": event})
        assert resp.code == 204, resp
    assert (await _event(world, {"trigger_id": other["id"], "event": "shown"})).code == 204
    counts = {x["name"]: x["counts"] for x in await _list(world)}
    assert counts == {"pricing-help": {"shown": 2, "opened": 1, "answered": 0},
                      "other": {"shown": 1, "opened": 0, "answered": 0}}
    assert (await _list(world))[0]["counts_30d"] == counts["pricing-help"]
    # Refused with codes, and counted nowhere.
    for body, status, code in (
            ({"trigger_id": t["id"], "event": "answered"}, 422, "invalid_trigger_event"),
            ({"trigger_id": t["id"]}, 422, "invalid_trigger_event"),
            ({"trigger_id": 999999, "event": "shown"}, 404, "trigger_not_found"),
            ({"trigger_id": "x", "event": "shown"}, 404, "trigger_not_found")):
        resp = await _event(world, body)
        assert resp.code == status and resp.error_code == code, (body, resp)
    resp = await world.api.post("/api/widgets/nope/trigger-events",
                                {"trigger_id": t["id"], "event": "shown"}, token="")
    assert resp.code == 404 and resp.error_code == "widget_not_found", resp
    # A disabled trigger counts no more.
    await world.api.put(f"/api/widgets/{world.key}/triggers/{other['id']}", {"enabled": False},
                        token=world.admin)
    resp = await _event(world, {"trigger_id": other["id"], "event": "shown"})
    assert resp.code == 404 and resp.error_code == "trigger_not_found", resp
    assert {x["name"]: x["counts"]["shown"] for x in await _list(world)} == {
        "pricing-help": 2, "other": 1}


async def test_answering_a_trigger_starts_the_conversation_with_its_message(
        make_world: Any) -> None:
    world = await make_world()
    t = (await _create(world, PRICING)).json["trigger"]
    s = await world.session(trigger_id=t["id"])
    ws, _ready = await world.visitor(s)
    first = await ws.expect("message")
    assert first["text"] == PRICING["message"] and first["sender_type"] == "ai"
    assert first["sender_name"] == "Acme" and first["seq"] == 1
    await ws.send({"type": "message", "client_msg_id": "c1", "text": "Which plan fits me?"})
    await ws.expect("ack")
    history = await world.api.get(f"/api/widgets/{world.key}/sessions/{s['session_id']}/messages",
                                  token=s["visitor_token"])
    texts = [(m["sender_type"], m["text"]) for m in history.json["messages"]]
    assert texts == [("ai", PRICING["message"]), ("visitor", "Which plan fits me?")]
    assert (await _list(world))[0]["counts"] == {"shown": 0, "opened": 0, "answered": 1}


async def test_a_session_without_a_usable_trigger(make_world: Any) -> None:
    world = await make_world()
    t = (await _create(world, PRICING)).json["trigger"]
    for bad in ("12", True, -1, 1.5):
        resp = await world.api.post(f"/api/widgets/{world.key}/sessions", {"trigger_id": bad})
        assert resp.code == 422 and resp.error_code == "invalid_trigger_id", (bad, resp)
    # Deleted (or disabled) since it was shown: the conversation starts without it.
    await world.api.put(f"/api/widgets/{world.key}/triggers/{t['id']}", {"enabled": False},
                        token=world.admin)
    s = await world.session(trigger_id=t["id"])
    history = await world.api.get(f"/api/widgets/{world.key}/sessions/{s['session_id']}/messages",
                                  token=s["visitor_token"])
    assert history.json["messages"] == []
    s2 = await world.session(trigger_id=123456)
    assert s2["session_id"] != s["session_id"]
    assert (await _list(world))[0]["counts"]["answered"] == 0
