"""Which carriers client messages go through, from the settings: Twilio for texts, an SMTP relay for email.
A channel that is not configured has no sender (its messages are refused before they are queued)."""

from __future__ import annotations

from collections.abc import Callable

from bot.delivery.client_ports import ClientSender, OutgoingClientMessage
from bot.settings import Settings


def client_senders(settings: Settings) -> dict[str, ClientSender]:
    from handlers.mail.smtp import SmtpSender
    from handlers.twilio.sender import TwilioSender

    senders: dict[str, ClientSender] = {}
    if settings.clients.sms_ready:
        senders["sms"] = TwilioSender(settings.clients)
    if settings.clients.email_ready:
        senders["email"] = SmtpSender(settings.clients)
    return senders


class PrintingSender:
    """`casebot console` with no carrier configured: each message is printed as the client would get it."""

    def __init__(self, channel: str, out: Callable[[str], None]) -> None:
        self.channel = channel
        self.out = out
        self.count = 0

    def send(self, message: OutgoingClientMessage) -> str:
        self.count += 1
        if message.channel == "sms":
            self.out(f"── SMS to {message.to} (not sent: texts are not configured) ──\n{message.text}")
        else:
            self.out(
                f"── Email to {message.to} (not sent: email is not configured) ──\n"
                f"Subject: {message.subject or ''}\n\n{message.text}"
            )
        return f"console-{message.channel}-{message.message_id}"
