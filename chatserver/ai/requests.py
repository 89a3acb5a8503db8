"""Whether a visitor's message asks for a person (the ``explicit_request`` escalation reason).

A word for one of the business's people (human, agent, conseiller, Mitarbeiter…) with a
request around it (talk to, pass me, is there… available, call me back, "agente por favor",
"not a bot"), after undoing one typing slip and blanking the senses that are not the
business's staff (per person, travel agent…). English, Spanish, French and German; all
matching is on folded text (lower case, no accents), so patterns are written that way.
escalation.py decides from the whole conversation and uses this for its first reason.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Shorter words are only corrected for two swapped letters ("tlak"): one wrong letter in a
# short word is too often another word.
TYPO_MIN_LENGTH = 5
# A clause this short that names a helper is a request on its own ("a real person, please").
SHORT_REQUEST_WORDS = 6


def fold(text: str) -> str:
    """Lower-case without accents, apostrophes unified: matching is on folded text."""
    text = unicodedata.normalize("NFKD", text.lower().replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


def rx(*alternatives: str) -> re.Pattern[str]:
    """One pattern from alternatives written for readability: a space matches any whitespace."""
    return re.compile("|".join(alternatives).replace(" ", r"\s+"))


W = r"[^\s.,?!;]+"  # one word of the same clause


# ---------------------------------------------------------------------------------------
# Typing slips
# ---------------------------------------------------------------------------------------

# The words a request hinges on, spelled right: one slip away from these is corrected.
REQUEST_WORDS = frozenset("""
    talk speak chat discuss connect transfer human person people agent representative operator
    someone somebody anyone anybody staff support manager
    hablar persona humano agente asesor operador representante alguien equipo atender
    parler discuter conseiller conseillere humain personne operateur equipe
    sprechen reden chatten verbinden mensch menschen mitarbeiter berater kundenberater
    ansprechpartner jemand jemandem jemanden kundenservice zuruckrufen
""".split())
# Real words one slip away from a request word: money, stuff, topic, rain, steak…
NOT_TYPOS = frozenset("argent stuff stiff tema regen steak sneak speck iemand".split())
_WORD = re.compile(r"[a-z]+")


def _one_slip(word: str, key: str) -> bool:
    """`word` is `key` with two neighbouring letters swapped, or (in longer words) one letter
    dropped, added or mistyped - but not at the very end, where a different letter is usually
    grammar (hablan, parle, persons) rather than a typo."""
    if len(word) == len(key):
        diff = [i for i, (a, b) in enumerate(zip(word, key, strict=True)) if a != b]
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            return word[diff[0]] == key[diff[1]] and word[diff[1]] == key[diff[0]]
        return len(diff) == 1 and len(key) >= TYPO_MIN_LENGTH and diff[0] < len(key) - 1
    short, long = sorted((word, key), key=len)
    if len(long) - len(short) != 1 or len(short) < TYPO_MIN_LENGTH:
        return False
    i = next((i for i, (a, b) in enumerate(zip(short, long, strict=False)) if a != b), len(short))
    return i < len(short) and short[i:] == long[i + 1:]


@lru_cache(maxsize=8192)
def _correct(word: str) -> str:
    if len(word) < 4 or word in REQUEST_WORDS or word in NOT_TYPOS:
        return word
    near = [key for key in REQUEST_WORDS if abs(len(key) - len(word)) <= 1 and _one_slip(word, key)]
    return near[0] if len(near) == 1 else word


def fix_typos(folded: str) -> str:
    """Folded text with one-slip misspellings of request words corrected ("tlak" → "talk")."""
    return _WORD.sub(lambda m: _correct(m.group()), folded)


# ---------------------------------------------------------------------------------------
# Who can be asked for
# ---------------------------------------------------------------------------------------

# Person words in a sense that is not "one of your people", blanked before matching: rates,
# appointment formats, HR software, other trades' agents, carriers, the visitor's contacts.
OTHER_SENSES = rx(
    r"\b(?:per|por|par|pro|in|en) (?:persons?|personas?|personnes?|personen)\b",
    r"\bhuman[- ](?:resources|readable|error|body|rights)\b|\brecursos humanos\b"
    r"|\bressources humaines\b",
    r"\b(?:real estate|estate|travel|insurance|affiliate|monitoring|user|secret|free|booking|customs|"
    r"shipping|software|backup|update) agents?\b|\bagents? (?:program\w*|software)\b|\b\w+-agent(?:en)?\b",
    r"\bagentes? (?:inmobiliari\w+|de viajes?|de seguros|de aduanas?)\b",
    r"\bagents? (?:immobiliers?|de voyages?|d'assurances?)\b",
    r"\b(?:mobile|network|phone|tour) operators?\b",
    r"\bcontact (?:person|people)\b|\bpersonas? de contacto\b|\bpersonnes? de contact\b",
    r"\bpersonas? (?:fisica|juridica)s?\b|\bpersonnes? (?:physique|morale)s?\b",
    r"\b(?:asesor|asesora|conseiller|conseillere) fiscal\w*\b",
    r"\b(?:how many|cuant[oa]s|combien de|wie viele) (?:\w+ )?"
    r"(?:people|persons|personas|personnes|personen|agents|agentes|mitarbeiter)\b",
)

# Not the visitor's own people or a determiner (my manager, mon équipe, the…).
_NOT_MINE = (r"(?!(?:my|our|his|her|their|mi|mis|nuestr\w*|mon|ma|mes|notre|nos|son|sa|ses|"
             r"leurs?|mein\w*|unser\w*|sein\w*|your|the|a|an)\b)")

# A person word followed by a thing is a modifier: support widget, operator fee, agent licence,
# the manager's email.
_NOT_A_MODIFIER = (r"\b(?!'s\b|[- ](?:widgets?|tickets?|plans?|accounts?|pages?|portal|emails?|hours|fees?|"
                   r"licen[cs]es?|seats?|types?|roles?|parking|discounts?|program\w*|software|tools?|"
                   r"apps?|features?|settings?|logins?|konto|tarif|rabatt|lizenz)\b)")

# STRONG words name a helper on their own ("operator", "agente por favor"); the others also
# have everyday uses and count only with a request verb.
STRONG_EN = (r"(?:human(?: beings?)?|humans|(?:real|actual|live) (?:person|people|one|human|agent)|"
             r"agent|representative|rep|operator|staff member|member of (?:staff|the team)|"
             r"customer (?:service|support|care)(?: (?:team|agent|rep\w*))?|support team|manager|"
             rf"supervisor){_NOT_A_MODIFIER}")
PERSON_EN = (rf"(?:{STRONG_EN}|agents|representatives|operators|person|people|"
             rf"(?:some|any)(?:one|body)(?! else)|(?:{_NOT_MINE}\w+ )?(?:staff|team)(?: members?)?|"
             r"members? of (?:your |the )?\w+|support|employees?|advis[oe]rs?|consultants?|"
             rf"specialists?|colleagues?|sales|billing|reception|front desk){_NOT_A_MODIFIER}")
DET_EN = r"(?:(?:a|an|the|one|of|your|some|any) ){0,3}"
A_EN = r"(?:(?:a|an|any|some|one of your) )?"  # "is there a/any…", not "are the staff…"
ADJ_EN = r"(?:(?:real|actual|live|human|proper|qualified) ){0,2}"

STRONG_ES = (r"(?:humano|ser humano|persona (?:real|de verdad)|personas reales|agente|asesora?|"
             rf"operadora?|representante|emplead[oa]){_NOT_A_MODIFIER}")
PERSON_ES = (rf"(?:{STRONG_ES}|humanos|agentes|asesores|operadores|representantes|personas?|"
             r"alguien(?! mas)|(?:vuestro|su|tu|el|del) equipo(?! que)|encargad[oa]|responsable|"
             r"gerente|(?:atencion|servicio) al cliente|soporte|comercial|especialista|ventas|"
             rf"facturacion|recepcion){_NOT_A_MODIFIER}")
DET_ES = r"(?:(?:un|una|el|la|los|las|algun|alguna|alguno|uno|de|del|vuestr[oa]s?|su|sus) ){0,3}"
ADJ_ES = r"(?:(?:verdader[oa]|autentic[oa]) )?"

# "personne" alone is also "nobody": only after an article is it a person.
_UNE_PERSONNE = r"(?:(?<=une\s)|(?<=la\s)|(?<=vraie\s)|(?<=veritable\s)|(?<=cette\s))personne"
STRONG_FR = (rf"(?:humain|etre humain|vraie personne|{_UNE_PERSONNE}|conseill(?:er|ere)|"
             rf"operat(?:eur|rice)|agent|interlocut(?:eur|rice)|vendeu(?:r|se)){_NOT_A_MODIFIER}")
PERSON_FR = (rf"(?:{STRONG_FR}|humains|conseill(?:er|ere)s|agents|quelqu'?un(?! d'autre)|"
             rf"(?:{_NOT_MINE}\w+ )?equipe|membres? d[eu] (?:l'|la |votre )?(?:equipe|personnel|"
             r"service \w+|support)|service (?:client\w*|commercial)|support|accueil|reception|"
             rf"responsable|collaborat(?:eur|rice)|collegues?|employes?|technicien\w*){_NOT_A_MODIFIER}")
DET_FR = r"(?:(?:un|une|le|la|l'|les|des|vos|votre|du|de|d')\s*){0,2}"
ADJ_FR = r"(?:(?:vrai|vraie|veritable) )?"

STRONG_DE = (r"(?:mensch(?:en)?|mitarbeiter(?:in|innen|n)?|(?:kunden)?berater(?:in|n)?|"
             rf"kundenbetreuer(?:in)?|ansprechpartner(?:in)?|(?:echte|richtige|reale)\w* person)"
             rf"{_NOT_A_MODIFIER}")
PERSON_DE = (rf"(?:{STRONG_DE}|person|jemand(?:en|em)?(?! ander)|kundenservice|kundendienst|"
             r"support|(?:\w+-?)?team|agent(?:en)?|zustandigen|techniker|kolleg(?:e|en|in)|vertrieb|"
             rf"buchhaltung|rezeption){_NOT_A_MODIFIER}")
DET_DE = (r"(?:(?:ein|eine|einen|einem|einer|nem|ner|nen|dem|der|den|die|das|ihrem|ihren|ihrer|"
          r"eurem|euren|jemandem) ){0,2}")
ADJ_DE = r"(?:(?:echt|richtig|menschlich|lebend|zustandig|kompetent)\w* )?"

STRONG_PT = (r"(?:um |uma |o |a )?(?:atendente|humano|ser humano|pessoa real|pessoa de verdade|"
             r"agente|operador|operadora|funcionario|funcionaria)")
PERSON_PT = rf"(?:{STRONG_PT}|(?:um |uma )?pessoa|alguem(?: da equipe| da equipa)?)"
STRONG_IT = (r"(?:un |una |l'|l')?(?:operatore|operatrice|essere umano|umano|persona reale|"
             r"persona vera|addetto|addetta|consulente)")
PERSON_IT = rf"(?:{STRONG_IT}|(?:una )?persona|qualcuno(?! altro))"
STRONG_NL = r"(?:een |de )?(?:medewerker|medewerkster|mens|echt persoon|echte persoon)"
PERSON_NL = rf"(?:{STRONG_NL}|iemand|een persoon)"
# Arabic, folded (no hamza marks): a person, an employee, a human, someone, a representative.
PERSON_AR = r"(?:شخص|موظف|انسان|احد|بشري|مندوب|خدمة العملاء)"

PERSON_ANY = rf"(?:{PERSON_EN}|{PERSON_ES}|{PERSON_FR}|{PERSON_DE})"
STRONG_ANY = rf"(?:{STRONG_EN}|{STRONG_ES}|{STRONG_FR}|{STRONG_DE})"
PLEASE = (r"(?:please|pls|plz|now|asap|por favor|porfa|ya|ahora|svp|stp|s'il vous plait|"
          r"s'il te plait|maintenant|bitte|jetzt|sofort)")


# ---------------------------------------------------------------------------------------
# Explicit requests for a person
# ---------------------------------------------------------------------------------------

# A request verb with someone after it, an "I want" with a helper, an "is someone available".
# Named by an example, for debugging.
REQUESTS: dict[str, re.Pattern[str]] = {name: rx(p) for name, p in {
    "en talk to someone":
        r"\b(?:talk|speak|(?<!live\s)chat|talking|speaking|chatting|discuss|go (?:through|over)|"
        r"sort \w+ out|escalate|"
        rf"get through|get in touch|be in touch)(?: {W}){{0,4}}? (?:to|with) {DET_EN}{ADJ_EN}{PERSON_EN}\b",
    "en connect me with an agent":
        rf"\b(?:connect|transfer|put|pass|forward|switch) (?:me|us)(?: {W}){{0,2}}? (?:to|with) "
        rf"{DET_EN}{ADJ_EN}{PERSON_EN}\b",
    "en I want a human":
        r"\b(?:i|we)(?:'d| would| really| just| still| do)* (?:want|need|like|prefer|request|ask for) "
        rf"(?:to (?:have|get) )?{DET_EN}{ADJ_EN}{STRONG_EN}\b",
    "en reach a human":
        rf"\b(?:reach|contact|get hold of) {DET_EN}{ADJ_EN}{STRONG_EN}\b",
    "en can I get someone":
        rf"\b(?:can|could|may) (?:i|we) (?:get|have) {DET_EN}{ADJ_EN}{PERSON_EN}\b",
    "en get me a human":
        rf"(?:^|[^\w\s']\s*|please )(?:get|give|find) (?:me|us) {DET_EN}{ADJ_EN}{STRONG_EN}\b",
    "en is someone available":
        rf"\b(?:is|are) (?:there )?{A_EN}{ADJ_EN}{PERSON_EN}\b(?: {W}){{0,4}}? "
        r"(?:available|around|online|free|on (?:the )?line|(?:i|we) (?:can|could)|"
        r"to (?:talk|speak|chat|help)|(?:who|that) (?:can|could) (?:help|assist))\b",
    "en is anyone there": r"\b(?:is|are) (?:there )?(?:any|some)(?:one|body) (?:still )?there\b",
    "en is there an agent": rf"\b(?:is|are) there {DET_EN}{ADJ_EN}{STRONG_EN}\b",
    "en can someone help": r"\b(?:can|could|would) (?:some|any)(?:one|body) (?:please )?(?:help|assist)\b",
    "es hablar con alguien":
        r"\b(?:hablar|hable|charlar|chatear|conversar|comunicar(?:me|nos)?|tratar(?:lo)?|ver(?:lo)?|"
        r"resolver(?:lo)?|consultar(?:lo)?|pas(?:ar|a|as|ais|an|e|en|ame|eme|enme|adme|arme|arnos)|"
        rf"poner(?:me|nos)? en contacto|contactar)(?: {W}){{0,4}}? con {DET_ES}{ADJ_ES}{PERSON_ES}\b",
    "es quiero un agente":
        r"\b(?:quiero|necesito|quisiera|prefiero|me gustaria|deseo|pido|solicito)"
        rf"(?: {W}){{0,2}}? {DET_ES}{ADJ_ES}{STRONG_ES}\b",
    "es que me atienda una persona":
        rf"\b(?:me|nos) (?:{W} )?(?:atienda|atiendan|atender|atiende) (?:{W} ){{0,2}}?{DET_ES}"
        rf"{PERSON_ES}\b|\b{PERSON_ES} (?:que )?(?:me|nos) (?:{W} )?(?:atienda|atiendan|atender)\b",
    "es hay alguien disponible":
        rf"\b(?:hay|habra|esta|estara|teneis|tienen) {DET_ES}{ADJ_ES}{PERSON_ES}\b(?: {W}){{0,3}}? "
        r"(?:disponible|conectad[oa]|en linea|ahi|libre|que (?:me )?(?:pueda|atienda|ayude))",
    "es hay un agente": rf"\bhay {DET_ES}{STRONG_ES}\b",
    "es alguien me puede ayudar":
        r"\balguien (?:me )?(?:puede|podria) (?:ayudar|atender)|\balguien que me (?:ayude|atienda)\b",
    "fr parler a quelqu'un":
        r"\b(?:parler|parle|discuter|echanger|voir|regler|traiter|continuer|transferer|transmettre|"
        rf"mettre en (?:relation|contact)|passer|joindre|contacter|entrer en contact)(?: {W}){{0,4}}? "
        rf"(?:a|au|avec|aupres d[eu'])\s*{DET_FR}{ADJ_FR}{PERSON_FR}\b",
    "fr puis-je avoir un conseiller":
        r"\b(?:possible d'|puis-je |je peux |pourrais-je |peut-on |pourrait-on |on peut |je voudrais |"
        rf"j'aimerais |je souhaite )avoir {DET_FR}{ADJ_FR}{STRONG_FR}\b",
    "fr passez-moi un conseiller":
        rf"\bpass(?:ez|e|er)[- ]moi {DET_FR}{ADJ_FR}{PERSON_FR}\b|\b(?:me|nous) passer {DET_FR}{ADJ_FR}"
        rf"{PERSON_FR}\b",
    "fr je veux un conseiller":
        r"\b(?:je veux|je voudrais|j'aimerais|je prefere\w*|je souhaite|je demande|il me faut)"
        rf"(?: {W}){{0,2}}? {DET_FR}{ADJ_FR}{STRONG_FR}\b",
    "fr y a-t-il un conseiller disponible":
        r"\b(?:y a-t-il|y a t il|il y a|est-ce qu'il y a|avez-vous|auriez-vous|vous avez) "
        rf"{DET_FR}{ADJ_FR}{PERSON_FR}\b(?: {W}){{0,3}}? "
        r"(?:disponible|en ligne|la\b(?!\s*\w)|joignable|present|qui (?:peut|pourrait) m'aider)",
    "fr quelqu'un est la": r"\bquelqu'?un (?:est |serait )?(?:disponible|en ligne|la\b(?!\s*\w))",
    "fr y a-t-il quelqu'un":
        r"\b(?:y a-t-il|y a t il|est-ce qu'il y a) quelqu'?un\b(?:\s*(?:$|[?!.])| pour m'aider| qui "
        r"(?:peut|pourrait) m'aider| de (?:disponible|votre equipe|l'equipe))",
    "fr quelqu'un peut m'aider": r"\bquelqu'?un (?:peut|pourrait) m'aider\b",
    "de mit jemandem sprechen":  # verb last
        rf"\bmit {DET_DE}{ADJ_DE}{PERSON_DE}\b(?: {W}){{0,5}}? (?:sprechen|reden|chatten|schreiben|"
        r"besprechen|klaren|telefonieren|verbinden|verbunden|kommunizieren|unterhalten)\b",
    "de an einen Kollegen weiterleiten":
        rf"\b(?:mich|uns)\b(?: {W}){{0,3}}? (?:an|mit|zu) {DET_DE}{ADJ_DE}{PERSON_DE}\b(?: {W}){{0,3}}? "
        r"(?:weiterleiten|weiterverbinden|durchstellen|verbinden)\b",
    "de verbinden Sie mich mit":  # verb first
        rf"\b(?:sprechen|reden|chatten|schreiben|verbinden|verbinde)\b(?: {W}){{0,3}}? mit "
        rf"{DET_DE}{ADJ_DE}{PERSON_DE}\b",
    "de ich mochte einen Mitarbeiter":
        r"\b(?:ich (?:mochte|will|brauche|hatte gerne?|wurde gerne?|wunsche)|geben sie mir)"
        rf"(?: {W}){{0,3}}? {DET_DE}{ADJ_DE}{STRONG_DE}\b",
    "de ist jemand erreichbar":
        rf"\b(?:ist|sind|gibt es)\b(?: {W}){{0,3}}? {DET_DE}{ADJ_DE}{PERSON_DE}\b(?: {W}){{0,3}}? "
        r"(?:online|erreichbar|verfugbar|da|frei|zu sprechen)\b",
    "de gibt es einen Ansprechpartner": rf"\bgibt es\b(?: {W}){{0,3}}? {DET_DE}{ADJ_DE}{STRONG_DE}\b",
    "de einen Mitarbeiter sprechen":
        rf"\b(?:(?:einen|eine|den|ihren) {ADJ_DE}{STRONG_DE}|jemanden)\b(?: {W}){{0,3}}? "
        r"(?:sprechen|erreichen|kontaktieren)\b",
    "de kann mir jemand helfen": r"\b(?:kann|konnte) mir (?:bitte )?jemand helfen\b",
    # Portuguese, Italian, Dutch and Arabic: the plainest ways to ask, kept narrow.
    "pt falar com uma pessoa":
        r"\b(?:falar|conversar|fale|me passe|me passa|me transfira|me transferir|transferir-me)"
        rf"(?: {W}){{0,2}}? (?:com|para) {PERSON_PT}\b",
    "pt quero um atendente":
        rf"\b(?:quero|queria|preciso de|gostaria de) {STRONG_PT}\b",
    "it parlare con una persona":
        r"\b(?:parlare|parlo|chattare|passarmi|mettermi in contatto|mi passi|mi metta in contatto)"
        rf"(?: {W}){{0,2}}? (?:con|a) {PERSON_IT}\b",
    "it vorrei un operatore": rf"\b(?:voglio|vorrei|ho bisogno di) {STRONG_IT}\b",
    "nl spreken met een medewerker":
        rf"\bmet {PERSON_NL}\b(?: {W}){{0,3}}? (?:spreken|praten|chatten|verbinden|doorverbinden)\b"
        rf"|\b(?:spreken|praten|chatten|verbind|verbinden|doorverbinden)(?: {W}){{0,3}}? met {PERSON_NL}\b",
    "nl ik wil een medewerker": rf"\bik (?:wil|zou graag|heb) {STRONG_NL}\b"
                                rf"|\b(?:kan|mag) ik {PERSON_NL} (?:spreken|bellen)\b",
    "ar talk to a person":
        r"(?:التحدث|الحديث|التكلم|اتحدث|اتكلم|تحويلي|حولني|وصلني|اوصلني|اكلم)"
        rf"(?: \S+){{0,2}}? (?:مع|الى|ب|ل)\s*{PERSON_AR}",
    "ar I want an agent": rf"(?:اريد|أريد|ابغى|عايز|بدي) {PERSON_AR}",
    # Refusing the bot asks for the alternative.
    "no bot":
        rf"\b(?:(?:don't|do not|no) (?:want|quiero)|ne veux pas|(?:will|mochte) nicht)(?: {W}){{0,4}}? "
        r"(?:(?:a|an|the|this|un|una|el|einem|einen) )?(?:chat)?(?:bot|robot|machine|maquina|ki|ai|ia)s?"
        r"\s*(?:$|[.,!?;]|please|anymore|any more|por favor|svp|bitte)"
        r"|\b(?:will|mochte) keinen (?:chat)?(?:bot|roboter|ki)\b",
}.items()}

# "Call me back", "me rappeler", "llamarme", "mich zurückrufen": a request for a person when
# addressed to the business (you, someone, your team), not to the courier or the bank.
CALL_ME = rx(
    r"\b(?:call|ring|phone) me(?: (?:back|at|on|today|tomorrow|asap|later|when|please)\b|\s*$)"
    r"|\bgive me a (?:call|ring|phone call)\b|\bget back to me\b|\bcall\s*back\b",
    rf"\bme (?:{W} )?(?:llamar|llame|llamen|contactar|contacte|contacten)\b"
    r"|\bdevolver(?:me)? la llamada\b|\b(?:llamarme|contactarme)\b",
    # "me rappeler le prix / quand…" is "remind me of": not a call
    rf"\bme (?:{W} )?(?:rappeler|rappelle|rappeliez|recontacter|telephoner|contacter|appeler)\b"
    r"(?! (?:le|la|les|l'|mon|ma|mes|votre|vos|son|sa|ses|quand|comment|pourquoi|si|s'il y|ou|"
    r"combien|quel\w*|a quel\w*|ce que|ce qu'|de|d'|du|des)\b)|\bm'appeler\b",
    rf"\bmich\b(?: {W}){{0,4}}? (?:zuruckrufen|anrufen|kontaktieren)\b",
)
# Who is asked: "you", "someone", "your team", or a polite imperative.
ADDRESSEE = rx(r"\b(?:you|your|usted|ustedes|vosotros|vuestr\w*|podeis|podriais|pueden|podrian|"
                r"vous|votre|vos|sie|ihr|ihrem|euer|please|por favor|svp|bitte)\b", rf"\b{PERSON_ANY}\b")
# Asking for a callback outright: "Call me back", "Bitte um Rückruf", "rappelez-moi".
CALLBACK = rx(
    r"^\s*(?:please )?(?:call|ring|phone) me\b|\b(?:ask for|request|want|like|need|get|arrange|"
    r"book|schedule) a call\s*back\b|\bcall\s*back,? please\b",
    r"\bllam(?:adme|enme|eme)\b|\b(?:rappelez|appelez|contactez)-moi\b|\betre rappelee?\b",
    r"\b(?:bitte um|hatte gerne? einen|mochte einen|wunsche einen|um einen) ruckruf\b"
    r"|\bruckruf,? bitte\b|\bruckruf (?:von|durch) \w+"
    r"|\b(?:ruf|rufen) (?:sie )?mich (?:\w+ )?(?:an|zuruck)\b",
)

# A clause that is only a helper and "please": "operator", "agente por favor", "Mitarbeiter bitte".
SHORT_REQUEST = rx(
    rf"\s*(?:{PLEASE} )?(?:(?:a|an|the|un|una|el|la|une|le|l'|ein|eine|einen|nem|nen|den)\s*)?"
    rf"(?:(?:real|actual|live|human|vrai|vraie|echte[nmr]?|richtige[nmr]?) )?{STRONG_ANY}"
    rf"(?: {PLEASE})*\s*")
# "a human, not a bot", "keinen Bot", "pas un robot", "en lugar del chat automatico".
NOT_A_BOT = rx(r"\b(?:not|no|no more|instead of|rather than|kein(?:en)?|statt|pas|plutot qu'|sin|"
                r"en lugar de)\s*(?:with |to |con |avec |mit )?(?:a |an |the |this |un |una |el |le |"
                r"la |ce |einen |ein |dem |den )?(?:chat)?(?:bot|robot|machine|ai|ia|ki|maquina|"
                r"chat automatico)\b")
HELPER = rx(rf"\b{STRONG_ANY}\b")
# The visitor asks what their own customers can do ("let our visitors reach a human agent"):
# a product question, not a request.
THIRD_PARTY = rx(
    r"\b(?:visitors?|customers|users?|clients|guests|they|kunden|nutzer\w*|besucher\w*|clientes|"
    rf"usuarios|visitantes|visiteurs|utilisateurs) (?:{W} )?(?:reach|talk|speak|chat|contact|"
    r"hablar|contactar|chatear|parler|contacter|joindre|discuter|sprechen|erreichen|kontaktieren|"
    r"chatten)\b")
CLAUSES = re.compile(r"[.,;:!?¡¿()\n]+|\s[-–—]+\s")
SENTENCES = re.compile(r"[.;!?¡¿\n]+")


def _asks_callback(sentence: str) -> bool:
    return CALLBACK.search(sentence) is not None or (
        CALL_ME.search(sentence) is not None and ADDRESSEE.search(sentence) is not None)


def _short_request(clause: str) -> bool:
    return len(clause.split()) <= SHORT_REQUEST_WORDS and SHORT_REQUEST.fullmatch(clause) is not None


def explicit_request(text: str) -> bool:
    """The visitor asks for a person (in English, Spanish, French or German with a typo or two;
    in Portuguese, Italian, Dutch and Arabic in the plainest words)."""
    folded = OTHER_SENSES.sub(" _ ", fix_typos(fold(text)))
    if THIRD_PARTY.search(folded):
        return False
    if any(p.search(folded) for p in REQUESTS.values()):
        return True
    if NOT_A_BOT.search(folded) and HELPER.search(folded):
        return True
    if any(_asks_callback(s) for s in SENTENCES.split(folded) if s.strip()):
        return True
    return any(_short_request(c) for c in CLAUSES.split(folded) if c.strip())
