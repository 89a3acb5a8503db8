"""Tokens that name a conversation from outside Parley, signed with the server's secret key.

A reply address, ``reply+<token>@<reply domain>``: the session's id and a MAC, lower-case
base32 (42 characters, so the local part is 48), case-insensitive as mail systems treat it.
A conversation link, ``<public url>/c/<token>``: the session's id, when the link expires and a
MAC, base64url. Neither is stored: a forged or altered token fails its MAC.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
import uuid
from datetime import datetime, timedelta

REPLY_PREFIX = "reply+"
_REPLY_MAC = 10
_LINK_MAC = 16
EPOCH = datetime(1970, 1, 1)


def _key(secret: str, purpose: str) -> bytes:
    return hmac.new(secret.encode(), f"parley-mail:{purpose}".encode(), hashlib.sha256).digest()


def _mac(secret: str, purpose: str, data: bytes, size: int) -> bytes:
    return hmac.new(_key(secret, purpose), data, hashlib.sha256).digest()[:size]


def reply_token(secret: str, session_id: str) -> str:
    raw = uuid.UUID(session_id).bytes
    signed = raw + _mac(secret, "reply", raw, _REPLY_MAC)
    return base64.b32encode(signed).decode().rstrip("=").lower()


def reply_address(secret: str, session_id: str, domain: str) -> str:
    return f"{REPLY_PREFIX}{reply_token(secret, session_id)}@{domain}"


def session_of_reply_address(secret: str, address: str, domain: str) -> str | None:
    """The session a reply address names, or None when it is not one of ours or is forged."""
    local, _, at = address.strip().strip("<>").rpartition("@")
    if at.lower() != domain.lower() or not local.lower().startswith(REPLY_PREFIX):
        return None
    token = local[len(REPLY_PREFIX):].upper()
    try:
        signed = base64.b32decode(token + "=" * (-len(token) % 8))
    except (binascii.Error, ValueError):
        return None
    raw, mac = signed[:16], signed[16:]
    if len(raw) != 16 or not hmac.compare_digest(mac, _mac(secret, "reply", raw, _REPLY_MAC)):
        return None
    if base64.b32encode(signed).decode().rstrip("=") != token:  # one spelling per token
        return None
    return str(uuid.UUID(bytes=raw))


def link_token(secret: str, session_id: str, expires: datetime) -> str:
    """``expires``: naive UTC."""
    stamp = int((expires - EPOCH).total_seconds())
    data = uuid.UUID(session_id).bytes + struct.pack(">Q", stamp)
    return base64.urlsafe_b64encode(data + _mac(secret, "link", data, _LINK_MAC)).decode() \
        .rstrip("=")


def read_link_token(secret: str, token: str) -> tuple[str, datetime] | None:
    """(session id, expires at) of a genuine link, expired or not; None when forged."""
    if len(token) > 64:
        return None
    try:
        signed = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    data, mac = signed[:24], signed[24:]
    if len(data) != 24 or not hmac.compare_digest(mac, _mac(secret, "link", data, _LINK_MAC)):
        return None
    if base64.urlsafe_b64encode(signed).decode().rstrip("=") != token:  # one spelling
        return None
    (stamp,) = struct.unpack(">Q", data[16:])
    return str(uuid.UUID(bytes=data[:16])), EPOCH + timedelta(seconds=stamp)
