"""What a case card shows of how to reach the client: plain data from the client's profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.rules.client_details import shown_phone
from storage import client_queries as cq
from storage.client_models import ClientProfile


@dataclass(frozen=True)
class ClientContactLine:
    """What the card shows of how to reach the client (only to people who may see the case)."""

    phone: str | None  # as shown: (305) 555-0123
    email: str | None
    language: str  # en | es
    prefer: str | None
    zone: str | None  # the client's time zone; None: the firm's
    sms_consent: bool
    consent_source: str | None
    consent_by: str | None
    consent_at: datetime | None
    phone_problem: str | None


def contact_line(profile: ClientProfile | None) -> ClientContactLine | None:
    if profile is None:
        return None
    return ClientContactLine(
        phone=shown_phone(profile.phone) if profile.phone else None,
        email=profile.email,
        language=profile.language or "en",
        prefer=profile.prefer,
        zone=profile.tz,
        sms_consent=bool(profile.sms_consent),
        consent_source=profile.sms_consent_source,
        consent_by=profile.sms_consent_by,
        consent_at=profile.sms_consent_at,
        phone_problem=profile.phone_problem,
    )


def client_contact_of(s: Session, case_id: int) -> ClientContactLine | None:
    return contact_line(cq.profile(s, case_id))
