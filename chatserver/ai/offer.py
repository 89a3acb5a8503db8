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

YES_WORDS = """yes yeah yep yup ya sure ok okay please definitely absolutely course
y si claro vale porfa oui ouais volontiers daccord ja jawohl gerne klar bitte genau
sim pode certo certamente volentieri esatto jazeker graag prima
natuurlijk zeker goed نعم أجل اجل بالتأكيد طبعا حسنا موافق""".split()
NO_WORDS = """no nope nah non nein nee not later nao neen nö لا كلا""".split()
# Words that may follow a yes or a no without changing it.
POLITE = """please thanks thank you a an the person human someone agent of course
por favor gracias una persona merci une personne svp sil plait vous danke bitte eine person
jemand mitarbeiter gern thats fine it is ok good obrigado obrigada uma pessoa alguem
grazie per favore una persona qualcuno bene dank je wel u bedankt dankjewel een persoon
iemand medewerker alstublieft graag شكرا من فضلك لو سمحت شخص""".split()
# Answers of more than one word that start with neither list's word.
YES_PHRASES = ("of course", "por supuesto", "con gusto", "bien sur", "avec plaisir", "na klar",
               "sehr gern", "com certeza", "por favor", "va bene", "per favore", "con piacere",
               "ja graag", "ja hoor", "heel graag", "من فضلك")
NO_PHRASES = ("not now", "not yet", "maybe later", "ahora no", "pas maintenant",
              "jetzt nicht", "nicht jetzt", "agora nao", "agora nao obrigado", "mais tarde",
              "non ora", "non adesso", "piu tardi", "niet nu", "nu niet", "later misschien",
              "ليس الآن", "ليس الان", "لاحقا")
NEGATION = """no not dont don't nicht kein keine pas ne nunca jamais nao nunca non mai niet
geen nooit لا ليس""".split()


def _fold(text: str) -> str:
    """Lower case without accents or Arabic vowel marks ("Não" -> "nao", "sì" -> "si")."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text.lower())
                      if not unicodedata.combining(c))
    return folded.replace("'", "").replace("’", "")


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+|[\u0621-\u064a]+", _fold(text))


def _set(words: list[str]) -> frozenset[str]:
    return frozenset(w for word in words for w in _words(word))


YES = _set(YES_WORDS)
NO = _set(NO_WORDS)
OK_AFTER = _set(POLITE)
NOT = _set(NEGATION)
YES_STARTS = tuple(" ".join(_words(p)) for p in YES_PHRASES)
NO_STARTS = tuple(" ".join(_words(p)) for p in NO_PHRASES)


def answer_to_offer(text: str) -> Literal["yes", "no"] | None:
    """"yes", "no", or None when the message does not answer a yes/no question."""
    words = _words(text)
    if not words or len(words) > MAX_WORDS:
        return None
    joined = " ".join(words)
    if joined.startswith(YES_STARTS):
        return "yes"
    if joined.startswith(NO_STARTS):
        return "no"
    first, rest = words[0], words[1:]
    if first in NO or (first == "no" and rest):
        return "no" if all(w in OK_AFTER or w in NO for w in rest) else None
    if first in YES:
        if any(w in NOT for w in rest):
            return None
        return "yes" if all(w in OK_AFTER or w in YES for w in rest) else None
    return None
