"""Providers: records and bills requested, followed up and received (R3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from bot.errors import (
    Conflict,
    InputError,
    UnknownProvider,
)
from bot.rules.parsing import printable, spoken_day
from bot.rules.planner import (
    owed,
)
from bot.rules.playbook import Kind
from bot.rules.said import command, quoted, said, typed
from bot.rules.wording import name_matches
from bot.services.changes import audit, change_case, due_words, event_day, require_open
from bot.services.firm import Firm, Outcome
from storage.models import (
    Case,
    Contact,
    Provider,
)

# What may arrive from a provider.
RECEIVED: tuple[str, ...] = ("records", "bills", "both")


def find_provider(case: Case, ref: str, *, example: str | None = None) -> Provider:
    """A provider of the case by its number on the card or a unique start of its name."""
    ref = ref.strip()
    example = example or command(f"provider {case.number} received 1 both")
    if ref.isdigit():
        match = [p for p in case.providers if p.seq == int(ref)]
    else:  # any case, punctuation or title: `st mary's`, `chen`, `dr chen`
        match = [case.providers[i] for i in name_matches(ref, [p.name for p in case.providers])]
    if len(match) == 1:
        return match[0]
    shown = match or case.providers
    listed = said(
        *[part for i, p in enumerate(shown) for part in ((", " if i else ""), f"{p.seq}. ", typed(p.name))]
    )
    if not match:
        raise UnknownProvider(
            said(
                f"{case.number} has no provider ",
                quoted(ref[:60]),
                ". Its providers: ",
                listed or "none yet",
                ".",
            ),
            example=example,
        )
    raise UnknownProvider(
        said(
            quoted(ref[:60]),
            f" matches more than one provider on {case.number}: ",
            listed,
            ". Use its number.",
        ),
        example=command(f"provider {case.number} received 1 both"),
    )


def add_provider(firm: Firm, actor: str, number: str, name: str, *, on: date | None = None) -> Outcome:
    name = " ".join(printable(name).split())
    if not name or len(name) > 200:
        raise InputError("Name the provider.", example=command(f"provider {number} add Valley Orthopedics"))
    day = event_day(firm, on)

    def change(s: Session, case: Case) -> str:
        require_open(case)
        if any(p.name.lower() == name.lower() for p in case.providers):
            raise Conflict(said(f"{case.number} already has ", typed(name), "."))
        seq = max((p.seq for p in case.providers), default=0) + 1
        case.providers.append(Provider(seq=seq, name=name, requested_on=day))
        audit(s, firm, case, actor, "provider_add", provider=name, requested_on=day)
        return said(
            f"Added provider {seq}, ",
            typed(name),
            f": records and bills requested {spoken_day(day, firm.today())}.",
        )

    return change_case(firm, actor, number, change)


def provider_received(
    firm: Firm, actor: str, number: str, ref: str, what: str, *, on: date | None = None
) -> Outcome:
    if what not in RECEIVED:
        raise InputError(
            "Say what arrived: records, bills or both.", example=command(f"provider {number} received 1 both")
        )

    def change(s: Session, case: Case) -> str:
        require_open(case)
        p = find_provider(case, ref)
        day = event_day(firm, on, not_before=p.requested_on, what=said("What ", typed(p.name), " sent"))
        if what in ("records", "both") and p.records_on is None:
            p.records_on = day
        if what in ("bills", "both") and p.bills_on is None:
            p.bills_on = day
        audit(s, firm, case, actor, "provider_received", provider=p.name, what=what, on=day)
        still = owed(p.records_on, p.bills_on)
        return said(typed(p.name), f": {what} received {spoken_day(day, firm.today())}.") + (
            f" Still owed: {still}." if still else " Nothing more owed."
        )

    return change_case(firm, actor, number, change)


def provider_followed_up(firm: Firm, actor: str, number: str, ref: str, *, on: date | None = None) -> Outcome:
    return change_case(firm, actor, number, followed_up(firm, actor, ref, on))


def followed_up(firm: Firm, actor: str, ref: str, on: date | None = None) -> Callable[[Session, Case], str]:
    """What `provider_followed_up` does to the case it locked."""

    def change(s: Session, case: Case) -> str:
        require_open(case)
        p = find_provider(case, ref)
        day = event_day(firm, on, not_before=p.requested_on, what=said("A follow-up with ", typed(p.name)))
        case.contacts.append(Contact(kind=Kind.PROVIDER, provider_id=p.id, on=day, by=actor, at=firm.now()))
        audit(s, firm, case, actor, "provider_followed_up", provider=p.name, on=day)
        if not owed(p.records_on, p.bills_on):
            return said(
                "Logged a follow-up with ",
                typed(p.name),
                f" on {spoken_day(day, firm.today())}; nothing more is owed by them.",
            )
        nxt = firm.calendar.due(day, firm.numbers.provider_followup_days)
        return said(
            "Logged a follow-up with ",
            typed(p.name),
            f" on {spoken_day(day, firm.today())}; the next (R3) is {due_words(firm, nxt, 'provider')}.",
        )

    return change
