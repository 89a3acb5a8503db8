"""Widgets: creating, reading, changing and deleting them, and who their agents are.

What a widget's fields may hold is in widget_form.py, its business hours in hours.py, and
the public config visitors load (cached) in widget_config.py.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.context import Context
from chatserver.db import uploads as uploads_db
from chatserver.db import users as users_db
from chatserver.db import widgets as db
from chatserver.errors import NotFound, ValidationError
from chatserver.services import upload_admin
from chatserver.services.access import Actor, access_widget, require_admin
from chatserver.services.audit import record
from chatserver.services.identity_secret import state as identity_state
from chatserver.services.users import public as public_user
from chatserver.services.widget_config import invalidate_config
from chatserver.services.widget_form import DEFAULTS, parse_widget
from chatserver.timeutil import iso, utcnow


def new_site_key() -> str:
    """192 random bits, URL-safe, never starting with '-' (a shell tool would read an option)."""
    while True:
        key = secrets.token_urlsafe(24)
        if not key.startswith("-"):
            return key


def serialize(row: RowMapping) -> dict[str, Any]:
    return {
        "id": row["id"],
        "site_key": row["site_key"],
        "owner_id": row["owner_id"],
        **{k: row[k] for k in DEFAULTS},
        "text_overrides": row["text_overrides"] or {},  # NULL on widgets older than 0019
        **identity_state(row),
        "created_at": iso(row["created_at"]),
        "updated_at": iso(row["updated_at"]),
    }


async def widget_row(ctx: Context, site_key: str) -> RowMapping:
    """A widget by its (public) site key, for visitor-facing actions."""
    async with ctx.engine.connect() as conn:
        row = await db.by_site_key(conn, site_key)
    if row is None:
        raise NotFound("no such widget", code="widget_not_found")
    return row


async def demo_site_key(ctx: Context, prefer_name: str) -> str | None:
    """The widget the demo page embeds: the one whose business name is `prefer_name`, else
    the first; None when there is no widget."""
    async with ctx.engine.connect() as conn:
        rows = await db.list_widgets(conn)
    chosen = [w for w in rows if w["business_name"] == prefer_name] or rows
    return str(chosen[0]["site_key"]) if chosen else None


async def create_widget(ctx: Context, actor: Actor, data: dict[str, Any], *,
                        owner_id: int | None = None) -> dict[str, Any]:
    """A new widget, owned by `owner_id` (default: the actor)."""
    given = parse_widget(data)
    values = {**DEFAULTS, **given}
    now = utcnow()
    async with ctx.engine.begin() as conn:
        widget_id = await db.insert_widget(conn, site_key=new_site_key(),
                                           owner_id=actor.id if owner_id is None else owner_id,
                                           created_at=now, updated_at=now, **values)
        row = await db.by_id(conn, widget_id)
        assert row is not None
        await record(conn, actor, "widget.create", "widget", row["site_key"],
                     {"name": row["business_name"], "fields": sorted(given)})
    return serialize(row)


async def list_widgets(ctx: Context, actor: Actor) -> list[dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        rows = await db.list_widgets(conn, user_id=None if actor.is_admin else actor.id)
    return [serialize(r) for r in rows]


async def get_widget(ctx: Context, actor: Actor, site_key: str) -> dict[str, Any]:
    async with ctx.engine.connect() as conn:
        return serialize(await access_widget(conn, actor, site_key))


async def update_widget(ctx: Context, actor: Actor, site_key: str,
                        data: dict[str, Any]) -> dict[str, Any]:
    values = parse_widget(data)
    async with ctx.engine.begin() as conn:
        row = await access_widget(conn, actor, site_key, manage=True)
        changed = sorted(k for k, v in values.items() if row[k] != v)
        if values:
            await db.update_widget(conn, row["id"], updated_at=utcnow(), **values)
        if changed:
            await record(conn, actor, "widget.update", "widget", site_key,
                         {"name": row["business_name"], "fields": changed})
        if "retention_days" in changed:
            await record(conn, actor, "widget.retention_update", "widget", site_key,
                         {"name": row["business_name"], "from": row["retention_days"],
                          "to": values["retention_days"]})
        new = await db.by_id(conn, row["id"])
    invalidate_config(ctx, site_key)
    assert new is not None
    return serialize(new)


async def delete_widget(ctx: Context, actor: Actor, site_key: str) -> None:
    async with ctx.engine.begin() as conn:
        row = await access_widget(conn, actor, site_key, manage=True)
        files = uploads_db.keys(await uploads_db.of_widget(conn, row["id"]))
        await db.delete_widget(conn, row["id"])  # the uploads' rows go with it (cascade)
        await record(conn, actor, "widget.delete", "widget", site_key,
                     {"name": row["business_name"]})
    await upload_admin.delete_objects(ctx, files)
    invalidate_config(ctx, site_key)


async def list_agents(ctx: Context, actor: Actor, site_key: str) -> list[dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        row = await access_widget(conn, actor, site_key)
        return [public_user(u) for u in await db.members(conn, row["id"])]


async def set_agent(ctx: Context, actor: Actor, site_key: str, user_id: int,
                    member: bool) -> bool:
    """Add (member=True) or remove an agent; returns whether anything changed."""
    require_admin(actor)
    async with ctx.engine.begin() as conn:
        row = await access_widget(conn, actor, site_key, manage=True)
        user = await users_db.get(conn, user_id)
        if user is None:
            raise NotFound("no such user", code="user_not_found")
        changed = await (db.add_member if member else db.remove_member)(conn, row["id"], user_id)
        if changed:
            await record(conn, actor, "widget.agent_add" if member else "widget.agent_remove",
                         "widget", site_key, {"name": row["business_name"], "user_id": user_id,
                                              "username": user["username"]})
    ctx.staff_cache.pop(site_key, None)
    return changed


def snippet(base_url: str, site_key: str) -> str:
    base = base_url.rstrip("/")
    return f'<script src="{base}/widget.js" data-site-key="{site_key}" async></script>'


def check_site_key_shape(site_key: str) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", site_key):
        raise ValidationError("not a site key", code="widget_not_found")
