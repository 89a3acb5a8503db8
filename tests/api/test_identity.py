"""Identity verification (docs/identity.md): signed tokens, the secret's rotation, the
widget's enforcement, and what agents see of a verified visitor."""

from __future__ import annotations

import base64
import json
import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
from sqlalchemy import select, update

from chatserver.context import Context
from chatserver.db.schema import widget_configs
from chatserver.errors import ParleyError
from chatserver.services.identity import IdentityRefused, verify_token
from chatserver.services.identity_secret import decrypt
from chatserver.timeutil import utcnow
from tests.helpers.api import Response
from tests.helpers.world import World


def sign(secret: str, **claims: Any) -> str:
    body = {"sub": "u-42", "email": "Ada@Example.com", "name": "Ada Lovelace",
            "exp": int(time.time()) + 600, **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not None}, secret,
                      algorithm="HS256")


def unsigned(**claims: Any) -> str:
    def part(obj: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    body = {"sub": "u-42", "exp": int(time.time()) + 600, **claims}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(body)}."


async def _secret(world: World, rotate: bool = False, **body: Any) -> str:
    resp = await world.api.post(f"/api/widgets/{world.key}/identity-secret",
                                {"rotate": rotate, **body}, token=world.admin)
    assert resp.code == 201, resp
    assert resp.json["identity_secret_set"] is True
    return str(resp.json["secret"])


async def _create(world: World, **body: Any) -> Response:
    return await world.api.post(f"/api/widgets/{world.key}/sessions", body, token="")


async def _another(world: World) -> World:
    """A second widget of the same admin."""
    resp = await world.api.post("/api/widgets", {"business_name": "Other"}, token=world.admin)
    return World(api=world.api, admin=world.admin, key=resp.json["widget"]["site_key"])


async def test_a_signed_identity_is_verified_and_shown_to_agents(make_world: Any) -> None:
    world = await make_world()
    secret = await _secret(world)
    assert secret.startswith("pis_")
    token = sign(secret, aud=world.key, attributes={"plan": "pro", "seats": 12})
    resp = await _create(world, identity_token=token, visitor_name="Mallory",
                         visitor_email="mallory@example.com")
    assert resp.code == 201, resp
    # The token wins over what the page claimed beside it.
    assert resp.json["visitor_name"] == "Ada Lovelace"
    assert resp.json["visitor_email"] == "ada@example.com"
    sid = resp.json["session_id"]
    await world.api.post(f"/api/widgets/escalate/{world.key}/{sid}", {},
                         token=resp.json["visitor_token"])
    plain = await world.session(visitor_name="Claimed", visitor_email="claimed@example.com")
    await world.api.post(f"/api/widgets/escalate/{world.key}/{plain['session_id']}", {},
                         token=plain["visitor_token"])

    alice = world.agents["alice"]
    rows = {r["session_id"]: r for r in (await world.api.get(
        "/api/agents/waiting-sessions", token=alice["token"])).json["sessions"]}
    assert rows[sid]["visitor_verified"] is True and rows[sid]["visitor_user_id"] == "u-42"
    assert rows[sid]["visitor_info"]["identity_attributes"] == {"plan": "pro", "seats": 12}
    assert rows[plain["session_id"]]["visitor_verified"] is False
    assert rows[plain["session_id"]]["visitor_email"] == "claimed@example.com"

    _ws, ready = await world.agent("alice")
    waiting = {s["session_id"]: s for s in ready["waiting"]}
    assert waiting[sid]["visitor_verified"] is True
    assert waiting[plain["session_id"]]["visitor_verified"] is False
    details = await world.api.get(f"/api/agents/sessions/{sid}", token=alice["token"])
    assert details.code == 200, details
    assert details.json["session"]["visitor_verified"] is True
    assert details.json["session"]["visitor_user_id"] == "u-42"
    # The secret itself never leaves again.
    widget = await world.api.get(f"/api/widgets/{world.key}", token=world.admin)
    assert secret not in widget.body.decode() and widget.json["widget"]["identity_secret_set"]


async def test_bad_tokens_are_refused_with_their_codes(make_world: Any) -> None:
    world = await make_world()
    other = await _another(world)
    secret = await _secret(world)
    other_secret = await _secret(other)
    now = int(time.time())
    cases = {
        "identity_token_signature": sign("pis_" + "x" * 43),  # forged
        "identity_token_expired": sign(secret, exp=now - 3600),
        "identity_token_not_yet_valid": sign(secret, nbf=now + 3600),
        "identity_token_algorithm": unsigned(),
        "identity_token_malformed": "not.a.jwt",
        "identity_token_too_large": sign(secret, name="A" * 50, pad="x" * 5000),
        "identity_token_claims": sign(secret, exp=now + 3 * 86400),
        "identity_token_wrong_widget": sign(secret, aud=other.key),
    }
    for code, token in cases.items():
        resp = await _create(world, identity_token=token)
        assert (resp.code, resp.error_code) == (403, code), (code, resp)
    # Signed with the other widget's secret: a bad signature here.
    resp = await _create(world, identity_token=sign(other_secret))
    assert (resp.code, resp.error_code) == (403, "identity_token_signature")
    hs512 = jwt.encode({"sub": "u", "exp": now + 60}, secret + "-long-enough-for-hs512-" * 3,
                       algorithm="HS512")
    assert (await _create(world, identity_token=hs512)).error_code == "identity_token_algorithm"
    for bad in (sign(secret, sub=""), sign(secret, email="not-an-email"),
                sign(secret, attributes={"bad key": 1}), sign(secret, attributes=[1])):
        assert (await _create(world, identity_token=bad)).error_code == "identity_token_claims"
    assert (await _create(world, identity_token=12)).error_code == "identity_token_malformed"
    # A widget without a secret verifies nothing.
    third = await _another(world)
    resp = await _create(third, identity_token=sign(secret))
    assert (resp.code, resp.error_code) == (403, "identity_not_configured")


async def test_rotation_keeps_both_secrets_until_it_ends(make_world: Any, ctx: Context) -> None:
    world = await make_world()
    old = await _secret(world)
    again = await world.api.post(f"/api/widgets/{world.key}/identity-secret", {},
                                 token=world.admin)
    assert (again.code, again.error_code) == (409, "identity_secret_exists")
    new = await _secret(world, rotate=True, grace_hours=2)
    assert new != old
    state = (await world.api.get(f"/api/widgets/{world.key}", token=world.admin)).json["widget"]
    assert state["identity_previous_until"] is not None
    for n, secret in enumerate((old, new)):  # one user each: a user has one open conversation
        assert (await _create(world, identity_token=sign(secret, sub=f"u-{n}"))).code == 201
    # The grace period ends: only the new one.
    async with ctx.engine.begin() as conn:
        await conn.execute(update(widget_configs).where(widget_configs.c.site_key == world.key)
                           .values(identity_previous_until=utcnow() - timedelta(seconds=1)))
    assert (await _create(world, identity_token=sign(old))).error_code == \
        "identity_token_signature"
    assert (await _create(world, identity_token=sign(new, sub="u-2"))).code == 201

    # Rotating again, then finishing the rotation by hand.
    newer = await _secret(world, rotate=True)
    assert (await _create(world, identity_token=sign(new, sub="u-3"))).code == 201
    done = await world.api.delete(f"/api/widgets/{world.key}/identity-secret/previous",
                                  token=world.admin)
    assert done.code == 200 and done.json["identity_previous_until"] is None
    assert (await _create(world, identity_token=sign(new))).error_code == \
        "identity_token_signature"
    assert (await _create(world, identity_token=sign(newer))).code == 201
    # Each step is in the audit log, with no secret in it.
    log = (await world.api.get("/api/admin/audit?action=widget.identity_secret",
                               token=world.admin)).json["entries"]
    assert [(e["action"], e["target_id"]) for e in reversed(log)] == [
        ("widget.identity_secret_create", world.key), ("widget.identity_secret_rotate", world.key),
        ("widget.identity_secret_rotate", world.key), ("widget.identity_secret_finish", world.key)]
    assert log[-2]["details"] == {"previous_valid_hours": 2}
    assert not any(secret in str(log) for secret in (old, new, newer))
    # Only who manages the widget may touch its secret.
    alice = world.agents["alice"]["token"]
    resp = await world.api.post(f"/api/widgets/{world.key}/identity-secret", {"rotate": True},
                                token=alice)
    assert resp.code == 403


async def test_enforcement_refuses_unsigned_claims(make_world: Any) -> None:
    world = await make_world(enforce_identity=True, enable_prechat_form=True, prechat_fields=[
        {"name": "email", "label": "Email", "type": "email"}])
    secret = await _secret(world)
    config = (await world.api.get(f"/api/widgets/{world.key}/config")).json
    assert config["require_identity"] is False
    for claim in ({"visitor_name": "Eve"}, {"visitor_email": "eve@example.com"}):
        resp = await _create(world, **claim)
        assert (resp.code, resp.error_code) == (403, "identity_unverified"), resp
    anonymous = await _create(world)
    assert anonymous.code == 201 and anonymous.json["visitor_email"] is None
    # A pre-chat answer stays an answer: it does not name the visitor.
    answered = await _create(world, prechat={"email": "eve@example.com"})
    assert answered.code == 201 and answered.json["visitor_email"] is None
    signed = await _create(world, identity_token=sign(secret))
    assert signed.code == 201 and signed.json["visitor_email"] == "ada@example.com"


async def test_require_identity_refuses_anonymous_visitors(make_world: Any) -> None:
    world = await make_world()
    secret = await _secret(world)
    resp = await world.api.put(f"/api/widgets/{world.key}", {"require_identity": True},
                               token=world.admin)
    assert resp.code == 200 and resp.json["widget"]["require_identity"] is True
    config = (await world.api.get(f"/api/widgets/{world.key}/config")).json
    assert config["require_identity"] is True
    for body in ({}, {"visitor_name": "Eve"}):
        resp = await _create(world, **body)
        assert (resp.code, resp.error_code) == (403, "identity_required"), resp
    assert (await _create(world, identity_token=sign(secret))).code == 201
    assert (await _create(world, identity_token=sign(secret, exp=1))).error_code == \
        "identity_token_expired"


async def test_the_secret_is_stored_encrypted_with_the_server_key(make_world: Any,
                                                                  ctx: Context) -> None:
    world = await make_world()
    secret = await _secret(world)
    async with ctx.engine.connect() as conn:
        row = (await conn.execute(select(widget_configs).where(
            widget_configs.c.site_key == world.key))).mappings().one()
    stored = row["identity_secret"]
    assert secret not in stored and secret.removeprefix("pis_") not in stored
    assert decrypt(stored, ctx.settings.secret_key) == secret
    with pytest.raises(ParleyError) as refused:
        decrypt(stored, "another server's secret key")
    assert refused.value.code == "identity_secret_unreadable"


def test_token_rules_without_a_server() -> None:
    key = "pis_" + "k" * 43
    now = time.time()
    # Clock skew within the leeway is forgiven; an iat in the future beyond it is not.
    assert verify_token(sign(key, exp=int(now) - 30), "SITE", [key], now).user_id == "u-42"
    with pytest.raises(IdentityRefused) as early:
        verify_token(sign(key, iat=int(now) + 600), "SITE", [key], now)
    assert early.value.code == "identity_token_not_yet_valid"
    # aud may be a list that names the widget; the previous key of a rotation is tried second.
    who = verify_token(sign(key, aud=["OTHER", "SITE"]), "SITE", ["pis_" + "n" * 43, key], now)
    assert (who.email, who.name) == ("ada@example.com", "Ada Lovelace")
    with pytest.raises(IdentityRefused) as none_key:
        verify_token(sign(key), "SITE", [], now)
    assert none_key.value.code == "identity_not_configured"
