"""Erasure, export and retention through the services: markers planted in every field a
visitor can fill are found nowhere afterwards (every text and JSON column of every table, the
file store, Redis under the test's prefix); another visitor is untouched; the analytics count
the same; the export is a ZIP whose visitor.json has every message and the files."""

from __future__ import annotations

import asyncio
import io
import json
import zipfile
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import tornado.ioloop
from sqlalchemy import delete, func, select

from chatserver.context import Context
from chatserver.db import widgets as widgets_db
from chatserver.db.privacy import VisitorQuery
from chatserver.db.schema import audit_log, messages, outbox, sessions, uploads
from chatserver.mail.inbound import InboundMail, NoSuchConversation
from chatserver.realtime.registry import Registry
from chatserver.realtime.sweeper import Sweeper
from chatserver.services import analytics, chat, inbound, privacy, retention, widgets
from chatserver.services.access import OPERATOR, Actor
from chatserver.services.sessions import create_session
from chatserver.storage.local import LocalStorage
from tests.helpers.privacy import (
    found_in_files,
    found_in_redis,
    found_in_tables,
    make_widget,
    plant,
)
from tests.helpers.redis_servers import delete_prefix, shared_redis_or_skip, unique_prefix

PREFIX = unique_prefix()


@pytest.fixture
def settings_overrides() -> Iterator[dict[str, Any]]:
    url = shared_redis_or_skip()
    yield {"redis_url": url, "redis_prefix": PREFIX}
    delete_prefix(url, PREFIX)


async def _figures(ctx: Context, site_key: str) -> dict[str, Any]:
    today = date.today()
    period = analytics.Period(today - timedelta(days=365), today)
    report = await analytics.report(ctx, OPERATOR, period, site_key=site_key)
    report.pop("storage", None)  # what is stored now, not what happened: files go
    return report


async def test_erasure_leaves_no_marker_anywhere(ctx: Context,
                                                 io_loop: tornado.ioloop.IOLoop) -> None:
    w = await make_widget(ctx)
    v = await plant(ctx, w["site_key"], "zqa")
    other = await plant(ctx, w["site_key"], "zqb")
    redis = ctx.bus.client()  # type: ignore[attr-defined]
    await redis.set(f"{PREFIX}cache:{v.session_id}", "x")
    await redis.hset(f"{PREFIX}misc", mapping={"k": f"{v.session_id} {v.markers['redis']}"})
    await redis.set(f"{PREFIX}mail:{v.email}", "y")
    await redis.set(f"{PREFIX}cache:{other.session_id}", other.markers["redis"])
    markers = list(v.markers.values())
    # Planted: every marker is found before the erasure (so the walk can fail).
    before = await found_in_tables(ctx, markers)
    for where in ("name", "email", "msg", "company", "attr", "referrer", "file", "inbound",
                  "sender", "offnote", "closenote", "ratingcomment", "note", "payload"):
        assert any(v.markers[where] in hit for hit in before), where
    assert isinstance(ctx.storage, LocalStorage)
    assert found_in_files(ctx.storage.root, [v.markers["content"]])
    figures = await _figures(ctx, w["site_key"])

    result = await privacy.erase(ctx, OPERATOR, VisitorQuery("email", v.email))
    assert result["sessions"] == [v.session_id]
    counts = result["erased"]
    assert counts["messages"] >= 3 and counts["uploads"] == 1 and counts["files"] >= 1
    assert counts["notes"] == 1 and counts["outbox"] == 2 and counts["session_tokens"] == 1
    assert counts["redis_keys"] == 3

    assert await found_in_tables(ctx, markers) == []
    assert found_in_files(ctx.storage.root, markers) == []
    assert await found_in_redis(redis, PREFIX, markers) == []
    # The other visitor is untouched, Redis included.
    other_markers = list(other.markers.values())
    kept = await found_in_tables(ctx, other_markers)
    for where in ("name", "msg", "attr", "file", "inbound", "note", "payload"):
        assert any(other.markers[where] in hit for hit in kept), where
    assert found_in_files(ctx.storage.root, [other.markers["content"]])
    assert await found_in_redis(redis, PREFIX, [other.markers["redis"]])
    # The analytics count the same; the session row stays, blanked.
    assert await _figures(ctx, w["site_key"]) == figures
    async with ctx.engine.connect() as conn:
        row = (await conn.execute(select(sessions).where(sessions.c.id == v.session_id))).one()
        entry = (await conn.execute(select(audit_log).where(
            audit_log.c.action == "visitor.erase"))).mappings().one()
    assert row.erased_at is not None and row.visitor_email is None and row.rating == 4
    assert row.resolution is not None and row.visitor_info == {}
    assert entry["target_id"] == privacy.query_hash(VisitorQuery("email", v.email))
    assert entry["details"]["sessions"] == [v.session_id]
    assert v.email not in json.dumps(entry["details"])
    # An email reply to the erased conversation is refused, not stored.
    with pytest.raises(NoSuchConversation):
        await inbound.receive(ctx, v.session_id, InboundMail(
            message_id="<late@mail.example.org>", sender=v.email, subject="Re",
            text=f"late {v.markers['inbound']}"))
    assert await found_in_tables(ctx, markers) == []
    # Done twice: nothing more to find.
    with pytest.raises(Exception) as err:
        await privacy.erase(ctx, OPERATOR, VisitorQuery("email", v.email))
    assert getattr(err.value, "code", None) == "visitor_not_found"


async def test_export_has_every_message_and_the_files(ctx: Context) -> None:
    w = await make_widget(ctx)
    v = await plant(ctx, w["site_key"], "zqe")
    second = await plant(ctx, w["site_key"], "zqf")  # another visitor: not in the export
    found = await privacy.find(ctx, OPERATOR, VisitorQuery("email", v.email.upper().lower()))
    assert [s["session_id"] for s in found["sessions"]] == [v.session_id]
    archive = await privacy.export(ctx, OPERATOR, VisitorQuery("session_id", v.session_id))
    data = archive.read()
    archive.close()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        doc = json.loads(zf.read("visitor.json"))
        (conv,) = doc["conversations"]
        async with ctx.engine.connect() as conn:
            stored = (await conn.execute(select(messages.c.text).where(
                messages.c.session_id == v.session_id).order_by(messages.c.seq))).scalars().all()
        assert [m["text"] for m in conv["messages"]] == list(stored)
        assert any(v.markers["inbound"] in m["text"] for m in conv["messages"])
        assert conv["identity"]["name"] == v.markers["name"]
        assert conv["prechat"]["company"] == v.markers["company"]
        assert conv["context"]["attributes"]["plan"] == v.markers["attr"]
        assert conv["left_email"]["note"] == v.markers["offnote"]
        assert conv["close_note"] == v.markers["closenote"] and conv["rating"] == 4
        assert conv["rating_comment"] == v.markers["ratingcomment"]
        assert "notes" not in conv and doc["notes_included"] is False
        (f,) = conv["files"]
        assert zf.read(f["path"]) == f"contents {v.markers['content']}".encode()
        assert second.markers["msg"] not in json.dumps(doc)
    with_notes = await privacy.export(ctx, OPERATOR, VisitorQuery("email", v.email),
                                      include_notes=True)
    with zipfile.ZipFile(with_notes) as zf:
        doc = json.loads(zf.read("visitor.json"))
    with_notes.close()
    assert v.markers["note"] in doc["conversations"][0]["notes"][0]["text"]
    async with ctx.engine.connect() as conn:
        n = (await conn.execute(select(func.count()).select_from(audit_log).where(
            audit_log.c.action == "visitor.export"))).scalar()
    assert n == 2


async def test_user_id_is_one_widgets(ctx: Context) -> None:
    w1, w2 = await make_widget(ctx, "One"), await make_widget(ctx, "Two")
    v1 = await plant(ctx, w1["site_key"], "zqu")
    v2 = await plant(ctx, w2["site_key"], "zqv")
    async with ctx.engine.begin() as conn:
        for v in (v1, v2):
            await conn.execute(sessions.update().where(sessions.c.id == v.session_id)
                               .values(visitor_user_id="user-42", visitor_verified=True))
    found = await privacy.find(ctx, OPERATOR, VisitorQuery("user_id", "user-42"), w1["site_key"])
    assert [s["session_id"] for s in found["sessions"]] == [v1.session_id]
    await privacy.erase(ctx, OPERATOR, VisitorQuery("user_id", "user-42"), w1["site_key"])
    assert await found_in_tables(ctx, [v1.markers["msg"]]) == []
    assert await found_in_tables(ctx, [v2.markers["msg"]])


async def test_retention_erases_old_conversations_only(ctx: Context) -> None:
    w = await make_widget(ctx)
    old = await plant(ctx, w["site_key"], "zqo", age_days=40)
    new = await plant(ctx, w["site_key"], "zqn", age_days=5)
    open_old = await plant(ctx, w["site_key"], "zqp", close=False, age_days=40)
    untouched = await make_widget(ctx, "Forever")
    forever = await plant(ctx, untouched["site_key"], "zqk", age_days=400)
    await widgets.update_widget(ctx, OPERATOR, w["site_key"], {"retention_days": 30})
    dry = await retention.run(ctx, dry_run=True)
    assert dry["sessions"] == 1
    assert await found_in_tables(ctx, [old.markers["msg"]])
    sweeper = Sweeper(ctx, Registry(ctx.bus))
    await sweeper.run()  # the scheduled task, as a serving process runs it
    # Retention erases conversations, not people: an email to the visitor queued outside the
    # conversation (session_id NULL) is not the conversation's and stays.
    async with ctx.engine.begin() as conn:
        await conn.execute(delete(outbox).where(outbox.c.session_id.is_(None)))
    assert await found_in_tables(ctx, list(old.markers.values())) == []
    for v in (new, open_old, forever):
        assert await found_in_tables(ctx, [v.markers["msg"]])
    again = await retention.run(ctx)  # idempotent: nothing left to do
    assert again["sessions"] == 0
    async with ctx.engine.connect() as conn:
        actions = (await conn.execute(select(audit_log.c.action, audit_log.c.actor_type)
                                      .order_by(audit_log.c.id))).all()
        left = (await conn.execute(select(func.count()).select_from(uploads).where(
            uploads.c.session_id == old.session_id))).scalar()
    assert ("widget.retention_update", "chatctl") in actions
    assert ("retention.erase", "system") in actions
    assert left == 0


async def test_retention_setting_is_validated(ctx: Context) -> None:
    w = await make_widget(ctx)
    for bad in (0, -1, 36501, "30", 2.5, True):
        with pytest.raises(Exception) as err:
            await widgets.update_widget(ctx, OPERATOR, w["site_key"], {"retention_days": bad})
        assert getattr(err.value, "status", None) in (400, 422), bad
    got = await widgets.update_widget(ctx, OPERATOR, w["site_key"], {"retention_days": 90})
    assert got["retention_days"] == 90
    got = await widgets.update_widget(ctx, OPERATOR, w["site_key"], {"retention_days": None})
    assert got["retention_days"] is None


async def test_agents_may_not(ctx: Context) -> None:
    agent = Actor(id=12345, role="agent")
    for call in (privacy.find(ctx, agent, VisitorQuery("email", "a@b.org")),
                 privacy.erase(ctx, agent, VisitorQuery("email", "a@b.org"))):
        with pytest.raises(Exception) as err:
            await call
        assert getattr(err.value, "status", None) == 403


async def test_two_processes_running_retention_erase_each_conversation_once(
        ctx: Context, settings: Any) -> None:
    w = await make_widget(ctx, retention_days=7)
    old = [await plant(ctx, w["site_key"], f"zq{i}x", age_days=30) for i in range(5)]
    other = Context.create(settings)  # a second process: its own engine and pool
    try:
        first, second = await asyncio.gather(retention.run(ctx, batch=2),
                                              retention.run(other, batch=2))
    finally:
        await other.close()
    assert first["sessions"] + second["sessions"] == 5
    async with ctx.engine.connect() as conn:
        entries = (await conn.execute(select(audit_log.c.details).where(
            audit_log.c.action == "retention.erase"))).scalars().all()
    erased = [sid for details in entries for sid in details["sessions"]]
    assert sorted(erased) == sorted(v.session_id for v in old)  # each once
    assert await found_in_tables(ctx, [v.markers["msg"] for v in old]) == []


async def test_an_email_is_found_in_a_prechat_answer_and_in_the_email_left(ctx: Context) -> None:
    w = await make_widget(ctx)
    async with ctx.engine.connect() as conn:
        widget = await widgets_db.by_site_key(conn, w["site_key"])
    made = []
    for answers in ({"contact": "Pre.Chat@Example.org"}, {"company": "pre.chat@example.org."}):
        s = await create_session(ctx, widget, {"prechat": answers}, ip="127.0.0.1",
                                 user_agent="test")
        made.append(s["session_id"])
    left = await create_session(ctx, widget, {}, ip="127.0.0.1", user_agent="test")
    await chat.leave_email(ctx, left["session_id"], "PRE.chat@example.org", "call me")
    found = await privacy.find(ctx, OPERATOR, VisitorQuery("email", "pre.chat@example.org"))
    # The first answer is the email itself; the second only contains it: not the same.
    assert [s["session_id"] for s in found["sessions"]] == [made[0], left["session_id"]]
    other = await make_widget(ctx, "Other")
    narrowed = await privacy.find(ctx, OPERATOR, VisitorQuery("email", "pre.chat@example.org"),
                                  other["site_key"])
    assert narrowed["sessions"] == []
