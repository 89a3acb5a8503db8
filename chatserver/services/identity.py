"""Identity verification (docs/identity.md): who a visitor is, trusted only when the site's
server signed it.

The site signs `{sub, email, name, attributes, exp}` as an HS256 JWT with the widget's
identity secret; the widget hands the token to Parley when it opens a conversation. PyJWT
checks the signature (in constant time, `hmac.compare_digest`), the algorithm (HS256 only:
`none` and every other one are refused before any key is tried) and the times; this module
adds the size limit, the lifetime cap, the widget (`aud`) and the claims' shapes.

Cheap by design: a token is verified only when one is given, at session creation, from the
widget row the request already loaded; nothing here runs on the message path.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt
from sqlalchemy.engine import RowMapping

from chatserver.errors import Forbidden
from chatserver.services.identity_secret import usable_secrets
from chatserver.timeutil import utcnow
from chatserver.validate import clean_text, is_email

# A token is a few hundred bytes; anything this long is not one of ours (and is not decoded).
MAX_TOKEN_CHARS = 4096
# Tokens are short-lived: the site signs one per page view (or per login); `exp` further
# ahead than this is refused, so a leaked token cannot be replayed for long.
MAX_LIFETIME_S = 24 * 3600
# Clock skew allowed between the site's server and Parley's.
LEEWAY_S = 60
ALGORITHM = "HS256"
MAX_ATTRIBUTES = 20
MAX_ATTRIBUTE_CHARS = 500
ATTRIBUTE_KEY_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")

# The stable codes of a refused identity (docs/identity.md), all HTTP 403.
CODES = ("identity_token_too_large", "identity_token_malformed", "identity_token_algorithm",
         "identity_token_signature", "identity_token_expired", "identity_token_not_yet_valid",
         "identity_token_claims", "identity_token_wrong_widget", "identity_not_configured",
         "identity_unverified", "identity_required")


class IdentityRefused(Forbidden):
    """A visitor's identity was not accepted; `code` says why (one of CODES)."""


@dataclass(frozen=True)
class VerifiedIdentity:
    user_id: str
    email: str | None = None
    name: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)


def verify_token(token: object, site_key: str, keys: Sequence[str],
                 now: float | None = None) -> VerifiedIdentity:
    """The identity a token carries, or IdentityRefused. `keys`: the widget's valid secrets
    (the current one first; the previous one too during a rotation)."""
    if not isinstance(token, str) or not token:
        raise IdentityRefused("the identity token must be a string",
                              code="identity_token_malformed")
    if len(token) > MAX_TOKEN_CHARS:
        raise IdentityRefused(f"the identity token is longer than {MAX_TOKEN_CHARS} characters",
                              code="identity_token_too_large")
    if not keys:
        raise IdentityRefused("this widget has no identity secret yet",
                              code="identity_not_configured")
    try:
        alg = jwt.get_unverified_header(token).get("alg")
    except jwt.InvalidTokenError:
        raise IdentityRefused("the identity token is not a JWT",
                              code="identity_token_malformed") from None
    if alg != ALGORITHM:
        raise IdentityRefused("identity tokens must be signed with HS256",
                              code="identity_token_algorithm")
    claims = _decode(token, keys)
    return _identity(claims, site_key, time.time() if now is None else now)


def _decode(token: str, keys: Sequence[str]) -> dict[str, Any]:
    for key in keys:
        try:
            return dict(jwt.decode(token, key, algorithms=[ALGORITHM], leeway=LEEWAY_S,
                                   options={"require": ["exp", "sub"], "verify_aud": False}))
        except jwt.InvalidSignatureError:
            continue  # perhaps signed with the other key of a rotation
        except jwt.ExpiredSignatureError:
            raise IdentityRefused("the identity token has expired",
                                  code="identity_token_expired") from None
        except jwt.ImmatureSignatureError:
            raise IdentityRefused("the identity token is not valid yet",
                                  code="identity_token_not_yet_valid") from None
        except jwt.InvalidAlgorithmError:
            raise IdentityRefused("identity tokens must be signed with HS256",
                                  code="identity_token_algorithm") from None
        except jwt.DecodeError:
            raise IdentityRefused("the identity token is not a JWT",
                                  code="identity_token_malformed") from None
        except jwt.InvalidTokenError as exc:  # a missing or mistyped claim
            raise IdentityRefused(f"the identity token's claims are wrong: {exc}",
                                  code="identity_token_claims") from None
    raise IdentityRefused("the identity token's signature does not match this widget's secret",
                          code="identity_token_signature")


def _claims_error(message: str) -> IdentityRefused:
    return IdentityRefused(f"the identity token's claims are wrong: {message}",
                           code="identity_token_claims")


def _identity(claims: dict[str, Any], site_key: str, now: float) -> VerifiedIdentity:
    exp = claims["exp"]  # PyJWT checked it is a number in the future
    if exp - now > MAX_LIFETIME_S + LEEWAY_S:
        raise _claims_error("exp is more than 24 hours ahead")
    if "aud" in claims:
        aud = claims["aud"]
        auds = aud if isinstance(aud, list) else [aud]
        if site_key not in auds:
            raise IdentityRefused("the identity token was made for another widget (aud)",
                                  code="identity_token_wrong_widget")
    sub = claims["sub"]
    if not isinstance(sub, str) or not sub.strip() or len(sub) > 255:
        raise _claims_error("sub must be a string of 1 to 255 characters")
    email = claims.get("email")
    if email is not None and (not isinstance(email, str) or not is_email(email.strip())):
        raise _claims_error("email must be an email address")
    name = claims.get("name")
    if name is not None and (not isinstance(name, str) or len(clean_text(name, multiline=False))
                             > 100):
        raise _claims_error("name must be a string of at most 100 characters")
    return VerifiedIdentity(
        user_id=sub.strip(), email=email.strip().lower() if email else None,
        name=clean_text(name, multiline=False) or None if name else None,
        attributes=_attributes(claims.get("attributes")))


def _attributes(value: object) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(value) > MAX_ATTRIBUTES:
        raise _claims_error(f"attributes must be an object of at most {MAX_ATTRIBUTES} entries")
    out: dict[str, Any] = {}
    for key, item in value.items():
        if not ATTRIBUTE_KEY_RE.match(key):
            raise _claims_error(f"attribute name {key[:40]!r} must be a letter then up to 39 "
                                "letters, digits, _ . -")
        if isinstance(item, str):
            if len(item) > MAX_ATTRIBUTE_CHARS:
                raise _claims_error(f"attribute {key} is longer than {MAX_ATTRIBUTE_CHARS}")
            out[key] = clean_text(item, multiline=False)
        elif isinstance(item, (bool, int, float)) or item is None:
            out[key] = item
        else:
            raise _claims_error(f"attribute {key} must be a string, number or boolean")
    return out


def resolve(widget: RowMapping, secret_key: str, token: object, *,
            claims_name: bool) -> VerifiedIdentity | None:
    """The identity a new session starts with, under the widget's rules: verified from the
    token when one is given; None for an anonymous visitor (or an unverified claim, which
    `enforce_identity` refuses). `claims_name`: the request names the visitor (a name or
    email) outside a token."""
    if token is not None and token != "":
        keys = usable_secrets(widget, secret_key, utcnow())
        return verify_token(token, widget["site_key"], keys)
    if widget["require_identity"]:
        raise IdentityRefused("this chat is for signed-in visitors: sign in on the site first",
                              code="identity_required")
    if claims_name and (widget["enforce_identity"] or widget["require_identity"]):
        raise IdentityRefused("a name or email needs a signed identity token on this widget",
                              code="identity_unverified")
    return None
