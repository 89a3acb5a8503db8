"""/api/auth: registration, sign-in, tokens and their revocation, user administration."""

from __future__ import annotations

import time
from typing import Any

import bcrypt
import jwt
import pytest

from chatserver.config import Settings
from chatserver.services import auth
from tests.helpers.accounts import PASSWORD, admin_and_agent, login, register
from tests.helpers.api import Api
from tests.helpers.settings import TEST_SECRET
from tests.helpers.tokens import user_key


async def test_first_user_becomes_admin_and_gets_a_token(api: Api) -> None:
    result = await register(api, "root", role="agent")
    assert result["user"]["role"] == "admin"
    assert result["token"]
    me = await api.get("/api/auth/me", token=result["token"])
    assert me.code == 200 and me.json["user"]["username"] == "root"
    assert "password_hash" not in me.body.decode() and "token_version" not in me.json["user"]


async def test_registration_is_closed_after_the_first_user(api: Api) -> None:
    await register(api, "root")
    resp = await api.post("/api/auth/register", {"username": "eve", "email": "eve@example.com",
                                                 "password": PASSWORD})
    assert resp.code == 403 and resp.error_code == "registration_closed"


async def test_admin_creates_users_without_getting_their_token(api: Api) -> None:
    admin = await register(api, "root")
    made = await register(api, "bob", role="admin", token=admin["token"])
    assert made["user"]["role"] == "admin"
    assert "token" not in made


async def test_agent_cannot_create_users(api: Api) -> None:
    _admin, agent, _ = await admin_and_agent(api)
    resp = await api.post("/api/auth/register", {"username": "eve", "email": "eve@example.com",
                                                 "password": PASSWORD}, token=agent)
    assert resp.code == 403 and resp.error_code == "admin_required"


@pytest.mark.parametrize(("body", "status", "code", "field"), [
    ({"username": "x y", "email": "a@example.com", "password": PASSWORD}, 422,
     "validation_failed", "username"),
    ({"username": "ok", "email": "not-an-email", "password": PASSWORD}, 422,
     "validation_failed", "email"),
    ({"username": "ok", "email": "a@example.com", "password": "short"}, 422,
     "weak_password", "password"),
    ({"username": "ok", "email": "a@example.com", "password": "password123"}, 422,
     "weak_password", "password"),
    ({"username": "ok", "email": "a@example.com", "password": "é" * 40}, 422,
     "weak_password", "password"),
    ({"username": 5, "email": "a@example.com", "password": PASSWORD}, 400,
     "invalid_type", "username"),
    ({"email": "a@example.com", "password": PASSWORD}, 422, "validation_failed", "username"),
])
async def test_registration_validation(api: Api, body: dict[str, Any], status: int, code: str,
                                       field: str) -> None:
    resp = await api.post("/api/auth/register", body)
    assert resp.code == status, resp
    assert resp.error_code == code
    assert field in resp.json["error"]["fields"]


async def test_duplicate_user_is_a_conflict(api: Api) -> None:
    admin = await register(api, "root")
    resp = await api.post("/api/auth/register", {"username": "root2", "email": "ROOT@example.com",
                                                 "password": PASSWORD}, token=admin["token"])
    assert resp.code == 409 and resp.error_code == "user_exists"
    assert resp.json["error"]["fields"] == {"email": "is taken"}
    # Usernames differ by more than case, on every database (MariaDB's collation ignores case,
    # SQLite's does not).
    resp = await api.post("/api/auth/register", {"username": "Root", "email": "other@example.com",
                                                 "password": PASSWORD}, token=admin["token"])
    assert resp.code == 409 and resp.json["error"]["fields"] == {"username": "is taken"}


async def test_bad_json_is_400(api: Api) -> None:
    for body in (b"{nope", b"[1,2]", b"\xff\xfe"):
        resp = await api.request("POST", "/api/auth/login", body=body)
        assert resp.code == 400 and resp.error_code == "invalid_json", resp


async def test_oversized_body_is_413(api: Api) -> None:
    resp = await api.request("POST", "/api/auth/login", body=b"x" * (65 * 1024))
    assert resp.code == 413 and resp.error_code == "too_large"


async def test_login_and_agent_login_answer_alike(api: Api) -> None:
    await register(api, "root")
    for path in ("/api/auth/login", "/api/auth/agent-login"):
        resp = await api.post(path, {"email": "root@example.com", "password": PASSWORD})
        assert resp.code == 200
        assert set(resp.json) == {"token", "user"}
        assert resp.json["user"]["email"] == "root@example.com"


async def test_wrong_password_and_unknown_email_look_the_same(api: Api) -> None:
    await register(api, "root")
    a = await api.post("/api/auth/login", {"email": "root@example.com", "password": "wrong-pass"})
    b = await api.post("/api/auth/login", {"email": "nobody@example.com", "password": "x"})
    assert a.code == b.code == 401
    assert a.json == b.json


@pytest.mark.parametrize("settings_overrides", [{"bcrypt_rounds": 5}])
async def test_an_unknown_email_costs_one_bcrypt_check_at_the_configured_cost(
        api: Api, monkeypatch: pytest.MonkeyPatch, settings_overrides: dict[str, Any]) -> None:
    """Timing must not tell which emails have accounts: a known email costs one bcrypt check
    of its hash, an unknown one a check of a dummy hash of the same (configured) cost."""
    await register(api, "root")
    costs: list[int] = []
    checkpw = bcrypt.checkpw

    def counting_checkpw(password: bytes, hashed: bytes) -> bool:
        costs.append(int(hashed.split(b"$")[2]))
        return checkpw(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", counting_checkpw)
    for email in ("root@example.com", "nobody@example.com", "nobody@example.com"):
        resp = await api.post("/api/auth/login", {"email": email, "password": "wrong-pass"})
        assert resp.code == 401
    assert costs == [5, 5, 5]


async def test_five_failures_refuse_that_address_on_that_account(api: Api) -> None:
    await register(api, "root")
    for _ in range(5):
        resp = await api.post("/api/auth/login", {"email": "root@example.com", "password": "bad"})
        assert resp.code == 401
    resp = await api.post("/api/auth/login", {"email": "root@example.com", "password": PASSWORD})
    assert resp.code == 429 and resp.error_code == "too_many_attempts"
    assert 0 < int(resp.headers["Retry-After"]) <= 900


@pytest.mark.parametrize("settings_overrides", [{"trusted_proxies": "127.0.0.1",
                                                 "login_slowdown_max_s": 0.4}])
async def test_nobody_can_lock_an_account_out_from_elsewhere(
        api: Api, settings_overrides: dict[str, Any]) -> None:
    """Failures from address A refuse A on that account; its owner still signs in from B,
    slowed (the account has failed from somewhere), never refused."""
    await register(api, "root")
    a, b = {"X-Forwarded-For": "198.51.100.1"}, {"X-Forwarded-For": "203.0.113.2"}
    for _ in range(6):
        resp = await api.post("/api/auth/login", {"email": "root@example.com",
                                                  "password": "guess-guess"}, headers=a)
        assert resp.code in (401, 429)
    refused = await api.post("/api/auth/login", {"email": "root@example.com",
                                                 "password": PASSWORD}, headers=a)
    assert refused.code == 429 and refused.error_code == "too_many_attempts"
    for path in ("/api/auth/login", "/api/auth/agent-login"):
        started = time.monotonic()
        resp = await api.post(path, {"email": "root@example.com", "password": PASSWORD},
                              headers=b)
        assert resp.code == 200, resp
        assert time.monotonic() - started >= auth.SLOWDOWN_FIRST_S


def test_the_slowdown_grows_with_an_accounts_failures_up_to_its_cap() -> None:
    delays = [auth.slowdown_s(n, 5, 3.0) for n in range(12)]
    assert delays[:5] == [0.0] * 5
    assert delays[5:] == [0.25, 0.5, 1.0, 2.0, 3.0, 3.0, 3.0]
    assert auth.slowdown_s(10**9, 5, 3.0) == 3.0


async def test_an_address_failing_on_many_accounts_is_refused(api: Api,
                                                              settings: Settings) -> None:
    await register(api, "root")
    for i in range(settings.login_max_failures_per_address):
        resp = await api.post("/api/auth/login", {"email": f"u{i}@example.com", "password": "x"})
        assert resp.code == 401
    resp = await api.post("/api/auth/login", {"email": "root@example.com", "password": PASSWORD})
    assert resp.code == 429 and resp.error_code == "too_many_attempts"


def _forge(claims: dict[str, Any], key: str = TEST_SECRET, alg: str = "HS256") -> str:
    base = {"sub": "1", "tv": 0, "iat": int(time.time()), "exp": int(time.time()) + 60,
            "iss": "parley", "aud": "parley-ui", "role": "admin"}
    base.update(claims)
    return jwt.encode(base, key, algorithm=alg)


async def test_bad_tokens_are_refused(api: Api) -> None:
    admin = await register(api, "root")
    uid, uk = str(admin["user"]["id"]), user_key(admin["token"])
    none_token = jwt.encode({"sub": uid, "tv": 0, "exp": int(time.time()) + 60, "iat": 1,
                             "iss": "parley", "aud": "parley-ui"}, key="", algorithm="none")
    cases = {
        "garbled": "abc.def.ghi",
        "alg none": none_token,
        "wrong key": _forge({"sub": uid}, key="another-key-that-is-long-enough-for-hs256"),
        "wrong iss": _forge({"sub": uid, "iss": "evil"}),
        "wrong aud": _forge({"sub": uid, "aud": "evil"}),
        "expired": _forge({"sub": uid, "exp": int(time.time()) - 10}),
        "visitor token": "pv_" + "a" * 40,
        "no user key": _forge({"sub": uid}),
        "another user key": _forge({"sub": uid, "uk": "0" * 32}),
    }
    for name, token in cases.items():
        resp = await api.get("/api/auth/me", token=token)
        assert resp.code == 401, name
        assert resp.error_code in ("invalid_token", "token_expired", "token_revoked"), name
    missing = await api.get("/api/auth/me", token="")
    assert missing.code == 401 and missing.error_code == "unauthorized"
    good = await api.get("/api/auth/me", token=_forge({"sub": uid, "uk": uk}))
    assert good.code == 200


async def test_logout_revokes_every_token_of_the_user(api: Api) -> None:
    await register(api, "root")
    one, two = await login(api, "root"), await login(api, "root")
    resp = await api.post("/api/auth/logout", token=one)
    assert resp.code == 204
    for token in (one, two):
        resp = await api.get("/api/auth/me", token=token)
        assert resp.code == 401 and resp.error_code == "token_revoked"


async def test_password_change_revokes_old_tokens_and_returns_a_new_one(api: Api) -> None:
    admin = await register(api, "root")
    old = admin["token"]
    wrong = await api.post("/api/auth/password", {"current_password": "nope-nope",
                                                  "new_password": "another-good-pass"}, token=old)
    assert wrong.code == 403 and wrong.error_code == "wrong_password"
    resp = await api.post("/api/auth/password", {"current_password": PASSWORD,
                                                 "new_password": "another-good-pass"}, token=old)
    assert resp.code == 200
    assert (await api.get("/api/auth/me", token=old)).code == 401
    assert (await api.get("/api/auth/me", token=resp.json["token"])).code == 200
    assert await login(api, "root", "another-good-pass")


async def test_user_administration(api: Api) -> None:
    admin, agent, agent_user = await admin_and_agent(api)
    aid = agent_user["id"]
    listing = await api.get("/api/auth/users", token=admin)
    assert [u["username"] for u in listing.json["users"]] == ["root", "alice"]
    assert (await api.get("/api/auth/users", token=agent)).code == 403

    # Role change revokes the agent's tokens.
    resp = await api.put(f"/api/auth/users/{aid}/role", {"role": "admin"}, token=admin)
    assert resp.code == 200 and resp.json["user"]["role"] == "admin"
    assert (await api.get("/api/auth/me", token=agent)).code == 401
    bad_role = await api.put(f"/api/auth/users/{aid}/role", {"role": "god"}, token=admin)
    assert bad_role.code == 422

    # Admin reset of a password revokes tokens and lets the new password in.
    agent = await login(api, "alice")
    resp = await api.post(f"/api/auth/users/{aid}/password", {"password": "reset-pass-123"},
                          token=admin)
    assert resp.code == 204
    assert (await api.get("/api/auth/me", token=agent)).code == 401
    await login(api, "alice", "reset-pass-123")

    # Deletion: unknown ids are 404; the deleted user's tokens die with them.
    agent = await login(api, "alice", "reset-pass-123")
    assert (await api.delete("/api/auth/users/99999", token=admin)).code == 404
    assert (await api.delete("/api/auth/users/abc", token=admin)).code == 404
    assert (await api.delete(f"/api/auth/users/{aid}", token=admin)).code == 204
    assert (await api.get("/api/auth/me", token=agent)).code == 401


async def test_a_deleted_users_id_is_never_given_again(api: Api) -> None:
    """SQLite without AUTOINCREMENT would give the next user the highest deleted id."""
    admin, _agent, alice = await admin_and_agent(api)
    bob = (await register(api, "bob", token=admin))["user"]
    assert (await api.delete(f"/api/auth/users/{bob['id']}", token=admin)).code == 204
    carol = (await register(api, "carol", token=admin))["user"]
    assert carol["id"] > bob["id"] > alice["id"]


async def test_last_admin_cannot_be_deleted_or_demoted(api: Api) -> None:
    admin = await register(api, "root")
    uid = admin["user"]["id"]
    resp = await api.delete(f"/api/auth/users/{uid}", token=admin["token"])
    assert resp.code == 409 and resp.error_code == "last_admin"
    resp = await api.put(f"/api/auth/users/{uid}/role", {"role": "agent"}, token=admin["token"])
    assert resp.code == 409 and resp.error_code == "last_admin"


async def test_update_own_display_name(api: Api) -> None:
    admin = await register(api, "root")
    resp = await api.put("/api/auth/me", {"display_name": "  Ada  "}, token=admin["token"])
    assert resp.code == 200 and resp.json["user"]["display_name"] == "Ada"
    resp = await api.put("/api/auth/me", {"max_chats": 0}, token=admin["token"])
    assert resp.code == 422
