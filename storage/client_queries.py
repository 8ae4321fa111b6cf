"""What client updates read and write: a case's client profile, its consent changes, its messages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.client_models import ClientMessage, ClientProfile, ConsentChange

# Outgoing statuses that mean the message is (or is about to be) in the client's hands.
LIVE_OUT = ("held", "sending", "sent", "delivered")


def profile(session: Session, case_id: int, *, create: bool = False) -> ClientProfile | None:
    row = session.get(ClientProfile, case_id)
    if row is None and create:
        row = ClientProfile(case_id=case_id, language="en", sms_consent=False)
        session.add(row)
    return row


def profiles_of(session: Session, case_ids: Sequence[int]) -> dict[int, ClientProfile]:
    if not case_ids:
        return {}
    rows = session.scalars(select(ClientProfile).where(ClientProfile.case_id.in_(list(case_ids))))
    return {r.case_id: r for r in rows}


def profiles_with_phone(session: Session, phone: str) -> list[ClientProfile]:
    """Every case whose client has this number (E.164): a STOP from it concerns them all."""
    return list(session.scalars(select(ClientProfile).where(ClientProfile.phone == phone)))


def consents_of(session: Session, case_id: int) -> list[ConsentChange]:
    stmt = select(ConsentChange).where(ConsentChange.case_id == case_id).order_by(ConsentChange.id)
    return list(session.scalars(stmt))


def messages_of(session: Session, case_id: int, *, limit: int = 50, offset: int = 0) -> list[ClientMessage]:
    """A case's messages, newest first."""
    stmt = (
        select(ClientMessage)
        .where(ClientMessage.case_id == case_id)
        .order_by(ClientMessage.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt))


def message(session: Session, message_id: int, *, for_update: bool = False) -> ClientMessage | None:
    stmt = select(ClientMessage).where(ClientMessage.id == message_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def message_by_provider_id(session: Session, provider_id: str) -> ClientMessage | None:
    return session.scalars(select(ClientMessage).where(ClientMessage.provider_id == provider_id)).first()


def pending_messages(session: Session, case_id: int) -> list[ClientMessage]:
    """Outgoing messages of the case not yet handed to the carrier (held, or being sent), oldest first."""
    stmt = (
        select(ClientMessage)
        .where(ClientMessage.case_id == case_id, ClientMessage.status.in_(("held", "sending")))
        .order_by(ClientMessage.id)
    )
    return list(session.scalars(stmt))


def sent_to_count(session: Session, to_addr: str, channel: str) -> int:
    """How many messages went (or are going) to this number or address: none means the next is the first."""
    stmt = select(func.count()).where(
        ClientMessage.to_addr == to_addr,
        ClientMessage.channel == channel,
        ClientMessage.direction == "out",
        ClientMessage.status.in_(LIVE_OUT),
    )
    return int(session.scalar(stmt) or 0)


def set_status(session: Session, message_id: int, from_statuses: Sequence[str], **values: object) -> bool:
    """Move a message on from one of `from_statuses`, atomically: False if it had moved on already."""
    stmt = (
        update(ClientMessage)
        .where(ClientMessage.id == message_id, ClientMessage.status.in_(list(from_statuses)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(session.execute(stmt).rowcount)  # type: ignore[attr-defined]
