"""The tables of proactive messages (services/triggers.py, docs/widget.md): a widget's triggers
and their daily counts. Declared on the same metadata as db/schema.py, which imports them
(import them from there)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from chatserver.db.types import ID_TABLE_ARGS, TABLE_ARGS, Timestamp, metadata

# A widget's triggers: a short message shown by the launcher when the conditions hold. `kind`
# auto (the conditions alone) or js (also Parley.trigger(name)); the conditions are all
# optional and all must hold: the page URL (`url_match` contains | glob, `url_pattern`),
# seconds on the page, the percentage scrolled, a returning visitor (visitor tracking only).
widget_triggers = Table(
    "widget_triggers", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("widget_id", Integer, ForeignKey("widget_configs.id", ondelete="CASCADE"),
           nullable=False),
    Column("name", String(64), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("message", Text, nullable=False),
    Column("open_widget", Boolean, nullable=False, server_default="0"),
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("url_match", String(16), nullable=True),
    Column("url_pattern", String(500), nullable=True),
    Column("delay_s", Integer, nullable=True),
    Column("scroll_pct", Integer, nullable=True),
    Column("returning_visitor", Boolean, nullable=False, server_default="0"),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    UniqueConstraint("widget_id", "name"),
    **ID_TABLE_ARGS,
)

# How often each trigger was shown, opened (the chat opened from it) and answered (a
# conversation started from it), per UTC day: counts only, nothing about anyone.
trigger_counts = Table(
    "trigger_counts", metadata,
    Column("trigger_id", Integer, ForeignKey("widget_triggers.id", ondelete="CASCADE"),
           primary_key=True),
    Column("day", Date, primary_key=True),
    Column("shown", Integer, nullable=False, server_default="0"),
    Column("opened", Integer, nullable=False, server_default="0"),
    Column("answered", Integer, nullable=False, server_default="0"),
    **TABLE_ARGS,
)
