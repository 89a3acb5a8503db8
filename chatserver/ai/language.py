"""Which of the supported languages a text is in (the responder's fixed phrases are in
chatserver/ai/phrases.py).

By the common words of each language, from the stopword lists of bm25s (already the
retrieval's dependency: no second library, no model to load), and Arabic by its script. A
message too short to tell (no common word, or a tie) is in the `default` language: the
caller passes the visitor's browser language there (services/assistant.py)."""

from __future__ import annotations

import re

from bm25s.stopwords import (
    STOPWORDS_DUTCH,
    STOPWORDS_EN_PLUS,
    STOPWORDS_FRENCH,
    STOPWORDS_GERMAN,
    STOPWORDS_ITALIAN,
    STOPWORDS_PORTUGUESE,
    STOPWORDS_SPANISH,
)

from chatserver.ai.phrases import LANGUAGES

# The words retrieval leaves out (chatserver/ai/knowledge.py): the languages of its labelled
# set, as its thresholds were chosen with.
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
# Arabic vowel marks and the tatweel, which are not word characters: "مرحبًا" is one word.
HARAKAT_RE = re.compile(r"[\u0640\u064b-\u065f\u0670]")
# The words that tell a language (Arabic is told by its script).
DETECT: dict[str, frozenset[str]] = {
    "en": STOPWORDS["en"],
    "es": STOPWORDS["es"] | frozenset("""cuánto cuanto cuándo cómo puedo quiero hola gracias
        envío pedido""".split()),
    "fr": STOPWORDS["fr"] | frozenset("""combien comment pourquoi quand puis veux bonjour merci
        livraison commande""".split()),
    "de": STOPWORDS["de"] | frozenset("""wie viel wann warum kann möchte hallo danke versand
        bestellung""".split()),
    "pt": frozenset(STOPWORDS_PORTUGUESE) | frozenset("""olá ola obrigado obrigada você voce
        vocês não nao sim quero preciso posso tem quanto custa envio""".split()),
    "it": frozenset(STOPWORDS_ITALIAN) | frozenset("""ciao salve grazie vorrei posso quanto
        costa spedizione buongiorno""".split()),
    "nl": frozenset(STOPWORDS_DUTCH) | frozenset("""hoi hallo bedankt dank graag hoeveel kost
        verzending kunt wilt""".split()),
}
# Letters only a language uses, each worth a common word.
MARKS = {"es": "ñ¿¡", "pt": "ãõ", "de": "ßäöü", "fr": "œêëîï", "it": "ìò"}
ARABIC_RE = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
LATIN_RE = re.compile(r"[a-zA-Z\u00c0-\u024f]")


def words(text: str) -> list[str]:
    return WORD_RE.findall(HARAKAT_RE.sub("", text.lower()))


def guess(text: str, default: str = "en") -> str:
    """The supported language the text is most likely in: Arabic when most of its letters are
    Arabic; else the one whose common words (and own letters) it uses most; `default` when it
    uses none, or when `default` is among the best."""
    arabic = len(ARABIC_RE.findall(text))
    if arabic and arabic >= len(LATIN_RE.findall(text)):
        return "ar"
    tokens = words(text)
    if not tokens:
        return default
    lowered = text.lower()
    counts = {lang: sum(t in stop for t in tokens) + sum(lowered.count(c)
                                                         for c in MARKS.get(lang, ""))
              for lang, stop in DETECT.items()}
    best = max(counts.values())
    if best == 0 or counts.get(default, 0) == best:
        return default
    return max(counts, key=lambda lang: counts[lang])


def supported(tag: str | None) -> str | None:
    """The supported language of a browser's language tag ("pt-BR" -> "pt"), or None."""
    if not tag:
        return None
    base = tag.split("-", 1)[0].split("_", 1)[0].lower()
    return base if base in LANGUAGES else None
