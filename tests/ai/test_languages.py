"""The assistant's own phrases in the eight languages (chatserver/ai/phrases.py), telling the
visitor's language (chatserver/ai/language.py), and answers to the offer of a person in each
(chatserver/ai/offer.py). None of it touches the database."""

from __future__ import annotations

import re

import pytest

from chatserver.ai.language import guess, supported
from chatserver.ai.offer import answer_to_offer
from chatserver.ai.phrases import LANGUAGES, PHRASES, phrase, wait_text
from chatserver.ai.requests import explicit_request

pytestmark = pytest.mark.once

# Three messages a visitor might send, per language.
SAID = {
    "en": ["How long does shipping take?", "Can I return my order?", "I want to talk to someone"],
    "es": ["¿Cuánto tarda el envío?", "¿Puedo devolver mi pedido?",
           "Quiero hablar con una persona"],
    "fr": ["Combien de temps prend la livraison ?", "Puis-je retourner ma commande ?",
           "Je veux parler à quelqu'un"],
    "de": ["Wie lange dauert der Versand?", "Kann ich meine Bestellung zurückgeben?",
           "Ich möchte mit einem Menschen sprechen"],
    "pt": ["Quanto tempo demora o envio?", "Posso devolver o meu pedido?",
           "Não recebi a minha encomenda"],
    "it": ["Quanto tempo ci vuole per la spedizione?", "Posso restituire il mio ordine?",
           "Non ho ricevuto il pacco"],
    "nl": ["Hoe lang duurt de verzending?", "Kan ik mijn bestelling terugsturen?",
           "Ik heb mijn pakket niet ontvangen"],
    "ar": ["كم تستغرق مدة الشحن؟", "هل يمكنني إرجاع طلبي؟", "أريد التحدث مع شخص"],
}
# Per language: answers that are a yes, answers that are a no.
ANSWERS = {
    "en": (["yes", "Yes please", "sure, a person"], ["no", "no thanks", "not now"]),
    "es": (["sí", "Sí, por favor", "claro"], ["no", "no gracias", "ahora no"]),
    "fr": (["oui", "oui merci", "avec plaisir"], ["non", "non merci", "pas maintenant"]),
    "de": (["ja", "ja bitte", "gerne"], ["nein", "nein danke", "jetzt nicht"]),
    "pt": (["sim", "Sim, por favor", "claro, obrigado"], ["não", "Não, obrigado", "agora não"]),
    "it": (["sì", "Sì, grazie", "certo", "va bene"], ["no", "no grazie", "non ora"]),
    "nl": (["ja", "Ja, graag!", "jazeker"], ["nee", "nee, dank je", "niet nu"]),
    "ar": (["نعم", "نعم، من فضلك", "أجل", "بالتأكيد"], ["لا", "لا، شكرًا", "ليس الآن"]),
}


def test_every_language_has_every_phrase_with_the_same_placeholders() -> None:
    assert set(PHRASES) == set(LANGUAGES) == set(SAID)
    names = re.compile(r"\{(\w+)\}")
    for lang in LANGUAGES:
        missing = {k for k in PHRASES["en"] if k not in PHRASES[lang]}
        assert not missing, f"{lang} lacks {missing}"
        for key, english in PHRASES["en"].items():
            assert set(names.findall(PHRASES[lang][key])) == set(names.findall(english)), \
                (lang, key)
            if lang != "en" and not key.startswith("wait_"):
                assert PHRASES[lang][key] != english, f"{lang}.{key} is not translated"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_phrases_read_in_the_language(lang: str) -> None:
    greeting = phrase(lang, "greeting", business="Acme")
    assert "Acme" in greeting and "{" not in greeting
    wait = phrase(lang, "handoff_wait", wait=wait_text(lang, 300))
    assert "5" in wait and "{" not in wait
    for key in ("lead_in", "hedge", "no_match", "error", "handoff_offline", "hedge_offer"):
        text = phrase(lang, key)
        assert text and guess(text, default="en") == lang, (key, text)


def test_waits_are_said_as_the_widget_says_them() -> None:
    assert [wait_text("en", s) for s in (30, 60, 300, 7200)] == [
        "less than a minute", "about 1 minute", "about 5 minutes", "about 2 hours"]
    assert [wait_text("ar", s) for s in (60, 120, 300, 720)] == [
        "دقيقة واحدة تقريبًا", "دقيقتان تقريبًا", "5 دقائق تقريبًا", "12 دقيقة تقريبًا"]
    assert wait_text("xx", 30) == "less than a minute"  # an unknown language: English


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_visitors_language_is_told_from_their_message(lang: str) -> None:
    for text in SAID[lang]:
        assert guess(text) == lang, text
        assert guess(text, default="de" if lang != "de" else "fr") == lang, text


def test_a_message_too_short_to_tell_is_in_the_browsers_language() -> None:
    for lang in LANGUAGES:
        assert guess("ok", default=lang) == lang
        assert guess("👍", default=lang) == lang
    assert guess("Hallo", default="nl") == "nl"  # Dutch and German alike
    assert guess("مرحبًا", default="en") == "ar"  # a script says it all
    assert (supported("pt-BR"), supported("it"), supported("nl_NL"), supported("ar-EG"),
            supported("zh-Hant-TW"), supported(None)) == ("pt", "it", "nl", "ar", None, None)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_answers_to_the_offer_of_a_person(lang: str) -> None:
    yes, no = ANSWERS[lang]
    assert [answer_to_offer(t) for t in yes] == ["yes"] * len(yes), yes
    assert [answer_to_offer(t) for t in no] == ["no"] * len(no), no
    # A new question is neither, even one that starts with a yes.
    for text in SAID[lang]:
        assert answer_to_offer(text) is None, text
    assert answer_to_offer(f"{yes[0]} {SAID[lang][0]}") is None


ASKS = {
    "pt": ["Quero falar com uma pessoa", "Posso falar com um atendente?"],
    "it": ["Vorrei parlare con un operatore", "Posso parlare con qualcuno?"],
    "nl": ["Ik wil met een medewerker spreken", "Kan ik iemand spreken?"],
    "ar": ["أريد التحدث مع شخص", "حولني إلى موظف من فضلك"],
}


@pytest.mark.parametrize("lang", sorted(ASKS))
def test_a_request_for_a_person_is_understood(lang: str) -> None:
    assert [explicit_request(t) for t in ASKS[lang]] == [True, True], ASKS[lang]
    assert [explicit_request(t) for t in SAID[lang][:2]] == [False, False], SAID[lang]
