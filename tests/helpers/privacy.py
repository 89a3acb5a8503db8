"""A visitor with a unique marker in every field they can fill (tests/privacy): their
conversation made through the services, and walks of every table, the file store and Redis
that say where a marker is still found."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, String, Text, insert, select, update

from chatserver.context import Context
from chatserver.db import widgets as widgets_db
from chatserver.db.schema import metadata, notes, outbox, sessions
from chatserver.mail.inbound import InboundMail
from chatserver.services import chat, inbound, visitor_context, widgets
from chatserver.services.access import OPERATOR
from chatserver.services.sessions import create_session, issue_device_token
from chatserver.timeutil import utcnow
from tests.helpers.files import stored_upload


@dataclass
class Visitor:
    session_id: str
    token: str
    email: str
    markers: dict[str, str] = field(default_factory=dict)  # where -> marker
    upload_ids: list[str] = field(default_factory=list)


# The widget settings `plant` needs: a pre-chat form with the fields it answers, no AI.
WIDGET_FIELDS: dict[str, Any] = {
    "enable_prechat_form": True, "ai_enabled": False,
    "prechat_fields": [{"name": "company", "label": "Company", "type": "text"},
                       {"name": "contact", "label": "Contact", "type": "email"}]}


async def make_widget(ctx: Context, name: str = "Shop", **extra: Any) -> dict[str, Any]:
    return await widgets.create_widget(ctx, OPERATOR, {
        "business_name": name, **WIDGET_FIELDS, **extra})


async def plant(ctx: Context, site_key: str, tag: str, *, close: bool = True,
                age_days: float = 0.0) -> Visitor:
    """A conversation of a visitor whose every field holds a marker `<tag>-<field>-<random>`."""
    rnd = secrets.token_hex(4)

    def mark(where: str) -> str:
        return f"{tag}{where}{rnd}"

    email = f"{mark('email')}@example.org".lower()
    m = {w: mark(w) for w in ("name", "msg", "company", "attr", "referrer", "file", "content",
                              "inbound", "sender", "offnote", "closenote", "ratingcomment", "note", "payload",
                              "redis")}
    async with ctx.engine.connect() as conn:
        widget = await widgets_db.by_site_key(conn, site_key)
    s = await create_session(ctx, widget, {
        "visitor_name": m["name"], "visitor_email": email,
        "prechat": {"company": m["company"], "contact": email}},
        ip="127.0.0.1", user_agent="test")
    sid, token = s["session_id"], s["visitor_token"]
    v = Visitor(sid, token, email, {**m, "email": email})
    await chat.send_message(ctx, sid, sender_type="visitor", text=f"hello {m['msg']}",
                            client_msg_id=f"c-{rnd}")
    await visitor_context.update(ctx, site_key, sid, {
        "attributes": {"plan": m["attr"]}, "referrer": f"https://ref.example.org/{m['referrer']}",
        "timezone": "Europe/Paris"}, visitor_token=token)
    up = await stored_upload(ctx, sid, f"contents {m['content']}".encode(), f"{m['file']}.txt")
    v.upload_ids.append(up["id"])
    await chat.send_message(ctx, sid, sender_type="visitor", text="see file",
                            client_msg_id=f"f-{rnd}", files=[up["id"]])
    await inbound.receive(ctx, sid, InboundMail(message_id=f"<{rnd}@mail.example.org>",
                                                sender=f"{m['sender']}@example.org",
                                                subject="Re", text=f"by mail {m['inbound']}"))
    await chat.leave_email(ctx, sid, email, m["offnote"])
    await issue_device_token(ctx, sid)
    now = utcnow()
    async with ctx.engine.begin() as conn:
        await conn.execute(insert(notes).values(
            session_id=sid, author_id=None, author_name="alice", text=f"note {m['note']}",
            mentions=[], client_msg_id=f"n-{rnd}", created_at=now))
        # Sent already: a pending row would be delivered by a later test's sender (the browser
        # tests share one database), to that test's mail sink.
        for key, session_id in ((f"a-{rnd}", sid), (f"b-{rnd}", None)):
            await conn.execute(insert(outbox).values(
                kind="test", key=key, session_id=session_id, recipient=email,
                payload={"text": m["payload"]}, status="sent", attempts=1, due_at=now,
                message_id=f"<{key}@parley.test>", created_at=now, sent_at=now))
    if close:
        await chat.close(ctx, sid, by="agent", note=m["closenote"], rating=4)
        await chat.close(ctx, sid, by="visitor", rating=4, comment=m["ratingcomment"])
    if age_days:
        old = now - timedelta(days=age_days)
        async with ctx.engine.begin() as conn:
            await conn.execute(update(sessions).where(sessions.c.id == sid).values(
                created_at=old, closed_at=old if close else None, last_activity_at=old))
    return v


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


async def found_in_tables(ctx: Context, markers: list[str]) -> list[str]:
    """"table.column" for every text or JSON column of every table holding a marker."""
    hits = []
    async with ctx.engine.connect() as conn:
        for table in metadata.sorted_tables:
            cols = [c for c in table.c if isinstance(c.type, String | Text | JSON)]
            if not cols:
                continue
            for row in (await conn.execute(select(*cols))).all():
                for col, value in zip(cols, row, strict=True):
                    text = _text(value).lower()
                    hits += [f"{table.name}.{col.name}: {mk}" for mk in markers
                             if mk.lower() in text]
    return hits


def found_in_files(root: Path, markers: list[str]) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes().decode(errors="replace").lower()
            hits += [f"{path}: {mk}" for mk in markers if mk.lower() in data or
                     mk.lower() in path.name.lower()]
    return hits


async def found_in_redis(client: Any, prefix: str, markers: list[str]) -> list[str]:
    hits = []
    async for key in client.scan_iter(match=prefix + "*"):
        kind = _text(await client.type(key))
        if kind == "string":
            values = [await client.get(key)]
        elif kind == "hash":
            values = [x for kv in (await client.hgetall(key)).items() for x in kv]
        else:
            values = []
        text = " ".join(_text(x) for x in [key, *values]).lower()
        hits += [f"redis {_text(key)}: {mk}" for mk in markers if mk.lower() in text]
    return hits


def plant_sync(db_url: str, data_dir: Path, tag: str, **kw: Any) -> tuple[str, Visitor]:
    """For chatctl tests (plain sync tests): a widget and a marked visitor in the database
    and the file store of a `chatctl` with PARLEY_DATA_DIR `data_dir`; (site key, visitor)."""
    import asyncio

    from tests.helpers.settings import make_settings

    async def go() -> tuple[str, Visitor]:
        ctx = Context.create(make_settings(db_url, data_dir))
        try:
            w = await make_widget(ctx)
            return w["site_key"], await plant(ctx, w["site_key"], tag, **kw)
        finally:
            await ctx.close()

    return asyncio.run(go())


def table_hits_sync(db_url: str, data_dir: Path, markers: list[str]) -> list[str]:
    import asyncio

    from tests.helpers.settings import make_settings

    async def go() -> list[str]:
        ctx = Context.create(make_settings(db_url, data_dir))
        try:
            return await found_in_tables(ctx, markers)
        finally:
            await ctx.close()

    return asyncio.run(go())


def found_in_s3(server: Any, prefix: str, markers: list[str]) -> list[str]:
    """"key: marker" for every object under `prefix` of a MotoServer whose bytes hold one."""
    from tests.helpers.s3 import run_in_thread

    async def walk() -> list[str]:
        hits = []
        async with server.client() as s3:
            listing = await s3.list_objects_v2(Bucket=server.bucket, Prefix=prefix)
            for obj in listing.get("Contents", []):
                got = await s3.get_object(Bucket=server.bucket, Key=obj["Key"])
                async with got["Body"] as body:
                    data = (await body.read()).decode(errors="replace").lower()
                hits += [f"{obj['Key']}: {mk}" for mk in markers if mk.lower() in data]
        return hits

    result: list[str] = run_in_thread(walk())
    return result
