"""Deciding from the conversation when a person should take over, and why.

Rules, not a model: they run on every visitor message, in every language we support (English,
Spanish, French, German), and a test measures them against a labelled corpus. The reasons
that depend on the system rather than the words (no_knowledge_match, model_request, ai_error,
budget_exhausted) are decided by the AI runner (services/assistant.py).

Three reasons come from the wording of the visitor's last message:

* explicit_request: the visitor asks for a person. A word for one of the business's people
  (human, agent, conseiller, Mitarbeiter…) with a request around it (talk to, pass me, is
  there… available, call me back, "agente por favor", "not a bot"), after undoing one typing
  slip and blanking the senses that are not the business's staff (per person, travel agent…).
  Its rules are in requests.py.
* frustration: exasperated or rude wording, shouting or "!!!" about a problem (not thanks),
  or the same question asked again after the AI answered it.
* repeated_failure: the visitor has said, calmly, REPEATED_FAILURE_AFTER times since the last
  thing that worked, that the AI's answers do not help, and says so again now.

All matching is on folded text (lower case, no accents), so patterns are written that way.
"""

from __future__ import annotations

import re

from chatserver.ai.base import Turn
from chatserver.ai.knowledge import terms
from chatserver.ai.requests import explicit_request, fold, rx

# Dissatisfied replies to AI answers before we stop trying.
REPEATED_FAILURE_AFTER = 2
# Two visitor questions this similar (Jaccard over content words) are the same question.
SAME_QUESTION = 0.7
# Shouting: at least this many letters, this share of them capitals, over this many words
# (fewer is an acronym or a model name: GDPR, XL-200).
SHOUT_MIN_LETTERS, SHOUT_CAPS_SHARE, SHOUT_MIN_WORDS = 12, 0.7, 3
# A run of this many "!"/"?" is exasperation when the message is about a problem.
EXCLAMATION_RUN = 3


# ---------------------------------------------------------------------------------------
# Frustration
# ---------------------------------------------------------------------------------------

# Exasperation, insults and swearing: enough on their own.
EXASPERATED = rx(
    # English
    r"\b(?:are you (?:kidding|joking|serious)|(?:you(?:'re| are| must be| have got to be|'ve got to be)"
    r"|must be) (?:kidding|joking)|kidding me|unbelievable|ridiculous|absurd|outrageous|pathetic|"
    r"useless|worthless|hopeless|what a (?:joke|farce|mess|nightmare)|(?:total|complete|such a|is a) "
    r"joke|what(?:'s| is) wrong with (?:you|this)|nothing(?: \w+){0,4}? works|waste of (?:my )?time|"
    r"unacceptable|disgrace\w*|disgusting|incompetent|fed up|sick (?:and tired )?of|had enough|"
    r"(?:i'm|i am|so|really) (?:angry|furious|annoyed|frustrated|pissed)|annoying|infuriating|"
    r"frustrating|fuck\w*|shit|shitty|bullshit|crap|crappy|damn\w*|goddamn|wtf|ffs|"
    r"for (?:god's|christ's|heaven's) sake|(?:stupid|dumb)(?! (?:question|me|mistake))|idiot\w*|"
    r"(?:this is|it's|what a|total|such a) (?:scam|rip-?off)|(?:terrible|awful|horrible|worst) "
    r"(?:service|experience|support|company|website|app)|(?:this|it|that|you)(?: is|'s| are|'re)? "
    r"(?:so |really |absolutely |just )?(?:terrible|awful|horrible|rubbish|garbage)|worst(?! case)|"
    r"hate (?:this|it|you|your)|thanks for nothing|what the (?:hell|heck|fuck)|"
    r"driving me (?:crazy|mad|nuts|insane|up the wall))\b",
    r"^\W*seriously\b|\bseriously\s*[?!]|\b[a-z]\*{2,}",  # "f***ing"
    # Spanish
    r"\b(?:tomadura de pelo|tomando el pelo|verguenza|vergonzoso|no (?:me )?lo puedo creer|"
    r"no puede ser|que desastre|un desastre|desastre de|no sirve (?:para|de) nada|inutil(?:es)?|"
    r"ridicul[oa]|absurd[oa]|pesim[oa]|penoso|indignante|inaceptable|intolerable|mierda|joder|"
    r"jodid[oa]|hostias?|cabread[oa]|(?:estoy|estamos|me tien\w*) hart[oa]s?|"
    r"(?:es una|menuda|que|esto es una) estafa|(?:es|menuda|que|esto es una) (?:basura|porqueria)|"
    r"(?:es|una) broma|me cago|maldit[oa]|que asco|fatal(?! error)|me (?:vuelve|volveis|estais volviendo) "
    r"loc[oa])\b",
    # French
    r"\b(?:n'importe quoi|fout(?:ez|ent|re|u|ue|us)?|putain|bordel|merde\w*|(?:c'est|vraiment|trop|"
    r"completement|franchement|archi|service) nul(?:le)?|inutile(?! de)|ridicule|lamentable|"
    r"pitoyable|honteux|une honte|scandal\w*|inadmissible|inacceptable|insupportable|"
    r"(?:une|quelle|c'est une) (?:blague|plaisanterie|arnaque)|marre|ras[- ]le[- ]bol|"
    r"vous plaisantez|vous rigolez|je n'en reviens pas|c'est pas possible\b(?!\s*\w)|exaspere\w*|"
    r"enerve\w*|agacant|rien ne (?:marche|fonctionne)|vous moquez|(?:me )?rend (?:fou|folle|dingue|"
    r"chevre))\b",
    # German
    r"\b(?:verdammt\w*|verflucht\w*|scheiss\w*|(?:so ein|so'n|was fur ein|alles|nur|ist doch) mist|"
    r"(?:ist (?:doch |ja )?ein|das ist ein|so ein|was fur ein) witz|witzlos|lacherlich|nutzlos|"
    r"sinnlos|unverschamt|frechheit|zum kotzen|nervt|nervig|stinksauer|(?:ich bin|bin) "
    r"(?:so |echt |wirklich |richtig |total )?(?:sauer|wutend|genervt|verargert)|katastroph\w*|"
    r"schwachsinn|saftladen|verarsch\w*|unfassbar|"
    r"(?:es|jetzt) reicht(?=\s*[!.]|\s*$|,? (?:ich|wir|mir|jetzt|endgultig)\b)|mir reicht'?s|"
    r"nase voll|nicht wahr sein|was soll (?:das|der mist)|nichts funktioniert|unzumutbar|"
    r"inakzeptabel|(?:ist|einfach|echt|wirklich|total) unmoglich|geht'?s noch\s*[?!]|bescheuert|"
    r"macht mich (?:noch )?(?:wahnsinnig|verruckt|fertig))\b",
)
# Words that say the message is about a problem, which turns "!!!" or capitals into anger.
COMPLAINT = rx(
    r"\b(?:not|no|never|nothing|nobody|still|again|twice|wrong|broken|crash\w*|fail\w*|lost|"
    r"missing|charged|waiting|where is|why)\b|n't\b",
    r"\b(?:nunca|nada|nadie|otra vez|dos veces|todavia|sigue|rot[oa]|cobrad\w*|esperando|"
    r"perdid[oa]|donde esta|por que)\b",
    r"\b(?:pas|jamais|rien|encore|deux fois|toujours|pourquoi|ou est|attends|perdu|casse)\b",
    r"\b(?:nicht|kein\w*|nie|nichts|wieder|doppelt|immer noch|warum|wo (?:ist|bleibt)|seit|"
    r"warte\w*|kaputt)\b",
)
# Enthusiasm and thanks: "THANK YOU!!", "Perfect!!", "¡¡Mil gracias!!" are not anger.
GRATEFUL = rx(
    r"\b(?:thanks?|thank you|cheers|great|awesome|perfect|love|amazing|brilliant|lifesaver|"
    r"wonderful|excellent|gracias|genial|perfecto|excelente|estupendo|fenomenal|merci|parfait|"
    r"super|formidable|danke|wunderbar|perfekt|toll|klasse|prima|spitze)\b")
EXCLAIM = re.compile(rf"[!¡?¿]{{{EXCLAMATION_RUN},}}")


def shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= SHOUT_MIN_LETTERS and len(text.split()) >= SHOUT_MIN_WORDS \
        and sum(c.isupper() for c in letters) / len(letters) >= SHOUT_CAPS_SHARE


def angry(text: str) -> bool:
    """Exasperated wording, or shouting / "!!!" about a problem (not enthusiasm)."""
    folded = fold(text)
    if EXASPERATED.search(folded):
        return True
    if GRATEFUL.search(folded):
        return False
    loud = shouting(text) or EXCLAIM.search(text) is not None
    return loud and COMPLAINT.search(folded) is not None


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


# ---------------------------------------------------------------------------------------
# Repeated failure
# ---------------------------------------------------------------------------------------

# "That doesn't help", "sigue sin funcionar", "ça ne change rien", "hilft mir nicht"…
DISSATISFIED = rx(
    # English
    r"\b(?:(?:does|did|do|is|are|was|were|has|have)(?:n't| not) (?:(?:really|even|actually|quite|"
    r"seem to|seems to|at all) )?(?:help|helping|helped|answer|answered|answering|tell|say|explain|"
    r"show|address|work|working|"
    r"worked|solve|solved|fix|fixed|change|changed|make a difference)|not (?:help|helpful|helping)|"
    r"unhelpful|no help|not what i(?:'m| am| was)? (?:asked|asking|meant|mean|need|needed|wanted|"
    r"want|looking)|(?:that|this|it)(?:'s| is) not (?:it|right|the (?:problem|issue|point|question)|"
    r"my question)|not (?:my|the) (?:question|problem|issue|point)|still (?:not|nothing|no|doesn't|"
    r"does not|isn't|is not|won't|can't|cannot|broken|the same|crash\w*|fail\w*|freez\w*|stuck|"
    r"an? error|missing|wrong)|wrong answer|irrelevant|not relevant|you (?:don't|do not|didn't) "
    r"(?:understand|get it)|not there|no luck|(?:can't|cannot|couldn't) (?:find|see) (?:it|that|"
    r"this|any|the)|there(?:'s| is) no (?:such|\w+ (?:option|button|menu|tab|link|setting|field))|"
    r"same (?:problem|issue|error|result|thing)|nothing (?:changed|happens|happened)|"
    r"(?:already|i've|i have) (?:tried|done|did) (?:that|this|it|both|all))\b",
    # Spanish
    r"\b(?:no (?:me |nos |lo |te )?(?:ayuda|ayudo|ha ayudado|sirve|sirvio|ha servido|funciona|"
    r"funciono|ha funcionado|resuelve|soluciona|ha solucionado|cambia nada|responde|contesta|"
    r"has respondido|has contestado)|no me (?:has |ha )?(?:dicho|dices|dice|explicado|explicas|"
    r"explica)|no es lo que (?:pregunto|pregunte|he preguntado|preguntaba|"
    r"pedi|quiero|queria|busco|necesito)|no (?:es|era) eso|eso no es(?:\b(?!\s*\w)| lo que| "
    r"correcto| mi)|(?:no es|esa no es) mi pregunta|sig(?:o|ue|ues|uen|uimos) sin|"
    r"sigue (?:igual|fallando|(?:dando|saliendo|apareciendo) (?:el |un )?error)|"
    r"no me entiende\w*|tampoco (?:\w+ ){0,2}?(?:responde|contesta|sirve|servido|funciona|"
    r"funcionado|ayuda|ayudado|es|resuelve|soluciona)|tampoco\b(?!\s*\w)|no (?:lo|la) encuentro|"
    r"no (?:me )?aparece|(?:el )?mismo problema|(?:sigue|pasa|me pasa|sale) lo mismo)\b",
    # French ("ça marche pas" often drops the "ne")
    r"\b(?:ne |n')?(?:m'|me |nous )?(?:aide|marche|fonctionne|repond|change|resout|regle)\w* "
    r"(?:toujours |vraiment |plus |absolument )?(?:pas|rien)\b",
    r"\b(?:n'a (?:toujours )?(?:pas|rien) (?:aide|marche|fonctionne|repondu|resolu|regle|change)|"
    r"pas ce que je (?:demande|veux|cherche|voulais|ai demande)|(?:ce n'est|c'est) (?:toujours )?"
    r"pas (?:ca|ma question|une reponse)|sert a rien|toujours pas|pas ma question|meme (?:probleme|"
    r"chose|resultat|erreur)|(?:toujours|c'est) pareil|je ne (?:le |la |les )?(?:trouve|vois) "
    r"(?:pas|rien)|vous ne (?:me )?comprenez pas|aucune aide)\b",
    # German (the verb comes before "nicht", often with words between)
    r"\b(?:hilft|helfen|funktioniert|geht|klappt|beantwortet|bringt|nutzt|lost)\b[^.?!,]{0,30}?"
    r"\bnichts?\b",
    r"\b(?:nicht (?:\w+ )?(?:geholfen|funktioniert|geklappt|beantwortet|gelost|weiter)|"
    r"nichts (?:\w+ )?(?:gebracht|geholfen|genutzt|geandert|bewirkt)|trotzdem (?:\w+ ){0,3}?(?:nicht|"
    r"kein\w*|abgelehnt|fehler\w*|falsch)|(?:immer noch|weiterhin|"
    r"nach wie vor) (?:\w+ )?(?:ab|nicht|kein\w*|falsch|fehler\w*|das gleiche|dasselbe|kaputt)|"
    r"nicht (?:meine frage|das,? was ich)|meinte ich nicht|nicht,? was ich (?:meine|meinte|"
    r"gefragt|wollte|suche)|immer noch (?:nicht|kein\w*)|keine antwort|gleiche problem|"
    r"dasselbe problem|auch nicht|da ist (?:\w+ )?nichts?|(?:finde|sehe) (?:ich )?(?:es |das |sie |"
    r"ihn )?(?:da )?nicht|verstehen mich nicht|falsche antwort|an meiner frage vorbei)\b",
)
# Correcting the AI's reading: "I don't want to X, I want to Y", "I asked about…", "je demandais…".
CORRECTION = rx(
    r"\b(?:i don't want|i do not want|no quiero|je ne veux pas|ich will nicht|ich mochte nicht)\b"
    r"[^.?!]{1,40}[,;]\s*(?:i want|quiero|je veux|sondern|ich will|ich mochte)\b",
    r"\b(?:i (?:asked|was asking) (?:about|for|how|whether|if)|i meant|"
    r"(?:pregunte|preguntaba|te pregunto) (?:por|si|como)|me referia a|"
    r"je (?:demandais|parlais de|vous demande si)|ich (?:habe|hatte) nach\b[^.?!]{1,30}gefragt|"
    r"ich (?:fragte|meinte))\b",
)
# "Either", "tampoco", "non plus", "auch nicht": this answer failed like the one before.
ALSO_NOT = rx(r"\b(?:either|neither|tampoco|non plus|auch (?:\w+ )?nichts?|auch das)\b")
# A bare "No," to an answer (not to the AI's "anything else?").
BARE_NO = rx(r"^\W*(?:no|nope|non|nein|nee)\b(?:\s*[,.!]|\s*$)")
# The visitor says it worked: earlier failures no longer count.
SOLVED = rx(r"\b(?:that (?:worked|did it|was it|fixed it|helped)|works now|it works|solved|fixed|"
             r"ya funciona|funciona ahora|resuelto|solucionado|ca marche|ca fonctionne|resolu|"
             r"klappt|geklappt|funktioniert jetzt|gelost|hat geholfen)\b")


def _rejects(text: str, answer: str) -> bool:
    """The visitor's reply says the AI's `answer` did not help."""
    folded = fold(text)
    if DISSATISFIED.search(folded) or CORRECTION.search(folded):
        return True
    return BARE_NO.search(folded) is not None and not answer.rstrip().endswith("?") \
        and not GRATEFUL.search(folded)


def failures(history: list[Turn]) -> int:
    """Replies since the last thing that worked that say an AI answer did not help."""
    count, answers, answer = 0, 0, None
    for turn in history:
        if turn.role == "ai":
            answer, answers = turn.text, answers + 1
        elif turn.role == "visitor":
            folded = fold(turn.text)
            if answer is not None and _rejects(turn.text, answer):
                count += 1
                if ALSO_NOT.search(folded) and answers >= 2:  # "that doesn't help either"
                    count = max(count, 2)
            elif GRATEFUL.search(folded) or SOLVED.search(folded):
                count, answers = 0, 0
            answer = None
        else:  # a person joined or the system stepped in: start afresh
            count, answers, answer = 0, 0, None
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
    answered = len(history) >= 2 and history[-2].role == "ai"
    if answered and _rejects(text, history[-2].text) \
            and failures(history) >= REPEATED_FAILURE_AFTER:
        return "repeated_failure"
    return None
