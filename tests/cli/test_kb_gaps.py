"""chatctl kb gaps / drafts / publish, on conversations stored in the suite's database."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import create_async_engine

from chatserver.db.schema import kb_entries, messages, sessions, widget_configs
from chatserver.timeutil import utcnow
from tests.helpers.chatctl import Chatctl

DECLINED = {"no_match": True, "offer": "person", "offer_reason": "no_knowledge_match",
            "sources": []}


async def _store(db_url: str, site_key: str, asked: list[tuple[str, dict[str, Any]]]) -> int:
    """One conversation per (question, the AI's reply meta); a draft saved from the first.
    Returns the draft's id."""
    engine = create_async_engine(db_url)
    now = utcnow()
    try:
        async with engine.begin() as conn:
            widget_id = (await conn.execute(select(widget_configs.c.id).where(
                widget_configs.c.site_key == site_key))).scalar_one()
            first = None
            for question, meta in asked:
                sid = str(uuid.uuid4())
                first = first or sid
                await conn.execute(insert(sessions).values(
                    id=sid, widget_id=widget_id, visitor_token_hash="0" * 64, visitor_info={},
                    status="active", ai_mode=True, created_at=now, last_activity_at=now))
                await conn.execute(insert(messages), [
                    {"session_id": sid, "seq": 1, "client_msg_id": "v1", "sender_type": "visitor",
                     "text": question, "meta": None, "created_at": now},
                    {"session_id": sid, "seq": 2, "client_msg_id": "a1", "sender_type": "ai",
                     "text": "I don't know.", "meta": meta, "created_at": now}])
            result = await conn.execute(insert(kb_entries).values(
                widget_id=widget_id, kind="qa", title="Do you sell gift cards?",
                body="Yes, from 10 euros.", status="draft", origin_session_id=first,
                created_at=now, updated_at=now))
            return int(result.inserted_primary_key[0])  # type: ignore[index]
    finally:
        await engine.dispose()


def test_gaps_drafts_and_publish(chatctl: Chatctl, db_url: str) -> None:
    key = json.loads(chatctl.ok("widget", "create", "--business-name", "Acme",
                                "--json").stdout)["site_key"]
    draft_id = asyncio.run(_store(db_url, key, [
        ("Do you sell gift cards?", DECLINED), ("Can I buy a gift card?", DECLINED),
        ("Do you offer student discounts?", {**DECLINED, "offer_reason": "ai_error"}),
        ("Is the kids' frame steel?", {"offer": "person", "sources": [{"id": 1, "title": "W"}]}),
    ]))

    result = json.loads(chatctl.ok("kb", "gaps", key, "--days", "3", "--json").stdout)
    assert [(g["count"], g["declined"], g["hedged"]) for g in result["groups"]] == [
        (2, 2, 0), (1, 0, 1)]
    assert result["groups"][0]["question"] in ("Do you sell gift cards?",
                                               "Can I buy a gift card?")
    table = chatctl.ok("kb", "gaps", key).stdout
    assert "3 unanswered questions in the last 30 days, 2 groups (by meaning)" in table
    assert "Is the kids' frame steel?" in table and "student" not in table
    chatctl.fails("kb", "gaps", key, "--days", "0", message="Invalid value for '--days'",
                  code=2)

    drafts = json.loads(chatctl.ok("kb", "drafts", key, "--json").stdout)
    assert [(d["id"], d["status"]) for d in drafts] == [(draft_id, "draft")]
    assert "Do you sell gift cards?" in chatctl.ok("kb", "drafts", key).stdout
    chatctl.fails("kb", "publish", key, str(draft_id), "--answer", "",
                  message="--answer/--body")
    out = chatctl.ok("kb", "publish", key, str(draft_id), "--answer",
                     "Yes: gift cards from 10 to 200 euros.").stdout
    assert out.strip() == f"published entry {draft_id} (qa) 'Do you sell gift cards?'"
    assert json.loads(chatctl.ok("kb", "drafts", key, "--json").stdout) == []
    (entry,) = json.loads(chatctl.ok("kb", "list", key, "--json").stdout)
    assert (entry["status"], entry["body"], entry["origin_session_id"]) == (
        "published", "Yes: gift cards from 10 to 200 euros.", None)
    chatctl.fails("kb", "publish", key, "999999", message="no such entry")
