"""Deliver one email to the configured SMTP server (aiosmtplib): TLS as PARLEY_SMTP_TLS says
(verified against the system's CAs, or PARLEY_SMTP_CA_FILE), authentication when a user is
set, a timeout at every step."""

from __future__ import annotations

from email.message import EmailMessage

import aiosmtplib

from chatserver.config import Settings


class DeliveryError(Exception):
    """The SMTP server refused the email or could not be reached. `permanent`: a 5xx answer
    to the email's envelope or data (trying again will not help); otherwise (4xx, no
    connection, TLS or credentials refused, a 5xx greeting: the settings or the server will
    be fixed) try again later."""

    def __init__(self, text: str, *, permanent: bool = False) -> None:
        super().__init__(text)
        self.permanent = permanent


async def send(settings: Settings, message: EmailMessage) -> str:
    """Send; the server's answer (e.g. "250 2.0.0 Ok: queued as 4Q..."), or DeliveryError."""
    try:
        errors, answer = await aiosmtplib.send(
            message, hostname=settings.smtp_host, port=settings.smtp_port,
            username=settings.smtp_user or None, password=settings.smtp_password or None,
            use_tls=settings.smtp_tls == "tls", start_tls=settings.smtp_tls == "starttls",
            cert_bundle=settings.smtp_ca_file or None, timeout=settings.smtp_timeout_s)
    except aiosmtplib.SMTPRecipientsRefused as exc:  # every recipient refused
        codes = [r.code for r in exc.recipients]
        text = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
        raise DeliveryError(f"recipients refused: {text}",
                            permanent=bool(codes) and all(500 <= c < 600 for c in codes)) \
            from None
    except aiosmtplib.SMTPResponseException as exc:
        # A 5xx to the envelope or the data is about this email; to the greeting, EHLO or
        # STARTTLS it is about the server or the settings, which will be fixed.
        about_email = isinstance(exc, aiosmtplib.SMTPDataError | aiosmtplib.SMTPSenderRefused
                                 | aiosmtplib.SMTPRecipientRefused)
        raise DeliveryError(f"{exc.code} {exc.message}",
                            permanent=about_email and 500 <= exc.code < 600) from None
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    if errors:  # some recipients refused, the others accepted: not worth sending again
        refused = "; ".join(f"{rcpt}: {r.code} {r.message}" for rcpt, r in errors.items())
        return f"{answer} (refused: {refused})"
    return answer


async def check(settings: Settings) -> str:
    """Connect, secure and log in as a delivery would, send nothing; what the server said
    (its greeting), or DeliveryError."""
    client = aiosmtplib.SMTP(
        hostname=settings.smtp_host, port=settings.smtp_port,
        username=settings.smtp_user or None, password=settings.smtp_password or None,
        use_tls=settings.smtp_tls == "tls", start_tls=settings.smtp_tls == "starttls",
        cert_bundle=settings.smtp_ca_file or None, timeout=settings.smtp_timeout_s)
    try:
        greeting = await client.connect()
        await client.quit()
    except aiosmtplib.SMTPResponseException as exc:
        raise DeliveryError(f"{exc.code} {exc.message}") from None
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
    finally:
        client.close()
    return f"{greeting.code} {greeting.message}"
