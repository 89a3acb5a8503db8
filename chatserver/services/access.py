"""Who is asking, and the one place that checks what they may touch.

Anything a user asks for by id goes through an ``access_*`` helper here. An object that exists
but belongs to somebody else is reported as not found, never as forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db import widgets as widgets_db
from chatserver.errors import Forbidden, NotFound


@dataclass(frozen=True)
class Actor:
    """A signed-in user, or the operator at the CLI (id None, admin rights)."""

    id: int | None
    role: str
    display_name: str = ""

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


OPERATOR = Actor(id=None, role="admin", display_name="operator")


def require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise Forbidden("only an admin may do that", code="admin_required")


async def access_widget(conn: AsyncConnection, actor: Actor, site_key: str, *,
                        manage: bool = False) -> RowMapping:
    """The widget if the actor may see it (manage: may change it); 404 otherwise.

    Admins see and manage every widget; owners manage their own; agents of a widget see it.
    """
    row = await widgets_db.by_site_key(conn, site_key)
    if row is None:
        raise NotFound("no such widget", code="widget_not_found")
    if actor.is_admin or (actor.id is not None and row["owner_id"] == actor.id):
        return row
    if actor.id is not None and await widgets_db.is_member(conn, row["id"], actor.id):
        if manage:
            raise Forbidden("only the widget's owner or an admin may change it",
                            code="not_owner")
        return row
    raise NotFound("no such widget", code="widget_not_found")


async def visible_widget_ids(conn: AsyncConnection, actor: Actor) -> list[int]:
    return await widgets_db.visible_widget_ids(conn, None if actor.is_admin else actor.id)
