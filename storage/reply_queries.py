"""What clients' replies read: the message a reply answers (by its reply token), the case a number belongs
to, the conversation a page at a time. Every query here is an index lookup, never a scan of all messages."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.client_models import ClientMessage, ClientProfile
from storage.models import Case


def message_by_reply_token(session: Session, token_hash: str) -> ClientMessage | None:
    stmt = select(ClientMessage).where(
        ClientMessage.reply_token == token_hash, ClientMessage.direction == "out"
    )
    return session.scalars(stmt).first()


def last_sent_to(session: Session, address: str, channel: str) -> ClientMessage | None:
    """The latest message casebot sent (or queued) to this number or address."""
    stmt = (
        select(ClientMessage)
        .where(
            ClientMessage.to_addr == address,
            ClientMessage.channel == channel,
            ClientMessage.direction == "out",
        )
        .order_by(ClientMessage.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def last_answerable_email_to(session: Session, address: str) -> ClientMessage | None:
    """The latest email casebot sent to this address with a reply address of its own."""
    stmt = (
        select(ClientMessage)
        .where(
            ClientMessage.to_addr == address,
            ClientMessage.channel == "email",
            ClientMessage.direction == "out",
            ClientMessage.reply_token.is_not(None),
            ClientMessage.sent_at.is_not(None),
        )
        .order_by(ClientMessage.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def cases_with_phone(session: Session, phone: str) -> list[Case]:
    stmt = (
        select(Case).join(ClientProfile, ClientProfile.case_id == Case.id).where(ClientProfile.phone == phone)
    )
    return list(session.scalars(stmt))


def last_keyword_reply(session: Session, phone: str) -> str | None:
    """The keyword casebot last answered at this number (stop | start | help), or None."""
    stmt = (
        select(ClientMessage.keyword)
        .where(
            ClientMessage.to_addr == phone,
            ClientMessage.direction == "out",
            ClientMessage.keyword.is_not(None),
        )
        .order_by(ClientMessage.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def last_received(session: Session, case_id: int) -> ClientMessage | None:
    """The client's latest message on the case (the channel a reply goes back by)."""
    stmt = (
        select(ClientMessage)
        .where(
            ClientMessage.case_id == case_id,
            ClientMessage.direction == "in",
            ClientMessage.status == "received",
        )
        .order_by(ClientMessage.id.desc())
        .limit(1)
    )
    return session.scalars(stmt).first()


def asked_of(session: Session, case_id: int) -> list[ClientMessage]:
    """The client's messages on the case that ask for an answer (R15), oldest first."""
    stmt = (
        select(ClientMessage)
        .where(
            ClientMessage.case_id == case_id,
            ClientMessage.direction == "in",
            ClientMessage.rule == "R15",
            ClientMessage.status == "received",
        )
        .order_by(ClientMessage.id)
    )
    return list(session.scalars(stmt))


def message_count(session: Session, case_id: int) -> int:
    return int(session.scalar(select(func.count()).where(ClientMessage.case_id == case_id)) or 0)
