"""Operator tasks shared by the CLI and the admin API: stats, pruning, the demo."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from chatserver.context import Context
from chatserver.db import maintenance as db
from chatserver.db import stats as stats_db
from chatserver.db import users as users_db
from chatserver.db import widgets as widgets_db
from chatserver.demo_knowledge import demo_entries
from chatserver.services import knowledge, upload_admin, users, widgets
from chatserver.services.access import OPERATOR, Actor, visible_widget_ids
from chatserver.timeutil import utcnow

PRUNE_BATCH = 500


async def stats(ctx: Context, actor: Actor = OPERATOR,
                since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
    """Conversations per widget (all time, or those started in [since, until)), with totals."""
    async with ctx.engine.connect() as conn:
        ids = None if actor.is_admin else await visible_widget_ids(conn, actor)
        rows = await stats_db.per_widget(conn, ids, since, until)
    return {"totals": stats_db.totals(rows), "widgets": rows}


async def prune(ctx: Context, older_than: timedelta, *, dry_run: bool = False,
                progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Delete closed/abandoned sessions older than the cutoff, with their messages and files,
    in batches."""
    cutoff = utcnow() - older_than
    async with ctx.engine.connect() as conn:
        total_sessions, total_messages = await db.count_prunable(conn, cutoff)
    if dry_run or total_sessions == 0:
        return {"sessions": total_sessions, "messages": total_messages}
    done_s = done_m = 0
    while True:
        async with ctx.engine.begin() as conn:
            n_s, n_m, keys = await db.prune_batch(conn, cutoff, PRUNE_BATCH)
        await upload_admin.delete_objects(ctx, keys)  # the files, once their rows are gone
        if n_s == 0:
            break
        done_s, done_m = done_s + n_s, done_m + n_m
        if progress:
            progress(done_s, total_sessions)
    return {"sessions": done_s, "messages": done_m}


DEMO_ADMIN = {"username": "admin", "email": "admin@parley.local",
              "password": "parley-admin-demo", "display_name": "Ada"}
DEMO_AGENT = {"username": "agent", "email": "agent@parley.local",
              "password": "parley-agent-demo", "display_name": "Alex"}
DEMO_WIDGET = "Parley Demo"


async def demo(ctx: Context) -> dict[str, Any]:
    """Create a demo admin, agent and widget, and the widget's knowledge base (when it has no
    entries), unless they exist; say what exists."""
    created: list[str] = []
    found: dict[str, dict[str, Any]] = {}
    for role, spec in (("admin", DEMO_ADMIN), ("agent", DEMO_AGENT)):
        async with ctx.engine.connect() as conn:
            row = await users_db.by_email(conn, spec["email"])
        if row is None:
            found[role] = await users.create_user(
                ctx, username=spec["username"], email=spec["email"], password=spec["password"],
                display_name=spec["display_name"], role=role, actor=OPERATOR)
            created.append(f"{role} user")
        else:
            found[role] = users.public(row)
    admin = Actor(id=found["admin"]["id"], role="admin")
    async with ctx.engine.connect() as conn:
        existing = [w for w in await widgets_db.list_widgets(conn)
                    if w["business_name"] == DEMO_WIDGET]
    if existing:
        widget = widgets.serialize(existing[0])
    else:
        widget = await widgets.create_widget(ctx, OPERATOR, owner_id=admin.id, data={
            "business_name": DEMO_WIDGET, "widget_title": "Parley Demo",
            "welcome_message": "Hi! I'm the Parley demo assistant. Ask me about Parley, "
                               "or ask for a person.",
        })
        created.append("widget")
    await widgets.set_agent(ctx, OPERATOR, widget["site_key"], found["agent"]["id"], True)
    entries = await knowledge.list_entries(ctx, admin, widget["site_key"])
    if not entries:
        entries = await knowledge.add_entries(ctx, admin, widget["site_key"], demo_entries())
        created.append(f"knowledge base of {len(entries)} entries")
    return {"created": created, "admin": found["admin"], "agent": found["agent"],
            "widget": widget, "knowledge_entries": len(entries),
            "credentials": {"admin": (DEMO_ADMIN["email"], DEMO_ADMIN["password"]),
                            "agent": (DEMO_AGENT["email"], DEMO_AGENT["password"])}}
