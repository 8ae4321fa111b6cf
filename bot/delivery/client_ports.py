"""The client-sender port: how the core hands a message to a carrier (Twilio for texts, an SMTP relay for
email), and the DM that tells a manager what went wrong with one. handlers/twilio and handlers/mail hold the
real senders; the console's prints. Nothing here knows a carrier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol


class ClientSendFailed(Exception):
    """A client message did not go. `retryable` (429, 5xx, the network) keeps it for a later try (after
    `retry_after` seconds, when the carrier said); otherwise it is refused for good, and `problem` says what
    is wrong with the number (invalid | not-mobile | opted-out) when the carrier said so."""

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        code: str | None = None,
        problem: str | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after
        self.code = code
        self.problem = problem


@dataclass(frozen=True)
class OutgoingClientMessage:
    message_id: int
    channel: str  # sms | email
    to: str  # E.164, or an email address
    text: str
    subject: str | None = None
    html: str | None = None
    status_callback: str | None = None  # where the carrier reports delivery (PUBLIC_BASE_URL/twilio/status)
    reply_to: str | None = None  # an email's reply address, reply+<token>@INBOUND_EMAIL_DOMAIN (issue 22)
    mail_message_id: str | None = None  # an email's Message-ID, from the same token
    in_reply_to: str | None = None  # the client's Message-ID this email answers


class ClientSender(Protocol):
    def send(self, message: OutgoingClientMessage) -> str:
        """Hand `message` to the carrier; answer the carrier's id for it (Twilio's SID, an email's
        Message-ID). Raises ClientSendFailed."""
        ...


@dataclass(frozen=True)
class ClientProblemMessage:
    """To a manager: a client message was refused, skipped, or reported failed. Case number, rule and
    channel only: no text of the message, no client data beyond the client's name."""

    user_id: str
    day: date
    case: str
    client: str
    rule: str | None
    channel: str
    what: str  # refused | skipped | failed | undelivered
    why: str
