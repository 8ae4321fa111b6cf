"""Corrections (`/case fix`): one recorded fact set right, the case re-planned from it, and the audit keeping
what it was, what it is now, who and why. A contact logged by mistake is voided, never deleted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import Conflict, InputError, PreconditionNotMet
from bot.rules.parsing import money, printable, spoken_day
from bot.rules.playbook import Kind, Stage, ordinal
from bot.rules.said import Command, command, quoted, said, typed
from bot.services.changes import audit, change_case, event_day
from bot.services.firm import Firm, Outcome
from bot.services.holdups import holdup_kind
from bot.services.providers import find_provider
from storage.models import Case, Contact, DemandEvent, StageChange


def fix_fact(
    firm: Firm,
    actor: str,
    number: str,
    because: str | None,
    change: Callable[[Session, Case], tuple[str, dict[str, Any]]],
) -> Outcome:
    """Every correction: the caller may change the case; the change says what it was and what it is now."""
    why = printable(because or "").strip()[:2000] or None

    def run(s: Session, case: Case) -> str:
        message, detail = change(s, case)
        audit(s, firm, case, actor, "fix", why=why, **detail)
        return message

    return change_case(firm, actor, number, run, reopen=True)


def was_day(day: date | None) -> str:
    """A day a correction replaced: in words, with its year (it may be any year)."""
    return f"{day:%a %b %-d, %Y}" if day else "not recorded"


def fix_treatment(firm: Firm, actor: str, number: str, on: date, *, because: str | None = None) -> Outcome:
    """The day treatment completed: every clock of the case counts from it."""

    def change(s: Session, case: Case) -> tuple[str, dict[str, Any]]:
        day = event_day(firm, on)
        before = case.treatment_completed_on
        if day == before:
            raise Conflict(
                f"{case.number}'s treatment-complete day is already {was_day(day)}; nothing changed."
            )
        first = case.stages[0] if case.stages else None
        if first is not None and first.to_stage == Stage.RECORDS.value and first.on == before:
            later = case.stages[1] if len(case.stages) > 1 else None
            if later is not None and day > later.on:
                raise InputError(
                    f"{case.number} moved on from collecting records on {later.on:%a %b %-d}: treatment "
                    "can't have completed after that.",
                    example=command(f"fix {case.number} treatment {later.on:%-m/%-d}"),
                )
            first.on = day
            if len(case.stages) == 1:
                case.stage_entered_on = day
        case.treatment_completed_on = day
        return (
            f"Fixed {case.number}'s treatment-complete day: {spoken_day(day, firm.today())} (was {was_day(before)}); "
            "its clocks count from it now.",
            {"fact": "treatment day", "before": before, "after": day},
        )

    return fix_fact(firm, actor, number, because, change)


def fix_client(firm: Firm, actor: str, number: str, name: str, *, because: str | None = None) -> Outcome:
    client = " ".join(printable(name).split())
    if not client or len(client) > 200:
        raise InputError("Give the client's name.", example=command(f"fix {number} client Jane Roe"))

    def change(s: Session, case: Case) -> tuple[str, dict[str, Any]]:
        before = case.client_name
        if before == client:
            raise Conflict(said(f"{case.number}'s client is already ", typed(client), "; nothing changed."))
        case.client_name = client
        return (
            said(f"Fixed {case.number}'s client name: ", typed(client), " (was ", typed(before), ")."),
            {"fact": "client name", "before": before, "after": client},
        )

    return fix_fact(firm, actor, number, because, change)


PROVIDER_FIELDS = ("name", "requested", "records", "bills", "received")


def fix_provider(
    firm: Firm,
    actor: str,
    number: str,
    ref: str,
    field: str,
    *,
    name: str | None = None,
    on: date | None = None,
    because: str | None = None,
) -> Outcome:
    """A provider's name, the day its records and bills were requested, or the day records, bills (or both:
    `received`) arrived."""
    if field not in PROVIDER_FIELDS:
        raise InputError(
            said(quoted(field[:20]), " is not name, requested, records, bills or received."),
            example=command(f"fix {number} provider 1 requested 11/3"),
        )

    def change(s: Session, case: Case) -> tuple[str, dict[str, Any]]:
        p = find_provider(case, ref)
        if field == "name":
            new = " ".join(printable(name or "").split())
            if not new or len(new) > 200:
                raise InputError(
                    "Give the provider's name.",
                    example=command(f"fix {case.number} provider 1 name Valley Ortho"),
                )
            if any(o.name.lower() == new.lower() for o in case.providers if o is not p):
                raise Conflict(said(f"{case.number} already has ", typed(new), "."))
            before_name, p.name = p.name, new
            return (
                said(
                    f"Fixed provider {p.seq}'s name on {case.number}: ",
                    typed(new),
                    " (was ",
                    typed(before_name),
                    ").",
                ),
                {"fact": f"provider {p.seq} name", "before": before_name, "after": new},
            )
        assert on is not None
        day = event_day(firm, on)
        today = firm.today()
        if field == "requested":
            arrived = [d for d in (p.records_on, p.bills_on) if d is not None]
            if arrived and day > min(arrived):
                raise InputError(
                    said(
                        typed(p.name),
                        f" sent something on {min(arrived):%a %b %-d}: it was requested before that.",
                    ),
                    example=command(f"fix {case.number} provider {p.seq} requested {min(arrived):%-m/%-d}"),
                )
            before, p.requested_on = p.requested_on, day
            what = "records and bills requested"
        else:
            columns = {
                "records": ["records_on"],
                "bills": ["bills_on"],
                "received": ["records_on", "bills_on"],
            }[field]
            recorded = [c for c in columns if getattr(p, c) is not None]
            if not recorded:
                raise PreconditionNotMet(
                    said(
                        "Nothing from ",
                        typed(p.name),
                        " is recorded as received yet: ",
                        Command(
                            f"provider {case.number} received {p.seq} {'both' if field == 'received' else field} <day>"
                        ),
                    )
                )
            if day < p.requested_on:
                raise InputError(
                    said(
                        typed(p.name),
                        f" was asked on {p.requested_on:%a %b %-d}: nothing arrived before that.",
                    ),
                    example=command(f"fix {case.number} provider {p.seq} {field} {p.requested_on:%-m/%-d}"),
                )
            before = getattr(p, recorded[0])
            for column in recorded:
                setattr(p, column, day)
            what = " and ".join(c[:-3] for c in recorded) + " received"
        return (
            said(
                "Fixed ",
                typed(p.name),
                f" on {case.number}: {what} {spoken_day(day, today)} (was {was_day(before)}).",
            ),
            {"fact": f"provider {p.seq} {field}", "before": before, "after": day},
        )

    return fix_fact(firm, actor, number, because, change)


def fix_contact(
    firm: Firm,
    actor: str,
    number: str,
    *,
    of_day: date | None = None,
    kind: str | None = None,
    to: date | None = None,
    void: bool = False,
    because: str | None = None,
) -> Outcome:
    """The last contact logged (or the one of `of_day`; of `kind`), moved to the day `to`, or voided."""
    if void == (to is not None):
        raise InputError(
            "Give the contact's right day, or “void” to strike it.",
            example=command(f"fix {number} contact 11/3"),
        )

    def change(s: Session, case: Case) -> tuple[str, dict[str, Any]]:
        # Without a kind, a contact is the client's or the adjuster's: never a provider follow-up.
        standing = [
            c
            for c in case.contacts
            if c.voided_at is None
            and (c.kind == kind if kind else c.kind != Kind.PROVIDER)
            and (of_day is None or c.on == of_day)
        ]
        what = f"{kind} contact" if kind else "client or adjuster contact"
        if not standing:
            on = f" on {of_day:%a %b %-d}" if of_day else ""
            also = (
                " (a provider follow-up is corrected with “contact provider …”)"
                if kind is None
                and any(c.kind == Kind.PROVIDER and c.voided_at is None for c in case.contacts)
                else ""
            )
            raise PreconditionNotMet(f"{case.number} has no {what}{on} to correct{also}.")
        _check_one(case, standing, of_day, kind, to, void)
        contact = max(standing, key=lambda c: c.id)  # the last one logged
        before = contact.on
        if void:
            contact.voided_at, contact.voided_by = firm.now(), actor
            message = f"Voided the {contact.kind} contact of {before:%a %b %-d} on {case.number}; it no longer counts."
            detail = {
                "fact": f"{contact.kind} contact",
                "before": before,
                "after": "void",
                "contact": contact.id,
            }
        else:
            assert to is not None
            day = event_day(firm, to)
            if day == before:
                raise Conflict(
                    f"That {contact.kind} contact is already dated {was_day(day)}; nothing changed."
                )
            _check_provider_followup(case, contact, day)
            contact.on = day
            message = (
                f"Fixed the {contact.kind} contact on {case.number}: {spoken_day(day, firm.today())} "
                f"(was {was_day(before)})."
            )
            detail = {
                "fact": f"{contact.kind} contact day",
                "before": before,
                "after": day,
                "contact": contact.id,
            }
        recompute_contacts(case)
        return message, detail

    return fix_fact(firm, actor, number, because, change)


def _check_one(
    case: Case, standing: list[Contact], of_day: date | None, kind: str | None, to: date | None, void: bool
) -> None:
    """A day with contacts of more than one kind (the client and the adjuster, or a provider follow-up and
    another contact) is ambiguous: refused, listing each with the exact command that corrects it."""
    kinds = sorted(
        {c.kind for c in case.contacts if c.voided_at is None and of_day is not None and c.on == of_day}
    )
    if of_day is None or len(kinds) < 2 or (kind is not None and len({c.kind for c in standing}) == 1):
        return
    right = "void" if void else f"{to:%-m/%-d}" if to else "<right day>"
    listed = []
    for k in kinds:
        same = [c for c in case.contacts if c.voided_at is None and c.on == of_day and c.kind == k]
        names = sorted({_provider_name(case, c) for c in same}) if k == Kind.PROVIDER else []
        who = said(f"{k} follow-up (", typed(", ".join(names)), ")") if names else said(f"{k} contact")
        listed.append(
            said("the ", who, ": ", Command(f"fix {case.number} contact {k} {of_day:%-m/%-d} {right}"))
        )
    raise InputError(
        said(
            f"{case.number} has {len(kinds)} kinds of contact on {of_day:%a %b %-d}; say which: ",
            *[part for i, line in enumerate(listed) for part in ((";  " if i else ""), line)],
            ". Nothing was changed.",
        ),
        example=command(f"fix {case.number} contact {kinds[0]} {of_day:%-m/%-d} {right}"),
        field="kind",
    )


def _provider_name(case: Case, contact: Contact) -> str:
    return next((p.name for p in case.providers if p.id == contact.provider_id), "a provider")


def _check_provider_followup(case: Case, contact: Contact, day: date) -> None:
    provider = next((p for p in case.providers if p.id == contact.provider_id), None)
    if provider is not None and day < provider.requested_on:
        raise InputError(
            said(
                typed(provider.name),
                f" was asked on {provider.requested_on:%a %b %-d}: a follow-up comes after that.",
            ),
            example=command(f"fix {case.number} contact {provider.requested_on:%-m/%-d}"),
        )


def recompute_contacts(case: Case) -> None:
    """What the case keeps from its contacts: the last client contact, and the day each offer was told."""
    client_days = sorted(c.on for c in case.contacts if c.kind == Kind.CLIENT and c.voided_at is None)
    case.last_client_contact_on = client_days[-1] if client_days else None
    for offer in case.offers:
        told = [d for d in client_days if d >= offer.received_on]
        offer.informed_on = told[0] if told else None


def _rounds(case: Case) -> list[DemandEvent]:
    return [d for d in case.demand_events if d.kind in ("sent", "resent")]


def fix_demand(
    firm: Firm,
    actor: str,
    number: str,
    *,
    round_no: int | None = None,
    on: date | None = None,
    adjuster: str | None = None,
    because: str | None = None,
) -> Outcome:
    """A demand round's day or adjuster (default: the latest round)."""
    if (on is None) == (adjuster is None):
        raise InputError(
            "Give the demand's right day, or “adjuster” and the name.",
            example=command(f"fix {number} demand adjuster Chris Nolan"),
        )

    def change(s: Session, case: Case) -> tuple[str, dict[str, Any]]:
        rounds = _rounds(case)
        if not rounds:
            raise PreconditionNotMet(f"No demand was sent on {case.number} yet.")
        n = round_no or len(rounds)
        if not 1 <= n <= len(rounds):
            raise InputError(
                f"{case.number}'s demand went out in {len(rounds)} round{'s' if len(rounds) > 1 else ''}; "
                f"there is no round {n}.",
                example=command(f"fix {case.number} demand {len(rounds)} adjuster Chris Nolan"),
            )
        rnd = rounds[n - 1]
        which = f"round {n} of {case.number}'s demand" if len(rounds) > 1 else f"{case.number}'s demand"
        if adjuster is not None:
            name = " ".join(printable(adjuster).split())[:200]
            if not name:
                raise InputError(
                    "Name the adjuster.", example=command(f"fix {case.number} demand adjuster Chris Nolan")
                )
            before_name, rnd.adjuster = rnd.adjuster, name
            return (
                said(
                    f"Fixed {which}: sent to ",
                    typed(name),
                    " (was ",
                    typed(before_name) if before_name else "no adjuster named",
                    ").",
                ),
                {"fact": f"demand round {n} adjuster", "before": before_name, "after": name},
            )
        assert on is not None
        day = event_day(firm, on)
        before = rnd.on
        if day == before:
            raise Conflict(f"That demand round is already dated {was_day(day)}; nothing changed.")
        low = rounds[n - 2].on if n > 1 else None
        high = rounds[n].on if n < len(rounds) else None
        entry = _stage_entry_of(case, rnd)
        if entry is not None:
            i = case.stages.index(entry)
            low = max(d for d in (low, case.stages[i - 1].on if i else None) if d) if (low or i) else None
            after = case.stages[i + 1].on if i + 1 < len(case.stages) else None
            high = min(d for d in (high, after) if d) if (high or after) else None
        if (low and day < low) or (high and day > high):
            bounds = " and ".join(
                f"{word} {d:%a %b %-d}" for word, d in (("not before", low), ("not after", high)) if d
            )
            raise InputError(
                f"That round's day must fall {bounds}.",
                example=command(f"fix {case.number} demand {n} {(low or day):%-m/%-d}"),
            )
        rnd.on = day
        if entry is not None:
            entry.on = day
            if entry is case.stages[-1]:
                case.stage_entered_on = day
        return (
            f"Fixed {which}: sent {spoken_day(day, firm.today())} (was {was_day(before)}); its clocks count from it now.",
            {"fact": f"demand round {n} day", "before": before, "after": day},
        )

    return fix_fact(firm, actor, number, because, change)


def _stage_entry_of(case: Case, rnd: DemandEvent) -> StageChange | None:
    """The move to “demand sent” that the first round made (same day), if it is still on record."""
    if rnd.kind != "sent":
        return None
    return next(
        (sc for sc in reversed(case.stages) if sc.to_stage == Stage.DEMAND_SENT.value and sc.on == rnd.on),
        None,
    )


def fix_offer(
    firm: Firm,
    actor: str,
    number: str,
    n: int | None = None,
    *,
    amount: Decimal | None = None,
    on: date | None = None,
    because: str | None = None,
) -> Outcome:
    """An offer's amount or the day it came (default: the latest offer)."""
    if (amount is None) == (on is None):
        raise InputError("Give the offer's right amount or day.", example=command(f"received {number} …"))

    def change(s: Session, case: Case) -> tuple[str, dict[str, Any]]:
        if not case.offers:
            raise PreconditionNotMet(f"{case.number} has no offers yet.")
        offer = case.offers[-1] if n is None else next((o for o in case.offers if o.n == n), None)
        if offer is None:
            raise InputError(
                f"{case.number} has offers 1 to {case.offers[-1].n}; there is no offer {n}.",
                example=command(f"fix {case.number} offer {case.offers[-1].n} amount 12,500"),
            )
        nth = ordinal(offer.n)
        if amount is not None:
            before_amount, offer.amount = offer.amount, amount
            return (
                f"Fixed the {nth} offer on {case.number}: {money(amount)} (was {money(before_amount)}).",
                {"fact": f"offer {offer.n} amount", "before": before_amount, "after": amount},
            )
        assert on is not None
        day = event_day(firm, on)
        before = offer.received_on
        if day == before:
            raise Conflict(f"The {nth} offer is already dated {was_day(day)}; nothing changed.")
        offer.received_on = day
        recompute_contacts(case)
        return (
            f"Fixed the {nth} offer on {case.number}: received {spoken_day(day, firm.today())} (was {was_day(before)}).",
            {"fact": f"offer {offer.n} day", "before": before, "after": day},
        )

    return fix_fact(firm, actor, number, because, change)


def fix_holdup(
    firm: Firm, actor: str, number: str, kind: str, since: date, *, because: str | None = None
) -> Outcome:
    """The day an open hold-up began."""
    hold = holdup_kind(kind, command(f"fix {number} holdup billing since 10/5"))

    def change(s: Session, case: Case) -> tuple[str, dict[str, Any]]:
        open_ones = [h for h in case.holdups if h.kind == hold.value and h.cleared_on is None]
        if not open_ones:
            raise PreconditionNotMet(f"{case.number} has no open {hold.value} hold-up.")
        h = open_ones[-1]
        day = event_day(firm, since)
        before, h.opened_on = h.opened_on, day
        return (
            f"Fixed the {hold.value} hold-up on {case.number}: since {spoken_day(day, firm.today())} "
            f"(was {was_day(before)}).",
            {"fact": f"{hold.value} hold-up since", "before": before, "after": day},
        )

    return fix_fact(firm, actor, number, because, change)
