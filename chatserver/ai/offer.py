"""The AI's offer of a person is a question: the visitor's next message answers it.

A yes hands the conversation over; a no does not; anything else is a new question (and the
offer lapses). Nothing else turns an offer into a hand-off.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

# An answer is short: a longer message is a new question, even if it starts with "yes".
MAX_WORDS = 6

YES_WORDS = frozenset("""yes yeah yep yup ya sure ok okay please definitely absolutely course
y si claro vale porfa oui ouais volontiers daccord ja jawohl gerne klar bitte genau""".split())
NO_WORDS = frozenset("""no nope nah non nein nee not later""".split())
# Words that may follow a yes or a no without changing it.
POLITE = frozenset("""please thanks thank you a an the person human someone agent of course
por favor gracias una persona merci une personne svp sil plait vous danke bitte eine person
jemand mitarbeiter gern thats fine it is ok good""".split())
# Answers of more than one word that start with neither list's word.
YES_PHRASES = ("of course", "por supuesto", "con gusto", "bien sur", "avec plaisir", "na klar",
               "sehr gern")
NO_PHRASES = ("not now", "not yet", "maybe later", "ahora no", "pas maintenant",
              "jetzt nicht", "nicht jetzt")
NEGATION = frozenset("""no not dont don't nicht kein keine pas ne nunca jamais""".split())


def _words(text: str) -> list[str]:
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower())
                      if not unicodedata.combining(c))
    folded = folded.replace("'", "").replace("’", "")
    return re.findall(r"[a-z]+", folded)


def answer_to_offer(text: str) -> Literal["yes", "no"] | None:
    """"yes", "no", or None when the message does not answer a yes/no question."""
    words = _words(text)
    if not words or len(words) > MAX_WORDS:
        return None
    joined = " ".join(words)
    if joined.startswith(YES_PHRASES):
        return "yes"
    if joined.startswith(NO_PHRASES):
        return "no"
    first, rest = words[0], words[1:]
    if first in NO_WORDS or (first == "no" and rest):
        return "no" if all(w in POLITE or w in NO_WORDS for w in rest) else None
    if first in YES_WORDS:
        if any(w in NEGATION for w in rest):
            return None
        return "yes" if all(w in POLITE or w in YES_WORDS for w in rest) else None
    return None
