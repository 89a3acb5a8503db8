"""Canned responses: saved replies agents insert by typing "/" and a shortcut.

A canned response belongs to one widget (its owner or an admin manages it), to every widget
(global: admins manage those), or to one agent (personal: only they see and manage it). Every
agent lists the global ones, their widgets' ones and their own.

A change is published after its commit (`canned_saved`, `canned_deleted`) where exactly those
who may see the response listen: the owner's user channel, the widget's channel, or the channel
every agent socket joins (`agents`) for the global ones.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.bus import AGENTS_CHANNEL, user_channel, widget_channel
from chatserver.context import Context
from chatserver.db import canned as db
from chatserver.db import widgets as widgets_db
from chatserver.errors import Conflict, Forbidden, NotFound
from chatserver.services.access import (
    Actor,
    access_widget,
    require_admin,
    sees_widget,
    visible_widget_ids,
)
from chatserver.services.audit import record
from chatserver.services.publish import publish_frame
from chatserver.timeutil import iso, utcnow
from chatserver.validate import Fields

SHORTCUT_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
SHORTCUT_HELP = "1-32 lower-case letters, digits, '-' or '_', starting with a letter or digit"
TITLE_MAX = 100


def view(row: RowMapping) -> dict[str, Any]:
    scope = "personal" if row["owner_id"] is not None else (
        "widget" if row["widget_id"] is not None else "global")
    return {"id": row["id"], "site_key": row["site_key"], "shortcut": row["shortcut"],
            "title": row["title"], "text": row["text"], "created_by": row["created_by"],
            "created_at": iso(row["created_at"]), "updated_at": iso(row["updated_at"]),
            "scope": scope, "owner_id": row["owner_id"]}


def _channel(row: RowMapping) -> str:
    """Where those who may see the response listen."""
    if row["owner_id"] is not None:
        return user_channel(row["owner_id"])
    return AGENTS_CHANNEL if row["widget_id"] is None else widget_channel(row["widget_id"])


async def _saved(ctx: Context, row: RowMapping) -> dict[str, Any]:
    out = view(row)
    await publish_frame(ctx, _channel(row), {"type": "canned_saved", "canned": out})
    return out


async def list_canned(ctx: Context, actor: Actor, site_key: str | None = None) -> list[dict[str, Any]]:
    """The global responses and those of the actor's widgets (or of one widget)."""
    async with ctx.engine.connect() as conn:
        if site_key is not None:
            ids: list[int] | None = [(await access_widget(conn, actor, site_key))["id"]]
        else:
            ids = None if actor.is_admin else await visible_widget_ids(conn, actor)
        return [view(r) for r in await db.visible(conn, ids, actor.id)]


def _fields(ctx: Context, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    f = Fields(data)
    values: dict[str, Any] = {}
    shortcut = f.text("shortcut", required=not partial, max_len=32, pattern=SHORTCUT_RE,
                      pattern_help=SHORTCUT_HELP)
    if shortcut is not None:
        values["shortcut"] = shortcut
    title = f.text("title", max_len=TITLE_MAX)
    if title is not None:
        values["title"] = title
    text = f.text("text", required=not partial, multiline=True,
                  max_len=ctx.settings.max_message_chars)
    if text is not None:
        values["text"] = text
    f.check()
    return values


def _taken(shortcut: str) -> Conflict:
    return Conflict(f"/{shortcut} is already a canned response here", code="shortcut_taken",
                    fields={"shortcut": "is already used"})


async def _managed(conn: AsyncConnection, actor: Actor, canned_id: int) -> RowMapping:
    """The canned response if the actor may change it: 404 when they cannot see it."""
    row = await db.get(conn, canned_id)
    if row is None or (row["owner_id"] is not None and row["owner_id"] != actor.id):
        raise NotFound("no such canned response", code="canned_not_found")
    if row["owner_id"] is not None:
        return row
    if row["widget_id"] is None:
        require_admin(actor)
        return row
    widget = await widgets_db.by_id(conn, row["widget_id"])
    if widget is None or not await sees_widget(conn, actor, widget):
        raise NotFound("no such canned response", code="canned_not_found")
    if not (actor.is_admin or widget["owner_id"] == actor.id):
        raise Forbidden("only the widget's owner or an admin may change its canned responses",
                        code="not_owner")
    return row


async def _audit(conn: AsyncConnection, actor: Actor, action: str, row: RowMapping,
                 fields: list[str]) -> None:
    """The team's responses (a widget's, the global ones) are audited; a personal one is its
    owner's own business. An update that changes nothing is not."""
    if row["owner_id"] is None and (fields or action != "canned.update"):
        details: dict[str, Any] = {"shortcut": row["shortcut"], "widget_id": row["widget_id"]}
        await record(conn, actor, action, "canned", row["id"],
                     {**details, "fields": fields} if fields else details)


async def create_canned(ctx: Context, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    """A widget's (`site_key`), a global one (neither), or the actor's own (`personal`)."""
    f = Fields(data)
    site_key = f.text("site_key", max_len=64)
    personal = f.flag("personal") or False
    if personal and site_key:
        f.error("personal", "a personal response belongs to no widget: leave site_key out")
    if personal and actor.id is None:
        f.error("personal", "only a signed-in user has personal responses")
    f.check()
    values = _fields(ctx, data, partial=False)
    values.setdefault("title", "")
    values["title"] = values["title"] or values["shortcut"]
    now = utcnow()
    owner_id = actor.id if personal else None
    async with ctx.engine.begin() as conn:
        if site_key:
            widget_id: int | None = (await access_widget(conn, actor, site_key, manage=True))["id"]
        else:
            if not personal:
                require_admin(actor)
            widget_id = None
        if await db.shortcut_taken(conn, widget_id, values["shortcut"], owner_id=owner_id):
            raise _taken(values["shortcut"])
        try:
            canned_id = await db.insert_canned(conn, widget_id=widget_id, created_by=actor.id,
                                               owner_id=owner_id, created_at=now,
                                               updated_at=now, **values)
        except IntegrityError:  # the same shortcut, created concurrently
            raise _taken(values["shortcut"]) from None
        row = await db.get(conn, canned_id)
        assert row is not None
        await _audit(conn, actor, "canned.create", row, sorted(values))
    return await _saved(ctx, row)


async def update_canned(ctx: Context, actor: Actor, canned_id: int,
                        data: dict[str, Any]) -> dict[str, Any]:
    values = _fields(ctx, data, partial=True)
    async with ctx.engine.begin() as conn:
        row = await _managed(conn, actor, canned_id)
        if "shortcut" in values and await db.shortcut_taken(conn, row["widget_id"],
                                                            values["shortcut"], canned_id,
                                                            owner_id=row["owner_id"]):
            raise _taken(values["shortcut"])
        if values.get("title") == "":
            values["title"] = values.get("shortcut", row["shortcut"])
        await db.update_canned(conn, canned_id, updated_at=utcnow(), **values)
        updated = await db.get(conn, canned_id)
        assert updated is not None
        await _audit(conn, actor, "canned.update", updated,
                     sorted(k for k in values if updated[k] != row[k]))
    return await _saved(ctx, updated)


async def delete_canned(ctx: Context, actor: Actor, canned_id: int) -> None:
    async with ctx.engine.begin() as conn:
        row = await _managed(conn, actor, canned_id)
        await db.delete_canned(conn, canned_id)
        await _audit(conn, actor, "canned.delete", row, [])
    await publish_frame(ctx, _channel(row), {"type": "canned_deleted", "id": canned_id})
