"""/api/auth/me/settings: each signed-in user reads and changes their own settings (the
notifications section first); only the keys given change; bad input gets a stable code."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chatserver.context import Context
from chatserver.db.schema import users
from tests.helpers.accounts import admin_and_agent

PATH = "/api/auth/me/settings"
DEFAULTS = {"waiting": True, "offline_email": True, "digest": True, "mention": True}


async def test_defaults_then_only_what_is_given_changes_for_that_user_only(
        api: Any, ctx: Context) -> None:
    admin, agent, agent_user = await admin_and_agent(api)
    resp = await api.get(PATH, token=agent)
    assert resp.code == 200 and resp.json == {"settings": {"notifications": DEFAULTS}}
    resp = await api.put(PATH, {"notifications": {"digest": False}}, token=agent)
    assert resp.json["settings"]["notifications"] == {**DEFAULTS, "digest": False}
    resp = await api.put(PATH, {"notifications": {"waiting": False}}, token=agent)
    assert resp.json["settings"]["notifications"] == {
        "waiting": False, "offline_email": True, "digest": False, "mention": True}
    resp = await api.put(PATH, {}, token=agent)  # nothing given: nothing changes
    assert resp.code == 200 and resp.json["settings"]["notifications"]["digest"] is False
    assert (await api.get(PATH, token=agent)).json["settings"]["notifications"] == {
        "waiting": False, "offline_email": True, "digest": False, "mention": True}
    # Stored as the choices made, not the defaults.
    async with ctx.engine.connect() as conn:
        stored = (await conn.execute(select(users.c.notify_prefs).where(
            users.c.id == agent_user["id"]))).scalar_one()
    assert stored == {"digest": False, "waiting": False}
    # The admin's own are untouched.
    assert (await api.get(PATH, token=admin)).json["settings"]["notifications"] == DEFAULTS


async def test_bad_input_is_refused_with_a_code_and_changes_nothing(api: Any) -> None:
    _admin, agent, _user = await admin_and_agent(api)
    cases: list[tuple[Any, int, str, str | None]] = [
        ({"notifications": {"waiting": "no"}}, 400, "invalid_type", "notifications.waiting"),
        ({"notifications": {"waiting": 0}}, 400, "invalid_type", "notifications.waiting"),
        ({"notifications": {"sms": True}}, 422, "unknown_setting", "notifications.sms"),
        ({"notifications": [True]}, 400, "invalid_type", "notifications"),
        ({"notifications": None}, 400, "invalid_type", "notifications"),
        ({"theme": "dark"}, 422, "unknown_setting", "theme"),
        ({"theme": "dark", "notifications": {"digest": False}}, 422, "unknown_setting", "theme"),
    ]
    for body, status, code, field in cases:
        resp = await api.put(PATH, body, token=agent)
        assert (resp.code, resp.error_code) == (status, code), body
        assert field in resp.json["error"]["fields"], body
    resp = await api.request("PUT", PATH, body=b"[1]", token=agent)
    assert (resp.code, resp.error_code) == (400, "invalid_json")
    assert (await api.get(PATH, token=agent)).json["settings"]["notifications"] == DEFAULTS


async def test_signed_in_users_only(api: Any) -> None:
    await admin_and_agent(api)
    assert (await api.get(PATH, token="")).code == 401
    assert (await api.put(PATH, {"notifications": {"digest": False}}, token="")).code == 401
