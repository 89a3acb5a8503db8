"""The offline knowledge responder: answers from the widget's knowledge base by retrieval,
with no network and no key (the embedded default)."""

from __future__ import annotations

import re

from chatserver.ai.base import AIRequest, Emit, Outcome
from chatserver.ai.knowledge import decision
from chatserver.ai.language import guess, words
from chatserver.ai.phrases import phrase

GREETINGS = frozenset("hi hello hey hiya howdy hola buenas bonjour salut coucou hallo servus "
                      "moin olá ola oi ciao salve buongiorno hoi goedemorgen goedendag مرحبا "
                      "مرحبًا أهلا اهلا السلام".split())
THANKS_RE = re.compile(r"\b(thanks?|thank you|thx|cheers|gracias|merci|danke|obrigad[oa]|"
                       r"grazie|bedankt|dank je( wel)?|dankjewel|شكرا|شكرًا)(?!\w)", re.I)


async def stream_words(text: str, emit: Emit) -> None:
    """Emit text word by word (with its spacing), as a model would stream it."""
    for piece in re.findall(r"\S+\s*", text):
        await emit(piece)


class OfflineResponder:
    name = "offline"

    async def respond(self, request: AIRequest, emit: Emit, *, apology: bool = False) -> Outcome:
        """`apology`: the model failed; answer from the knowledge base if it knows, else say
        sorry before offering a person."""
        question = request.question
        tokens = words(question)
        lang = request.language
        if tokens and len(tokens) <= 3 and tokens[0] in GREETINGS and not apology:
            await stream_words(phrase(lang, "greeting", business=request.business_name), emit)
            return Outcome(model=self.name)
        if THANKS_RE.search(question) and len(tokens) <= 6 and not apology:
            await stream_words(phrase(lang, "thanks"), emit)
            return Outcome(model=self.name)
        decided = decision(request.passages, request.min_similarity,
                           hedge_similarity=request.hedge_similarity,
                           hedge_margin=request.hedge_margin,
                           answer_margin=request.answer_margin)
        if decided == "decline":
            text = phrase(lang, "no_match")
            await stream_words(f"{phrase(lang, 'error')} {text}" if apology else text, emit)
            return Outcome(no_match=True, model=self.name)
        best = request.passages[0]
        hedge = decided == "hedge"  # a middling match: say it may be this, offer a person
        if hedge:
            await stream_words(phrase(lang, "hedge") + "\n\n", emit)
        elif guess(best.text, default=lang) != lang:  # an entry in another language: say so
            await stream_words(phrase(lang, "lead_in") + "\n\n", emit)
        await stream_words(best.text, emit)
        if hedge:
            await stream_words("\n\n" + phrase(lang, "hedge_offer"), emit)
        return Outcome(sources=[best.entry_id], offer=hedge, model=self.name)
