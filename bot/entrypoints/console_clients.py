"""`casebot console`'s pretend client, so that a newcomer sees a client's reply arrive with no Twilio and no
mail server: `text <number> <words…>` is a text as Twilio delivers it to POST /twilio/inbound, and `mail
<address> <words…>` an answer to casebot's latest email to that address, as the SMTP listener hands it over.
Each goes through the same inbound service as those (bot/services/client_replies.py); the console then sends
and prints what it brought: the DM to whoever owns the case, and any answer casebot owes the client."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from bot.rules.client_details import BadPhone, parse_email, parse_phone, shown_phone
from bot.rules.email_reply import InboundEmail
from bot.services.client_replies import (
    MAX_EMAIL_TEXT,
    MAX_TEXT,
    Received,
    receive_email,
    receive_text,
    reply_token_to,
)
from bot.services.firm import Firm

TEXT_EXAMPLE = "text +13055550123 ¿cuándo me pagan?"
MAIL_EXAMPLE = "mail ana.rivera@example.com I had another MRI on Friday"
CONSOLE_MAIL_DOMAIN = "replies.console.invalid"  # printed emails' reply address, when the firm set none
# What became of a client's message, as the console says it before the DM it brought.
WHAT = {
    "message": "it is on {case}; whoever owns the case gets it by DM, to answer by the next business day (R15)",
    "stop": "STOP: texts to that number are off at once; casebot answers once, then sends nothing by text",
    "start": "START: texts to that number are on again; casebot confirms it",
    "help": "HELP: casebot answers with the firm's name and phone",
    "stop-request": "it reads like a request to stop, so texts are off until the manager says it was not",
    "unknown": "no case can claim that number, so the leads get it by DM",
}
BUTTONS_HINT = (
    "(Its buttons work in Slack; here, answer with /case reply {case} <words…>, or log a call with "
    "/case contacted {case}.)"
)


@dataclass(frozen=True)
class Pretended:
    """What the console prints first, and what became of the message (None: it was refused as typed)."""

    said: str
    received: Received | None = None

    @property
    def hint(self) -> str | None:
        r = self.received
        return BUTTONS_HINT.format(case=r.case) if r and r.case and r.what == "message" else None


def pretend_text(firm: Firm, rest: str) -> Pretended:
    """`text <number> <words…>`: the client's text, through the same service as Twilio's webhook."""
    number, _, words = rest.strip().partition(" ")
    words = words.strip()
    if not number:
        return Pretended(f"Which number texts, and what does it say? For example: {TEXT_EXAMPLE}")
    try:
        sender = parse_phone(number)
    except BadPhone:
        return Pretended(
            f"“{number}” is not a phone number (type it in one piece, area code included). "
            f"For example: {TEXT_EXAMPLE}"
        )
    if not words:
        return Pretended(f"Type the client's words after the number. For example: {TEXT_EXAMPLE}")
    if len(words) > MAX_TEXT:
        return Pretended(f"A text holds at most {MAX_TEXT:,} characters; that one has {len(words):,}.")
    received = receive_text(
        firm,
        sid="SM" + secrets.token_hex(16),  # Twilio's ids are SM and 32 hex digits
        sender=sender,
        to=firm.settings.clients.twilio_from or "",
        body=words,
    )
    return Pretended(_heading(f"A text from {shown_phone(sender)}", received), received)


def pretend_mail(firm: Firm, rest: str) -> Pretended:
    """`mail <address> <words…>`: the client answers casebot's latest email to them, through the same service
    as the SMTP listener (so only an email that carried a reply address can be answered)."""
    address, _, words = rest.strip().partition(" ")
    words = words.strip()
    if not address:
        return Pretended(f"Which address writes, and what does it say? For example: {MAIL_EXAMPLE}")
    if parse_email(address) is None:
        return Pretended(f"“{address}” is not an email address. For example: {MAIL_EXAMPLE}")
    if not words:
        return Pretended(f"Type the client's words after the address. For example: {MAIL_EXAMPLE}")
    token = reply_token_to(firm, address)
    if token is None:
        return Pretended(
            f"casebot has sent {address} no email that a reply could come back to. Send the client an update "
            "by email first (/case update <case-no> email send), then `wait` for it to go"
            + ("" if firm.settings.clients.inbound_email_domain else " (and set INBOUND_EMAIL_DOMAIN)")
            + "."
        )
    mail = InboundEmail(
        sender=address,
        message_id=f"<console.{secrets.token_hex(8)}@{CONSOLE_MAIL_DOMAIN}>",
        text=words[:MAX_EMAIL_TEXT],
        reply_tokens=(),
        attachments=0,
    )
    received = receive_email(firm, token, mail)
    return Pretended(_heading(f"An email from {address}", received), received)


def _heading(arrived: str, received: Received) -> str:
    what = WHAT.get(received.what, received.what).format(case=received.case or "")
    return f"── {arrived}, to casebot: {what} ──"
