"""The knowledge base's tables (services/knowledge.py, services/knowledge_sources.py,
docs/ai.md, docs/knowledge.md): entries, their vectors and the sources they are imported
from. Declared on the same metadata as db/schema.py, which imports them (import them from
there)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from chatserver.db.types import ID_TABLE_ARGS, Blob, Timestamp, metadata

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
