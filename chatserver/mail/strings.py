"""The phrases of the emails, per language. A phrase missing in a language falls back to
English; `tests/mail/test_strings.py` keeps every language complete."""

from __future__ import annotations

from typing import Any

LANGUAGES = ("en", "es", "fr", "de")

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "files.label": "Files (open the conversation to download them):",
        "size.b": "{n} B",
        "size.kb": "{n} KB",
        "size.mb": "{n} MB",
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
        "team.anonymous": "A visitor",
        "team.email": "Email: {email}",
        "team.open": "Open the conversation",
        "team.why": ("You get this because you are on the team of this chat. Choose which emails you get in "
                     "your settings:"),
        "team.sender.visitor": "Visitor",
        "team.sender.ai": "Assistant",
        "team.sender.agent": "Agent",
        "team_waiting.subject": "{visitor} has been waiting {minutes} min for a person",
        "team_waiting.intro": ("{visitor} asked for a person on the {business} chat {minutes} min ago, and "
                               "nobody has accepted yet."),
        "team_waiting.first": "First message:",
        "team_waiting.last": "Latest message:",
        "team_offline_email.subject": "{visitor} left an email for a reply",
        "team_offline_email.intro": ("{visitor} left their email address on the {business} chat while "
                                     "nobody could answer: {email}"),
        "team_offline_email.note": "Their note:",
        "team_offline_email.conversation": "The conversation so far:",
        "team_digest.subject": "Missed conversations: {count}",
        "team_digest.intro": "Conversations on your chats from {since} to {until} that nobody answered:",
        "team_digest.waiting": "Still waiting; nobody accepted",
        "team_digest.left": "Asked for a person and left; nobody accepted",
        "team_digest.email": "Left an email ({email}); not answered yet",
        "team_digest.more": "And {more} more in the history.",
        "team_mention.subject": "{author} mentioned you in a conversation with {visitor}",
        "team_mention.intro": ("{author} mentioned you in a private note on the {business} chat (only the "
                               "team sees it):"),
    },
    "es": {
        "files.label": "Archivos (abra la conversación para descargarlos):",
        "size.b": "{n} B",
        "size.kb": "{n} KB",
        "size.mb": "{n} MB",
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
        "team.anonymous": "Un visitante",
        "team.email": "Correo: {email}",
        "team.open": "Abrir la conversación",
        "team.why": ("Recibe esto porque forma parte del equipo de este chat. Elija qué correos recibe en "
                     "su configuración:"),
        "team.sender.visitor": "Visitante",
        "team.sender.ai": "Asistente",
        "team.sender.agent": "Agente",
        "team_waiting.subject": "{visitor} lleva {minutes} min esperando a una persona",
        "team_waiting.intro": ("{visitor} pidió hablar con una persona en el chat de {business} hace "
                               "{minutes} min y nadie ha aceptado todavía."),
        "team_waiting.first": "Primer mensaje:",
        "team_waiting.last": "Último mensaje:",
        "team_offline_email.subject": "{visitor} dejó su correo para recibir respuesta",
        "team_offline_email.intro": ("{visitor} dejó su dirección de correo en el chat de {business} cuando "
                                     "nadie podía responder: {email}"),
        "team_offline_email.note": "Su nota:",
        "team_offline_email.conversation": "La conversación hasta ahora:",
        "team_digest.subject": "Conversaciones perdidas: {count}",
        "team_digest.intro": "Conversaciones en sus chats del {since} al {until} que nadie respondió:",
        "team_digest.waiting": "Sigue esperando; nadie aceptó",
        "team_digest.left": "Pidió una persona y se fue; nadie aceptó",
        "team_digest.email": "Dejó su correo ({email}); aún sin respuesta",
        "team_digest.more": "Y {more} más en el historial.",
        "team_mention.subject": "{author} le mencionó en una conversación con {visitor}",
        "team_mention.intro": ("{author} le mencionó en una nota privada en el chat de {business} "
                               "(solo la ve el equipo):"),
    },
    "fr": {
        "files.label": "Fichiers (ouvrez la conversation pour les télécharger) :",
        "size.b": "{n} o",
        "size.kb": "{n} Ko",
        "size.mb": "{n} Mo",
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
        "team.anonymous": "Un visiteur",
        "team.email": "E-mail : {email}",
        "team.open": "Ouvrir la conversation",
        "team.why": ("Vous recevez ceci car vous faites partie de l'équipe de ce chat. Choisissez les "
                     "e-mails que vous recevez dans vos paramètres :"),
        "team.sender.visitor": "Visiteur",
        "team.sender.ai": "Assistant",
        "team.sender.agent": "Agent",
        "team_waiting.subject": "{visitor} attend une personne depuis {minutes} min",
        "team_waiting.intro": ("{visitor} a demandé une personne sur le chat de {business} il y a {minutes} "
                               "min, et personne n'a encore accepté."),
        "team_waiting.first": "Premier message :",
        "team_waiting.last": "Dernier message :",
        "team_offline_email.subject": "{visitor} a laissé son e-mail pour une réponse",
        "team_offline_email.intro": ("{visitor} a laissé son adresse e-mail sur le chat de {business} alors "
                                     "que personne ne pouvait répondre : {email}"),
        "team_offline_email.note": "Sa note :",
        "team_offline_email.conversation": "La conversation jusqu'ici :",
        "team_digest.subject": "Conversations manquées : {count}",
        "team_digest.intro": ("Conversations sur vos chats du {since} au {until} auxquelles personne n'a "
                              "répondu :"),
        "team_digest.waiting": "Attend toujours ; personne n'a accepté",
        "team_digest.left": "A demandé une personne puis est parti ; personne n'a accepté",
        "team_digest.email": "A laissé son e-mail ({email}) ; pas encore de réponse",
        "team_digest.more": "Et {more} de plus dans l'historique.",
        "team_mention.subject": "{author} vous a mentionné dans une conversation avec {visitor}",
        "team_mention.intro": ("{author} vous a mentionné dans une note privée sur le chat de {business} "
                               "(seule l'équipe la voit) :"),
    },
    "de": {
        "files.label": "Dateien (öffnen Sie die Unterhaltung, um sie herunterzuladen):",
        "size.b": "{n} B",
        "size.kb": "{n} KB",
        "size.mb": "{n} MB",
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
        "team.anonymous": "Ein Besucher",
        "team.email": "E-Mail: {email}",
        "team.open": "Unterhaltung öffnen",
        "team.why": ("Sie erhalten dies, weil Sie zum Team dieses Chats gehören. Welche E-Mails Sie "
                     "bekommen, wählen Sie in Ihren Einstellungen:"),
        "team.sender.visitor": "Besucher",
        "team.sender.ai": "Assistent",
        "team.sender.agent": "Agent",
        "team_waiting.subject": "{visitor} wartet seit {minutes} Min. auf eine Person",
        "team_waiting.intro": ("{visitor} hat vor {minutes} Min. im Chat von {business} nach einer Person "
                               "gefragt, und noch niemand hat angenommen."),
        "team_waiting.first": "Erste Nachricht:",
        "team_waiting.last": "Letzte Nachricht:",
        "team_offline_email.subject": "{visitor} hat eine E-Mail-Adresse für eine Antwort hinterlassen",
        "team_offline_email.intro": ("{visitor} hat im Chat von {business} eine E-Mail-Adresse "
                                     "hinterlassen, als niemand antworten konnte: {email}"),
        "team_offline_email.note": "Die Notiz:",
        "team_offline_email.conversation": "Die Unterhaltung bisher:",
        "team_digest.subject": "Verpasste Unterhaltungen: {count}",
        "team_digest.intro": ("Unterhaltungen in Ihren Chats von {since} bis {until}, auf die niemand "
                              "geantwortet hat:"),
        "team_digest.waiting": "Wartet noch; niemand hat angenommen",
        "team_digest.left": "Hat nach einer Person gefragt und ist gegangen; niemand hat angenommen",
        "team_digest.email": "Hat eine E-Mail-Adresse hinterlassen ({email}); noch unbeantwortet",
        "team_digest.more": "Und {more} weitere im Verlauf.",
        "team_mention.subject": "{author} hat Sie in einer Unterhaltung mit {visitor} erwähnt",
        "team_mention.intro": ("{author} hat Sie in einer privaten Notiz im Chat von {business} erwähnt (nur "
                               "das Team sieht sie):"),
    },
}


def phrase(language: str, key: str, **values: Any) -> str:
    text = PHRASES.get(language, {}).get(key) or PHRASES["en"][key]
    return text.format(**values) if values else text


def file_size(language: str, size: int) -> str:
    """A file's size for people: 512 B, 4.2 KB, 1.5 MB (a decimal comma but in English)."""
    if size < 1024:
        return phrase(language, "size.b", n=size)
    key, value = ("size.kb", size / 1024) if size < 1024 * 1024 else ("size.mb", size / 1048576)
    number = f"{value:.1f}".removesuffix(".0")
    return phrase(language, key, n=number if language == "en" else number.replace(".", ","))
