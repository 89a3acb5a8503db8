"""The assistant's own phrases (lead-ins, the hedge, "I don't know", offers of a person,
hand-over texts, the apology), in every language the widget speaks (docs/ai.md)."""

from __future__ import annotations

LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "nl", "ar")

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
                        "{wait}.",
        "handoff_soon": "I'm connecting you with a person from our team; someone will be with "
                        "you shortly.",
        "handoff_offline": "Nobody from our team is available right now. Leave your email "
                           "address and we'll reply as soon as we can.",
        "error": "Sorry, I'm having trouble answering right now.",
        "wait_short": "less than a minute",
        "wait_minutes_one": "about 1 minute", "wait_minutes_many": "about {n} minutes",
        "wait_hours_one": "about 1 hour", "wait_hours_many": "about {n} hours",
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
                        "{wait}.",
        "handoff_soon": "Le paso con una persona de nuestro equipo; le atenderán enseguida.",
        "handoff_offline": "Ahora mismo no hay nadie disponible. Déjenos su correo electrónico "
                           "y le responderemos lo antes posible.",
        "error": "Lo siento, ahora mismo no puedo responder.",
        "wait_short": "menos de un minuto",
        "wait_minutes_one": "alrededor de 1 minuto", "wait_minutes_many": "unos {n} minutos",
        "wait_hours_one": "alrededor de 1 hora", "wait_hours_many": "unas {n} horas",
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
        "handoff_wait": "Je vous mets en relation avec une personne de notre équipe. Attente "
                        "estimée : {wait}.",
        "handoff_soon": "Je vous mets en relation avec une personne de notre équipe ; quelqu'un "
                        "arrive.",
        "handoff_offline": "Personne n'est disponible pour le moment. Laissez votre adresse "
                           "e-mail et nous vous répondrons au plus vite.",
        "error": "Désolé, je n'arrive pas à répondre pour le moment.",
        "wait_short": "moins d'une minute",
        "wait_minutes_one": "environ 1 minute", "wait_minutes_many": "environ {n} minutes",
        "wait_hours_one": "environ 1 heure", "wait_hours_many": "environ {n} heures",
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
        "handoff_wait": "Ich verbinde Sie mit einem Mitarbeiter. Die Wartezeit beträgt {wait}.",
        "handoff_soon": "Ich verbinde Sie mit einem Mitarbeiter; gleich ist jemand für Sie da.",
        "handoff_offline": "Gerade ist niemand erreichbar. Hinterlassen Sie Ihre E-Mail-Adresse, "
                           "wir melden uns so bald wie möglich.",
        "error": "Entschuldigung, ich kann gerade nicht antworten.",
        "wait_short": "weniger als eine Minute",
        "wait_minutes_one": "etwa 1 Minute", "wait_minutes_many": "etwa {n} Minuten",
        "wait_hours_one": "etwa 1 Stunde", "wait_hours_many": "etwa {n} Stunden",
    },
    "pt": {
        "lead_in": "Isto é o que dizem as nossas informações:",
        "hedge": "Isto pode ajudar:",
        "hedge_offer": "Se isto não responder à sua pergunta, quer que eu o coloque em contato "
                       "com uma pessoa?",
        "offer_declined": "Sem problema. Em que mais posso ajudar?",
        "no_match": "Desculpe, não sei a resposta. Quer que eu o coloque em contato com uma "
                    "pessoa?",
        "greeting": "Olá! Sou o assistente de {business}. Pergunte o que quiser, ou peça para "
                    "falar com uma pessoa a qualquer momento.",
        "thanks": "De nada! Posso ajudar em mais alguma coisa?",
        "handoff_wait": "Vou colocá-lo em contato com uma pessoa da nossa equipe. A espera "
                        "prevista é de {wait}.",
        "handoff_soon": "Vou colocá-lo em contato com uma pessoa da nossa equipe; alguém vai "
                        "atendê-lo em breve.",
        "handoff_offline": "Não há ninguém disponível no momento. Deixe o seu e-mail e "
                           "responderemos assim que possível.",
        "error": "Desculpe, não estou conseguindo responder agora.",
        "wait_short": "menos de um minuto",
        "wait_minutes_one": "cerca de 1 minuto", "wait_minutes_many": "cerca de {n} minutos",
        "wait_hours_one": "cerca de 1 hora", "wait_hours_many": "cerca de {n} horas",
    },
    "it": {
        "lead_in": "Ecco cosa dicono le nostre informazioni:",
        "hedge": "Questo potrebbe esserle utile:",
        "hedge_offer": "Se non risponde alla sua domanda, vuole che la metta in contatto con una "
                       "persona?",
        "offer_declined": "Nessun problema. In cos'altro posso aiutarla?",
        "no_match": "Mi dispiace, non conosco la risposta. Vuole che la metta in contatto con "
                    "una persona?",
        "greeting": "Salve! Sono l'assistente di {business}. Mi chieda pure qualsiasi cosa, o "
                    "chieda di parlare con una persona in qualsiasi momento.",
        "thanks": "Prego! Posso aiutarla in qualcos'altro?",
        "handoff_wait": "La metto in contatto con una persona del nostro team. L'attesa "
                        "prevista è di {wait}.",
        "handoff_soon": "La metto in contatto con una persona del nostro team; qualcuno sarà da "
                        "lei a breve.",
        "handoff_offline": "Al momento non c'è nessuno disponibile. Lasci il suo indirizzo email "
                           "e le risponderemo il prima possibile.",
        "error": "Mi dispiace, al momento non riesco a rispondere.",
        "wait_short": "meno di un minuto",
        "wait_minutes_one": "circa 1 minuto", "wait_minutes_many": "circa {n} minuti",
        "wait_hours_one": "circa 1 ora", "wait_hours_many": "circa {n} ore",
    },
    "nl": {
        "lead_in": "Dit staat er in onze informatie:",
        "hedge": "Misschien helpt dit:",
        "hedge_offer": "Beantwoordt dit uw vraag niet? Zal ik u in contact brengen met een "
                       "medewerker?",
        "offer_declined": "Geen probleem. Waarmee kan ik u nog meer helpen?",
        "no_match": "Sorry, het antwoord daarop weet ik niet. Zal ik u in contact brengen met "
                    "een medewerker?",
        "greeting": "Hallo! Ik ben de assistent van {business}. Stel gerust uw vraag, of vraag "
                    "op elk moment naar een medewerker.",
        "thanks": "Graag gedaan! Kan ik u nog ergens anders mee helpen?",
        "handoff_wait": "Ik breng u in contact met een medewerker van ons team. De verwachte "
                        "wachttijd is {wait}.",
        "handoff_soon": "Ik breng u in contact met een medewerker van ons team; er is zo iemand "
                        "voor u.",
        "handoff_offline": "Er is op dit moment niemand beschikbaar. Laat uw e-mailadres achter, "
                           "dan antwoorden we zo snel mogelijk.",
        "error": "Sorry, ik kan op dit moment niet antwoorden.",
        "wait_short": "minder dan een minuut",
        "wait_minutes_one": "ongeveer 1 minuut", "wait_minutes_many": "ongeveer {n} minuten",
        "wait_hours_one": "ongeveer 1 uur", "wait_hours_many": "ongeveer {n} uur",
    },
    "ar": {
        "lead_in": "إليك ما تقوله معلوماتنا:",
        "hedge": "قد يفيدك هذا:",
        "hedge_offer": "إذا لم يُجب هذا عن سؤالك، هل تريد أن أوصلك بأحد أفراد فريقنا؟",
        "offer_declined": "لا مشكلة. بماذا يمكنني مساعدتك أيضًا؟",
        "no_match": "عذرًا، لا أعرف الإجابة عن ذلك. هل تريد أن أوصلك بأحد أفراد فريقنا؟",
        "greeting": "مرحبًا! أنا مساعد {business}. اسألني عن أي شيء، أو اطلب التحدث إلى أحد "
                    "أفراد فريقنا في أي وقت.",
        "thanks": "على الرحب والسعة! هل هناك شيء آخر يمكنني مساعدتك فيه؟",
        "handoff_wait": "سأوصلك بأحد أفراد فريقنا. مدة الانتظار المتوقعة {wait}.",
        "handoff_soon": "سأوصلك بأحد أفراد فريقنا؛ سيكون معك أحدهم قريبًا.",
        "handoff_offline": "لا يوجد أحد من فريقنا متاح الآن. اترك عنوان بريدك الإلكتروني وسنرد "
                           "عليك في أقرب وقت ممكن.",
        "error": "عذرًا، لا أستطيع الإجابة الآن.",
        "wait_short": "أقل من دقيقة",
        # Arabic counts: 1, 2 (dual), 3-10 (plural), 11 and more (singular after the number).
        "wait_minutes_one": "دقيقة واحدة تقريبًا", "wait_minutes_two": "دقيقتان تقريبًا",
        "wait_minutes_few": "{n} دقائق تقريبًا", "wait_minutes_many": "{n} دقيقة تقريبًا",
        "wait_hours_one": "ساعة واحدة تقريبًا", "wait_hours_two": "ساعتان تقريبًا",
        "wait_hours_few": "{n} ساعات تقريبًا", "wait_hours_many": "{n} ساعة تقريبًا",
    },
}


def phrase(language: str, key: str, **values: object) -> str:
    """The phrase in the language (English for a language it does not have)."""
    table = PHRASES.get(language, PHRASES["en"])
    return table[key].format(**values)


def _form(language: str, n: int) -> str:
    if language == "ar":
        return "one" if n == 1 else "two" if n == 2 else "few" if 3 <= n <= 10 else "many"
    return "one" if n == 1 else "many"


def wait_text(language: str, seconds: float) -> str:
    """"less than a minute", "about 4 minutes", "about 2 hours" in the language (as the
    widget's banner says it)."""
    table = PHRASES.get(language, PHRASES["en"])
    if seconds < 60:
        return table["wait_short"]
    n, unit = round(seconds / 60), "minutes"
    if n >= 60:
        n, unit = round(n / 60), "hours"
    key = f"wait_{unit}_{_form(language, n)}"
    return table.get(key, table[f"wait_{unit}_many"]).format(n=n)
