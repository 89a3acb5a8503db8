"""Which of the supported languages a text is in, and the responder's fixed phrases."""

from __future__ import annotations

import re

from bm25s.stopwords import (
    STOPWORDS_EN_PLUS,
    STOPWORDS_FRENCH,
    STOPWORDS_GERMAN,
    STOPWORDS_SPANISH,
)

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(STOPWORDS_EN_PLUS),
    "es": frozenset(STOPWORDS_SPANISH),
    "fr": frozenset(STOPWORDS_FRENCH),
    "de": frozenset(STOPWORDS_GERMAN),
}
# Words of chat small talk that say nothing about the topic.
FILLER = frozenset("""help please pls thanks thank hi hello hey question tell know want need
like would could can get also may might ayuda por favor gracias hola quiero saber puedo
aide merci bonjour veux voudrais savoir hilfe bitte danke hallo möchte wissen kann""".split())
WORD_RE = re.compile(r"\w+", re.UNICODE)

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "lead_in": "Here is what our information says:",
        "hedge": "This might help:",
        "hedge_offer": "If that doesn't answer your question, would you like me to connect you "
                       "with a person?",
        "offer_declined": "No problem. What else can I help you with?",
        "no_match": "I'm sorry, I don't know the answer to that. Would you like me to connect "
                    "you with a person?",
        "greeting": "Hi! I'm the assistant of {business}. Ask me anything, or ask for a person "
                    "at any time.",
        "thanks": "You're welcome! Is there anything else I can help with?",
        "handoff_wait": "I'm connecting you with a person from our team. The expected wait is "
                        "about {minutes} minute(s).",
        "handoff_soon": "I'm connecting you with a person from our team; someone will be with "
                        "you shortly.",
        "handoff_offline": "Nobody from our team is available right now. Leave your email "
                           "address and we'll reply as soon as we can.",
        "error": "Sorry, I'm having trouble answering right now.",
    },
    "es": {
        "lead_in": "Esto es lo que dice nuestra información:",
        "hedge": "Esto podría ayudarle:",
        "hedge_offer": "Si no responde a su pregunta, ¿quiere que le ponga en contacto con una "
                       "persona?",
        "offer_declined": "De acuerdo. ¿En qué más puedo ayudarle?",
        "no_match": "Lo siento, no sé la respuesta. ¿Quiere que le ponga en contacto con una "
                    "persona?",
        "greeting": "¡Hola! Soy el asistente de {business}. Pregúnteme lo que quiera, o pida "
                    "hablar con una persona.",
        "thanks": "¡De nada! ¿Puedo ayudarle en algo más?",
        "handoff_wait": "Le paso con una persona de nuestro equipo. La espera estimada es de "
                        "unos {minutes} minuto(s).",
        "handoff_soon": "Le paso con una persona de nuestro equipo; le atenderán enseguida.",
        "handoff_offline": "Ahora mismo no hay nadie disponible. Déjenos su correo electrónico "
                           "y le responderemos lo antes posible.",
        "error": "Lo siento, ahora mismo no puedo responder.",
    },
    "fr": {
        "lead_in": "Voici ce que disent nos informations :",
        "hedge": "Ceci pourrait vous aider :",
        "hedge_offer": "Si cela ne répond pas à votre question, voulez-vous que je vous mette en "
                       "relation avec une personne ?",
        "offer_declined": "Très bien. Puis-je vous aider pour autre chose ?",
        "no_match": "Désolé, je ne connais pas la réponse. Voulez-vous que je vous mette en "
                    "relation avec une personne ?",
        "greeting": "Bonjour ! Je suis l'assistant de {business}. Posez-moi vos questions, ou "
                    "demandez une personne à tout moment.",
        "thanks": "Avec plaisir ! Puis-je vous aider pour autre chose ?",
        "handoff_wait": "Je vous mets en relation avec une personne de notre équipe. L'attente "
                        "estimée est d'environ {minutes} minute(s).",
        "handoff_soon": "Je vous mets en relation avec une personne de notre équipe ; quelqu'un "
                        "arrive.",
        "handoff_offline": "Personne n'est disponible pour le moment. Laissez votre adresse "
                           "e-mail et nous vous répondrons au plus vite.",
        "error": "Désolé, je n'arrive pas à répondre pour le moment.",
    },
    "de": {
        "lead_in": "Das steht in unseren Informationen:",
        "hedge": "Vielleicht hilft Ihnen das:",
        "hedge_offer": "Falls das Ihre Frage nicht beantwortet: Soll ich Sie mit einem Mitarbeiter "
                       "verbinden?",
        "offer_declined": "Alles klar. Wobei kann ich sonst noch helfen?",
        "no_match": "Das weiß ich leider nicht. Soll ich Sie mit einem Mitarbeiter verbinden?",
        "greeting": "Hallo! Ich bin der Assistent von {business}. Fragen Sie mich, oder "
                    "verlangen Sie jederzeit einen Mitarbeiter.",
        "thanks": "Gern geschehen! Kann ich sonst noch helfen?",
        "handoff_wait": "Ich verbinde Sie mit einem Mitarbeiter. Die Wartezeit beträgt etwa "
                        "{minutes} Minute(n).",
        "handoff_soon": "Ich verbinde Sie mit einem Mitarbeiter; gleich ist jemand für Sie da.",
        "handoff_offline": "Gerade ist niemand erreichbar. Hinterlassen Sie Ihre E-Mail-Adresse, "
                           "wir melden uns so bald wie möglich.",
        "error": "Entschuldigung, ich kann gerade nicht antworten.",
    },
}


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def guess(text: str, default: str = "en") -> str:
    """The supported language whose common words the text uses most (default on a tie)."""
    tokens = words(text)
    if not tokens:
        return default
    counts = {lang: sum(t in stop for t in tokens) for lang, stop in STOPWORDS.items()}
    best = max(counts.values())
    if best == 0 or counts.get(default, 0) == best:
        return default
    return max(counts, key=lambda lang: counts[lang])


def phrase(language: str, key: str, **values: object) -> str:
    table = PHRASES.get(language, PHRASES["en"])
    return table[key].format(**values)
