"""Saved views: an agent's history filters kept under a name, theirs alone.

A view's `filters` are the history's parameters (services/history_filters.py), checked when
saved and kept in their normal form, so picking a view gives the same request as the filters
did. Another user's view is not found, whoever asks (admins included).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.context import Context
from chatserver.db import saved_views as db
from chatserver.errors import Conflict, Forbidden, NotFound, ValidationError
from chatserver.services import history_filters
from chatserver.services.access import Actor
from chatserver.timeutil import iso, utcnow
from chatserver.validate import Fields

NAME_MAX = 60
# Views one user may keep: a list to pick from, not a store.
VIEWS_MAX = 50


def view(row: RowMapping) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "filters": row["filters"],
            "created_at": iso(row["created_at"]), "updated_at": iso(row["updated_at"])}


def _owner(actor: Actor) -> int:
    """Views are a signed-in user's (the CLI's operator has none)."""
    if actor.id is None:
        raise Forbidden("saved views belong to a signed-in user", code="user_required")
    return actor.id


def not_found() -> NotFound:
    return NotFound("no such saved view", code="view_not_found")


async def list_views(ctx: Context, actor: Actor) -> list[dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        return [view(r) for r in await db.of_user(conn, _owner(actor))]


def _fields(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    f = Fields(data)
    values: dict[str, Any] = {}
    name = f.text("name", required=not partial, max_len=NAME_MAX)
    f.check()
    if name is not None:
        values["name"] = name
    if "filters" in data or not partial:
        args = history_filters.from_saved(data.get("filters", {}))
        values["filters"] = history_filters.normal(args)
    return values


async def _name_taken(conn: AsyncConnection, user_id: int, name: str,
                      except_id: int | None = None) -> bool:
    return any(r["name"].casefold() == name.casefold() and r["id"] != except_id
               for r in await db.of_user(conn, user_id))


def _taken(name: str) -> Conflict:
    return Conflict(f"you already have a view named {name!r}", code="view_name_taken",
                    fields={"name": "is already one of your views"})


async def create_view(ctx: Context, actor: Actor, data: dict[str, Any]) -> dict[str, Any]:
    values = _fields(data, partial=False)
    now = utcnow()
    async with ctx.engine.begin() as conn:
        mine = await db.of_user(conn, _owner(actor))
        if len(mine) >= VIEWS_MAX:
            raise ValidationError(f"you may keep at most {VIEWS_MAX} views",
                                  code="too_many_views")
        if await _name_taken(conn, _owner(actor), values["name"]):
            raise _taken(values["name"])
        try:
            view_id = await db.insert_view(conn, user_id=_owner(actor), created_at=now,
                                           updated_at=now, **values)
        except IntegrityError:
            raise _taken(values["name"]) from None
        row = await db.get(conn, _owner(actor), view_id)
    assert row is not None
    return view(row)


async def update_view(ctx: Context, actor: Actor, view_id: int,
                      data: dict[str, Any]) -> dict[str, Any]:
    values = _fields(data, partial=True)
    async with ctx.engine.begin() as conn:
        if await db.get(conn, _owner(actor), view_id) is None:
            raise not_found()
        if "name" in values and await _name_taken(conn, _owner(actor), values["name"], view_id):
            raise _taken(values["name"])
        try:
            await db.update_view(conn, view_id, updated_at=utcnow(), **values)
        except IntegrityError:
            raise _taken(values["name"]) from None
        row = await db.get(conn, _owner(actor), view_id)
    assert row is not None
    return view(row)


async def delete_view(ctx: Context, actor: Actor, view_id: int) -> None:
    async with ctx.engine.begin() as conn:
        if await db.get(conn, _owner(actor), view_id) is None:
            raise not_found()
        await db.delete_view(conn, view_id)
