"""The tables of the privacy features (docs/privacy.md): visitors and their device tokens, the
audit log of admin actions and the visitor's context. Declared on the same metadata as
db/schema.py, which imports them (import them from there)."""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from chatserver.db.types import ID_TABLE_ARGS, TABLE_ARGS, BigId, Timestamp, metadata

# The audit log of admin actions (services/audit.py, docs/privacy.md): one row per change,
# written in the change's own transaction. The actor's name is kept as it was (the user may be
# renamed or deleted later); `details` names changed fields, never a secret's value. Kept
# until deleted by hand: Parley never prunes it.
audit_log = Table(
    "audit_log", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("created_at", Timestamp, nullable=False),
    Column("actor_type", String(16), nullable=False),  # user | chatctl | system
    Column("actor_id", Integer, nullable=True),  # the user; no foreign key, the row outlives them
    Column("actor_name", String(100), nullable=False),  # username, or the OS user at chatctl
    Column("action", String(64), nullable=False),  # stable and dotted: widget.update
    Column("target_type", String(32), nullable=False),
    Column("target_id", String(64), nullable=True),
    Column("details", JSON, nullable=False),
    Column("ip", String(45), nullable=True),  # the client's address (REST)
    Index(None, "created_at"),
    Index(None, "actor_id", "created_at"),
    Index(None, "target_type", "target_id"),
    **ID_TABLE_ARGS,
)


# What the widget tells about its visitor from their first interaction on
# (services/visitor_context.py, docs/privacy.md): time zone, language, referrer, the pages
# viewed since (the newest CONTEXT_PAGES_MAX) and the site's custom attributes. One row per
# conversation, deleted with it.
session_context = Table(
    "session_context", metadata,
    Column("session_id", String(36), ForeignKey("sessions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("timezone", String(64), nullable=True),
    Column("language", String(35), nullable=True),
    Column("referrer", String(500), nullable=True),
    Column("pages", JSON, nullable=False),
    Column("attributes", JSON, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    **TABLE_ARGS,
)


# A visitor of one widget (services/visitors.py, docs/privacy.md): their conversations
# (sessions.visitor_id) and device tokens belong to it. Anonymous (`user_id` NULL: one browser,
# known by its device token) or verified: `user_id` is the site's user id from a signed
# identity token (docs/identity.md), one visitor per widget and user id, so every device that
# identifies as them finds the same conversations. `name` and `email` are the latest the
# visitor gave (or the token said).
visitors = Table(
    "visitors", metadata,
    Column("id", String(36), primary_key=True),
    Column("widget_id", Integer, ForeignKey("widget_configs.id", ondelete="CASCADE"),
           nullable=False),
    Column("user_id", String(255), nullable=True),
    Column("name", String(100), nullable=True),
    Column("email", String(255), nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("last_seen_at", Timestamp, nullable=False),
    UniqueConstraint("widget_id", "user_id"),
    Index(None, "email"),
    **TABLE_ARGS,
)

# A visitor's device tokens (one per browser; the widget keeps it in localStorage): each opens
# every conversation of its visitor. Deleted with the visitor.
visitor_tokens = Table(
    "visitor_tokens", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("visitor_id", String(36), ForeignKey("visitors.id", ondelete="CASCADE"),
           nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", Timestamp, nullable=False),
    Index(None, "visitor_id"),
    **ID_TABLE_ARGS,
)
