"""The DMs a client's message brings: to whoever owns the case, and to the leads for an unknown number.

Plain data for the Notifier port (bot/delivery/ports.py); handlers/blocks/client_replies.py draws them. The
client's words go only into these DMs, and only to people who may see the case (checked again at send time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class ClientWroteMessage:
    """A text or email from a case's client, to its manager (their cover while away)."""

    user_id: str
    day: date
    case: str
    client: str
    manager: str
    channel: str  # sms | email
    text: str
    received_at: datetime  # in the firm's time zone
    what: str  # message | stop | start | help | stop-request
    message_id: int
    obligation_id: int | None = None  # R15, when the message asks for an answer
    due_on: date | None = None
    attachments: int = 0
    covering_for: str | None = None  # the away manager, when sent to their cover
    texts_on: bool = False  # whether casebot may text the client now


@dataclass(frozen=True)
class UnknownNumberMessage:
    """To a lead: a text from a number no case can claim (or one several open cases share)."""

    user_id: str
    day: date
    number: str  # as shown: (305) 555-0123
    text: str
    media: int
    cases: tuple[str, ...] = ()  # the open cases with that number, when more than one has it
    not_case: str | None = None  # the case a manager took it off ("Not this case")
    said_by: str | None = None  # …who
