"""SQL for the team's notifications (services/team_notify.py, services/digest.py): who of a
widget's team hears about it, what they chose, and which conversations they missed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from chatserver.db.messages import preview
from chatserver.db.schema import messages, outbox, sessions, users, widget_agents, widget_configs

# The system message that `chat.leave_email` adds carries this client_msg_id prefix: its
# time is when the email was left, its seq what an agent's answer must follow.
EMAIL_LEFT_PREFIX = "sys-email-"


async def prefs(conn: AsyncConnection, user_id: int, *, for_update: bool = False) -> Any:
    stmt = select(users.c.notify_prefs).where(users.c.id == user_id)
    if for_update:
        stmt = stmt.with_for_update()
    return (await conn.execute(stmt)).scalar_one_or_none()


async def set_prefs(conn: AsyncConnection, user_id: int, value: dict[str, bool]) -> None:
    await conn.execute(update(users).where(users.c.id == user_id).values(notify_prefs=value))


def _on_team(user_id: Any) -> Any:
    """A condition on widget_configs: this user is one of its agents or its owner."""
    member = exists().where(widget_agents.c.widget_id == widget_configs.c.id,
                            widget_agents.c.user_id == user_id)
    return or_(widget_configs.c.owner_id == user_id, member)


async def team(conn: AsyncConnection, widget_id: int) -> list[RowMapping]:
    """The widget's team: its agents and its owner, by id."""
    members = select(widget_agents.c.user_id).where(widget_agents.c.widget_id == widget_id)
    owner = select(widget_configs.c.owner_id).where(widget_configs.c.id == widget_id)
    stmt = select(users).where(or_(users.c.id.in_(members), users.c.id.in_(owner))) \
        .order_by(users.c.id)
    return list((await conn.execute(stmt)).mappings())


async def team_widgets(conn: AsyncConnection, user_id: int) -> list[RowMapping]:
    """The widgets whose team this user is on."""
    stmt = select(widget_configs).where(_on_team(user_id)).order_by(widget_configs.c.id)
    return list((await conn.execute(stmt)).mappings())


async def on_some_team(conn: AsyncConnection) -> list[RowMapping]:
    """Every user on at least one widget's team, by id."""
    members = select(widget_agents.c.user_id)
    owners = select(widget_configs.c.owner_id).where(widget_configs.c.owner_id.is_not(None))
    stmt = select(users).where(or_(users.c.id.in_(members), users.c.id.in_(owners))) \
        .order_by(users.c.id)
    return list((await conn.execute(stmt)).mappings())


async def conversation(conn: AsyncConnection, session_id: str, limit: int) -> list[RowMapping]:
    """The last `limit` messages of visitor, AI and agents (no system events), oldest first."""
    # A message of files alone reads as a file's name (db.messages.preview).
    stmt = (select(*[c for c in messages.c if c.name != "text"], preview().label("text"))
            .where(messages.c.session_id == session_id, messages.c.sender_type != "system")
            .order_by(messages.c.seq.desc()).limit(limit))
    return list(reversed(list((await conn.execute(stmt)).mappings())))


async def first_visitor_message(conn: AsyncConnection, session_id: str) -> str | None:
    stmt = (select(preview()).where(messages.c.session_id == session_id,
                                    messages.c.sender_type == "visitor")
            .order_by(messages.c.seq).limit(1))
    return (await conn.execute(stmt)).scalar_one_or_none()


async def email_notified_since(conn: AsyncConnection, session_id: str, since: datetime) -> bool:
    """Whether the team was told (or is about to be) that this visitor left an email, at
    or after `since`."""
    stmt = select(outbox.c.id).where(outbox.c.session_id == session_id,
                                     outbox.c.kind == "notify_offline_email",
                                     outbox.c.status.in_(("pending", "sent")),
                                     outbox.c.created_at >= since).limit(1)
    return (await conn.execute(stmt)).first() is not None


async def missed(conn: AsyncConnection, widget_ids: list[int], since: datetime,
                 until: datetime, limit: int) -> list[RowMapping]:
    """Conversations of these widgets missed in [since, until): handed to a person and never
    accepted (still waiting, or the visitor left), or an email left that no agent's message
    has answered since. Each with its widget's name; oldest first; at most `limit`."""
    if not widget_ids:
        return []
    left = messages.alias("left")
    answer = messages.alias("answer")
    never_accepted = and_(sessions.c.escalated_at >= since, sessions.c.escalated_at < until,
                          sessions.c.accepted_at.is_(None))
    unanswered_email = and_(sessions.c.offline_email.is_not(None), exists().where(
        left.c.session_id == sessions.c.id, left.c.sender_type == "system",
        left.c.client_msg_id.like(EMAIL_LEFT_PREFIX + "%"),
        left.c.created_at >= since, left.c.created_at < until,
        ~exists().where(answer.c.session_id == sessions.c.id,
                        answer.c.sender_type == "agent", answer.c.seq > left.c.seq)))
    stmt = (select(sessions, widget_configs.c.business_name.label("widget_name"))
            .join(widget_configs, widget_configs.c.id == sessions.c.widget_id)
            .where(sessions.c.widget_id.in_(widget_ids), or_(never_accepted, unanswered_email))
            .order_by(sessions.c.created_at, sessions.c.id).limit(limit))
    return list((await conn.execute(stmt)).mappings())
