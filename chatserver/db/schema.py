"""The schema, declared once (SQLAlchemy Core). Alembic migrations in migrations/ follow it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Computed,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from chatserver.db.types import ID_TABLE_ARGS, TABLE_ARGS, BigId, Blob, Timestamp
from chatserver.db.types import metadata as metadata  # what migrations and tests read here

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("email", String(255), nullable=False, unique=True),
    Column("password_hash", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("display_name", String(100), nullable=False),
    # Bumped on logout, password or role change: every token carrying an older one is refused.
    Column("token_version", Integer, nullable=False, server_default="0"),
    # Random, set when the user is made and never changed: every token carries it, so a token
    # is this user's, not whoever holds the id after them.
    Column("token_key", String(32), nullable=False),
    Column("max_chats", Integer, nullable=True),
    # Which team emails the user gets ({"waiting": true, ...}); NULL = the defaults
    # (services/notify_prefs.py).
    Column("notify_prefs", JSON, nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("last_login_at", Timestamp, nullable=True),
    # The user's avatar (services/avatars.py): a random id, new on each upload, that names
    # the stored image and its public URL /api/avatars/<id>; NULL = none.
    Column("avatar_id", String(32), nullable=True),
    Index(None, "avatar_id", unique=True),
    **ID_TABLE_ARGS,
)

login_failures = Table(
    "login_failures", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Index(None, "key", "created_at"),
    **ID_TABLE_ARGS,
)

widget_configs = Table(
    "widget_configs", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_key", String(64), nullable=False, unique=True),
    Column("owner_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("business_name", String(100), nullable=False),
    Column("widget_title", String(100), nullable=False),
    Column("welcome_message", String(1000), nullable=False),
    Column("primary_color", String(7), nullable=False),
    Column("secondary_color", String(7), nullable=False),
    Column("position", String(16), nullable=False),
    Column("enable_prechat_form", Boolean, nullable=False),
    Column("prechat_fields", JSON, nullable=False),
    Column("allowed_origins", JSON, nullable=False),
    Column("business_hours", JSON, nullable=True),
    Column("timezone", String(64), nullable=False),
    # The widget's default language (en es fr de pt it nl ar), also its emails' (en es fr de,
    # else English).
    Column("language", String(16), nullable=False, server_default="en"),
    Column("ai_enabled", Boolean, nullable=False),
    # Visitors may attach files (agents always may).
    Column("visitor_uploads", Boolean, nullable=False, server_default="1"),
    # Hide the launcher when nobody is online outside business hours (docs/widget.md).
    Column("hide_when_offline", Boolean, nullable=False, server_default="0"),
    Column("ai_settings", JSON, nullable=False),
    # Identity verification (docs/identity.md; secrets encrypted: services/identity_secret.py).
    Column("identity_secret", String(255), nullable=True),
    Column("identity_secret_previous", String(255), nullable=True),
    Column("identity_previous_until", Timestamp, nullable=True),
    Column("enforce_identity", Boolean, nullable=False, server_default="0"),
    Column("require_identity", Boolean, nullable=False, server_default="0"),
    # Conversations ended more than this many days ago are erased (services/retention.py,
    # docs/privacy.md); NULL = kept until deleted by hand.
    Column("retention_days", Integer, nullable=True),
    # Visitor tracking (docs/privacy.md): the widget reports page views before any
    # interaction, for the live list of visitors. Off by default.
    Column("visitor_tracking", Boolean, nullable=False, server_default="0"),
    # The admin's texts instead of the widget's defaults, {lang: {key: text}}
    # (services/widget_texts.py, docs/widget.md); NULL: none.
    Column("text_overrides", JSON, nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Index(None, "owner_id"),
    **ID_TABLE_ARGS,
)

widget_agents = Table(
    "widget_agents", metadata,
    Column("widget_id", Integer, ForeignKey("widget_configs.id", ondelete="CASCADE"),
           primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Index(None, "user_id"),
    **TABLE_ARGS,
)

sessions = Table(
    "sessions", metadata,
    Column("id", String(36), primary_key=True),
    Column("widget_id", Integer, ForeignKey("widget_configs.id", ondelete="CASCADE"),
           nullable=False),
    Column("visitor_token_hash", String(64), nullable=False),
    Column("visitor_name", String(100), nullable=True),
    Column("visitor_email", String(255), nullable=True),
    Column("visitor_info", JSON, nullable=False),
    # The site's server signed who the visitor is (docs/identity.md): their user id there.
    Column("visitor_verified", Boolean, nullable=False, server_default="0"),
    Column("visitor_user_id", String(255), nullable=True),
    # Whose conversation this is (tables_privacy.visitors); NULL once the visitor is erased.
    Column("visitor_id", String(36), ForeignKey("visitors.id", ondelete="SET NULL"),
           nullable=True),
    Column("status", String(16), nullable=False),
    Column("ai_mode", Boolean, nullable=False),
    Column("assigned_agent_id", Integer, ForeignKey("users.id", ondelete="SET NULL"),
           nullable=True),
    Column("escalation_reason", String(32), nullable=True),
    Column("last_seq", Integer, nullable=False, server_default="0"),
    Column("rating", SmallInteger, nullable=True),
    # The visitor's optional words with the rating (erased with the rest of the session).
    Column("rating_comment", String(500), nullable=True),
    Column("resolution", String(16), nullable=True),
    Column("closed_by", String(16), nullable=True),
    Column("close_note", String(2000), nullable=True),
    Column("offline_email", String(255), nullable=True),
    Column("offline_note", String(2000), nullable=True),
    # The highest seq the visitor said they saw (a `seen` frame), and the highest agent
    # message seq mailed to them: agent messages above both are what an email would carry.
    Column("visitor_seen_seq", Integer, nullable=False, server_default="0"),
    Column("mailed_seq", Integer, nullable=False, server_default="0"),
    Column("created_at", Timestamp, nullable=False),
    Column("last_activity_at", Timestamp, nullable=False),
    Column("escalated_at", Timestamp, nullable=True),
    Column("accepted_at", Timestamp, nullable=True),
    Column("first_agent_reply_at", Timestamp, nullable=True),
    Column("closed_at", Timestamp, nullable=True),
    # The visitor while the conversation is open (OPEN in domain.py), else NULL: its unique
    # index lets a visitor have at most one open conversation, decided by the database.
    Column("open_visitor_id", String(36), Computed(
        "CASE WHEN status IN ('active', 'waiting', 'assigned') THEN visitor_id END",
        persisted=False)),
    # When the visitor's data was erased (services/privacy.py): the row stays, every personal
    # field blanked, so that analytics still count the conversation.
    Column("erased_at", Timestamp, nullable=True),
    Index(None, "widget_id", "status"),
    Index(None, "visitor_id", "created_at"),
    Index(None, "open_visitor_id", unique=True),
    Index(None, "status", "escalated_at"),
    Index(None, "assigned_agent_id", "status"),
    Index(None, "closed_at"),
    **TABLE_ARGS,
)

messages = Table(
    "messages", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("session_id", String(36), ForeignKey("sessions.id", ondelete="CASCADE"),
           nullable=False),
    Column("seq", Integer, nullable=False),
    Column("client_msg_id", String(64), nullable=False),
    Column("sender_type", String(8), nullable=False),
    Column("sender_id", Integer, nullable=True),
    Column("sender_name", String(100), nullable=True),
    Column("text", Text, nullable=False),
    # Facts about an AI answer: {"no_match": true} when it did not know, the entries it used.
    Column("meta", JSON, nullable=True),
    Column("created_at", Timestamp, nullable=False),
    UniqueConstraint("session_id", "seq"),
    UniqueConstraint("session_id", "client_msg_id"),
    **ID_TABLE_ARGS,
)

# Where entries come from besides typing them (services/knowledge_sources.py): a web page, a
# site (its sitemap or its links) or an uploaded document. A sync replaces the source's
# entries by what it finds now (keeping the vectors of unchanged ones); `status` and
# `done`/`total` are its progress, `result` what the last sync added, changed and removed.
# A process syncing holds `lease_until`; another process takes a lapsed lease over.
kb_sources = Table(
    "kb_sources", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("widget_id", Integer, ForeignKey("widget_configs.id", ondelete="CASCADE"),
           nullable=False),
    Column("kind", String(16), nullable=False),  # "page", "sitemap", "site" or "file"
    Column("url", String(2000), nullable=True),  # the page, sitemap or start URL
    Column("name", String(255), nullable=False),  # the file's name, or the URL's host and path
    Column("file_key", String(255), nullable=True),  # the stored document (a file source)
    Column("max_pages", Integer, nullable=False),
    Column("sync_hours", Integer, nullable=True),  # re-sync every N hours; None: by hand
    Column("status", String(16), nullable=False),  # queued, syncing, ready, failed
    Column("done", Integer, nullable=False, server_default="0"),
    Column("total", Integer, nullable=False, server_default="0"),
    Column("error_code", String(64), nullable=True),
    Column("error", String(1000), nullable=True),
    Column("result", JSON, nullable=True),
    Column("lease_until", Timestamp, nullable=True),
    Column("synced_at", Timestamp, nullable=True),
    Column("next_sync_at", Timestamp, nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Index(None, "widget_id"),
    Index(None, "next_sync_at"),
    **ID_TABLE_ARGS,
)

kb_entries = Table(
    "kb_entries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("widget_id", Integer, ForeignKey("widget_configs.id", ondelete="CASCADE"),
           nullable=False),
    Column("kind", String(16), nullable=False),  # "qa" (question/answer) or "article"
    Column("title", String(500), nullable=False),  # the question, or the article's title
    Column("body", Text, nullable=False),  # the answer, or the article's text
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    # Imported from a source (its page's URL; the hash of title + body tells a re-sync what
    # changed); typed entries have neither.
    Column("source_id", Integer, ForeignKey("kb_sources.id", ondelete="CASCADE"),
           nullable=True),
    Column("url", String(2000), nullable=True),
    Column("content_hash", String(64), nullable=True),
    # "draft" (saved from an agent's reply, not used by the AI until an admin publishes it)
    # or "published"; a draft keeps the conversation it came from.
    Column("status", String(16), nullable=False, server_default="published"),
    Column("origin_session_id", String(36), ForeignKey("sessions.id", ondelete="SET NULL"),
           nullable=True),
    Index(None, "widget_id"),
    Index(None, "source_id"),
    **ID_TABLE_ARGS,
)

# A knowledge-base entry's passage vectors (chatserver/ai/embedding.py): one row per text of
# `dense_texts(entry)`, float32 bytes; `model` says which model made it (another model's rows
# are recomputed). Deleted with the entry, and when the entry changes.
kb_embeddings = Table(
    "kb_embeddings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("entry_id", Integer, ForeignKey("kb_entries.id", ondelete="CASCADE"),
           nullable=False),
    Column("passage", Integer, nullable=False),  # position in dense_texts(entry)
    Column("model", String(100), nullable=False),
    Column("vector", Blob, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    UniqueConstraint("entry_id", "passage"),
    **ID_TABLE_ARGS,
)

ai_usage = Table(
    "ai_usage", metadata,
    Column("widget_id", Integer, ForeignKey("widget_configs.id", ondelete="CASCADE"),
           primary_key=True),
    Column("day", Date, primary_key=True),
    Column("requests", Integer, nullable=False, server_default="0"),
    Column("tokens_in", BigInteger, nullable=False, server_default="0"),
    Column("tokens_out", BigInteger, nullable=False, server_default="0"),
    **TABLE_ARGS,
)

# Saved replies agents insert with "/" in the inbox: one widget's (widget_id), everyone's
# (widget_id and owner_id NULL) or one agent's own (owner_id: seen by them only). The
# shortcut is what agents type after "/".
canned_responses = Table(
    "canned_responses", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("widget_id", Integer, ForeignKey("widget_configs.id", ondelete="CASCADE"),
           nullable=True),
    Column("shortcut", String(32), nullable=False),
    Column("title", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_by", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    Column("owner_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=True),
    UniqueConstraint("widget_id", "shortcut"),
    Index(None, "owner_id"),
    **ID_TABLE_ARGS,
)

# More visitor tokens of a session, one per device (a conversation link opened elsewhere):
# the first is sessions.visitor_token_hash; issuing one never revokes another.
session_tokens = Table(
    "session_tokens", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("session_id", String(36), ForeignKey("sessions.id", ondelete="CASCADE"),
           nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", Timestamp, nullable=False),
    Index(None, "session_id"),
    **ID_TABLE_ARGS,
)

# The durable outbox (services/outbox.py): everything Parley sends to another system (email
# now, webhooks later) is a row written in the same transaction as its cause, and sent by
# whichever process claims it first. `key` makes a cause enqueue once; `message_id` is the
# email's stable Message-ID.
outbox = Table(
    "outbox", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("key", String(191), nullable=False, unique=True),
    Column("session_id", String(36), ForeignKey("sessions.id", ondelete="CASCADE"),
           nullable=True),
    Column("widget_id", Integer, ForeignKey("widget_configs.id", ondelete="CASCADE"),
           nullable=True),
    Column("recipient", String(255), nullable=True),
    Column("payload", JSON, nullable=False),
    # pending -> sent | skipped (nothing left to send when due) | failed (attempts used up)
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("due_at", Timestamp, nullable=False),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", Timestamp, nullable=True),
    Column("last_error", String(1000), nullable=True),
    Column("message_id", String(255), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("sent_at", Timestamp, nullable=True),
    Index(None, "status", "due_at"),
    Index(None, "session_id"),
    **ID_TABLE_ARGS,
)

# Uploaded files (services/uploads.py): stored by the storage backend under `storage_key`
# (random), readable only by the conversation's visitor and the agents who may see it. A
# message refers to them by id (`message_id` set when sent); an upload no message refers to
# is deleted after PARLEY_UPLOAD_ORPHAN_TTL_S.
uploads = Table(
    "uploads", metadata,
    Column("id", String(36), primary_key=True),  # random, unguessable
    Column("session_id", String(36), ForeignKey("sessions.id", ondelete="CASCADE"),
           nullable=False),
    Column("widget_id", Integer, ForeignKey("widget_configs.id", ondelete="CASCADE"),
           nullable=False),
    Column("uploader_type", String(8), nullable=False),  # visitor or agent
    Column("uploader_id", Integer, nullable=True),  # the agent
    Column("message_id", BigId, ForeignKey("messages.id", ondelete="SET NULL"), nullable=True),
    Column("name", String(255), nullable=False),  # sanitised for display
    Column("content_type", String(100), nullable=False),  # from the content, not the claim
    Column("size", BigInteger, nullable=False),
    Column("width", Integer, nullable=True),
    Column("height", Integer, nullable=True),
    Column("storage_key", String(255), nullable=False),
    Column("thumb_key", String(255), nullable=True),
    Column("sha256", String(64), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Index(None, "session_id"),
    Index(None, "message_id"),
    Index(None, "created_at"),
    **TABLE_ARGS,
)

# Private notes of the team in a conversation (services/notes.py): never a message (they take
# no seq, so the visitor's seqs stay gap-free) and never shown to the visitor. `mentions` is
# the ids of the teammates the note named (@username) who may see the conversation.
notes = Table(
    "notes", metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("session_id", String(36), ForeignKey("sessions.id", ondelete="CASCADE"),
           nullable=False),
    Column("author_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True),
    Column("author_name", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("mentions", JSON, nullable=False),
    Column("client_msg_id", String(64), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    UniqueConstraint("session_id", "client_msg_id"),
    **ID_TABLE_ARGS,
)

# Labels (services/labels.py): admin-defined, one colour of a fixed palette; `name_key` is the
# name case-folded, so two labels never differ by case only. A conversation's labels are rows
# of session_labels (deleted with the label or the session).
labels = Table(
    "labels", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(40), nullable=False),
    Column("name_key", String(40), nullable=False, unique=True),
    Column("color", String(16), nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    **ID_TABLE_ARGS,
)

session_labels = Table(
    "session_labels", metadata,
    Column("session_id", String(36), ForeignKey("sessions.id", ondelete="CASCADE"),
           primary_key=True),
    Column("label_id", Integer, ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", Timestamp, nullable=False),
    Index(None, "label_id", "session_id"),
    **TABLE_ARGS,
)

# An agent's saved history filters (services/saved_views.py), by name, theirs only.
saved_views = Table(
    "saved_views", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(60), nullable=False),
    Column("filters", JSON, nullable=False),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    UniqueConstraint("user_id", "name"),
    **ID_TABLE_ARGS,
)


# The privacy features' tables, declared on the same metadata in their own module (this one
# stays readable); imported here so that importing the schema always gives all of it.
from chatserver.db.tables_privacy import audit_log as audit_log  # noqa: E402
from chatserver.db.tables_privacy import session_context as session_context  # noqa: E402
from chatserver.db.tables_privacy import visitor_tokens as visitor_tokens  # noqa: E402
from chatserver.db.tables_privacy import visitors as visitors  # noqa: E402
from chatserver.db.tables_triggers import trigger_counts as trigger_counts  # noqa: E402
from chatserver.db.tables_triggers import widget_triggers as widget_triggers  # noqa: E402
