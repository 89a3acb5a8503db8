"""`chatctl files list|purge` on the suite's database, with files on local disk."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from sqlalchemy import update

from chatserver.context import Context
from chatserver.db import widgets as widgets_db
from chatserver.db.schema import uploads
from chatserver.services import chat, sessions, users, widgets
from chatserver.services.access import OPERATOR
from tests.helpers.chatctl import Chatctl
from tests.helpers.files import png, stored_upload
from tests.helpers.settings import make_settings

DAY = 86400.0


def _seed(db_url: str, tmp_path: Path) -> dict[str, Any]:
    """Two widgets; in the first, an old orphan, a fresh orphan and an old file sent in a
    message; in the second, one fresh orphan. The files live where chatctl looks."""

    async def seed() -> dict[str, Any]:
        ctx = Context.create(make_settings(db_url, tmp_path / "data"))
        try:
            await users.create_user(ctx, username="root", email="root@example.com",
                                    password="correct-horse-battery", role="admin")
            keys = [(await widgets.create_widget(ctx, OPERATOR, {"business_name": n}))["site_key"]
                    for n in ("Shop", "Other")]
            sids = []
            for key in keys:
                async with ctx.engine.connect() as conn:
                    row = await widgets_db.by_site_key(conn, key)
                sids.append((await sessions.create_session(ctx, row, {}, ip="127.0.0.1",
                                                           user_agent="t"))["session_id"])
            old = await stored_upload(ctx, sids[0], png(), "old.png", age_s=3 * DAY)
            fresh = await stored_upload(ctx, sids[0], b"fresh", "fresh.txt")
            sent = await stored_upload(ctx, sids[0], b"sent", "sent.txt", age_s=3 * DAY)
            msg, _ = await chat.send_message(ctx, sids[0], sender_type="visitor", text="see",
                                             client_msg_id="m1")
            async with ctx.engine.begin() as conn:
                await conn.execute(update(uploads).where(uploads.c.id == sent["id"])
                                   .values(message_id=msg["id"]))
            elsewhere = await stored_upload(ctx, sids[1], b"other", "other.txt")
            return {"keys": keys, "old": old["id"], "fresh": fresh["id"], "sent": sent["id"],
                    "elsewhere": elsewhere["id"]}
        finally:
            await ctx.close()

    return asyncio.run(seed())


def _listed(chatctl: Chatctl, *args: str) -> list[str]:
    return [f["id"] for f in json.loads(chatctl.ok("files", "list", "--json", *args).stdout)]


def _stored(tmp_path: Path) -> int:
    return sum(1 for p in (tmp_path / "data" / "files").rglob("*") if p.is_file())


def test_files_list_filters_by_orphans_and_widget(chatctl: Chatctl, db_url: str,
                                                  tmp_path: Path) -> None:
    s = _seed(db_url, tmp_path)
    assert set(_listed(chatctl)) == {s["old"], s["fresh"], s["sent"], s["elsewhere"]}
    assert set(_listed(chatctl, "--orphans")) == {s["old"], s["fresh"], s["elsewhere"]}
    assert set(_listed(chatctl, "--orphans", "--widget", s["keys"][0])) == {s["old"], s["fresh"]}
    table = chatctl.ok("files", "list", "--widget", s["keys"][1]).stdout
    assert "other.txt" in table and "text/plain" in table and "old.png" not in table
    chatctl.fails("files", "list", "--widget", "NoSuchKey", message="no such widget")


def test_files_purge_deletes_rows_and_stored_objects(chatctl: Chatctl, db_url: str,
                                                     tmp_path: Path) -> None:
    s = _seed(db_url, tmp_path)
    assert _stored(tmp_path) == 5  # old.png has a thumbnail
    chatctl.fails("files", "purge", message="give --orphans, --older-than DAYS, or both", code=2)
    # Orphans past the TTL (a day by default): the old one only, with its thumbnail.
    assert chatctl.ok("files", "purge", "--orphans").stdout.startswith("deleted 1 orphaned file")
    assert set(_listed(chatctl)) == {s["fresh"], s["sent"], s["elsewhere"]}
    assert _stored(tmp_path) == 3
    # Everything older than two days, sent or not.
    assert chatctl.ok("files", "purge", "--older-than", "2").stdout.startswith("deleted 1 file")
    assert set(_listed(chatctl)) == {s["fresh"], s["elsewhere"]}
    # Orphans of any age.
    chatctl.ok("files", "purge", "--orphans", "--older-than", "0")
    assert _listed(chatctl) == [] and _stored(tmp_path) == 0
