"""Offers: received, numbered, and the day the client was told of each (R10, R11)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.errors import (
    InputError,
    PreconditionNotMet,
)
from bot.rules.playbook import STAGE_ORDER, Stage, ordinal
from bot.services.cards import CaseCard
from bot.services.cases import show_case
from bot.services.changes import audit, change_case, enter_stage, event_day, require_open
from bot.services.contacts import record_contact
from bot.services.firm import Firm, Outcome
from storage.models import (
    Case,
    Offer,
)


def offer_received(
    firm: Firm, actor: str, number: str, amount: Decimal, *, final: bool = False, on: date | None = None
) -> Outcome:
    def change(s: Session, case: Case) -> str:
        require_open(case)
        day = event_day(firm, on)
        n = max((o.n for o in case.offers), default=0) + 1
        case.offers.append(Offer(n=n, amount=amount, received_on=day, final=final, by=actor))
        audit(s, firm, case, actor, "offer", n=n, amount=amount, final=final, on=day)
        target = Stage.FINAL_OFFER if final else Stage.NEGOTIATION
        if STAGE_ORDER[Stage(case.stage)] < STAGE_ORDER[target]:
            enter_stage(s, firm, case, target, max(day, case.stage_entered_on), actor, None)
        what = "final offer" if final else f"{ordinal(n)} offer"
        return f"Recorded the {what} on {case.number} ({day:%b %-d}): tell the client today."

    return change_case(firm, actor, number, change)


def offer_informed(
    firm: Firm, actor: str, number: str, n: int | None = None, *, on: date | None = None
) -> Outcome:
    def change(s: Session, case: Case) -> str:
        if not case.offers:
            raise PreconditionNotMet(f"{case.number} has no offers yet.")
        offer = case.offers[-1] if n is None else next((o for o in case.offers if o.n == n), None)
        if offer is None:
            raise InputError(
                f"{case.number} has offers 1 to {case.offers[-1].n}; there is no offer {n}.",
                example=f"/offer informed {case.number} {case.offers[-1].n}",
            )
        day = event_day(firm, on, not_before=offer.received_on, what="Telling the client")
        record_contact(s, firm, case, actor, "client", day, f"Told of the {ordinal(offer.n)} offer")
        offer.informed_on = offer.informed_on if offer.informed_on and offer.informed_on <= day else day
        return f"Noted: the client was told of the {ordinal(offer.n)} offer on {day:%b %-d}."

    return change_case(firm, actor, number, change)


def list_offers(firm: Firm, actor: str, number: str) -> CaseCard:
    return show_case(firm, actor, number)
