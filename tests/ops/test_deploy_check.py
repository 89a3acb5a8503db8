"""`chatctl deploy check`: one line per check, exit 1 on a problem, and what to change."""

from __future__ import annotations

from typing import Any

from tests.helpers.chatctl import Chatctl

GOOD = {
    "PARLEY_SECRET_KEY": "Zq3u0v9Lk2PmW8rT4yHnB6cD1fGhJ5sA7eXoQ",
    "PARLEY_PUBLIC_URL": "https://chat.example.com",
    "PARLEY_HOST": "127.0.0.1",
    "PARLEY_TRUSTED_PROXIES": "127.0.0.1,::1",
    "PARLEY_LOG_FORMAT": "json",
    "PARLEY_BCRYPT_ROUNDS": "12",
    "PARLEY_DEMO_PAGE": "false",
}


def lines(result: Any) -> dict[str, str]:
    """check name -> level, from the output's `level what: detail` lines."""
    found = {}
    for line in result.output.splitlines():
        level, _, rest = line.partition(" ")
        if level in ("ok", "warn", "FAIL"):
            found[rest.strip().split(":", 1)[0]] = level
    return found


def test_development_defaults_fail_with_reasons(chatctl: Chatctl) -> None:
    result = chatctl("deploy", "check", "--offline",
                     env={"PARLEY_DATABASE_URL": "", "PARLEY_HOST": "0.0.0.0"})
    assert result.exit_code == 1, result.output
    found = lines(result)
    assert found["secret key"] == "FAIL" and found["database"] == "FAIL"
    assert found["public URL"] == "FAIL"
    assert found["listen address"] == found["demo page"] == "warn"
    assert "PARLEY_SECRET_KEY is not set" in result.output
    assert "not ready for production" in result.output


def test_production_settings_pass(chatctl: Chatctl) -> None:
    env = {**GOOD, "PARLEY_DATABASE_URL": "mysql+asyncmy://parley:pw@127.0.0.1/parley"}
    result = chatctl("deploy", "check", "--offline", env=env)
    assert result.exit_code == 0, result.output
    assert set(lines(result).values()) == {"ok"}, result.output
    assert "0 failed, 0 warnings: ready" in result.output


def test_weak_secret_public_proxy_trust_and_workers_without_redis(chatctl: Chatctl) -> None:
    env = {**GOOD, "PARLEY_DATABASE_URL": "mysql+asyncmy://parley:pw@127.0.0.1/parley",
           "PARLEY_SECRET_KEY": "change-me", "PARLEY_PUBLIC_URL": "http://chat.example.com",
           "PARLEY_TRUSTED_PROXIES": "0.0.0.0/0", "PARLEY_WORKERS": "4"}
    found = lines(chatctl("deploy", "check", "--offline", env=env))
    assert found["secret key"] == found["public URL"] == "FAIL"
    assert found["trusted proxies"] == found["redis"] == "FAIL"


def test_behind_a_proxy_without_trusted_proxies(chatctl: Chatctl) -> None:
    env = {**GOOD, "PARLEY_DATABASE_URL": "mysql+asyncmy://parley:pw@127.0.0.1/parley",
           "PARLEY_TRUSTED_PROXIES": ""}
    result = chatctl("deploy", "check", "--offline", env=env)
    assert result.exit_code == 1 and lines(result)["trusted proxies"] == "FAIL"


def test_warnings_fail_only_when_strict(chatctl: Chatctl) -> None:
    env = {**GOOD, "PARLEY_DATABASE_URL": "mysql+asyncmy://parley:pw@127.0.0.1/parley",
           "PARLEY_LOG_FORMAT": "text"}
    assert chatctl("deploy", "check", "--offline", env=env).exit_code == 0
    assert chatctl("deploy", "check", "--offline", "--strict", env=env).exit_code == 1


def test_live_checks_find_the_schema_and_widgets_without_origins(chatctl: Chatctl) -> None:
    admin = chatctl.create_user("root", "admin")
    assert admin
    chatctl.ok("widget", "create", "--business-name", "Acme")
    result = chatctl("deploy", "check", env=GOOD)  # the suite's database, whatever it is
    found = lines(result)
    assert found["database connection"] == "ok" and found["schema"] == "ok", result.output
    widget = next(k for k in found if k.startswith("widget "))
    assert found[widget] == "FAIL" and "--allowed-origin" in result.output


def test_an_unreachable_database_is_a_failure(chatctl: Chatctl) -> None:
    env = {**GOOD, "PARLEY_DATABASE_URL": "mysql+asyncmy://parley:pw@127.0.0.1:1/parley",
           "PARLEY_DB_CONNECT_TIMEOUT_S": "1"}
    result = chatctl("deploy", "check", env=env)
    assert result.exit_code == 1
    assert lines(result)["database connection"] == "FAIL", result.output
    assert "Traceback" not in result.output
