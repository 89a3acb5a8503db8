"""Reading replies that come back by email: the visitor's words without the history their
mail client quoted or their signature, from the plain-text or the HTML body, in the four
languages of Parley's emails; automatic mail and broken mail refused."""

from __future__ import annotations

import pytest

from chatserver.mail.html_text import html_to_text
from chatserver.mail.inbound import (
    TRUNCATED,
    AutomaticMail,
    MalformedMail,
    fit,
    parse,
    strip_reply,
)

ADDR = "reply+mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpiyq@reply.example.com"


def email_bytes(body: str, *, headers: str = "", content_type: str = "text/plain",
                sender: str = "Jane Doe <jane@example.org>") -> bytes:
    head = (f"From: {sender}\r\nTo: Acme Support <{ADDR}>\r\n"
            "Subject: Re: Your conversation with Acme\r\n"
            "Date: Mon, 7 Dec 2026 10:15:02 +0100\r\n"
            "Message-ID: <CAF=abc123@mail.gmail.com>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: {content_type}; charset=\"UTF-8\"\r\n"
            "Content-Transfer-Encoding: 8bit\r\n" + headers)
    return (head + "\r\n" + body.replace("\n", "\r\n")).encode()


# (client and language, body as the client sends it, the reply)
REPLIES = [
    ("gmail en", "Yes, the blue one please.\n\nOn Mon, Dec 7, 2026 at 10:02 AM Acme Support <\n"
     f"{ADDR}> wrote:\n\n> Which colour would you like?\n>\n> Alice\n",
     "Yes, the blue one please."),
    ("gmail es", "Sí, el azul por favor.\n\nEl lun, 7 dic 2026 a las 10:02, Soporte Acme (<\n"
     f"{ADDR}>) escribió:\n\n> ¿Qué color quiere?\n", "Sí, el azul por favor."),
    ("gmail fr", "Oui, le bleu.\nMerci !\n\nLe lun. 7 déc. 2026 à 10:02, Support Acme <"
     f"{ADDR}> a écrit :\n\n> Quelle couleur ?\n", "Oui, le bleu.\nMerci !"),
    ("gmail de", "Ja, das blaue bitte.\n\nAm Mo., 7. Dez. 2026 um 10:02 Uhr schrieb Acme "
     f"Support <\n{ADDR}>:\n\n> Welche Farbe?\n", "Ja, das blaue bitte."),
    ("outlook en", "Yes please.\n\n________________________________\nFrom: Acme Support <"
     f"{ADDR}>\nSent: Monday, December 7, 2026 10:02 AM\nTo: Jane Doe <jane@example.org>\n"
     "Subject: Re: Your conversation with Acme\n\nWhich colour?\n", "Yes please."),
    ("outlook fr", f"Merci beaucoup.\n\nDe : Acme Support <{ADDR}>\nEnvoyé : lundi 7 décembre "
     "2026 10:02\nÀ : Jane <jane@example.org>\nObjet : Re: Votre conversation\n\nQuelle "
     "couleur ?\n", "Merci beaucoup."),
    ("outlook de", f"Danke!\n\nVon: Acme Support <{ADDR}>\nGesendet: Montag, 7. Dezember 2026 "
     "10:02\nAn: Jane <jane@example.org>\nBetreff: Re: Ihre Unterhaltung\n\nWelche Farbe?\n",
     "Danke!"),
    ("outlook es", f"Gracias.\n\nDe: Soporte Acme <{ADDR}>\nEnviado: lunes, 7 de diciembre "
     "de 2026 10:02\nPara: Jane <jane@example.org>\nAsunto: Re: Su conversación\n\n¿Qué "
     "color?\n", "Gracias."),
    ("apple mail en", "Great, thanks!\n\nSent from my iPhone\n\n> On 7 Dec 2026, at 10:02, "
     f"Acme Support <{ADDR}> wrote:\n> \n> Which colour?\n", "Great, thanks!"),
    ("apple mail de", "Passt, danke.\n\nVon meinem iPhone gesendet\n\n> Am 07.12.2026 um "
     f"10:02 schrieb Acme Support <{ADDR}>:\n> \n> Welche Farbe?\n", "Passt, danke."),
    ("apple mail es", "Sí, el azul.\n\nEnviado desde mi iPhone\n\n> El 7 dic 2026, a las "
     f"10:02, Soporte Acme <{ADDR}> escribió:\n>\n> ¿Qué color quiere?\n", "Sí, el azul."),
    ("apple mail fr", "D'accord.\n\nEnvoyé de mon iPhone\n\n> Le 7 déc. 2026 à 10:02, "
     f"Support Acme <{ADDR}> a écrit :\n>\n> Quelle couleur ?\n", "D'accord."),
    ("thunderbird, signature", "My order number is 12345.\n- the blue mug\n- the red cup\n\n"
     "Thanks, that helps.\n\n-- \nJane Doe\nACME Corp, +1 555 0100\n\nOn 07/12/2026 10:02, "
     "Acme Support wrote:\n> Which order?\n",
     "My order number is 12345.\n- the blue mug\n- the red cup\n\nThanks, that helps."),
    ("quoted below without a header", "Blue.\n\n> Which colour?\n> Alice\n", "Blue."),
]


@pytest.mark.parametrize(("client", "body", "reply"), REPLIES, ids=[r[0] for r in REPLIES])
def test_the_reply_is_kept_and_the_quoted_history_and_signature_dropped(
        client: str, body: str, reply: str) -> None:
    mail = parse(email_bytes(body), "jane@example.org")
    assert mail.text == reply
    assert mail.sender == "jane@example.org"
    assert mail.message_id == "CAF=abc123@mail.gmail.com"


def test_an_html_only_reply_is_read_as_text_without_its_quote_or_markup() -> None:
    html = ('<html><head><style>p{color:red}</style><title>x</title></head><body>'
            '<div dir="ltr">Yes, the <b>blue</b> one&nbsp;please.<br>Order #12 &amp; more'
            '<ul><li>mug</li><li>cup</li></ul></div><br><div class="gmail_quote">'
            '<div dir="ltr" class="gmail_attr">On Mon, Dec 7, 2026 Acme wrote:<br></div>'
            '<blockquote class="gmail_quote">Which colour?<blockquote>older</blockquote> '
            'still quoted</blockquote></div><script>alert(1)</script></body></html>')
    mail = parse(email_bytes(html, content_type="text/html"))
    assert mail.text == "Yes, the blue one please.\nOrder #12 & more\n- mug\n- cup"


def test_an_outlook_html_reply_stops_at_its_from_sent_block() -> None:
    html = ('<html><body><div>Thank you, that works.</div><div id="appendonsend"></div>'
            '<hr><div id="divRplyFwdMsg"><b>From:</b> Acme Support &lt;x@example.com&gt;<br>'
            '<b>Sent:</b> Monday, December 7, 2026 10:02 AM<br><b>To:</b> Jane<br>'
            '<b>Subject:</b> Re: Your conversation</div><div>Which colour?</div></body></html>')
    assert strip_reply(html_to_text(html)) == "Thank you, that works."


def test_the_plain_part_of_a_multipart_reply_is_preferred() -> None:
    boundary = "b1"
    body = (f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\nPlain words.\n"
            f"--{boundary}\nContent-Type: text/html; charset=utf-8\n\n<p>HTML words</p>"
            f"\n--{boundary}--\n")
    mail = parse(email_bytes(body, content_type=f"multipart/alternative; boundary={boundary}"))
    assert mail.text == "Plain words."


@pytest.mark.parametrize(("headers", "envelope"), [
    ("Auto-Submitted: auto-replied\r\n", "jane@example.org"),
    ("Auto-Submitted: auto-generated; owner-email=x@y\r\n", "jane@example.org"),
    ("Precedence: bulk\r\n", "jane@example.org"),
    ("Precedence: junk\r\n", "jane@example.org"),
    ("Precedence: list\r\n", "jane@example.org"),
    ("X-Autoreply: yes\r\n", "jane@example.org"),
    ("", ""),  # the null sender <> of a bounce
])
def test_auto_replies_and_bounces_are_refused(headers: str, envelope: str) -> None:
    with pytest.raises(AutomaticMail):
        parse(email_bytes("I am out of the office until Monday.", headers=headers), envelope)


def test_auto_submitted_no_is_a_person() -> None:
    mail = parse(email_bytes("Real reply.", headers="Auto-Submitted: no\r\n"), "j@example.org")
    assert mail.text == "Real reply."


def test_a_delivery_report_from_a_mailer_daemon_is_refused() -> None:
    with pytest.raises(AutomaticMail):
        parse(email_bytes("Delivery failed.", sender="MAILER-DAEMON@mx.example.org"), "x@y.z")


@pytest.mark.parametrize("raw", [
    b"",
    b"this is not an email",
    b"From: Jane <jane@example.org>\r\nSubject: empty\r\n\r\n",
    b"From: <>\r\n\r\nhello",  # no sender address
    email_bytes("On Mon, Dec 7, 2026 at 10:02 AM Acme <x@example.com> wrote:\n> hello\n"),
    email_bytes("\n\n-- \nJane Doe\n"),
])
def test_broken_or_empty_mail_is_malformed(raw: bytes) -> None:
    with pytest.raises(MalformedMail):
        parse(raw, "jane@example.org")


def test_an_unknown_charset_does_not_break_reading() -> None:
    raw = email_bytes("Caf\u00e9 please.").replace(b'charset="UTF-8"', b'charset="x-nonsense"')
    assert parse(raw).text == "Café please."


def test_a_reply_without_message_id_gets_a_stable_key() -> None:
    raw = email_bytes("Hello").replace(b"Message-ID: <CAF=abc123@mail.gmail.com>\r\n", b"")
    first, again = parse(raw), parse(raw)
    other = parse(raw.replace(b"Hello", b"Hello again"))
    assert first.client_msg_id == again.client_msg_id != other.client_msg_id
    assert first.client_msg_id.startswith("mail-") and len(first.client_msg_id) <= 64


def test_a_long_reply_is_cut_with_a_note() -> None:
    assert fit("short", 100) == "short"
    cut = fit("word " * 1000, 200)
    assert len(cut) <= 200 and cut.endswith(TRUNCATED)


def test_a_spanish_sentence_that_ends_in_escribio_is_not_a_quote_header() -> None:
    body = ("El martes mi hermano escribió:\n\"¿Dónde está el pedido?\"\nY sigue sin llegar.\n\n"
            "El lun, 7 dic 2026 a las 10:02, Soporte Acme (<x@example.com>) escribió:\n> Hola\n")
    assert strip_reply(body) == ("El martes mi hermano escribió:\n\"¿Dónde está el pedido?\"\n"
                                 "Y sigue sin llegar.")
