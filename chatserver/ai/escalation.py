"""Deciding from the conversation when a person should take over, and why.

Rules, not a model: they run on every visitor message, in every language we support (English,
Spanish, French, German), and a test measures them against a labelled corpus. The reasons
that depend on the system rather than the words (no_knowledge_match, model_request, ai_error,
budget_exhausted) are decided by the runner.
"""

from __future__ import annotations

import re
import unicodedata

from chatserver.ai.base import Turn
from chatserver.ai.knowledge import terms

# Dissatisfied replies to AI answers before we stop trying.
REPEATED_FAILURE_AFTER = 2
# Two visitor questions this similar (Jaccard over content words) are the same question.
SAME_QUESTION = 0.7


def fold(text: str) -> str:
    """Lower-case without accents, apostrophes unified: matching is on folded text."""
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


_PEOPLE_EN = (r"(a |an |to a |to an |with a |with an |your |some |one of your |the )?"
              r"(real |actual |live |human |support |customer service |sales )?"
              r"(human|humans|person|people|agent|representative|rep|operator|someone|"
              r"somebody|staff|employee|manager|customer (service|support)|support team|"
              r"team member|real one)\b")
EXPLICIT = [re.compile(p) for p in (
    # English
    r"\b(talk|speak|chat|connect|transfer|put|forward|escalate)\w*\b( me)?"
    r"( (to|with|through))? (to |with )?" + _PEOPLE_EN,
    r"\b(i want|i need|i'd like|i would like|give me|get me|can i (have|get|talk|speak)|"
    r"could i (talk|speak|get)|may i (talk|speak)|let me (talk|speak)|want to (talk|speak)|"
    r"need to (talk|speak))\b[^.?!]{0,25}\b(human|real person|actual person|live agent|"
    r"an agent|a person|representative|operator|someone real|somebody real|real human|"
    r"customer service|your staff|a manager)\b",
    r"\b(human|real person|live agent|live person|representative|operator|agent)"
    r"( please| pls| plz| now| asap)+\b",
    r"^\W*(human|agent|operator|representative|real person|person please)\W*$",
    r"\b(is there|are there)( a| any)? (human|real person|real people|person|someone|"
    r"anyone|actual person)\b[^.?!]{0,30}\b(talk|speak|help|chat|there)\b",
    r"\bno (more )?(bots?|robots?|ai|machines?)\b[^.?!]{0,20}\b(human|person|please|real)\b",
    r"\b(not|don't want|do not want) (to talk to |to chat with |talk to )?(a |the |this )?"
    r"(bot|robot|machine|ai)\b[^.?!]{0,30}\b(human|person|someone|real)\b",
    r"\bcontact (a |your )?(human|person|agent|representative|support team|staff)\b",
    # Spanish
    r"\b(hablar|comunicar\w*|conversar|chatear|pasa\w*|contactar)\b( me)? (con|a) "
    r"(un |una |el |la |alguien|algun )?(persona|humano|agente|representante|operador|"
    r"asesor|empleado|alguien|encargado|gerente|atencion al cliente|ser humano)",
    r"\b(quiero|necesito|quisiera|me gustaria|puedo)\b[^.?!]{0,25}\b(una persona|un humano|"
    r"un agente|un asesor|un operador|alguien real|persona real|atencion al cliente|"
    r"ser humano)\b",
    r"\b(agente|asesor|persona) (humano|humana|real)\b",
    r"\bpasame con\b",
    # French
    r"\b(parler|discuter|echanger|mettre en relation|mettez-moi en relation|passez-moi)\b"
    r"[^.?!]{0,15}\b(a|avec) (un |une |quelqu'un|un vrai |une vraie )?(humain|personne|"
    r"conseiller|conseillere|agent|operateur|vendeur|responsable|service client|"
    r"etre humain|quelqu'un)",
    r"\b(je veux|je voudrais|j'aimerais|je souhaite|puis-je|pouvez-vous me passer)\b"
    r"[^.?!]{0,30}\b(un humain|une personne|un conseiller|une conseillere|un agent|"
    r"un operateur|quelqu'un de reel|une vraie personne|un vrai humain|service client)\b",
    r"\bun (vrai )?humain\b[^.?!]{0,15}\b(svp|s'il vous plait|stp|merci)\b",
    r"\b(une vraie personne|un vrai humain|un etre humain)\b",
    # German
    r"\bmit (einem|einer|jemandem|einem echten|einer echten|einem richtigen)\b"
    r"[^.?!]{0,20}\b(menschen|mensch|mitarbeiter|mitarbeiterin|berater|beraterin|agenten|"
    r"person|ansprechpartner|kundenservice|kundendienst|sprechen|reden)",
    r"\b(echten|echte|richtigen|richtige|menschlichen)\b[^.?!]{0,10}"
    r"\b(menschen|mensch|person|mitarbeiter|ansprechpartner|berater)\b",
    r"\b(mitarbeiter|kundenservice|kundendienst|ansprechpartner|berater)\b[^.?!]{0,25}"
    r"\b(sprechen|reden|verbinden|erreichen|kontaktieren|bitte)\b",
    r"\b(verbinden sie mich|verbinde mich|ich mochte|ich will|ich brauche|kann ich)\b"
    r"[^.?!]{0,30}\b(menschen|mitarbeiter|mitarbeiterin|berater|person|ansprechpartner|"
    r"kundenservice)\b",
)]
# "the person who ordered", "how many persons", "real estate agent"…: not requests.
NOT_EXPLICIT = re.compile(
    r"\b(real estate|travel|estate|insurance|user|secret|free) agents?\b|"
    r"\bhuman[- ](resources|readable|body|error)\b|\bagent program\b|"
    r"\bhow many (people|persons|guests)\b")

ANGRY = re.compile(
    r"\b(useless|ridiculous|terrible|awful|horrible|stupid|idiot\w*|dumb|wtf|damn\w*|shit\w*|"
    r"fuck\w*|crap|joke|pathetic|waste of (my )?time|worst|hate|annoying|unacceptable|"
    r"incompetent|rubbish|garbage|nonsense|fed up|sick of|scam|disgrace\w*|"
    # Spanish
    r"inutil|ridiculo|absurdo|pesimo|mierda|harto|harta|broma|verguenza|estafa|fatal|"
    r"horrible|indignante|tomadura de pelo|"
    # French
    r"nul|nulle|inutile|ridicule|n'importe quoi|merde|marre|honteux|honte|"
    r"une blague|lamentable|inadmissible|scandaleux|arnaque|"
    # German
    r"nutzlos|lacherlich|scheisse|scheiss\w*|mist|sinnlos|unverschamt|frechheit|witz|"
    r"reicht( mir)?|katastrophe|unmoglich|schwachsinn|saftladen)\b")
CALM = re.compile(r"\b(thanks?|thank you|great|awesome|perfect|love|gracias|merci|danke|"
                  r"genial|super|parfait|excelente|wunderbar)\b")
DISSATISFIED = re.compile(
    r"(doesn't help|does not help|didn't help|did not help|not helpful|no help|"
    r"not what i (asked|meant|need|wanted)|not my question|that's not it|that is not it|"
    r"that's not what|doesn't answer|does not answer|didn't answer|did not answer|"
    r"still (doesn't|does not|isn't|is not|not|won't|can't|cannot|broken|the same)|"
    r"wrong answer|that's wrong|that is wrong|you don't understand|you do not understand|"
    r"doesn't work|does not work|didn't work|did not work|not working|no, that's|"
    r"irrelevant|not relevant|"
    # Spanish
    r"no me (ayuda|sirve|ayudo|sirvio)|no ayuda|no es lo que (pregunte|pedi|quiero)|"
    r"no responde|no contesta|sigue sin|no es eso|no funciona|no funciono|no me entiende|"
    r"todavia no|aun no funciona|"
    # French
    r"ne m'aide pas|ne m'a pas aide|m'aide pas|ne repond pas|n'a pas repondu|"
    r"ce n'est pas ma question|pas ma question|toujours pas|pas ce que j'ai demande|"
    r"ne marche pas|marche pas|ce n'est pas ca|vous ne comprenez pas|"
    # German
    r"hilft (mir )?nicht|hat (mir )?nicht geholfen|nicht meine frage|immer noch nicht|"
    r"beantwortet (meine frage )?nicht|das ist es nicht|funktioniert nicht|geht nicht|"
    r"verstehen mich nicht|falsche antwort)")


def explicit_request(text: str) -> bool:
    folded = fold(text)
    if NOT_EXPLICIT.search(folded) and not re.search(
            r"\b(talk|speak|hablar|parler|sprechen)\b", folded):
        return False
    return any(p.search(folded) for p in EXPLICIT)


def shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) >= 0.7 \
        and len(text.split()) >= 3


def angry(text: str) -> bool:
    folded = fold(text)
    if ANGRY.search(folded):
        return True
    excited = re.search(r"[!?]{3,}", text) is not None
    return (shouting(text) and not CALM.search(folded)) or (
        excited and shouting(text))


def same_question(a: str, b: str) -> bool:
    ta, tb = set(terms(a)), set(terms(b))
    if len(ta) < 2 or len(tb) < 2:
        return False
    return len(ta & tb) / len(ta | tb) >= SAME_QUESTION


def repeated_question(history: list[Turn]) -> bool:
    """The visitor asks again what they asked before an AI answer."""
    current = history[-1].text
    answered = False
    for turn in reversed(history[:-1]):
        if turn.role == "ai":
            answered = True
        elif turn.role == "visitor" and answered and same_question(current, turn.text):
            return True
    return False


def failures(history: list[Turn]) -> int:
    """Visitor messages that say an AI answer did not help."""
    count, after_ai = 0, False
    for turn in history:
        if turn.role == "ai":
            after_ai = True
        elif turn.role == "visitor":
            if after_ai and DISSATISFIED.search(fold(turn.text)):
                count += 1
            after_ai = False
    return count


def detect(history: list[Turn]) -> str | None:
    """The escalation reason the visitor's last message calls for, if any."""
    if not history or history[-1].role != "visitor":
        return None
    text = history[-1].text
    if explicit_request(text):
        return "explicit_request"
    if angry(text) or repeated_question(history):
        return "frustration"
    if DISSATISFIED.search(fold(text)) and failures(history) >= REPEATED_FAILURE_AFTER:
        return "repeated_failure"
    return None


def knowledge_misses(history: list[Turn]) -> int:
    """How many AI answers in a row (the latest first) found nothing in the knowledge base."""
    count = 0
    for turn in reversed(history):
        if turn.role == "ai":
            if not turn.no_match:
                break
            count += 1
        elif turn.role in ("agent", "system"):
            break
    return count
