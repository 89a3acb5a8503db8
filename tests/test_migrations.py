"""Migrations: up, down and up again on an empty database, then no drift from the schema.

Runs on a database of its own (never the suite's shared one): an SQLite file, or, when the
suite runs on MariaDB, a throwaway database beside the suite's, dropped afterwards.
Sync tests: chatserver.db.migrate runs asyncio.run() itself.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Table, inspect, pool, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

from chatserver.db import migrate
from chatserver.db.schema import metadata
from tests.helpers.mariadb import throwaway_database


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[str]:
    suite_url = os.environ.get("PARLEY_TEST_DATABASE_URL", "")
    if suite_url and make_url(suite_url).get_backend_name() == "mysql":
        with throwaway_database(suite_url, "parley_migr") as url:
            yield url
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'parley_migr_test.db'}"


def _inspect(url: str, fn: Any) -> Any:
    async def run() -> Any:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(fn)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _drift(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def test_upgrade_downgrade_upgrade_leaves_no_drift(empty_db: str) -> None:
    assert _tables_of(empty_db) == set()

    migrate.upgrade(empty_db, "head")
    assert _tables_of(empty_db) == {t.name for t in metadata.sorted_tables} | {"alembic_version"}
    assert asyncio.run(migrate.current(empty_db)) == migrate.head_revision()

    migrate.downgrade(empty_db, "base")
    assert _tables_of(empty_db) == {"alembic_version"}
    assert asyncio.run(migrate.current(empty_db)) is None

    migrate.upgrade(empty_db, "head")
    assert asyncio.run(migrate.current(empty_db)) == migrate.head_revision()
    assert _inspect(empty_db, _drift) == []


def test_ids_are_autoincrement_on_sqlite_and_existing_users_get_a_token_key(
        empty_db: str) -> None:
    """0005 makes every integer-id table AUTOINCREMENT on SQLite (ids never given twice),
    keeping the rows and their ids, and gives each existing user a key of their own."""
    migrate.upgrade(empty_db, "0004")

    def add_users(conn: Connection) -> None:
        for n in (1, 2):
            conn.execute(text(
                "INSERT INTO users (id, username, email, password_hash, role, display_name,"
                " created_at) VALUES (:n, :u, :e, 'x', 'agent', 'A', '2024-01-01 00:00:00')"),
                {"n": n, "u": f"u{n}", "e": f"u{n}@example.com"})
        conn.commit()

    _inspect(empty_db, add_users)
    migrate.upgrade(empty_db, "head")

    def check(conn: Connection) -> tuple[list[Any], dict[str, str]]:
        rows = conn.execute(text("SELECT id, token_key FROM users ORDER BY id")).all()
        sql = {} if conn.dialect.name != "sqlite" else dict(conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table'")).all())
        return list(rows), sql

    rows, sql = _inspect(empty_db, check)
    assert [r[0] for r in rows] == [1, 2]
    keys = [r[1] for r in rows]
    assert all(len(k) == 32 for k in keys) and len(set(keys)) == 2
    id_tables = {t.name for t in metadata.sorted_tables
                 if t.autoincrement_column is not None}
    assert id_tables == {"users", "login_failures", "widget_configs", "messages", "kb_entries",
                         "canned_responses", "kb_embeddings", "session_tokens", "outbox",
                         "notes", "labels", "saved_views", "audit_log", "visitor_tokens",
                         "widget_triggers", "kb_sources"}
    if sql:
        assert {name for name in id_tables if "AUTOINCREMENT" in sql[name]} == id_tables
        assert all("AUTOINCREMENT" not in sql[t.name] for t in metadata.sorted_tables
                   if t.name not in id_tables)


def test_schema_change_without_migration_is_detected(empty_db: str) -> None:
    """The drift check is not vacuous: a column missing from the database shows up."""
    migrate.upgrade(empty_db, "head")
    table, column = next((t, c) for t in metadata.sorted_tables for c in t.columns
                         if _plain(t, c))

    def drop_column(conn: Connection) -> list[Any]:
        conn.exec_driver_sql(f"ALTER TABLE {table.name} DROP COLUMN {column.name}")
        conn.commit()
        return _drift(conn)

    drift = _inspect(empty_db, drop_column)
    assert [(d[0], d[2], d[3].name) for d in drift] == [("add_column", table.name, column.name)]


def _plain(table: Table, column: Column[Any]) -> bool:
    """A column no key, index or constraint uses: SQLite can drop it."""
    if column.primary_key or column.foreign_keys or column.server_default is not None:
        return False
    constrained = {c.name for con in table.constraints for c in getattr(con, "columns", [])}
    indexed = {c.name for ix in table.indexes for c in ix.columns}
    return column.name not in constrained | indexed


def _tables_of(url: str) -> set[str]:
    tables: set[str] = _inspect(url, _tables)
    return tables


def test_existing_conversations_get_visitors(empty_db: str) -> None:
    """0018 gives each conversation a visitor (a verified user's share one; a second open
    conversation of theirs gets its own, so the unique index can be built) and makes each
    conversation's first token a device token of its visitor."""
    migrate.upgrade(empty_db, "0015")

    def add_sessions(conn: Connection) -> None:
        conn.execute(text(
            "INSERT INTO widget_configs (id, site_key, business_name, widget_title,"
            " welcome_message, primary_color, secondary_color, position, enable_prechat_form,"
            " prechat_fields, allowed_origins, timezone, ai_enabled, ai_settings, created_at,"
            " updated_at) VALUES (1, 'k', 'B', 'T', 'W', '#000000', '#ffffff', 'right', 0,"
            " '[]', '[]', 'UTC', 0, '{}', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"))
        for n, (status, user) in enumerate([("closed", "u1"), ("active", "u1"),
                                            ("waiting", "u1"), ("active", None)]):
            conn.execute(text(
                "INSERT INTO sessions (id, widget_id, visitor_token_hash, visitor_info, status,"
                " ai_mode, visitor_verified, visitor_user_id, created_at, last_activity_at)"
                " VALUES (:id, 1, :h, '{}', :s, 0, :v, :u, :c, :c)"),
                {"id": f"s{n}", "h": f"{n:064d}", "s": status, "v": user is not None, "u": user,
                 "c": f"2024-01-0{n + 1} 00:00:00"})
        conn.commit()

    _inspect(empty_db, add_sessions)
    migrate.upgrade(empty_db, "head")

    def check(conn: Connection) -> tuple[dict[str, str], dict[str, str | None], dict[str, str]]:
        of = dict(conn.execute(text("SELECT id, visitor_id FROM sessions")).all())
        users = dict(conn.execute(text("SELECT id, user_id FROM visitors")).all())
        tokens = dict(conn.execute(text("SELECT token_hash, visitor_id FROM visitor_tokens")).all())
        return of, users, tokens

    of, users, tokens = _inspect(empty_db, check)
    assert of["s0"] == of["s2"] != of["s1"]  # the newest open one keeps the user
    assert users[of["s2"]] == "u1" and users[of["s1"]] is None and users[of["s3"]] is None
    assert len(set(of.values())) == 3
    assert {h: tokens[h] for h in tokens} == {f"{n:064d}": of[f"s{n}"] for n in range(4)}


def test_existing_system_messages_get_codes(empty_db: str) -> None:
    """0020 codes the system messages stored before codes, from their client_msg_id prefix
    and their text, with the names in params; what it cannot read keeps its text only."""
    migrate.upgrade(empty_db, "0018")
    said = {  # session -> [(client_msg_id, sender, text)] in order
        "s0": [("sys-escalated-a1", "system", "The conversation was handed to a person."),
               ("sys-email-a2", "system", "Email address saved: the team will reply by email."),
               ("sys-joined-a3", "system", "Ann Lee joined the conversation."),
               ("sys-transfer-a4", "system",
                "Ann Lee transferred the conversation to Bob (nights)."),
               ("sys-hand_back-a5", "system", "The assistant is back in the conversation."),
               ("sys-joined-a6", "system", "Bob (nights) joined the conversation."),
               ("sys-closed-a7", "system", "The conversation was closed."),
               ("sys-reopened-a8", "system", "Ann Lee reopened the conversation.")],
        "s1": [("v-1", "visitor", "Hi"),
               ("sys-escalated-b1", "system", "The conversation was handed to a person."),
               ("mail-b2", "visitor", "A reply by email"),
               ("sys-abandoned-b3", "system", "The visitor left; the conversation was closed."),
               ("sys-reopened-b4", "system",
                "The visitor replied by email; the conversation was reopened."),
               ("sys-reopened-b5", "system", "The visitor reopened the conversation."),
               ("sys-closed-b6", "system", "Das Gespräch wurde beendet."),
               ("sys-other-b7", "system", "Something else happened.")],
    }

    def add(conn: Connection) -> None:
        conn.execute(text(
            "INSERT INTO widget_configs (id, site_key, business_name, widget_title,"
            " welcome_message, primary_color, secondary_color, position, enable_prechat_form,"
            " prechat_fields, allowed_origins, timezone, ai_enabled, ai_settings, created_at,"
            " updated_at) VALUES (1, 'k', 'B', 'T', 'W', '#000000', '#ffffff', 'right', 0,"
            " '[]', '[]', 'UTC', 0, '{}', '2024-01-01 00:00:00', '2024-01-01 00:00:00')"))
        for n, (sid, lines) in enumerate(said.items()):
            conn.execute(text(
                "INSERT INTO sessions (id, widget_id, visitor_token_hash, visitor_info, status,"
                " ai_mode, visitor_verified, created_at, last_activity_at, last_seq)"
                " VALUES (:id, 1, :h, '{}', 'closed', 0, 0, :c, :c, :n)"),
                {"id": sid, "h": f"{n:064d}", "c": "2024-01-01 00:00:00", "n": len(lines)})
            for seq, (cid, sender, line) in enumerate(lines, 1):
                conn.execute(text(
                    "INSERT INTO messages (session_id, seq, client_msg_id, sender_type, text,"
                    " meta, created_at) VALUES (:s, :q, :c, :t, :x, :m, '2024-01-01 00:00:00')"),
                    {"s": sid, "q": seq, "c": cid, "t": sender, "x": line,
                     "m": '{"keep": 1}' if cid == "sys-closed-a7" else None})
        conn.commit()

    _inspect(empty_db, add)
    migrate.upgrade(empty_db, "head")

    def metas(conn: Connection) -> dict[str, Any]:
        import json
        rows = conn.execute(text("SELECT client_msg_id, meta FROM messages")).all()
        return {cid: json.loads(meta) if isinstance(meta, str) else meta for cid, meta in rows}

    got = _inspect(empty_db, metas)
    coded = {cid: (m["code"], m["params"]) for cid, m in got.items() if m and "code" in m}
    assert coded == {
        "sys-escalated-a1": ("escalated", {}), "sys-email-a2": ("email", {}),
        "sys-joined-a3": ("joined", {"agent": "Ann Lee"}),
        "sys-transfer-a4": ("transfer", {"from": "Ann Lee", "to": "Bob (nights)"}),
        "sys-hand_back-a5": ("hand_back", {}),
        "sys-joined-a6": ("taken_over", {"agent": "Bob (nights)"}),  # from the AI
        "sys-closed-a7": ("closed", {}), "sys-reopened-a8": ("reopened", {"agent": "Ann Lee"}),
        "sys-escalated-b1": ("email_escalated", {}), "sys-abandoned-b3": ("abandoned", {}),
        "sys-reopened-b4": ("email_reopened", {}), "sys-reopened-b5": ("visitor_reopened", {}),
    }
    assert got["sys-closed-a7"]["keep"] == 1  # the rest of meta stays
    assert got["sys-closed-b6"] is None and got["sys-other-b7"] is None and got["v-1"] is None

    migrate.downgrade(empty_db, "0018")
    back = _inspect(empty_db, metas)
    assert back["sys-closed-a7"] == {"keep": 1} and back["sys-joined-a3"] is None
