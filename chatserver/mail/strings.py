"""The phrases of the emails, per language. A phrase missing in a language falls back to
English; `tests/mail/test_strings.py` keeps every language complete."""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "es", "fr", "de")

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "footer": "Sent by {business} through Parley.",
        "test.subject": "Parley test email",
        "test.body": "This is a test email from Parley. Mail is set up: it reached you.",
    },
    "es": {
        "footer": "Enviado por {business} a través de Parley.",
        "test.subject": "Correo de prueba de Parley",
        "test.body": "Este es un correo de prueba de Parley. El correo está configurado: le ha llegado.",
    },
    "fr": {
        "footer": "Envoyé par {business} via Parley.",
        "test.subject": "E-mail de test de Parley",
        "test.body": "Ceci est un e-mail de test de Parley. L'envoi fonctionne : il vous est parvenu.",
    },
    "de": {
        "footer": "Gesendet von {business} über Parley.",
        "test.subject": "Test-E-Mail von Parley",
        "test.body": "Dies ist eine Test-E-Mail von Parley. Der Versand ist eingerichtet: sie kam an.",
    },
}


def phrase(language: str, key: str, **values: Any) -> str:
    text = PHRASES.get(language, {}).get(key) or PHRASES["en"][key]
    return text.format(**values) if values else text
