"""casebot's own mail server for clients' email replies: `casebot run --smtp-port N` (aiosmtpd).

The firm points a subdomain's MX record at it (INBOUND_EMAIL_DOMAIN, e.g. replies.ramoslaw.com); each email
casebot sends says `Reply-To: reply+<token>@<that domain>`. The server accepts mail only for such an address
whose token casebot issued (anything else is refused at RCPT TO, 550, before a byte of the message is sent),
reads the new text out of the reply (bot/rules/email_reply.py) and hands (token, reply) to the mailbox.
When the mailbox can't take it (the database is down), the answer is 451 and the sender's server tries
again later: nothing is lost. Logs name no address, token or word of the message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.logs import confine_library_logs, failure
from bot.rules.email_reply import InboundEmail, read_email, token_of_address
from bot.services.firm import Firm

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 10 * 1024 * 1024  # a reply with a photo of a letter; anything larger is refused (552)
MAX_RECIPIENTS = 10


@dataclass(frozen=True)
class Mailbox:
    """Where replies go: `known(token)` says whether casebot issued the token; `receive(token, reply)`
    records the reply (once: the same email delivered again changes nothing)."""

    known: Callable[[str], bool]
    receive: Callable[[str, InboundEmail], None]


class ReplyHandler:
    """aiosmtpd's handler: RCPT TO checks the address, DATA reads and hands over the reply."""

    def __init__(self, domain: str, mailbox: Mailbox) -> None:
        self.domain = domain.lower()
        self.mailbox = mailbox

    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook names)
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        token = token_of_address(address, self.domain)
        if token is None:
            return "550 5.1.1 No such recipient here"
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        loop = asyncio.get_running_loop()
        try:
            known = await loop.run_in_executor(None, self.mailbox.known, token)
        except Exception as exc:
            failure(log, "look up a reply address", exc)
            return "451 4.3.0 Try again later"
        if not known:
            return "550 5.1.1 No such recipient here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        content = raw if isinstance(raw, bytes) else str(raw).encode("utf-8", "replace")
        try:
            reply = read_email(content, self.domain)
        except Exception as exc:  # a message the email package can't read at all
            failure(log, "read an email reply", exc)
            return "554 5.6.0 Message could not be read"
        tokens = [t for t in (token_of_address(a, self.domain) for a in envelope.rcpt_tos) if t]
        loop = asyncio.get_running_loop()
        try:
            for token in dict.fromkeys(tokens):
                await loop.run_in_executor(None, self.mailbox.receive, token, reply)
        except Exception as exc:
            failure(log, "record an email reply", exc)
            return "451 4.3.0 Try again later"
        log.info("Received an email reply (%d recipient address(es))", len(tokens))
        return "250 Message accepted"


def mailbox_for(firm: Firm) -> Mailbox:
    """The firm's mailbox: tokens and replies through bot/services/client_replies.py."""
    from bot.services.client_replies import known_reply_token, receive_email

    def receive(token: str, reply: InboundEmail) -> None:
        outcome = receive_email(firm, token, reply)
        log.info("Email reply: %s%s", outcome.what, f" on {outcome.case}" if outcome.case else "")

    return Mailbox(known=lambda token: known_reply_token(firm, token), receive=receive)


def smtp_listener(domain: str, mailbox: Mailbox, *, host: str = "127.0.0.1", port: int = 2525) -> Any:
    """An aiosmtpd Controller (not yet running): `.start()` serves in its own thread, `.stop()` stops.
    Listens on loopback unless told otherwise (`--host 0.0.0.0` to take the firm's MX traffic)."""
    from aiosmtpd.controller import Controller

    confine_library_logs()  # aiosmtpd's own log names addresses and quotes messages
    return Controller(
        ReplyHandler(domain, mailbox),
        hostname=host,
        port=port,
        data_size_limit=MAX_MESSAGE_BYTES,
        enable_SMTPUTF8=True,
        ident="casebot",
    )
