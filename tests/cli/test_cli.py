"""chatctl end to end, in-process, on the suite's database (SQLite or MariaDB)."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import bcrypt
import click
import pytest
from click.testing import CliRunner
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import create_async_engine

from chatserver.config import setting_fields
from chatserver.db.engine import parse_url
from chatserver.db.schema import messages, sessions, users, widget_configs
from chatserver.services import maintenance
from chatserver.services import widgets as widgets_svc
from chatserver.timeutil import utcnow
from cli import docs
from cli.common import guarded
from cli.db import parse_duration
from cli.main import cli
from tests.helpers.accounts import PASSWORD
from tests.helpers.chatctl import Chatctl

# -- helpers ---------------------------------------------------------------------------------


def _json(result: Any) -> Any:
    return json.loads(result.stdout)


async def _query(db_url: str, stmt: Any) -> list[Any]:
    engine = create_async_engine(db_url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(stmt)).all())
    finally:
        await engine.dispose()


async def _execute(db_url: str, stmt: Any) -> None:
    engine = create_async_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(stmt)
    finally:
        await engine.dispose()


def query(db_url: str, stmt: Any) -> list[Any]:
    return asyncio.run(_query(db_url, stmt))


def create_widget(chatctl: Chatctl, *args: str) -> dict[str, Any]:
    widget: dict[str, Any] = _json(chatctl.ok("widget", "create", "--business-name", "Acme",
                                              *args, "--json"))
    return widget


async def _insert_sessions(db_url: str, widget_id: int, specs: list[dict[str, Any]]) -> None:
    """Sessions (status, age in days, closed or not) with `n_messages` messages each."""
    engine = create_async_engine(db_url)
    now = utcnow()
    try:
        async with engine.begin() as conn:
            for spec in specs:
                at = now - timedelta(days=spec["age_days"])
                await conn.execute(insert(sessions).values(
                    id=spec["id"], widget_id=widget_id, visitor_token_hash="0" * 64,
                    visitor_info={}, status=spec["status"], ai_mode=True, created_at=at,
                    last_activity_at=at, closed_at=at if spec.get("closed") else None,
                    escalated_at=at if spec.get("escalated") else None,
                    resolution=spec.get("resolution")))
                if spec["n_messages"]:
                    await conn.execute(insert(messages), [
                        {"session_id": spec["id"], "seq": i + 1, "client_msg_id": f"c{i}",
                         "sender_type": "visitor", "text": f"message {i}", "created_at": at}
                        for i in range(spec["n_messages"])])
    finally:
        await engine.dispose()


def insert_sessions(db_url: str, widget_id: int, specs: list[dict[str, Any]]) -> None:
    asyncio.run(_insert_sessions(db_url, widget_id, specs))


# -- help -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", docs.command_paths())
def test_every_command_has_help(path: str) -> None:
    result = CliRunner().invoke(cli, [*path.split()[1:], "--help"], prog_name="chatctl")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: {path} ")
    # Every option says what it does.
    ctx = click.Context(cli, info_name="chatctl")
    command: click.Command = cli
    for name in path.split()[1:]:
        assert isinstance(command, click.Group)
        sub = command.get_command(ctx, name)
        assert sub is not None
        command = sub
    assert command.help, f"{path} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{path} {param.opts} has no help"


def test_no_arguments_prints_usage() -> None:
    result = CliRunner().invoke(cli, [], prog_name="chatctl")
    assert "Usage: chatctl" in result.output
    assert "widget" in result.output and "user" in result.output


# -- users ------------------------------------------------------------------------------------


def test_user_create_prompts_for_the_password_twice(chatctl: Chatctl, db_url: str) -> None:
    result = chatctl.ok("user", "create", "--username", "alice", "--email", "Alice@Example.com",
                        "--role", "admin", "--display-name", "Alice A.",
                        input=f"{PASSWORD}\n{PASSWORD}\n")
    assert "created alice" in result.stdout
    assert PASSWORD not in result.output  # hidden input is not echoed
    listed = _json(chatctl.ok("user", "list", "--json"))
    assert [(u["username"], u["email"], u["role"], u["display_name"]) for u in listed] == [
        ("alice", "alice@example.com", "admin", "Alice A.")]
    (hashed,) = query(db_url, select(users.c.password_hash))[0]
    assert bcrypt.checkpw(PASSWORD.encode(), hashed.encode())


def test_user_create_refuses_a_password_confirmed_wrongly(chatctl: Chatctl) -> None:
    result = chatctl("user", "create", "--username", "alice", "--email", "a@example.com",
                     input=f"{PASSWORD}\nsomething-else-entirely\n")
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert _json(chatctl.ok("user", "list", "--json")) == []


def test_user_create_defaults_to_agent_from_stdin(chatctl: Chatctl) -> None:
    user = chatctl.create_user("bob")
    assert user["role"] == "agent"
    assert user["display_name"] == "bob"
    table = chatctl.ok("user", "list").stdout
    assert "bob@example.com" in table and "agent" in table and "1 user" in table


def test_user_create_has_no_password_option(chatctl: Chatctl) -> None:
    result = chatctl("user", "create", "--username", "x1", "--email", "x1@example.com",
                     "--password", PASSWORD)
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_duplicate_user_is_one_clear_line(chatctl: Chatctl) -> None:
    chatctl.create_user("carol")
    result = chatctl.fails("user", "create", "--username", "carol", "--email", "other@example.com",
                           "--password-stdin", input=PASSWORD + "\n", message="username is taken")
    assert "email is taken" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    chatctl.fails("user", "create", "--username", "carol2", "--email", "carol@example.com",
                  "--password-stdin", input=PASSWORD + "\n", message="email is taken")
    assert len(_json(chatctl.ok("user", "list", "--json"))) == 1


@pytest.mark.parametrize(("password", "message"), [
    ("short", "password must be at least 8 characters"),
    ("password123", "password is too common or too simple"),
    ("aaaaaaaaaaaa", "password is too common or too simple"),
    ("dave-user", "must not be your username or email"),
    ("é" * 40, "password must be at most 72 bytes"),  # 40 characters, 80 bytes
])
def test_weak_or_long_password_is_refused(chatctl: Chatctl, password: str, message: str) -> None:
    result = chatctl.fails("user", "create", "--username", "dave-user", "--email", "d@example.com",
                           "--password-stdin", input=password + "\n", message=message)
    assert result.stderr.startswith("error: ")
    assert _json(chatctl.ok("user", "list", "--json")) == []


def test_password_stdin_must_not_be_empty(chatctl: Chatctl) -> None:
    result = chatctl("user", "create", "--username", "erin", "--email", "erin@example.com",
                     "--password-stdin", input="")
    assert result.exit_code == 2
    assert "no password on standard input" in result.output


def test_bad_email_and_username_are_reported(chatctl: Chatctl) -> None:
    chatctl.fails("user", "create", "--username", "frank", "--email", "not-an-email",
                  "--password-stdin", input=PASSWORD + "\n", message="email must be an email address")
    chatctl.fails("user", "create", "--username", "frank smith", "--email", "f@example.com",
                  "--password-stdin", input=PASSWORD + "\n", message="username may use letters")
    result = chatctl("user", "create", "--username", "frank", "--email", "f@example.com",
                     "--role", "owner", "--password-stdin", input=PASSWORD + "\n")
    assert result.exit_code == 2 and "'owner' is not one of" in result.output


def test_set_password_changes_the_hash_and_revokes_tokens(chatctl: Chatctl, db_url: str) -> None:
    user = chatctl.create_user("gina")
    new = "a-brand-new-secret"
    result = chatctl.ok("user", "set-password", "gina@example.com", input=f"{new}\n{new}\n")
    assert "password set for gina" in result.stdout
    hashed, version = query(db_url, select(users.c.password_hash, users.c.token_version)
                            .where(users.c.id == user["id"]))[0]
    assert bcrypt.checkpw(new.encode(), hashed.encode())
    assert version == 1
    chatctl.ok("user", "set-password", str(user["id"]), "--password-stdin",
               input=PASSWORD + "\n")
    hashed, version = query(db_url, select(users.c.password_hash, users.c.token_version))[0]
    assert bcrypt.checkpw(PASSWORD.encode(), hashed.encode()) and version == 2


def test_set_password_refuses_weak_and_long_passwords(chatctl: Chatctl, db_url: str) -> None:
    chatctl.create_user("hank")
    before = query(db_url, select(users.c.password_hash))
    chatctl.fails("user", "set-password", "hank", "--password-stdin", input="short\n",
                  message="at least 8 characters")
    chatctl.fails("user", "set-password", "hank", "--password-stdin", input="x" * 73 + "\n",
                  message="at most 72 bytes")
    assert query(db_url, select(users.c.password_hash)) == before
    chatctl.fails("user", "set-password", "nobody", "--password-stdin", input=PASSWORD + "\n",
                  message="no user 'nobody'")


def test_set_role_and_the_last_admin(chatctl: Chatctl) -> None:
    admin = chatctl.create_user("root-admin", "admin")
    chatctl.create_user("ivy")
    chatctl.fails("user", "set-role", "root-admin", "agent",
                  message="cannot remove or demote the last admin")
    chatctl.fails("user", "delete", str(admin["id"]), "--yes",
                  message="cannot remove or demote the last admin")
    assert "ivy is now admin" in chatctl.ok("user", "set-role", "ivy", "admin").stdout
    assert "ivy is already admin" in chatctl.ok("user", "set-role", "ivy", "admin").stdout
    # With two admins, one may go.
    assert "root-admin is now agent" in chatctl.ok("user", "set-role", "root-admin", "agent").stdout
    chatctl.fails("user", "delete", "ivy", "-y", message="last admin")
    roles = {u["username"]: u["role"] for u in _json(chatctl.ok("user", "list", "--json"))}
    assert roles == {"root-admin": "agent", "ivy": "admin"}
    result = chatctl("user", "set-role", "ivy", "owner")
    assert result.exit_code == 2


def test_user_delete_confirms_unless_yes(chatctl: Chatctl) -> None:
    chatctl.create_user("boss", "admin")
    chatctl.create_user("jack")
    result = chatctl("user", "delete", "jack", input="n\n")
    assert result.exit_code == 1 and "Delete user jack" in result.output
    assert len(_json(chatctl.ok("user", "list", "--json"))) == 2
    assert "deleted jack" in chatctl.ok("user", "delete", "jack", input="y\n").stdout
    assert [u["username"] for u in _json(chatctl.ok("user", "list", "--json"))] == ["boss"]
    chatctl.fails("user", "delete", "jack", "--yes", message="no user 'jack'")


# -- widgets ----------------------------------------------------------------------------------


def test_widget_create_with_every_option(chatctl: Chatctl) -> None:
    owner = chatctl.create_user("kate", "admin")
    w = create_widget(chatctl, "--title", "Talk to Acme", "--welcome", "Hello there",
                      "--primary-color", "#FF0000", "--secondary-color", "#00ff00",
                      "--position", "bottom-left", "--prechat", "--no-ai",
                      "--allowed-origin", "https://Acme.example:443/",
                      "--allowed-origin", "http://localhost:3000",
                      "--timezone", "Europe/Paris", "--language", "de",
                      "--owner", "kate@example.com")
    assert w["business_name"] == "Acme"
    assert w["widget_title"] == "Talk to Acme"
    assert w["welcome_message"] == "Hello there"
    assert (w["primary_color"], w["secondary_color"]) == ("#ff0000", "#00ff00")
    assert w["position"] == "bottom-left"
    assert w["enable_prechat_form"] is True and w["ai_enabled"] is False
    assert w["allowed_origins"] == ["https://acme.example", "http://localhost:3000"]
    assert w["timezone"] == "Europe/Paris" and w["language"] == "de"
    assert w["owner_id"] == owner["id"]
    assert len(w["site_key"]) >= 32


def test_widget_create_defaults_and_text_output(chatctl: Chatctl) -> None:
    result = chatctl.ok("widget", "create", "--business-name", "Plain")
    assert "created widget 'Plain' with site key" in result.stdout
    (w,) = _json(chatctl.ok("widget", "list", "--json"))
    assert w["site_key"] in result.stdout
    assert w["owner_id"] is None
    assert (w["widget_title"], w["position"], w["ai_enabled"], w["allowed_origins"]) == (
        "Chat with us", "bottom-right", True, [])
    table = chatctl.ok("widget", "list").stdout
    assert w["site_key"] in table and "Plain" in table and "1 widget" in table


def test_widget_create_reports_bad_values_by_option(chatctl: Chatctl) -> None:
    chatctl.fails("widget", "create", "--business-name", "X", "--primary-color", "red",
                  message="--primary-color must be a colour like #007bff")
    chatctl.fails("widget", "create", "--business-name", "X", "--allowed-origin", "nope",
                  message="--allowed-origin 'nope' is not an origin")
    chatctl.fails("widget", "create", "--business-name", "X", "--timezone", "Mars/Olympus",
                  message="--timezone must be an IANA time zone")
    chatctl.fails("widget", "create", "--business-name", "X", "--owner", "ghost",
                  message="no user 'ghost'")
    result = chatctl("widget", "create", "--business-name", "X", "--position", "top")
    assert result.exit_code == 2
    assert chatctl("widget", "create").exit_code == 2  # --business-name is required
    assert _json(chatctl.ok("widget", "list", "--json")) == []


def test_widget_show(chatctl: Chatctl) -> None:
    chatctl.create_user("lena", "admin")
    w = create_widget(chatctl, "--owner", "lena", "--allowed-origin", "https://acme.example")
    text = chatctl.ok("widget", "show", w["site_key"]).stdout
    for expected in (w["site_key"], "Acme", "Chat with us", "https://acme.example", "lena",
                     "#007bff", "bottom-right"):
        assert expected in text
    shown = _json(chatctl.ok("widget", "show", w["site_key"], "--json"))
    assert shown["id"] == w["id"] and shown["agents"] == []


def test_widget_update(chatctl: Chatctl) -> None:
    w = create_widget(chatctl, "--allowed-origin", "https://a.example")
    result = chatctl.ok("widget", "update", w["site_key"], "--title", "New title", "--no-ai",
                        "--primary-color", "#123456", "--allowed-origin", "https://b.example")
    assert "title" in result.stdout and "primary-color" in result.stdout
    after = _json(chatctl.ok("widget", "show", w["site_key"], "--json"))
    assert after["widget_title"] == "New title" and after["ai_enabled"] is False
    assert after["primary_color"] == "#123456"
    assert after["allowed_origins"] == ["https://b.example"]
    assert after["business_name"] == "Acme" and after["welcome_message"] == w["welcome_message"]
    chatctl.ok("widget", "update", w["site_key"], "--clear-origins", "--ai")
    after = _json(chatctl.ok("widget", "show", w["site_key"], "--json"))
    assert after["allowed_origins"] == [] and after["ai_enabled"] is True
    chatctl.fails("widget", "update", w["site_key"], "--secondary-color", "#12",
                  message="--secondary-color must be a colour")
    result = chatctl("widget", "update", w["site_key"])
    assert result.exit_code == 2 and "nothing to change" in result.output


def test_widget_snippet(chatctl: Chatctl) -> None:
    key = create_widget(chatctl)["site_key"]
    assert chatctl.ok("widget", "snippet", key).stdout == (
        f'<script src="http://127.0.0.1:8080/widget.js" data-site-key="{key}" async></script>\n')
    out = chatctl.ok("widget", "snippet", key, "--base-url", "https://chat.example.com/").stdout
    assert out == (f'<script src="https://chat.example.com/widget.js" data-site-key="{key}" '
                   'async></script>\n')
    out = chatctl.ok("widget", "snippet", key, env={"PARLEY_PUBLIC_URL": "https://c.example"})
    assert 'src="https://c.example/widget.js"' in out.stdout
    out = chatctl.ok("widget", "snippet", key, env={"PARLEY_HOST": "0.0.0.0", "PARLEY_PORT": "9000"})
    assert 'src="http://127.0.0.1:9000/widget.js"' in out.stdout


def test_widget_delete_confirms_unless_yes(chatctl: Chatctl) -> None:
    a = create_widget(chatctl)["site_key"]
    b = create_widget(chatctl)["site_key"]
    result = chatctl("widget", "delete", a, input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert len(_json(chatctl.ok("widget", "list", "--json"))) == 2
    chatctl.ok("widget", "delete", a, input="y\n")
    assert "deleted widget" in chatctl.ok("widget", "delete", b, "--yes").stdout
    assert _json(chatctl.ok("widget", "list", "--json")) == []


def test_site_keys_never_start_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = iter(["-looks-like-an-option-0123456789ab", "AbCdEfGhIjKlMnOpQrStUvWxYz012345"])
    monkeypatch.setattr(widgets_svc.secrets, "token_urlsafe", lambda n: next(keys))
    assert widgets_svc.new_site_key() == "AbCdEfGhIjKlMnOpQrStUvWxYz012345"


def test_a_site_key_starting_with_a_dash_goes_after_double_dash(chatctl: Chatctl,
                                                               db_url: str) -> None:
    w = create_widget(chatctl)
    key = "-old-key-from-before-0123456789ab"
    asyncio.run(_execute(db_url, update(widget_configs).values(site_key=key)
                         .where(widget_configs.c.id == w["id"])))
    assert chatctl("widget", "show", key).exit_code == 2
    assert _json(chatctl.ok("widget", "show", "--json", "--", key))["id"] == w["id"]
    assert f'data-site-key="{key}"' in chatctl.ok("widget", "snippet", "--", key).stdout


@pytest.mark.parametrize("args", [
    ["widget", "show", "no-such-key-123"],
    ["widget", "update", "no-such-key-123", "--title", "x"],
    ["widget", "delete", "no-such-key-123", "--yes"],
    ["widget", "delete", "no-such-key-123"],
    ["widget", "snippet", "no-such-key-123"],
])
def test_unknown_widget(chatctl: Chatctl, args: list[str]) -> None:
    create_widget(chatctl)
    chatctl.fails(*args, message="no such widget")


# -- stats, prune, demo -----------------------------------------------------------------------


def test_stats(chatctl: Chatctl, db_url: str) -> None:
    a = create_widget(chatctl)
    b = _json(chatctl.ok("widget", "create", "--business-name", "Beta", "--json"))
    insert_sessions(db_url, a["id"], [
        {"id": str(uuid.uuid4()), "status": "waiting", "age_days": 0, "n_messages": 3,
         "escalated": True},
        {"id": str(uuid.uuid4()), "status": "closed", "age_days": 1, "n_messages": 2,
         "closed": True, "resolution": "ai_resolved"},
    ])
    insert_sessions(db_url, b["id"], [
        {"id": str(uuid.uuid4()), "status": "active", "age_days": 0, "n_messages": 1},
    ])
    figures = _json(chatctl.ok("stats", "--json"))
    per = {w["site_key"]: w for w in figures["widgets"]}
    assert (per[a["site_key"]]["sessions"], per[a["site_key"]]["messages"]) == (2, 5)
    assert per[a["site_key"]]["escalations"] == 1 and per[a["site_key"]]["ai_resolved"] == 1
    assert (per[b["site_key"]]["sessions"], per[b["site_key"]]["active"]) == (1, 1)
    assert figures["totals"]["sessions"] == 3 and figures["totals"]["messages"] == 6

    wide = chatctl.ok("stats").stdout
    assert "Acme" in wide and "Beta" in wide and a["site_key"] in wide
    total_line = next(line for line in wide.splitlines() if line.strip().startswith("total"))
    # sessions, messages, escalated, open, closed, AI resolved, agent resolved, abandoned
    assert total_line.split()[1:] == ["3", "6", "1", "2", "1", "1", "0", "0"]
    narrow = chatctl.ok("stats", env={"COLUMNS": "80"}).stdout
    assert max(len(line) for line in narrow.splitlines()) <= 80
    assert "Beta" in narrow and "total" in narrow and "agent resolved" in narrow


def test_stats_with_no_widgets(chatctl: Chatctl) -> None:
    figures = _json(chatctl.ok("stats", "--json"))
    assert figures["widgets"] == [] and figures["totals"]["sessions"] == 0
    assert "total" in chatctl.ok("stats").stdout


@pytest.mark.parametrize(("text", "expected"), [
    ("90d", timedelta(days=90)), ("12h", timedelta(hours=12)), ("30m", timedelta(minutes=30)),
    ("2w", timedelta(weeks=2)), ("45s", timedelta(seconds=45)),
    ("1d12h", timedelta(days=1, hours=12)), ("7D", timedelta(days=7)),
])
def test_parse_duration(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "90", "d", "90x", "-5d", "0d", "1.5d", "90 days", "d90"])
def test_parse_duration_refuses(text: str) -> None:
    with pytest.raises(ValueError, match=r"duration|longer than zero"):
        parse_duration(text)


def test_prune_bad_duration(chatctl: Chatctl) -> None:
    result = chatctl("db", "prune", "--older-than", "ninety")
    assert result.exit_code == 2
    assert "'ninety' is not a duration like 90d" in result.output
    assert "Traceback" not in result.output
    assert chatctl("db", "prune").exit_code == 2  # --older-than is required


def test_prune_removes_only_old_finished_sessions(chatctl: Chatctl, db_url: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(maintenance, "PRUNE_BATCH", 2)  # several batches for the progress bar
    w = create_widget(chatctl)
    old_closed = [str(uuid.uuid4()) for _ in range(3)]
    keep = {"recent_closed": str(uuid.uuid4()), "old_open": str(uuid.uuid4()),
            "recent_abandoned": str(uuid.uuid4())}
    old_abandoned = str(uuid.uuid4())
    insert_sessions(db_url, w["id"], [
        *({"id": sid, "status": "closed", "age_days": 100, "closed": True, "n_messages": 2}
          for sid in old_closed),
        {"id": old_abandoned, "status": "abandoned", "age_days": 95, "n_messages": 1},
        {"id": keep["recent_closed"], "status": "closed", "age_days": 10, "closed": True,
         "n_messages": 4},
        {"id": keep["old_open"], "status": "waiting", "age_days": 200, "n_messages": 5},
        {"id": keep["recent_abandoned"], "status": "abandoned", "age_days": 1, "n_messages": 1},
    ])

    dry = chatctl.ok("db", "prune", "--older-than", "90d", "--dry-run")
    assert "would delete 4 sessions and 7 messages" in dry.stdout
    assert query(db_url, select(func.count()).select_from(sessions))[0][0] == 7

    result = chatctl.ok("db", "prune", "--older-than", "90d")
    assert "deleted 4 sessions and 7 messages" in result.stdout
    assert "finished more than 90 days ago" in result.stdout
    left = {row[0] for row in query(db_url, select(sessions.c.id))}
    assert left == set(keep.values())
    left_messages = query(db_url, select(messages.c.session_id, func.count())
                          .group_by(messages.c.session_id))
    assert dict(left_messages) == {keep["recent_closed"]: 4, keep["old_open"]: 5,
                                   keep["recent_abandoned"]: 1}

    again = chatctl.ok("db", "prune", "--older-than", "2w")
    assert "deleted 0 sessions and 0 messages" in again.stdout
    assert chatctl.ok("db", "prune", "--older-than", "1w").stdout.startswith(
        "deleted 1 session and 4 messages")


def test_demo_is_idempotent(chatctl: Chatctl) -> None:
    first = chatctl.ok("demo", "--port", "9123", "--host", "0.0.0.0")
    assert "created: admin user, agent user, widget" in first.stdout
    for path in ("/admin", "/agent", "/test-widget.html", "/api/health"):
        assert f"http://127.0.0.1:9123{path}" in first.stdout
    assert maintenance.DEMO_ADMIN["password"] in first.stdout
    assert maintenance.DEMO_AGENT["email"] in first.stdout
    (widget,) = _json(chatctl.ok("widget", "list", "--json"))
    assert widget["site_key"] in first.stdout

    second = chatctl.ok("demo")
    assert "already set up" in second.stdout and "created:" not in second.stdout
    assert widget["site_key"] in second.stdout
    assert "http://127.0.0.1:8080/admin" in second.stdout
    as_json = _json(chatctl.ok("demo", "--json"))
    assert as_json["created"] == [] and as_json["site_key"] == widget["site_key"]
    assert as_json["urls"]["health"] == "http://127.0.0.1:8080/api/health"
    assert len(_json(chatctl.ok("widget", "list", "--json"))) == 1
    people = {u["username"]: u["role"] for u in _json(chatctl.ok("user", "list", "--json"))}
    assert people == {"admin": "admin", "agent": "agent"}
    shown = _json(chatctl.ok("widget", "show", widget["site_key"], "--json"))
    assert [a["username"] for a in shown["agents"]] == ["agent"]


# -- config -----------------------------------------------------------------------------------


def test_config_lists_every_setting_with_its_source(chatctl: Chatctl, tmp_path: Path) -> None:
    env_file = tmp_path / "parley.env"
    env_file.write_text("PARLEY_LOG_LEVEL=DEBUG\nPARLEY_PORT=1234\n")
    rows = _json(chatctl.ok("config", "--json", env={
        "PARLEY_ENV_FILE": str(env_file), "PARLEY_PORT": "9999",
        "PARLEY_AI_API_KEY": "sk-very-secret", "PARLEY_SECRET_KEY": "s3cr3t-key-value"}))
    by_env = {r["env"]: r for r in rows}
    assert set(by_env) == {f"PARLEY_{f.name.upper()}" for f in setting_fields()}
    assert by_env["PARLEY_PORT"]["value"] == 9999 and by_env["PARLEY_PORT"]["source"] == "env"
    assert by_env["PARLEY_LOG_LEVEL"]["value"] == "DEBUG"
    assert by_env["PARLEY_LOG_LEVEL"]["source"] == ".env"
    assert by_env["PARLEY_MAX_MESSAGE_CHARS"]["source"] == "default"
    assert by_env["PARLEY_BCRYPT_ROUNDS"]["value"] == 4
    assert by_env["PARLEY_AI_API_KEY"]["value"] == "********"
    assert by_env["PARLEY_DATABASE_URL"]["source"] == "env"
    assert all(r["help"] for r in rows)

    table = chatctl.ok("config", env={"PARLEY_AI_API_KEY": "sk-very-secret",
                                      "PARLEY_SECRET_KEY": "s3cr3t-key-value"}).stdout
    assert "sk-very-secret" not in table and "s3cr3t-key-value" not in table
    assert "PARLEY_AI_API_KEY" in table and "********" in table
    assert "PARLEY_IDLE_ABANDON_S" in table


def test_config_masks_the_database_password_and_names_the_option() -> None:
    url = "mysql+asyncmy://parley:hunter2-pw@db.example/parley_x"
    runner = CliRunner()
    result = runner.invoke(cli, ["--database-url", url, "config", "--json"], prog_name="chatctl",
                           env={"PARLEY_DATABASE_URL": None})
    assert result.exit_code == 0, result.output
    row = next(r for r in json.loads(result.stdout) if r["name"] == "database_url")
    assert row["source"] == "option"
    assert "hunter2-pw" not in result.output
    assert row["value"] == "mysql+asyncmy://parley:***@db.example/parley_x"


def test_config_reports_a_bad_setting(chatctl: Chatctl) -> None:
    chatctl.fails("config", env={"PARLEY_PORT": "eighty"},
                  message="PARLEY_PORT='eighty' is not a valid int")


# -- database errors and migrations -----------------------------------------------------------


@pytest.mark.parametrize("given", ["mysql+aiomysql://u:p%40w@db.example:3307/parley",
                                   "mariadb+aiomysql://u:p%40w@db.example:3307/parley",
                                   "mysql://u:p%40w@db.example:3307/parley",
                                   "mysql+asyncmy://u:p%40w@db.example:3307/parley"])
def test_every_mariadb_url_runs_on_asyncmy(given: str) -> None:
    """Settings of a release that ran on aiomysql, or naming no driver, keep working."""
    url = parse_url(given)
    assert url.drivername == "mysql+asyncmy"
    assert (url.username, url.password, url.host, url.port, url.database) == \
        ("u", "p@w", "db.example", 3307, "parley")


@pytest.mark.parametrize(("url", "message"), [
    ("foo", "PARLEY_DATABASE_URL must start with mysql+asyncmy://"),
    ("postgresql://u@localhost/parley", "PARLEY_DATABASE_URL must start with"),
    ("mysql+asyncmy://x:y@127.0.0.1:1/none_test", "database error: Can't connect"),
    ("mysql+asyncmy://x:y@127.0.0.1:notaport/none_test", "not a database URL"),
])
@pytest.mark.parametrize("command", [["user", "list"], ["widget", "list"], ["stats"],
                                     ["demo"], ["db", "current"], ["db", "upgrade"],
                                     ["db", "prune", "--older-than", "1d"]])
def test_bad_database_url(chatctl: Chatctl, url: str, message: str, command: list[str]) -> None:
    result = chatctl.fails("--database-url", url, *command, message=message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_database_without_schema_says_so(chatctl: Chatctl, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    chatctl.fails("--database-url", url, "user", "list", message="run: chatctl db upgrade")


def test_db_migration_commands(chatctl: Chatctl, empty_db_url: str) -> None:
    url = ["--database-url", empty_db_url]
    assert "empty (no schema)" in chatctl.ok(*url, "db", "current").stdout
    history = chatctl.ok("db", "history").stdout
    head = history.split(" -> ")[1].split()[0]
    assert "<base> ->" in history
    assert "database at head" in chatctl.ok(*url, "db", "upgrade").stdout
    assert chatctl.ok(*url, "db", "current").stdout == f"{head} (head)\n"
    chatctl.ok(*url, "user", "list")  # the schema is there
    assert "database at base" in chatctl.ok(*url, "db", "downgrade", "base").stdout
    assert "empty (no schema)" in chatctl.ok(*url, "db", "current").stdout
    chatctl.fails(*url, "db", "upgrade", "nosuchrevision", message="nosuchrevision")


def test_unexpected_errors_are_one_line_unless_traceback_is_asked_for() -> None:
    @click.command()
    def boom() -> None:
        guarded(lambda: 1 // 0)

    result = CliRunner().invoke(boom, [])
    assert result.exit_code == 1
    assert "unexpected ZeroDivisionError" in result.stderr and "--traceback" in result.stderr
    assert "Traceback" not in result.output

    @click.group()
    @click.option("--traceback", is_flag=True)
    @click.pass_context
    def group(ctx: click.Context, traceback: bool) -> None:
        from cli.common import CliState

        ctx.obj = CliState(traceback=traceback)

    group.add_command(boom)
    result = CliRunner().invoke(group, ["--traceback", "boom"])
    assert isinstance(result.exception, ZeroDivisionError)
