"""Labels: admin-defined, coloured tags that agents put on conversations.

Admins create, rename, recolour and delete labels (a name unique whatever its case, a colour
of the fixed palette below); every agent lists them and adds or removes them on a conversation
they may see. A change of a conversation's labels is published as a `labels` frame on its
widget's channel, which only agents' sockets follow (a visitor's socket follows its session's
channel only): every open inbox of the widget updates its chips, and no visitor learns of it.

The palette is fixed rather than any #rrggbb so that every chip is readable: each colour is a
light background with a dark text colour, and tests/api/test_labels.py checks each pair's
contrast ratio against WCAG AA (4.5:1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.bus import widget_channel
from chatserver.context import Context
from chatserver.db import labels as db
from chatserver.errors import Conflict, NotFound
from chatserver.services.access import Actor, access_session, require_admin
from chatserver.services.audit import record
from chatserver.services.publish import publish_frame
from chatserver.timeutil import utcnow
from chatserver.validate import Fields

NAME_MAX = 40
# name -> (background, text): Tailwind's 100 and 800 shades, AA contrast on each other.
PALETTE: dict[str, tuple[str, str]] = {
    "gray": ("#f3f4f6", "#1f2937"),
    "red": ("#fee2e2", "#991b1b"),
    "orange": ("#ffedd5", "#9a3412"),
    "amber": ("#fef3c7", "#92400e"),
    "green": ("#dcfce7", "#166534"),
    "teal": ("#ccfbf1", "#115e59"),
    "blue": ("#dbeafe", "#1e40af"),
    "indigo": ("#e0e7ff", "#3730a3"),
    "purple": ("#f3e8ff", "#6b21a8"),
    "pink": ("#fce7f3", "#9d174d"),
}
COLORS = tuple(PALETTE)


def color_view(color: str) -> dict[str, str]:
    background, text = PALETTE.get(color, PALETTE["gray"])
    return {"color": color, "background": background, "text": text}


def view(row: RowMapping) -> dict[str, Any]:
    """A label as clients see it: its colour's name and the chip's two colours."""
    return {"id": row["id"], "name": row["name"], **color_view(row["color"])}


def not_found() -> NotFound:
    return NotFound("no such label", code="label_not_found")


async def list_labels(ctx: Context, actor: Actor) -> dict[str, Any]:
    """Every label by name, and the palette; admins also get how many conversations carry
    each (what deleting it would touch)."""
    async with ctx.engine.connect() as conn:
        rows = await db.all_labels(conn)
        counts = await db.usage_counts(conn) if actor.is_admin else None
    out = []
    for row in rows:
        item = view(row)
        if counts is not None:
            item["conversations"] = counts.get(row["id"], 0)
        out.append(item)
    return {"labels": out, "colors": [color_view(c) for c in COLORS]}


def _fields(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    f = Fields(data)
    values: dict[str, Any] = {}
    name = f.text("name", required=not partial, max_len=NAME_MAX)
    if name is not None:
        values["name"] = " ".join(name.split())
        values["name_key"] = values["name"].casefold()[:NAME_MAX]
    color = f.choice("color", COLORS, required=not partial)
    if color is not None:
        values["color"] = color
    f.check()
    return values


def _taken(name: str) -> Conflict:
    return Conflict(f"there is already a label named {name!r}", code="label_name_taken",
                    fields={"name": "is already a label"})


async def create_label(ctx: Context, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    require_admin(actor)
    values = _fields(data, partial=False)
    now = utcnow()
    async with ctx.engine.begin() as conn:
        if await db.name_taken(conn, values["name_key"]):
            raise _taken(values["name"])
        try:
            label_id = await db.insert_label(conn, created_at=now, updated_at=now, **values)
        except IntegrityError:  # the same name, created concurrently
            raise _taken(values["name"]) from None
        row = await db.get(conn, label_id)
        assert row is not None
        await record(conn, actor, "label.create", "label", label_id,
                     {"name": row["name"], "color": row["color"]})
    return view(row)


async def update_label(ctx: Context, actor: Actor, label_id: int,
                       data: dict[str, Any]) -> dict[str, Any]:
    """Rename or recolour; the open conversations carrying it are told (their chips change)."""
    require_admin(actor)
    values = _fields(data, partial=True)
    async with ctx.engine.begin() as conn:
        old = await db.get(conn, label_id)
        if old is None:
            raise not_found()
        if "name_key" in values and await db.name_taken(conn, values["name_key"], label_id):
            raise _taken(values["name"])
        try:
            await db.update_label(conn, label_id, updated_at=utcnow(), **values)
        except IntegrityError:
            raise _taken(values["name"]) from None
        row = await db.get(conn, label_id)
        assert row is not None
        changed = sorted(k for k in ("name", "color") if row[k] != old[k])
        if changed:
            await record(conn, actor, "label.update", "label", label_id,
                         {"name": row["name"], "fields": changed})
        touched = await db.open_sessions_with(conn, label_id)
    await _republish(ctx, touched)
    return view(row)


async def delete_label(ctx: Context, actor: Actor, label_id: int) -> None:
    """Delete the label and take it off every conversation."""
    require_admin(actor)
    async with ctx.engine.begin() as conn:
        old = await db.get(conn, label_id)
        if old is None:
            raise not_found()
        touched = await db.open_sessions_with(conn, label_id)
        await db.delete_label(conn, label_id)
        await record(conn, actor, "label.delete", "label", label_id,
                     {"name": old["name"]})
    await _republish(ctx, touched)


async def _republish(ctx: Context, touched: Sequence[RowMapping]) -> None:
    """Tell the open inboxes the labels of these sessions now (after a rename or delete)."""
    if not touched:
        return
    async with ctx.engine.connect() as conn:
        now = await db.of_sessions(conn, [t["id"] for t in touched])
    for t in touched:
        await _publish(ctx, t["id"], t["widget_id"], now.get(t["id"], []))


async def _publish(ctx: Context, session_id: str, widget_id: int,
                   rows: Sequence[RowMapping]) -> None:
    await publish_frame(ctx, widget_channel(widget_id), {
        "type": "labels", "session_id": session_id, "labels": [view(r) for r in rows]})


async def set_on_session(ctx: Context, actor: Actor, session_id: str, label_id: int, *,
                         on: bool) -> list[dict[str, Any]]:
    """Add (on) or remove a label on a conversation the actor may see; the conversation's
    labels after. Adding twice or removing a label it does not carry changes nothing."""
    async with ctx.engine.begin() as conn:
        session = await access_session(conn, None, session_id, actor=actor, for_update=True)
        if on and await db.get(conn, label_id) is None:
            raise not_found()
        changed = (await db.add(conn, session["id"], label_id, utcnow()) if on
                   else await db.remove(conn, session["id"], label_id))
        rows = (await db.of_sessions(conn, [session["id"]])).get(session["id"], [])
    if changed:
        await _publish(ctx, session["id"], session["widget_id"], rows)
    return [view(r) for r in rows]


async def session_labels(ctx: Context, actor: Actor, session_id: str) -> list[dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        session = await access_session(conn, None, session_id, actor=actor)
        rows = (await db.of_sessions(conn, [session["id"]])).get(session["id"], [])
    return [view(r) for r in rows]


async def attach(conn: AsyncConnection, views: Sequence[dict[str, Any]]) -> None:
    """Give each session view (agents' views only) its `labels`, in one query."""
    found = await db.of_sessions(conn, [v["session_id"] for v in views])
    for v in views:
        v["labels"] = [view(r) for r in found.get(v["session_id"], [])]


async def attach_to(ctx: Context, views: Sequence[dict[str, Any]]) -> None:
    if views:
        async with ctx.engine.connect() as conn:
            await attach(conn, views)
