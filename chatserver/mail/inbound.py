"""Reading a visitor's reply that came back by email: the words they wrote, without the quoted
history their mail client appended or the signature below them, and whether it was written
by a person at all (auto-replies and bounces are refused, never posted).

Pure computation on the bytes the listener received (chatserver/mail/listener.py): no
database, no I/O. Quoted history is found by mail-parser-reply (Gmail, Outlook, Apple Mail
and Thunderbird headers in many languages), with one header it misses (Spanish "El … escribió:"
as Gmail and Apple Mail write it). Signatures are cut at the standard "-- " line and at the
"Sent from my iPhone" lines of phones and Outlook, in English, Spanish, French and German;
a closing phrase ("Thanks,", "Best regards") is kept, because mail-parser-reply's rule for
those drops everything after a line that starts with "Thanks," and so loses real text.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import hashlib
import re
from dataclasses import dataclass

from mailparser_reply import EmailMessage

from chatserver.mail.html_text import html_to_text

# The languages whose quote headers are recognised (those of Parley's emails).
LANGUAGES = ("en", "es", "fr", "de")
# The reply is at the top: past this many characters of a body is quoted history, and the
# header patterns are not run over megabytes.
MAX_BODY_CHARS = 100_000
# What a truncated reply ends with (it is never refused for its length).
TRUNCATED = "\n[…] (the email was longer; the rest was cut)"

# Quote headers that mail-parser-reply does not find (it wants two spaces before "escribió").
# One line, or two where the client wrapped it (Gmail wraps at about 78 characters).
EXTRA_HEADER = re.compile(
    r"^[> ]*El\s[^\n]*(?:\n[^\n]*)?\sescribi[oó]\s?:[ \t]*$", re.MULTILINE | re.IGNORECASE)
SIGNATURE = re.compile(
    r"^(?:--|__|-- )$"
    r"|^(?:Sent from my |Sent from Outlook|Get Outlook for |Sent from Mail for "
    r"|Enviado desde mi |Enviado desde Outlook|Obtener Outlook para "
    r"|Envoyé de mon |Envoyé depuis |Obtenir Outlook pour "
    r"|Von meinem .{1,60} gesendet|Gesendet von |Outlook für .{1,30} beziehen)",
    re.MULTILINE | re.IGNORECASE)
# The headers that mark mail written by a program (RFC 3834, and common practice).
AUTO_PRECEDENCE = ("bulk", "junk", "list")
AUTO_FLAGS = ("X-Autoreply", "X-Autorespond", "X-Auto-Reply")
DAEMONS = ("mailer-daemon", "postmaster")


class MailRefused(Exception):
    """An email the listener refuses; ``reply`` is the SMTP reply it answers."""

    reply = "554 5.6.0 Refused"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.reply)
        self.detail = detail


class MalformedMail(MailRefused):
    reply = "554 5.6.0 Malformed or empty email: no reply text found"


class AutomaticMail(MailRefused):
    reply = "550 5.7.1 Automatic replies and delivery reports are not accepted here"


class NoSuchConversation(MailRefused):
    reply = "550 5.1.1 This conversation no longer exists"


class TryAgain(MailRefused):
    """The conversation changed under the delivery (closed meanwhile): the MTA's retry works."""

    reply = "451 4.3.0 The conversation changed; please try again later"


class TooManyMails(MailRefused):
    reply = "450 4.7.1 Too many emails to this conversation in the last hour; try again later"


@dataclass(frozen=True)
class InboundMail:
    message_id: str  # the email's Message-ID, or a digest of it when it has none
    sender: str  # the From address, lower-cased
    subject: str
    text: str  # the reply: quoted history and signature removed, never empty

    @property
    def client_msg_id(self) -> str:
        """The chat message's key: the same email delivered twice is one message."""
        return "mail-" + hashlib.sha256(self.message_id.encode()).hexdigest()[:40]


def parse(raw: bytes, envelope_sender: str | None = None) -> InboundMail:
    """Read an email; ``envelope_sender`` is SMTP's MAIL FROM ("" for the null sender of a
    bounce; None when unknown). Raises AutomaticMail or MalformedMail."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(msg, email.message.EmailMessage)
        reason = automatic(msg, envelope_sender)
        if reason:
            raise AutomaticMail(reason)
        sender = _sender(msg)
        body = body_text(msg)
        subject = str(msg.get("Subject", "") or "")[:300]
        message_id = str(msg.get("Message-ID", "") or "").strip().strip("<>")[:998]
    except MailRefused:
        raise
    except Exception as exc:  # the email package raises many kinds on broken input
        raise MalformedMail(f"unreadable email ({type(exc).__name__})") from None
    if not sender:
        raise MalformedMail("no From address")
    text = strip_reply(body)
    if not text:
        raise MalformedMail("no reply text")
    if not message_id:
        digest = hashlib.sha256("\0".join((sender, str(msg.get("Date", "")), subject, body))
                                .encode("utf-8", "surrogatepass")).hexdigest()
        message_id = f"digest:{digest}"
    return InboundMail(message_id=message_id, sender=sender, subject=subject, text=text)


def automatic(msg: email.message.EmailMessage, envelope_sender: str | None) -> str:
    """Why this email was written by a program (an auto-reply, a bounce), or ""."""
    if envelope_sender is not None and envelope_sender.strip() in ("", "<>"):
        return "null sender (a bounce)"
    submitted = str(msg.get("Auto-Submitted", "") or "").split(";")[0].strip().lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    precedence = str(msg.get("Precedence", "") or "").strip().lower()
    if precedence in AUTO_PRECEDENCE:
        return f"Precedence: {precedence}"
    for flag in AUTO_FLAGS:
        if msg.get(flag) is not None:
            return flag
    if msg.get_content_type() == "multipart/report":
        return "a delivery report"
    if _sender(msg).split("@")[0] in DAEMONS:
        return "from a mailer daemon"
    return ""


def _sender(msg: email.message.EmailMessage) -> str:
    header = msg.get("From")
    addresses = getattr(header, "addresses", ()) if header is not None else ()
    address = addresses[0].addr_spec.strip().lower() if addresses else ""
    return address if "@" in address else ""


def body_text(msg: email.message.EmailMessage) -> str:
    """The plain-text body, or the HTML body as text when there is no plain one."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    assert isinstance(part, email.message.EmailMessage)
    try:
        content = part.get_content()
    except (LookupError, UnicodeError):  # an unknown or lying charset
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return ""
    content = content[:MAX_BODY_CHARS * 4] if part.get_content_subtype() == "html" \
        else content[:MAX_BODY_CHARS]
    return html_to_text(content) if part.get_content_subtype() == "html" else content


def strip_reply(body: str) -> str:
    """The reply at the top of a body, without the history it quotes or its signature."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")[:MAX_BODY_CHARS]
    # A quote header has the date in it: "El martes mi hermano escribió:" is not one.
    extra = next((m for m in EXTRA_HEADER.finditer(text) if re.search(r"\d", m.group())), None)
    if extra is not None:
        text = text[:extra.start()]
    parsed = EmailMessage(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    first = parsed.replies[0]
    if first.headers:  # the body starts with the quoted history: nothing was written above
        return ""
    text = first.content
    signature = SIGNATURE.search(text)
    if signature is not None:
        text = text[:signature.start()]
    lines = text.split("\n")
    while lines and (not lines[-1].strip() or lines[-1].lstrip().startswith(">")):
        lines.pop()  # a quoted block at the end, without a header above it
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def fit(text: str, limit: int) -> str:
    """The text within ``limit`` characters, cut with a note rather than refused."""
    if len(text) <= limit:
        return text
    return text[:max(0, limit - len(TRUNCATED))].rstrip() + TRUNCATED
