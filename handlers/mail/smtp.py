"""Email to clients through any SMTP relay (SMTP_URL), with the standard library's smtplib: a text part and
an HTML part, a Message-ID of casebot's making (the carrier's id for the message)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from bot.delivery.client_ports import ClientSendFailed, OutgoingClientMessage
from bot.settings_clients import ClientSettings

TIMEOUT = 20.0


class SmtpSender:
    """The ClientSender for email."""

    def __init__(self, settings: ClientSettings) -> None:
        if settings.smtp is None or not settings.email_from:
            raise ValueError("SMTP is not configured")
        self.relay = settings.smtp
        self.sender = settings.email_from
        self.domain = parseaddr(settings.email_from)[1].rpartition("@")[2] or "casebot.local"

    def compose(self, message: OutgoingClientMessage) -> EmailMessage:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.to
        mail["Subject"] = message.subject or ""
        mail["Date"] = formatdate(localtime=False)
        mail["Message-ID"] = message.mail_message_id or make_msgid(
            idstring=f"casebot.{message.message_id}", domain=self.domain
        )
        if message.reply_to:
            mail["Reply-To"] = message.reply_to
        if message.in_reply_to:
            mail["In-Reply-To"] = mail["References"] = message.in_reply_to
        mail.set_content(message.text)
        if message.html:
            mail.add_alternative(message.html, subtype="html")
        return mail

    def send(self, message: OutgoingClientMessage) -> str:
        mail = self.compose(message)
        relay = self.relay
        try:
            if relay.ssl:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    relay.host, relay.port, timeout=TIMEOUT, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(relay.host, relay.port, timeout=TIMEOUT)
            with smtp:
                if relay.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if relay.username:
                    smtp.login(relay.username, relay.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            permanent = all(500 <= c < 600 for c in codes)
            raise ClientSendFailed(
                f"the mail server refused the address ({', '.join(str(c) for c in codes)})",
                retryable=not permanent,
                code=str(codes[0]) if codes else None,
                problem="invalid" if permanent else None,
            ) from None
        except smtplib.SMTPResponseException as exc:
            permanent = 500 <= exc.smtp_code < 600 and exc.smtp_code != 530
            raise ClientSendFailed(
                f"the mail server answered {exc.smtp_code}", retryable=not permanent, code=str(exc.smtp_code)
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise ClientSendFailed(
                f"could not reach the mail server ({type(exc).__name__})", retryable=True
            ) from None
        return str(mail["Message-ID"])
