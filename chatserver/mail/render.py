"""Emails from templates: a plain-text and an HTML body in the widget's language, with the
widget's name and colour.

Templates are Tornado templates in mail/templates/: ``<name>.txt`` (no escaping) and
``<name>.html`` (escaped, extending layout.html). Both get ``t(key, **values)`` (the phrase
in the email's language, mail/strings.py), ``size(bytes)`` (a file size for people),
``brand`` (the widget's name and colour) and the values passed to `render`. The subject is
the phrase ``<name>.subject``.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from functools import cache
from pathlib import Path
from typing import Any

import tornado.template

from chatserver.mail.strings import LANGUAGES, file_size, phrase

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Brand:
    name: str  # the widget's business name
    color: str  # #rrggbb, the widget's primary colour
    language: str = "en"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@cache
def _loaders() -> tuple[tornado.template.Loader, tornado.template.Loader]:
    return (tornado.template.Loader(str(TEMPLATES), autoescape=None),
            tornado.template.Loader(str(TEMPLATES)))


def render(name: str, brand: Brand, **values: Any) -> Rendered:
    language = brand.language if brand.language in LANGUAGES else "en"

    def t(key: str, **more: Any) -> str:
        return phrase(language, key, **{**values, "business": brand.name, **more})

    text_loader, html_loader = _loaders()
    def size(n: int) -> str:
        return file_size(language, n)

    namespace = {**values, "t": t, "size": size, "brand": brand, "language": language}
    text = text_loader.load(f"{name}.txt").generate(**namespace).decode()
    html = html_loader.load(f"{name}.html").generate(**namespace).decode()
    return Rendered(subject=t(f"{name}.subject"), text=text.strip() + "\n", html=html)


def compose(rendered: Rendered, *, sender: str, to: str | list[str],
            reply_to: str | None = None, bcc: list[str] | None = None,
            headers: dict[str, str] | None = None) -> EmailMessage:
    """An email with both bodies (multipart/alternative). The sender adds the Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to if isinstance(to, str) else ", ".join(to)
    if bcc:
        message["Bcc"] = ", ".join(bcc)
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = rendered.subject
    message["Date"] = formatdate(localtime=False)
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message
