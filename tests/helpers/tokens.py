"""Bearer tokens for tests: the user key an issued token carries, tokens forged with PyJWT or
by hand, and every way a token must fail."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import jwt

from tests.helpers.settings import TEST_SECRET


def user_key(token: str) -> str:
    """The per-user key (``uk``) an issued token carries, to forge tokens that are valid but
    for the one claim a test changes."""
    key: str = jwt.decode(token, options={"verify_signature": False})["uk"]
    return key


def forge(sub: int | str, *, key: str = TEST_SECRET, alg: str = "HS256",
          **claims: Any) -> str:
    """A JWT as Parley issues them (valid when given the user's key, ``uk=user_key(token)``,
    unless a claim, the key or alg say otherwise)."""
    now = int(time.time())
    body: dict[str, Any] = {"sub": str(sub), "role": "admin", "tv": 0, "iat": now,
                            "exp": now + 600, "iss": "parley", "aud": "parley-ui",
                            "jti": uuid.uuid4().hex[:16]}
    body.update(claims)
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, key, algorithm=alg)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def handmade(sub: int | str, *, alg: str = "none", key: bytes = b"",
             **claims: Any) -> str:
    """A JWT built by hand, as an attacker would: any ``alg`` in the header, signed with
    HMAC-SHA256/512 over ``key`` when the alg names one, else with an empty signature (what
    PyJWT itself refuses to produce: alg none, a PEM as HMAC key)."""
    now = int(time.time())
    body = {"sub": str(sub), "role": "admin", "tv": 0, "iat": now, "exp": now + 600,
            "iss": "parley", "aud": "parley-ui", **claims}
    head = _b64(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    digest = {"HS256": hashlib.sha256, "HS512": hashlib.sha512}.get(alg)
    signature = "" if digest is None else _b64(
        hmac.new(key, f"{head}.{payload}".encode(), digest).digest())
    return f"{head}.{payload}.{signature}"


def bad_tokens(user_id: int) -> dict[str, str]:
    """Every way a bearer token must fail (revoked is added by the tests: it needs a user)."""
    pem = b"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"
    return {
        "garbled": "abc.def.ghi",
        "not a JWT": "Bearer",
        "alg none": handmade(user_id, alg="none"),
        "alg None": handmade(user_id, alg="None"),
        "alg NONE": handmade(user_id, alg="NONE"),
        "wrong key": forge(user_id, key="another-key-that-is-long-enough-for-hs256!"),
        "HS512 with the right key": handmade(user_id, alg="HS512", key=TEST_SECRET.encode()),
        "RS256 header, HMAC over a public key": handmade(user_id, alg="RS256", key=pem),
        "HS256 over a public key": handmade(user_id, alg="HS256", key=pem),
        "wrong iss": forge(user_id, iss="evil"),
        "wrong aud": forge(user_id, aud="evil"),
        "no aud": forge(user_id, aud=None),
        "no exp": forge(user_id, exp=None),
        "expired": forge(user_id, exp=int(time.time()) - 5),
        "tv not a number": forge(user_id, tv="0"),
        "sub not a user id": forge("1 OR 1=1"),
        "unknown user": forge(987654),
        "no user key": forge(user_id),
        "another user's key": forge(user_id, uk="0" * 32),
        "signature stripped": forge(user_id).rsplit(".", 1)[0] + ".",
        "visitor token": "pv_" + "A" * 43,
    }
