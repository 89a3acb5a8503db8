"""The phrases of the emails, per language. A phrase missing in a language falls back to
English; `tests/mail/test_strings.py` keeps every language complete."""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "es", "fr", "de")

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "open_conversation": "Open the conversation",
        "reply_hint": "You can reply to this email: your answer goes straight into the conversation.",
        "you": "You",
        "assistant": "Assistant",
        "agent_reply.subject": "New reply from {business}",
        "agent_reply.intro": "{business} replied to your conversation:",
        "transcript.subject": "Your conversation with {business}",
        "transcript.intro": "Here is the transcript of your conversation with {business}.",
        "footer": "Sent by {business} through Parley.",
        "test.subject": "Parley test email",
        "test.body": "This is a test email from Parley. Mail is set up: it reached you.",
    },
    "es": {
        "open_conversation": "Abrir la conversación",
        "reply_hint": "Puede responder a este correo: su respuesta llega directamente a la conversación.",
        "you": "Usted",
        "assistant": "Asistente",
        "agent_reply.subject": "Nueva respuesta de {business}",
        "agent_reply.intro": "{business} respondió a su conversación:",
        "transcript.subject": "Su conversación con {business}",
        "transcript.intro": "Esta es la transcripción de su conversación con {business}.",
        "footer": "Enviado por {business} a través de Parley.",
        "test.subject": "Correo de prueba de Parley",
        "test.body": "Este es un correo de prueba de Parley. El correo está configurado: le ha llegado.",
    },
    "fr": {
        "open_conversation": "Ouvrir la conversation",
        "reply_hint": "Vous pouvez répondre à cet e-mail : votre réponse arrive directement "
                      "dans la conversation.",
        "you": "Vous",
        "assistant": "Assistant",
        "agent_reply.subject": "Nouvelle réponse de {business}",
        "agent_reply.intro": "{business} a répondu à votre conversation :",
        "transcript.subject": "Votre conversation avec {business}",
        "transcript.intro": "Voici la transcription de votre conversation avec {business}.",
        "footer": "Envoyé par {business} via Parley.",
        "test.subject": "E-mail de test de Parley",
        "test.body": "Ceci est un e-mail de test de Parley. L'envoi fonctionne : il vous est parvenu.",
    },
    "de": {
        "open_conversation": "Unterhaltung öffnen",
        "reply_hint": "Sie können auf diese E-Mail antworten: Ihre Antwort landet direkt in "
                      "der Unterhaltung.",
        "you": "Sie",
        "assistant": "Assistent",
        "agent_reply.subject": "Neue Antwort von {business}",
        "agent_reply.intro": "{business} hat auf Ihre Unterhaltung geantwortet:",
        "transcript.subject": "Ihre Unterhaltung mit {business}",
        "transcript.intro": "Hier ist das Protokoll Ihrer Unterhaltung mit {business}.",
        "footer": "Gesendet von {business} über Parley.",
        "test.subject": "Test-E-Mail von Parley",
        "test.body": "Dies ist eine Test-E-Mail von Parley. Der Versand ist eingerichtet: sie kam an.",
    },
}


def phrase(language: str, key: str, **values: Any) -> str:
    text = PHRASES.get(language, {}).get(key) or PHRASES["en"][key]
    return text.format(**values) if values else text
