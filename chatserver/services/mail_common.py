"""What every email about one conversation shares: the link that opens it, the widget's brand,
who it is from and to, the Reply-To that brings answers back, and the thread that groups
the conversation's emails in the visitor's mail client."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from email.headerregistry import Address
from email.utils import parseaddr
from typing import Any

from sqlalchemy.engine import RowMapping

from chatserver.config import Settings
from chatserver.mail.render import Brand
from chatserver.mail.tokens import reply_address
from chatserver.services.links import conversation_link as conversation_link


def brand_of(session: RowMapping) -> Brand:
    return Brand(name=session["business_name"], color=session["primary_color"],
                 language=session["language"] or "en")


def recipient_of(session: RowMapping) -> str | None:
    """The visitor's email: the one left for a reply first, else the one they gave."""
    return session["offline_email"] or session["visitor_email"] or None


def sender(settings: Settings, business_name: str) -> str:
    """PARLEY_MAIL_FROM's address under the widget's business name (quoted as needed)."""
    _name, addr = parseaddr(settings.mail_from)
    display = " ".join(business_name.split())  # no line breaks in a header
    try:
        username, _, domain = addr.rpartition("@")
        return str(Address(display_name=display, username=username, domain=domain))
    except (ValueError, IndexError):
        return settings.mail_from


def thread_headers(settings: Settings, session_id: str) -> dict[str, str]:
    """Every email of a conversation refers to one stable id (never sent itself), so mail
    clients show them as one thread."""
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "parley.invalid"
    thread = f"<conversation-{session_id}@{domain}>"
    return {"In-Reply-To": thread, "References": thread}


def reply_to(settings: Settings, session_id: str) -> str | None:
    """The signed address whose mail lands in the conversation; None without a reply domain
    (answers then go to PARLEY_MAIL_FROM)."""
    if not settings.mail_reply_domain:
        return None
    return reply_address(settings.secret_key, session_id, settings.mail_reply_domain)


def local_time(value: datetime, timezone: str | None) -> str:
    """A stored (naive UTC) time in the widget's time zone, as the email shows it."""
    try:
        zone = zoneinfo.ZoneInfo(timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = value.replace(tzinfo=zoneinfo.ZoneInfo("UTC")).astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M")


def files_of(message: RowMapping) -> list[dict[str, Any]]:
    """The files sent with a message, as an email lists them (name and size: the email
    links to the conversation, where they are downloaded; it never attaches them)."""
    meta = message["meta"] or {}
    return [{"name": f["name"], "size": f["size"]} for f in meta.get("files") or ()]
