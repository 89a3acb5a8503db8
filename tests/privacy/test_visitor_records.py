"""Erasure and the visitor record (docs/privacy.md): erasing a visitor found by one of their
conversations erases all of theirs, with the record and its device tokens; retention, which
erases old conversations only, keeps the record of a visitor who has newer ones."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import widgets as widgets_db
from chatserver.db.schema import sessions as sessions_table
from chatserver.db.schema import visitor_tokens, visitors
from chatserver.services import chat, retention, sessions, widgets
from chatserver.services.access import OPERATOR
from chatserver.timeutil import utcnow
from tests.helpers.accounts import admin_and_agent
from tests.helpers.api import Api
from tests.helpers.privacy import make_widget


async def _count(ctx: Context, table: Any) -> int:
    async with ctx.engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def _row(ctx: Context, site_key: str) -> RowMapping:
    async with ctx.engine.connect() as conn:
        row = await widgets_db.by_site_key(conn, site_key)
    assert row is not None
    return row


async def test_erasing_by_one_conversation_erases_the_visitor(api: Api, ctx: Context) -> None:
    admin, _agent, _ = await admin_and_agent(api)
    w = await make_widget(ctx)
    widget = await _row(ctx, w["site_key"])
    first = await sessions.create_session(ctx, widget, {}, ip="127.0.0.1", user_agent="t")
    await chat.close(ctx, first["session_id"], by="visitor")
    second = await sessions.create_session(ctx, widget, {"visitor_token": first["visitor_token"]},
                                           ip="127.0.0.1", user_agent="t")
    stranger = await sessions.create_session(ctx, widget, {}, ip="127.0.0.1", user_agent="t")
    assert await _count(ctx, visitors) == 2
    found = await api.get(f"/api/admin/privacy/visitors?session_id={first['session_id']}",
                          token=admin)
    assert {s["session_id"] for s in found.json["sessions"]} == \
        {first["session_id"], second["session_id"]}
    done = await api.post("/api/admin/privacy/erase",
                          {"session_id": first["session_id"], "confirm": first["session_id"]},
                          token=admin)
    assert done.code == 200, done
    assert sorted(done.json["sessions"]) == sorted([first["session_id"], second["session_id"]])
    assert await _count(ctx, visitors) == 1 and await _count(ctx, visitor_tokens) == 1
    # The erased device token opens nothing; the stranger's still does.
    gone = await api.get(f"/api/widgets/{w['site_key']}/sessions/{second['session_id']}"
                         "/messages", token=first["visitor_token"])
    assert gone.code == 404
    kept = await api.get(f"/api/widgets/{w['site_key']}/sessions/{stranger['session_id']}"
                         "/messages", token=stranger["visitor_token"])
    assert kept.code == 200


async def test_retention_keeps_the_record_of_a_visitor_with_newer_conversations(
        ctx: Context) -> None:
    w = await make_widget(ctx)
    widget = await _row(ctx, w["site_key"])
    old = await sessions.create_session(ctx, widget, {}, ip="127.0.0.1", user_agent="t")
    await chat.close(ctx, old["session_id"], by="visitor")
    long_ago = utcnow() - timedelta(days=40)
    async with ctx.engine.begin() as conn:
        await conn.execute(update(sessions_table).where(
            sessions_table.c.id == old["session_id"]).values(
            created_at=long_ago, closed_at=long_ago, last_activity_at=long_ago))
    new = await sessions.create_session(ctx, widget, {"visitor_token": old["visitor_token"]},
                                        ip="127.0.0.1", user_agent="t")
    await widgets.update_widget(ctx, OPERATOR, w["site_key"], {"retention_days": 30})
    assert (await retention.run(ctx))["sessions"] == 1
    assert await _count(ctx, visitors) == 1 and await _count(ctx, visitor_tokens) == 1
    async with ctx.engine.connect() as conn:
        rows = dict((await conn.execute(select(sessions_table.c.id, sessions_table.c.visitor_id)))
                    .all())
    assert rows[old["session_id"]] is None and rows[new["session_id"]] is not None
