"""`chatctl audit`: what the operator did at chatctl is in the log under their OS user; the log
lists as a table, exports as JSON and CSV, filters like the REST API, and bad input is one
line on stderr with a non-zero exit status."""

from __future__ import annotations

import csv
import io
import json

from chatserver.services.audit import os_user
from tests.helpers.chatctl import Chatctl

SECRET = "lantern-quiet-orbit-77"


def _setup(chatctl: Chatctl) -> str:
    chatctl.create_user("root", "admin", password=SECRET)
    bob = chatctl.create_user("bob", "agent")
    key = json.loads(chatctl.ok("widget", "create", "--business-name", "Shop",
                                "--json").stdout)["site_key"]
    chatctl.ok("widget", "update", key, "--title", "Hi", "--primary-color", "#123456")
    chatctl.ok("user", "set-role", "bob", "admin")
    chatctl.ok("user", "set-password", "bob", "--password-stdin", input=SECRET + "\n")
    assert bob["username"] == "bob"
    return key


def test_the_operators_actions_are_listed_and_exported(chatctl: Chatctl) -> None:
    key = _setup(chatctl)
    table = chatctl.ok("audit").stdout
    assert "6 entries" in table
    assert f"chatctl ({os_user()})" in table
    assert "widget.update" in table and "fields=primary_color,widget_title" in table
    assert table.index("user.password_reset") < table.index("widget.create")  # newest first

    entries = json.loads(chatctl.ok("audit", "--format", "json").stdout)
    assert [e["action"] for e in entries] == [
        "user.password_reset", "user.role_change", "widget.update", "widget.create",
        "user.create", "user.create"]
    assert all(e["actor"] == {"type": "chatctl", "id": None, "name": os_user()}
               for e in entries)
    assert all(e["ip"] is None for e in entries)
    assert entries[2]["target_type"] == "widget" and entries[2]["target_id"] == key
    assert entries[2]["details"]["fields"] == ["primary_color", "widget_title"]
    assert entries[1]["details"] == {"username": "bob", "from": "agent", "to": "admin"}

    exported = chatctl.ok("audit", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [r["action"] for r in rows] == [e["action"] for e in entries]
    assert rows[2]["actor_type"] == "chatctl" and rows[2]["target_id"] == key
    assert json.loads(rows[2]["details"])["fields"] == ["primary_color", "widget_title"]
    for text in (table, exported, json.dumps(entries)):
        assert SECRET not in text

    only = json.loads(chatctl.ok("audit", "--action", "widget", "--format", "json").stdout)
    assert [e["action"] for e in only] == ["widget.update", "widget.create"]
    only = json.loads(chatctl.ok("audit", "--target", f"widget:{key}", "--limit", "1",
                                 "--format", "json").stdout)
    assert [e["action"] for e in only] == ["widget.update"]
    only = json.loads(chatctl.ok("audit", "--target", "user", "--actor", "chatctl",
                                 "--from", entries[0]["at"][:10], "--format", "json").stdout)
    assert len(only) == 4
    assert json.loads(chatctl.ok("audit", "--actor", "root", "--format", "json").stdout) == []
    assert "0 entries" in chatctl.ok("audit", "--to", "2001-01-01").stdout


def test_bad_input_is_one_line_and_a_non_zero_exit(chatctl: Chatctl) -> None:
    chatctl.create_user("root", "admin")
    chatctl.fails("audit", "--action", "Widget!", message="action must be an action code")
    chatctl.fails("audit", "--from", "yesterday", message="from must be a date")
    chatctl.fails("audit", "--from", "2026-02-01", "--to", "2026-01-01",
                  message="to must be after from")
    chatctl.fails("audit", "--target", ":abc", message="--target needs a type", code=2)
    chatctl.fails("audit", "--format", "xml", message="Invalid value for '--format'", code=2)
    chatctl.fails("audit", "--limit", "0", message="Invalid value for '--limit'", code=2)


def test_an_operator_using_sudo_is_named(chatctl: Chatctl) -> None:
    chatctl.ok("user", "create", "--username", "root", "--email", "root@example.com",
               "--role", "admin", "--password-stdin", input=SECRET + "\n",
               env={"SUDO_USER": "alice", "USER": "parley", "LOGNAME": "parley"})
    (entry,) = json.loads(chatctl.ok("audit", "--format", "json").stdout)
    assert entry["actor"] == {"type": "chatctl", "id": None, "name": "alice (sudo as parley)"}
