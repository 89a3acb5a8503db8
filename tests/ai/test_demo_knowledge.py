"""The demo's knowledge base (`chatctl demo`) answers its showcase questions in the four
languages the assistant speaks, by meaning (the entries are written in English only)."""

from __future__ import annotations

from chatserver.context import Context
from chatserver.services import maintenance
from chatserver.services.access import OPERATOR
from chatserver.services.knowledge import try_question
from tests.helpers.knowledge import embedded

# The entry that answers, and a visitor's question in English, Spanish, French and German.
QUESTIONS: list[tuple[str, dict[str, str]]] = [
    ("Is Parley free? How much does it cost?", {
        "en": "Is Parley free?", "es": "¿Parley es gratis?",
        "fr": "Est-ce que Parley est gratuit ?", "de": "Ist Parley kostenlos?"}),
    ("What is Parley?", {
        "en": "What is Parley?", "es": "¿Qué es Parley?",
        "fr": "Qu'est-ce que Parley ?", "de": "Was ist Parley?"}),
    ("How do I add the chat to my website?", {
        "en": "How do I add the chat to my website?",
        "es": "¿Cómo añado el chat a mi sitio web?",
        "fr": "Comment ajouter le chat à mon site web ?",
        "de": "Wie füge ich den Chat zu meiner Website hinzu?"}),
    ("How do I install Parley?", {
        "en": "How do I install Parley?", "es": "¿Cómo instalo Parley?",
        "fr": "Comment installer Parley ?", "de": "Wie installiere ich Parley?"}),
    ("Where is my data stored?", {
        "en": "Where is my data stored?", "es": "¿Dónde se guardan mis datos?",
        "fr": "Où sont stockées mes données ?", "de": "Wo werden meine Daten gespeichert?"}),
    ("What languages do you speak?", {
        "en": "What languages do you support?", "es": "¿Qué idiomas hablan?",
        "fr": "Quelles langues parlez-vous ?", "de": "Welche Sprachen sprechen Sie?"}),
    ("How does the AI assistant work? Does it work offline?", {
        "en": "Does the AI assistant work offline?",
        "es": "¿El asistente de IA funciona sin conexión?",
        "fr": "L'assistant IA fonctionne-t-il hors ligne ?",
        "de": "Funktioniert der KI-Assistent offline?"}),
    ("Does the chat use cookies? What about privacy?", {
        "en": "Does the chat use cookies?", "es": "¿El chat usa cookies?",
        "fr": "Le chat utilise-t-il des cookies ?", "de": "Verwendet der Chat Cookies?"}),
]


async def test_the_demo_answers_its_questions_in_four_languages(ctx: Context) -> None:
    demo = await maintenance.demo(ctx)  # what `chatctl demo` does
    await embedded(ctx)
    site_key = demo["widget"]["site_key"]
    wrong = []
    for title, asked in QUESTIONS:
        for language, question in asked.items():
            result = await try_question(ctx, OPERATOR, site_key, question)
            best = result["passages"][0]
            if (result["search"], result["decision"], best["title"]) != (
                    "meaning", "answer", title):
                wrong.append((language, question, result["decision"], best["title"],
                              best["similarity"]))
    assert wrong == []
