"""chatctl widget identity-secret: create, rotate and finish rotating (docs/identity.md)."""

from __future__ import annotations

import json

from tests.helpers.chatctl import Chatctl


def test_identity_secret_is_shown_once_then_rotated(chatctl: Chatctl) -> None:
    key = json.loads(chatctl.ok("widget", "create", "--business-name", "Acme",
                                "--enforce-identity", "--json").stdout)["site_key"]
    first = chatctl.ok("widget", "identity-secret", key)
    secret = first.stdout.strip()
    assert secret.startswith("pis_") and len(secret) == 47
    assert "shown once" in first.stderr and "no other secret is valid" in first.stderr
    chatctl.fails("widget", "identity-secret", key, message="rotate it")

    rotated = json.loads(chatctl.ok("widget", "identity-secret", key, "--rotate", "--grace",
                                    "2", "--json").stdout)
    assert rotated["secret"] != secret and rotated["identity_previous_until"]
    shown = json.loads(chatctl.ok("widget", "show", key, "--json").stdout)
    assert shown["enforce_identity"] is True and shown["require_identity"] is False
    assert shown["identity_secret_set"] is True and shown["identity_previous_until"]
    assert secret not in json.dumps(shown) and rotated["secret"] not in json.dumps(shown)
    text = chatctl.ok("widget", "show", key).stdout
    assert "enforced (secret set, rotating until" in text

    chatctl.ok("widget", "identity-secret", key, "--finish")
    shown = json.loads(chatctl.ok("widget", "show", key, "--json").stdout)
    assert shown["identity_previous_until"] is None
    chatctl.fails("widget", "identity-secret", "no-such-widget-key", message="no such widget")
    chatctl.fails("widget", "identity-secret", key, "--rotate", "--finish",
                  message="not both", code=2)
