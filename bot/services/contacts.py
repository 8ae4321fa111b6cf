"""Contacts with the client or the adjuster, which close what they answer and restart the cadence clocks."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.errors import (
    InputError,
)
from bot.rules.parsing import printable
from bot.services.changes import audit, change_case, event_day
from bot.services.firm import Firm, Outcome
from storage import queries as q
from storage.models import (
    Case,
    Contact,
)


def log_contact(
    firm: Firm,
    actor: str,
    number: str,
    *,
    kind: str = "client",
    on: date | None = None,
    note: str | None = None,
) -> Outcome:
    if kind not in ("client", "adjuster"):
        raise InputError(
            "A contact is with the client or the adjuster.", example=f"/case contacted {number} client"
        )

    def change(s: Session, case: Case) -> str:
        day = event_day(firm, on)
        record_contact(s, firm, case, actor, kind, day, note)
        return (
            f"Logged {'an' if kind == 'adjuster' else 'a'} {kind} contact on {case.number} for {day:%b %-d}."
        )

    return change_case(firm, actor, number, change)


def record_contact(
    s: Session, firm: Firm, case: Case, actor: str, kind: str, day: date, note: str | None
) -> None:
    note = printable(note or "").strip()[:2000] or None
    case.contacts.append(Contact(kind=kind, on=day, note=note, by=actor, at=firm.now()))
    if kind == "client":
        if case.last_client_contact_on is None or day > case.last_client_contact_on:
            case.last_client_contact_on = day
        # Telling the client anything on or after an offer's day counts as telling them of it (R10/R11).
        for offer in case.offers:
            if offer.informed_on is None and offer.received_on <= day:
                offer.informed_on = day
    for esc in q.open_escalations_of_case(s, case.id):
        esc.cleared_at = firm.now()
    audit(s, firm, case, actor, "contact", kind=kind, on=day, note=note)
