"""Offers: received, numbered, and the day the client was told of each (R10, R11).

An offer moves the stage only once the demand is sent (bot.rules.playbook.offer_moves_to): one that
comes earlier is kept, dated and given its R10/R11, and the case stays where it is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from bot.errors import (
    Conflict,
    InputError,
    PreconditionNotMet,
)
from bot.rules.parsing import spoken_day
from bot.rules.playbook import STAGES, Stage, offer_moves_to, ordinal
from bot.rules.said import command
from bot.services.cards import CaseCard
from bot.services.cases import show_case
from bot.services.changes import audit, change_case, due_words, enter_stage, event_day, require_open
from bot.services.contacts import record_contact
from bot.services.firm import Firm, Outcome
from storage.models import (
    Case,
    Offer,
)


def _what(offer: Offer) -> str:
    return "final offer" if offer.final else f"{ordinal(offer.n)} offer"


def offer_received(
    firm: Firm, actor: str, number: str, amount: Decimal, *, final: bool = False, on: date | None = None
) -> Outcome:
    def change(s: Session, case: Case) -> str:
        require_open(case)
        day = event_day(firm, on)
        n = max((o.n for o in case.offers), default=0) + 1
        offer = Offer(n=n, amount=amount, received_on=day, final=final, by=actor)
        case.offers.append(offer)
        audit(s, firm, case, actor, "offer", n=n, amount=amount, final=final, on=day)
        current = Stage(case.stage)
        target = offer_moves_to(current, final)
        rule = "R11" if final else "R10"
        tell = f" Tell the client ({rule}, {due_words(firm, firm.calendar.due(day))})."
        head = f"Recorded the {_what(offer)} on {case.number}, received {spoken_day(day, firm.today())}."
        if target is not None:
            entered = max(day, case.stage_entered_on)
            enter_stage(s, firm, case, target, entered, actor, None, via="offer")
            return f"{head} {case.number} is now at “{STAGES[target].label}” as of {entered:%b %-d}.{tell}"
        if current in (Stage.RECORDS, Stage.DEMAND_QUEUE, Stage.DEMAND_DRAFTING):
            return (
                f"{head} It came before the demand was sent, so {case.number} stays at "
                f"“{STAGES[current].label}”.{tell}"
            )
        return f"{head} {case.number} stays at “{STAGES[current].label}”.{tell}"

    return change_case(firm, actor, number, change)


def offer_informed(
    firm: Firm,
    actor: str,
    number: str,
    n: int | None = None,
    *,
    final: bool = False,
    on: date | None = None,
) -> Outcome:
    """The client was told of offer `n` (or of the final offer; default the latest) on `on` (default today).
    An offer the client was already told of changes nothing: the refusal says when they were told."""

    def change(s: Session, case: Case) -> str:
        if not case.offers:
            raise PreconditionNotMet(f"{case.number} has no offers yet.")
        offer = _which(case, n, final)
        if offer.informed_on is not None:
            raise Conflict(
                f"The client was already told of the {_what(offer)} on {case.number} on "
                f"{offer.informed_on:%b %-d}; nothing changed."
            )
        day = event_day(firm, on, not_before=offer.received_on, what="Telling the client")
        record_contact(s, firm, case, actor, "client", day, f"Told of the {_what(offer)}")
        offer.informed_on = day
        return f"Noted: the client was told of the {_what(offer)} on {spoken_day(day, firm.today())}."

    return change_case(firm, actor, number, change)


def _which(case: Case, n: int | None, final: bool) -> Offer:
    offers = list(case.offers)
    listed = ", ".join(("final" if o.final else str(o.n)) for o in offers)
    if final:
        found = [o for o in offers if o.final]
        if not found:
            raise InputError(
                f"{case.number} has no final offer yet; its offers: {listed}.",
                example=command(f"informed {case.number} {offers[-1].n}"),
            )
        return found[-1]
    if n is None:
        return offers[-1]
    offer = next((o for o in offers if o.n == n), None)
    if offer is None:
        raise InputError(
            f"{case.number} has offers 1 to {offers[-1].n}; there is no offer {n}.",
            example=command(f"informed {case.number} {offers[-1].n}"),
        )
    return offer


def list_offers(firm: Firm, actor: str, number: str) -> CaseCard:
    return show_case(firm, actor, number)
