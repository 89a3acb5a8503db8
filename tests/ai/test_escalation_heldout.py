"""Escalation detection on conversations written apart from the labelled corpus.

The rules in chatserver/ai/escalation.py were tuned against tests/ai/corpus.json. These
examples were written afterwards, in three batches, each run once before any further change;
the first-run figures (in the comments above each batch) are the honest estimate of how the
rules do on phrasings nobody tuned for. The misses of each batch were then fixed with general
rules (verb forms, vocabulary, a callback's subject in another clause), so today every batch
has been seen: a miss here is a hint of a missing general rule, not a reason for a special
case. The bar is looser than the corpus's and the figures are printed.
"""

from __future__ import annotations

from collections import Counter

from chatserver.ai.base import Turn
from chatserver.ai.escalation import detect
from tests.ai import LABELS, LANGS

MIN_RECALL = 0.80
MAX_FALSE_ESCALATIONS = 0.10

V, A = "visitor", "ai"

Item = tuple[str, str, str, list[tuple[str, str]]]  # id, lang, expected reason or "none", turns

# Batch 1, written once the corpus passed. First run: explicit_request 8/12, frustration
# 10/10, repeated_failure 5/8, false escalations 0/14.
HELDOUT: list[Item] = [
    # --- explicit requests --------------------------------------------------------------
    ("en-x1", "en", "explicit_request",
     [(V, "Hey, is there a real human I could chat with about a warranty claim?")]),
    ("en-x2", "en", "explicit_request",
     [(V, "I'd rather sort this out with one of your staff, to be honest.")]),
    ("en-x3", "en", "explicit_request",
     [(V, "Does the Pro plan include SSO?"),
      (A, "Yes, SSO with SAML is included in Pro."),
      (V, "ok. can a sales rep give me a ring to talk pricing for 80 seats?")]),
    ("es-x1", "es", "explicit_request",
     [(V, "¿Me pasáis con alguien de atención al cliente?")]),
    ("es-x2", "es", "explicit_request",
     [(V, "Necesito que me llame un asesor hoy, es urgente.")]),
    ("es-x3", "es", "explicit_request", [(V, "persona real por favor")]),
    ("fr-x1", "fr", "explicit_request",
     [(V, "Bonjour, je souhaiterais échanger avec un conseiller au sujet de mon abonnement.")]),
    ("fr-x2", "fr", "explicit_request",
     [(V, "Un conseiller peut-il me rappeler cet après-midi ?")]),
    ("fr-x3", "fr", "explicit_request",
     [(V, "Est-il possible d'avoir un humain au téléphone ?")]),
    ("de-x1", "de", "explicit_request",
     [(V, "Ich hätte gern einen Ansprechpartner, der mir das erklärt.")]),
    ("de-x2", "de", "explicit_request",
     [(V, "Können Sie mich bitte an einen Kollegen weiterleiten?")]),
    ("de-x3", "de", "explicit_request",
     [(V, "Hallo, ich möchte lieber mit einem Menschen chatten statt mit dem Bot.")]),
    # --- frustration ----------------------------------------------------------------------
    ("en-f1", "en", "frustration",
     [(V, "This is the third time I'm asking. Where is my refund?!?!")]),
    ("en-f2", "en", "frustration",
     [(V, "Honestly this is a disgrace, my booking just vanished from the app.")]),
    ("en-f3", "en", "frustration",
     [(V, "Can I change the delivery date of order 4471?"),
      (A, "Delivery usually takes 2–4 working days."),
      (V, "Can I change the delivery date for order 4471?")]),
    ("es-f1", "es", "frustration",
     [(V, "¿Me estáis tomando el pelo? Tercera vez que falla el pago.")]),
    ("es-f2", "es", "frustration", [(V, "ESTO ES UNA VERGÜENZA, NADIE RESPONDE")]),
    ("fr-f1", "fr", "frustration",
     [(V, "C'est une honte, personne ne répond depuis une semaine !!!")]),
    ("fr-f2", "fr", "frustration",
     [(V, "Est-ce que l'hôtel accepte les chiens ?"),
      (A, "L'hôtel dispose d'un jardin et d'une terrasse."),
      (V, "Est-ce que l'hôtel accepte les chiens ?")]),
    ("de-f1", "de", "frustration", [(V, "Das ist doch lächerlich, seit Tagen keine Antwort!")]),
    ("de-f2", "de", "frustration", [(V, "Verdammt, schon wieder falsch geliefert.")]),
    ("de-f3", "de", "frustration", [(V, "WARUM KANN ICH MICH NICHT EINLOGGEN???")]),
    # --- repeated failure -----------------------------------------------------------------
    ("en-r1", "en", "repeated_failure",
     [(V, "How do I add a team member?"),
      (A, "Go to Billing and choose a plan."),
      (V, "That's not what I asked."),
      (A, "Team members can see shared inboxes."),
      (V, "Still not answering my question, sorry.")]),
    ("en-r2", "en", "repeated_failure",
     [(V, "My discount isn't applied."),
      (A, "Enter the code at checkout in the Promo field."),
      (V, "I did, it didn't work."),
      (A, "Make sure the code hasn't expired."),
      (V, "It hasn't expired and it's still not working.")]),
    ("es-r1", "es", "repeated_failure",
     [(V, "¿Cómo descargo mi factura?"),
      (A, "Puedes ver tus pedidos en Mi cuenta."),
      (V, "Eso no responde a mi pregunta."),
      (A, "Las facturas se envían por correo."),
      (V, "No me ha llegado ninguna, sigo sin poder descargarla.")]),
    ("es-r2", "es", "repeated_failure",
     [(V, "La app no sincroniza."),
      (A, "Cierra sesión y vuelve a entrar."),
      (V, "Ya lo hice y no funciona."),
      (A, "Actualiza la app a la última versión."),
      (V, "Ya está actualizada y sigue igual.")]),
    ("fr-r1", "fr", "repeated_failure",
     [(V, "Comment annuler ma réservation ?"),
      (A, "Vous pouvez modifier vos dates dans Mon espace."),
      (V, "Je ne veux pas modifier, je veux annuler."),
      (A, "Les réservations sont confirmées par e-mail."),
      (V, "Ça ne répond toujours pas à ma question.")]),
    ("fr-r2", "fr", "repeated_failure",
     [(V, "Le code promo ne fonctionne pas."),
      (A, "Vérifiez qu'il est bien saisi en majuscules."),
      (V, "C'est le cas, ça ne marche pas."),
      (A, "Le code est valable sur les articles non soldés."),
      (V, "Mes articles ne sont pas soldés, ça n'a rien changé.")]),
    ("de-r1", "de", "repeated_failure",
     [(V, "Wie kann ich meine Adresse ändern?"),
      (A, "Sie finden Ihre Bestellungen unter Mein Konto."),
      (V, "Das war nicht meine Frage."),
      (A, "Unsere Lieferzeit beträgt 2–3 Werktage."),
      (V, "Das hilft mir auch nicht weiter.")]),
    ("de-r2", "de", "repeated_failure",
     [(V, "Die App stürzt beim Start ab."),
      (A, "Bitte starten Sie Ihr Handy neu."),
      (V, "Hab ich gemacht, stürzt immer noch ab."),
      (A, "Installieren Sie die App neu."),
      (V, "Hat leider auch nichts gebracht.")]),
    # --- ordinary conversations (mentions of person words in another sense) ---------------
    ("en-n1", "en", "none",
     [(V, "Can I book a session with a personal trainer for two people?")]),
    ("en-n2", "en", "none",
     [(V, "Our insurance agent needs a copy of the invoice — can I download it as a PDF?")]),
    ("en-n3", "en", "none", [(V, "Do your staff speak Italian at the front desk?")]),
    ("en-n4", "en", "none",
     [(V, "Do you have the jacket in XL?"),
      (A, "Yes, XL is in stock in black."),
      (V, "Awesome!!! Ordering now, thanks!!!")]),
    ("en-n5", "en", "none", [(V, "Is the ISO 27001 certificate available for download?")]),
    ("es-n1", "es", "none", [(V, "¿Cuánto cuesta la habitación doble por persona y noche?")]),
    ("es-n2", "es", "none",
     [(V, "Mi gestor quiere hablar con su banco antes de pagar, ¿puedo pagar la semana que viene?")]),
    ("es-n3", "es", "none",
     [(V, "No puedo entrar en mi cuenta."),
      (A, "Restablece la contraseña desde «He olvidado mi contraseña»."),
      (V, "No me llega el correo."),
      (A, "Revisa la carpeta de spam."),
      (V, "¡Ahí estaba! Gracias.")]),
    ("fr-n1", "fr", "none", [(V, "Le tarif est-il par personne ou pour tout le groupe ?")]),
    ("fr-n2", "fr", "none",
     [(V, "Mon conseiller bancaire demande un justificatif, pouvez-vous me l'envoyer ?")]),
    ("fr-n3", "fr", "none",
     [(V, "Vous livrez le samedi ?"),
      (A, "Oui, la livraison le samedi coûte 5 €. Autre chose ?"),
      (V, "Non merci, bonne journée.")]),
    ("de-n1", "de", "none",
     [(V, "Können wir als Team mit zehn Mitarbeitern den Business-Tarif nutzen?")]),
    ("de-n2", "de", "none", [(V, "Spricht Ihr Zahnarzt auch Türkisch?")]),
    ("de-n3", "de", "none", [(V, "Wie viele Personen dürfen an der Führung teilnehmen?")]),
]

# Batch 2, written after fixing batch 1's gaps. First run: explicit_request 5/8, frustration
# 4/5, repeated_failure 2/4, false escalations 0/8.
HELDOUT_2: list[Item] = [
    ("en-x4", "en", "explicit_request",
     [(V, "Hi there, could I get someone from billing to look at my account?")]),
    ("en-x5", "en", "explicit_request", [(V, "Please escalate this to a supervisor.")]),
    ("es-x4", "es", "explicit_request",
     [(V, "Buenas tardes, ¿podría hablar con el encargado de la tienda?")]),
    ("es-x5", "es", "explicit_request",
     [(V, "¿Hay algún humano por ahí? Tengo una duda sobre mi pedido.")]),
    ("fr-x4", "fr", "explicit_request",
     [(V, "Je préfère voir ça directement avec quelqu'un de chez vous.")]),
    ("fr-x5", "fr", "explicit_request", [(V, "Vous pouvez me passer le service client ?")]),
    ("de-x4", "de", "explicit_request",
     [(V, "Ich würde gerne mit jemandem aus der Buchhaltung telefonieren.")]),
    ("de-x5", "de", "explicit_request",
     [(V, "Gibt es jemanden, der mich heute noch zurückrufen kann?")]),
    ("en-f4", "en", "frustration",
     [(V, "Are you serious? I've paid twice and still nothing shipped.")]),
    ("en-f5", "en", "frustration",
     [(V, "Ugh, this app is driving me crazy, it logged me out AGAIN")]),
    ("es-f3", "es", "frustration", [(V, "Vaya mierda de servicio, llevo un mes esperando.")]),
    ("fr-f3", "fr", "frustration", [(V, "POURQUOI MA COMMANDE N'EST TOUJOURS PAS ARRIVÉE ???")]),
    ("de-f4", "de", "frustration",
     [(V, "Kann ich mein Abo pausieren?"),
      (A, "Sie können Ihr Abo jederzeit kündigen."),
      (V, "Kann ich mein Abo pausieren?")]),
    ("en-r3", "en", "repeated_failure",
     [(V, "Where can I find my API key?"),
      (A, "API access is included in the Pro plan."),
      (V, "I know, but where is the key?"),
      (A, "You can upgrade under Settings → Plan."),
      (V, "That doesn't tell me where the key is either.")]),
    ("es-r3", "es", "repeated_failure",
     [(V, "¿Puedo cambiar el método de pago?"),
      (A, "Aceptamos tarjeta y PayPal."),
      (V, "Ya, pero no me has dicho cómo cambiarlo."),
      (A, "El pago se cobra al confirmar el pedido."),
      (V, "Sigues sin decirme cómo se cambia.")]),
    ("fr-r3", "fr", "repeated_failure",
     [(V, "Mon colis est bloqué en douane."),
      (A, "Les délais de livraison sont de 3 à 5 jours."),
      (V, "Ce n'est pas ma question."),
      (A, "Vous pouvez suivre votre colis avec le lien de suivi."),
      (V, "Le suivi ne dit rien de plus, ça ne m'aide pas.")]),
    ("de-r3", "de", "repeated_failure",
     [(V, "Wie lösche ich mein Konto?"),
      (A, "Sie können Ihr Passwort unter Profil ändern."),
      (V, "Das ist nicht, was ich gefragt habe."),
      (A, "Ihr Konto ist durch Zwei-Faktor-Anmeldung geschützt."),
      (V, "Das beantwortet meine Frage leider immer noch nicht.")]),
    ("en-n6", "en", "none", [(V, "Can I add a second person to the booking at no extra cost?")]),
    ("en-n7", "en", "none",
     [(V, "Do your agents get a commission on referrals? Asking for our partner program.")]),
    ("en-n8", "en", "none",
     [(V, "Is the sauna open on Mondays?"),
      (A, "Yes, from 10:00 to 22:00."),
      (V, "PERFECT, see you then!")]),
    ("es-n4", "es", "none",
     [(V, "¿Puedo hablar en inglés con el recepcionista del hotel a la llegada?")]),
    ("es-n5", "es", "none",
     [(V, "Mi asesora de viajes me dijo que el traslado está incluido, ¿es así?")]),
    ("fr-n4", "fr", "none", [(V, "Combien coûte la visite guidée par personne ?")]),
    ("fr-n5", "fr", "none",
     [(V, "Le spa est-il inclus ?"),
      (A, "Oui, l'accès au spa est inclus de 9 h à 20 h."),
      (V, "Génial, merci beaucoup !!")]),
    ("de-n4", "de", "none", [(V, "Kann meine Kollegin die Bestellung für mich abholen?")]),
]

# Batch 3, written after fixing batch 2's gaps. First run: explicit_request 4/7, frustration
# 3/5, repeated_failure 2/4, false escalations 0/8.
HELDOUT_3: list[Item] = [
    ("en-x6", "en", "explicit_request",
     [(V, "Sorry, I'd really prefer speaking with an actual person about this refund.")]),
    ("en-x7", "en", "explicit_request", [(V, "Is a live agent available right now?")]),
    ("es-x6", "es", "explicit_request",
     [(V, "¿Me puede atender alguien del servicio técnico, por favor?")]),
    ("es-x7", "es", "explicit_request", [(V, "Quisiera que un agente revise mi caso.")]),
    ("fr-x6", "fr", "explicit_request",
     [(V, "Pourriez-vous transférer ma demande à un conseiller ? J'aimerais en parler de vive voix.")]),
    ("de-x6", "de", "explicit_request",
     [(V, "Hallo, ist ein Kundenberater verfügbar? Ich hätte eine Frage zum Vertrag.")]),
    ("de-x7", "de", "explicit_request",
     [(V, "Bitte einen Rückruf von einem Mitarbeiter, Nummer steht in der Bestellung.")]),
    ("en-f6", "en", "frustration",
     [(V, "What the hell, the page froze again and ate my payment.")]),
    ("en-f7", "en", "frustration",
     [(V, "Do you deliver on Sundays?"),
      (A, "Standard delivery takes 2–3 days."),
      (V, "do you deliver on sundays??")]),
    ("es-f4", "es", "frustration",
     [(V, "¡Qué vergüenza! Tres llamadas y nadie me soluciona nada.")]),
    ("fr-f4", "fr", "frustration", [(V, "Sérieusement ? Encore un prélèvement en double !!!")]),
    ("de-f5", "de", "frustration",
     [(V, "Ich bin stinksauer, die Lieferung ist wieder nicht gekommen!")]),
    ("en-r4", "en", "repeated_failure",
     [(V, "How do I merge two accounts?"),
      (A, "You can delete an account in Settings → Danger zone."),
      (V, "No, I want to merge them, not delete one."),
      (A, "Accounts can be renamed under Profile."),
      (V, "Still doesn't answer how to merge them.")]),
    ("es-r4", "es", "repeated_failure",
     [(V, "No puedo subir fotos a mi perfil."),
      (A, "Comprueba que la imagen pese menos de 5 MB."),
      (V, "Pesa 1 MB, no es eso."),
      (A, "Prueba con formato JPG."),
      (V, "Ya era JPG, sigue dando error.")]),
    ("fr-r4", "fr", "repeated_failure",
     [(V, "Comment exporter mes factures en CSV ?"),
      (A, "Vous pouvez imprimer vos factures depuis l'onglet Factures."),
      (V, "Je ne veux pas les imprimer, je veux un CSV."),
      (A, "Les factures sont envoyées par e-mail chaque mois."),
      (V, "Ça ne m'aide toujours pas.")]),
    ("de-r4", "de", "repeated_failure",
     [(V, "Mein Gutschein wird nicht akzeptiert."),
      (A, "Gutscheine gelten für alle Artikel."),
      (V, "Trotzdem wird er abgelehnt."),
      (A, "Bitte prüfen Sie das Ablaufdatum."),
      (V, "Der ist noch gültig, das hilft mir nicht weiter.")]),
    ("en-n9", "en", "none", [(V, "Does the price include a tour guide who speaks French?")]),
    ("en-n10", "en", "none", [(V, "Can a family of five people share one apartment?")]),
    ("en-n11", "en", "none",
     [(V, "Can I reschedule my cleaning?"),
      (A, "Yes, under My appointments → Reschedule, up to 24 hours before."),
      (V, "Done, thanks a lot!!!")]),
    ("es-n6", "es", "none", [(V, "¿Los monitores del campamento son personas tituladas?")]),
    ("es-n7", "es", "none", [(V, "¿El plan Empresa permite añadir agentes ilimitados?")]),
    ("fr-n6", "fr", "none",
     [(V, "Est-ce qu'une personne âgée peut accéder facilement à la chambre ?")]),
    ("de-n5", "de", "none", [(V, "Kann ich als Privatperson auch per Rechnung zahlen?")]),
    ("de-n6", "de", "none",
     [(V, "Haben Sie den Rucksack auch in Rot?"),
      (A, "Ja, in Rot ist er vorrätig."),
      (V, "SUPER, danke!")]),
]


BATCHES = {"batch 1": HELDOUT, "batch 2": HELDOUT_2, "batch 3": HELDOUT_3}
ALL = [item for batch in BATCHES.values() for item in batch]


def test_heldout_covers_every_language_and_label() -> None:
    seen = {(lang, expect) for _, lang, expect, _ in ALL}
    assert seen == {(lang, label) for lang in LANGS for label in LABELS}
    assert len({item_id for item_id, *_ in ALL}) == len(ALL)
    assert all(turns[-1][0] == V for *_, turns in ALL)
    assert sum(expect == "none" for _, _, expect, _ in ALL) >= 6


def score(items: list[Item]) -> tuple[Counter[str], Counter[str], list[str]]:
    hits: Counter[str] = Counter()
    totals: Counter[str] = Counter()
    misses: list[str] = []
    for item_id, _, expect, turns in items:
        got = detect([Turn(role, text) for role, text in turns]) or "none"
        totals[expect] += 1
        if got == expect:
            hits[expect] += 1
        else:
            misses.append(f"{item_id}: expected {expect}, got {got}: {turns[-1][1]!r}")
    return hits, totals, misses


def test_heldout_recall_and_false_escalations() -> None:
    print()
    for name, items in [*BATCHES.items(), ("all", ALL)]:
        hits, totals, misses = score(items)
        figures = ", ".join(f"{label} {hits[label]}/{totals[label]}" for label in sorted(totals))
        print(f"{name:8} {figures}")
    print("\n".join(misses))
    for label in ("explicit_request", "frustration", "repeated_failure"):
        print(f"{label:18} {hits[label] / totals[label]:.0%}")
        assert hits[label] / totals[label] >= MIN_RECALL, (label, misses)
    false_rate = 1 - hits["none"] / totals["none"]
    print(f"false escalations: {false_rate:.1%} of {totals['none']} ordinary conversations")
    assert false_rate <= MAX_FALSE_ESCALATIONS, misses
