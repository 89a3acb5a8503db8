"""Reply addresses and conversation links: they name their session, and nothing forged,
altered or signed with another key passes."""

from __future__ import annotations

import uuid
from datetime import datetime

from chatserver.mail.tokens import (
    link_token,
    read_link_token,
    reply_address,
    session_of_reply_address,
)

DOMAIN = "reply.example.com"


def test_a_reply_address_is_short_lower_case_and_names_its_session() -> None:
    sid = str(uuid.uuid4())
    address = reply_address("secret", sid, DOMAIN)
    local = address.split("@")[0]
    assert len(local) <= 64 and local == local.lower() and local.startswith("reply+")
    assert session_of_reply_address("secret", address, DOMAIN) == sid
    # Mail systems may change the case; the angle brackets of an envelope are allowed.
    assert session_of_reply_address("secret", f"<{address.upper()}>", DOMAIN) == sid


def test_forged_altered_or_foreign_reply_addresses_name_nothing() -> None:
    sid = str(uuid.uuid4())
    address = reply_address("secret", sid, DOMAIN)
    local = address.split("@")[0]
    flipped = local[:-1] + ("a" if local[-1] != "a" else "b")
    middle = len(local) // 2
    changed = local[:middle] + ("a" if local[middle] != "a" else "b") + local[middle + 1:]
    for bad in (reply_address("other", sid, DOMAIN), f"{flipped}@{DOMAIN}", f"{changed}@{DOMAIN}",
                address.replace(DOMAIN, "evil.example.com"), f"reply+@{DOMAIN}",
                f"reply+{'1' * 42}@{DOMAIN}", f"someone@{DOMAIN}", "reply+!!!@" + DOMAIN, ""):
        assert session_of_reply_address("secret", bad, DOMAIN) is None, bad


def test_a_link_carries_its_session_and_expiry_and_refuses_forgery() -> None:
    sid = str(uuid.uuid4())
    expires = datetime(2027, 1, 2, 3, 4, 5)
    token = link_token("secret", sid, expires)
    assert read_link_token("secret", token) == (sid, expires)
    assert read_link_token("other", token) is None
    for i in (len(token) // 2, len(token) - 1):  # a middle one, and the last (padding bits)
        altered = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]
        assert read_link_token("secret", altered) is None
    assert read_link_token("secret", "x" * 65) is None
    assert read_link_token("secret", "%%%") is None
