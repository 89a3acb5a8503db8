"""chatctl widget create/update --visitor-tracking (docs/privacy.md): off by default."""

from __future__ import annotations

import json

from tests.helpers.chatctl import Chatctl


def test_visitor_tracking_is_off_until_switched_on(chatctl: Chatctl) -> None:
    key = json.loads(chatctl.ok("widget", "create", "--business-name", "Acme",
                                "--json").stdout)["site_key"]
    assert json.loads(chatctl.ok("widget", "show", key, "--json").stdout)[
        "visitor_tracking"] is False
    chatctl.ok("widget", "update", key, "--visitor-tracking")
    assert json.loads(chatctl.ok("widget", "show", key, "--json").stdout)[
        "visitor_tracking"] is True
    shown = chatctl.ok("widget", "show", key).stdout.splitlines()
    assert any(line.split() == ["visitor", "tracking", "on"] for line in shown), shown
