"""Contacts with the client or the adjuster, which close what they answer and restart the cadence clocks,
and attempts (a voicemail, no answer, a message asking the client to call), which close nothing.

A client contact may be logged as the accounting conversation of step 9 (topic `accounting`): the only
contact that closes R12."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from bot.errors import (
    InputError,
    PreconditionNotMet,
)
from bot.rules.parsing import printable, spoken_day
from bot.rules.playbook import ACCOUNTING, CONTACT_KINDS, STAGES, Attempt, ContactKind, Kind, Stage
from bot.rules.said import Command, command, said, typed
from bot.services.cards import attempt_words
from bot.services.changes import audit, change_case, event_day
from bot.services.firm import Firm, Outcome
from storage import deliveries
from storage.models import (
    Case,
    Contact,
    ContactAttempt,
)

TOPICS = (ACCOUNTING,)


def log_contact(
    firm: Firm,
    actor: str,
    number: str,
    *,
    kind: str = ContactKind.CLIENT,
    on: date | None = None,
    note: str | None = None,
    topic: str | None = None,
) -> Outcome:
    if kind not in CONTACT_KINDS:
        raise InputError(
            "A contact is with the client or the adjuster.",
            example=command(f"contacted {number} client"),
            field="kind",
        )
    if topic is not None and (topic not in TOPICS or kind != ContactKind.CLIENT):
        raise InputError(
            "Only a client contact can be the accounting conversation.",
            example=command(f"contacted {number} client accounting"),
            field="topic",
        )

    return change_case(firm, actor, number, contact_change(firm, actor, kind, on, note, topic))


def contact_change(
    firm: Firm, actor: str, kind: str, on: date | None, note: str | None, topic: str | None = None
) -> Callable[[Session, Case], str]:
    """What `log_contact` does to the case it locked (checked: `kind` and `topic` go together)."""

    def change(s: Session, case: Case) -> str:
        day = event_day(firm, on)
        if topic == ACCOUNTING:
            _check_accounting(case, day)
        record_contact(s, firm, case, actor, kind, day, note, topic=topic)
        if topic == ACCOUNTING:
            return said(
                f"Logged the accounting conversation with the client on {case.number} for "
                f"{spoken_day(day, firm.today())}: "
                "step 9's talk is done (R12); the client's decision is ",
                Command(f"close {case.number} settled|litigation"),
                ".",
            )
        return (
            f"Logged {'an' if kind == 'adjuster' else 'a'} {kind} contact on {case.number} "
            f"for {spoken_day(day, firm.today())}."
        )

    return change


def _check_accounting(case: Case, day: date) -> None:
    """The accounting conversation is step 9's: on or after the day the case entered settlement."""
    entered = [sc.on for sc in case.stages if sc.to_stage == Stage.SETTLEMENT.value]
    if not entered:
        raise PreconditionNotMet(
            f"The accounting conversation is step 9, and {case.number} is at "
            f"“{STAGES[Stage(case.stage)].label}”: it has not reached "
            f"“{STAGES[Stage.SETTLEMENT].label}”. Log it as a plain client contact, or advance the case first.",
            example=command(f"contacted {case.number} client"),
        )
    if day < min(entered):
        raise InputError(
            f"{case.number} entered “{STAGES[Stage.SETTLEMENT].label}” on {min(entered):%b %-d}; the "
            f"accounting conversation can't be dated {day:%b %-d}, before it.",
            example=command(f"contacted {case.number} client {min(entered):%Y-%m-%d} accounting"),
            field="on",
        )


def record_contact(
    s: Session,
    firm: Firm,
    case: Case,
    actor: str,
    kind: str,
    day: date,
    note: str | None,
    *,
    topic: str | None = None,
) -> None:
    note = printable(note or "").strip()[:2000] or None
    case.contacts.append(Contact(kind=kind, topic=topic, on=day, note=note, by=actor, at=firm.now()))
    if kind == Kind.CLIENT:
        if case.last_client_contact_on is None or day > case.last_client_contact_on:
            case.last_client_contact_on = day
        # Telling the client anything on or after an offer's day counts as telling them of it (R10/R11).
        for offer in case.offers:
            if offer.informed_on is None and offer.received_on <= day:
                offer.informed_on = day
    # Escalations are written only by the digest, never in a change: this read need not flush the contact
    # first, which then goes in the change's next flush with the rest (one flush fewer a contact).
    with s.no_autoflush:
        escalations = deliveries.open_escalations_of_case(s, case.id)
    for esc in escalations:
        esc.cleared_at = firm.now()
    audit(s, firm, case, actor, "contact", kind=kind, on=day, note=note, topic=topic)


def record_attempt(
    firm: Firm,
    caller: str,
    case_no: str,
    kind: ContactKind | str,
    day: date | None,
    how: Attempt | str,
    note: str | None = None,
    *,
    rule: str | None = None,
) -> Outcome:
    """Record a try at reaching the client or the adjuster that did not reach them: `how` is attempt,
    voicemail, no-answer (typed) or sms, email (a message casebot sent for a call-rule, with its `rule`).
    Shown on the card, in `/case due` and the digest; it closes nothing and moves no clock. `day` None: today;
    a future day is refused. The caller must be allowed to change the case."""
    kind, how = ContactKind(kind), Attempt(how)

    def change(s: Session, case: Case) -> str:
        on = event_day(firm, day)
        add_attempt(s, firm, case, caller, kind, on, how, note, rule=rule)
        return said(
            f"Recorded an attempt on {case.number} (",
            typed(case.client_name),
            f"): tried the {kind.value} "
            f"{spoken_day(on, firm.today())}, {attempt_words(how)}. Not a contact: it closes nothing and "
            f"moves no clock; the {kind.value} obligations stay open until you reach them.",
        )

    return change_case(firm, caller, case_no, change)


def add_attempt(
    s: Session,
    firm: Firm,
    case: Case,
    actor: str,
    kind: ContactKind,
    day: date,
    how: Attempt,
    note: str | None,
    *,
    rule: str | None = None,
) -> ContactAttempt:
    """The attempt, inside a change already under way (the case locked by the caller)."""
    note = printable(note or "").strip()[:2000] or None
    row = ContactAttempt(
        kind=kind.value, how=how.value, on=day, rule=rule, note=note, by=actor, at=firm.now()
    )
    case.attempts.append(row)
    audit(s, firm, case, actor, "attempt", kind=kind.value, how=how.value, on=day, rule=rule, note=note)
    return row
