"""What the services hand back to show a person: plain data, built from stored rows, no Slack."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import NamedTuple, Protocol

from sqlalchemy import inspect

from bot.rules.ages import due_phrase, short_day
from bot.rules.calendar import BusinessCalendar
from bot.rules.ledger import Bill, CostEntry, Ledger, LienEntry
from bot.rules.limitation import claim_basis, limitation_basis
from bot.rules.planner import owed
from bot.rules.playbook import (
    CLOSED_STAGES,
    CONTACT_KINDS,
    ESCALATE_KINDS,
    HOLDUP_LABELS,
    HOLDUP_STAGES,
    STAGES,
    Attempt,
    ContactKind,
    HoldUp,
    Numbers,
    Stage,
    ordinal,
)
from bot.rules.public_entity_table import CLAIM_EVENT_WORDS
from bot.services.client_cards import ClientContactLine
from storage.models import ACTIVE, Case, ContactAttempt, Obligation
from storage.my_day import AskingRow


@dataclass(frozen=True)
class ProviderLine:
    seq: int
    name: str
    requested_on: date
    records_on: date | None
    bills_on: date | None
    owed: str  # "" when everything is in
    days_open: int
    slow: bool


@dataclass(frozen=True)
class HoldUpLine:
    kind: str
    label: str
    note: str | None
    since: date
    red: bool  # inside the limitation warning window


@dataclass(frozen=True)
class OfferLine:
    n: int
    nth: str
    amount: Decimal
    received_on: date
    final: bool
    informed_on: date | None
    inform_late: bool  # the client was not told within the playbook's business days


class DueItem(NamedTuple):
    """An obligation as a list shows it. A tuple, not a dataclass: `/case due` and a Home make a hundred or so
    for every request, a kept Home holds them, and a tuple is made in a third of a frozen dataclass's time
    (bench/RESULTS.md, issue 23); like one, it cannot be changed (`_replace` makes another)."""

    obligation_id: int
    case: str
    client: str
    manager: str
    kind: str
    rule: str
    due_on: date
    overdue_days: int  # calendar days past due; 0 when due today or later
    overdue_business_days: int
    reason: str
    talking_points: tuple[str, ...]
    state: str
    snoozed_until: date | None
    remind_on: date | None = None  # the day it asks for attention: its due day, or the snooze day
    as_of: date | None = None  # the day its age was counted for
    tried_on: date | None = None  # the latest attempt (not a contact) at it since it was triggered
    tried_how: str | None = None  # attempt | voicemail | no-answer | sms | email

    @property
    def tried(self) -> str | None:
        """ "tried Nov 30, voicemail": someone tried and did not reach them; it is still open."""
        if self.tried_on is None or self.tried_how is None:
            return None
        return f"tried {short_day(self.tried_on)}, {attempt_words(self.tried_how)}"

    @property
    def escalates(self) -> bool:
        """The escalation rule counts this kind's lateness in business days."""
        return self.kind in ESCALATE_KINDS

    def when(self, today: date | None = None) -> str:
        """How old it is, said one way everywhere: "due today", "due Mon Nov 30", or "due Nov 6 — 22 days
        overdue (15 business days)" (business days only for the kinds the escalation rule counts), as of
        the day the item was read for."""
        today = today or self.as_of or self.due_on
        return due_phrase(self.due_on, today, self.overdue_business_days if self.escalates else None)


@dataclass(frozen=True)
class DemandRound:
    """One round of the demand: the first sending, then each resend, never overwritten."""

    n: int
    kind: str  # sent | resent
    on: date
    adjuster: str | None
    acknowledged_on: date | None


@dataclass(frozen=True)
class DemandLine:
    sent_on: date | None
    adjuster: str | None
    acknowledged_on: date | None
    resent_on: tuple[date, ...]
    ack_due_on: date | None  # the day the insurer's window ends (latest round)
    adjuster_check_on: date | None
    rounds: tuple[DemandRound, ...] = ()


@dataclass(frozen=True)
class AttemptLine:
    """A try at reaching someone that did not reach them: "tried the client Nov 30, voicemail"."""

    kind: str  # client | adjuster
    on: date
    how: str
    note: str | None

    @property
    def said(self) -> str:
        return f"tried the {self.kind} {short_day(self.on)}, {attempt_words(self.how)}"


@dataclass(frozen=True)
class LastContact:
    """The latest contact of a kind that counts (not voided), with the note typed with it."""

    on: date
    note: str | None
    by: str


def last_contact(case: Case, kind: str) -> LastContact | None:
    standing = [c for c in case.contacts if c.kind == kind and c.voided_at is None]
    if not standing:
        return None
    c = max(standing, key=lambda c: (c.on, c.id))
    return LastContact(c.on, c.note, c.by)


@dataclass(frozen=True)
class CaseCard:
    number: str
    client: str
    manager: str
    stage: str
    stage_label: str
    stage_entered_on: date
    days_in_stage: int
    closed: bool
    next_stage: str | None
    providers: tuple[ProviderLine, ...]
    holdups: tuple[HoldUpLine, ...]
    demand: DemandLine
    offers: tuple[OfferLine, ...]
    obligations: tuple[DueItem, ...]
    last_client_contact_on: date | None
    limitation_on: date | None
    limitation_days_left: int | None
    version: int = 0
    notes: tuple[str, ...] = field(default=())
    limitation_red: bool = False  # inside the limitation red window while watched: hold-ups are flagged red
    ledger: Ledger = Ledger()  # bills, liens and costs (amounts: for the people on the case only)
    limitation_basis: str = ""  # the statute and period it was computed under, or "entered by hand"
    public_entity: bool = False  # a claim against a public entity: it has a claim deadline (or should)
    claim_deadline_on: date | None = None  # the last day to present the claim to the public entity
    claim_days_left: int | None = None
    claim_basis: str = ""
    claim_done: str = ""  # "presented on 2026-01-10", "rejected on 2026-03-01": its alerts have stopped
    limitation_near: bool = False  # passed, or inside the playbook's deadline_warn_days: shown red
    claim_near: bool = False
    team: tuple[str, ...] = ()  # who works the case with its manager (user ids)
    client_contact: ClientContactLine | None = None  # how to reach the client (/case client)
    # The latest attempt at the client and at the adjuster since the last contact with them (not reached).
    attempts: tuple[AttemptLine, ...] = ()
    last_client: LastContact | None = None  # the latest client contact, with its note
    last_adjuster: LastContact | None = None


def claim_done(case: Case) -> str:
    """What became of the claim against a public entity, once presented or rejected; "" before."""
    if case.claim_rejected_on is not None:
        how = CLAIM_EVENT_WORDS.get(case.claim_rejection or "", "rejected")
        return f"{how} on {case.claim_rejected_on:%Y-%m-%d}"
    if case.claim_presented_on is not None:
        return f"presented on {case.claim_presented_on:%Y-%m-%d}"
    return ""


def ledger_of(case: Case) -> Ledger:
    """The ledger of a case, as plain figures."""
    return Ledger(
        bills=tuple(
            Bill(
                seq=p.seq,
                provider=p.name,
                billed=p.billed,
                paid=p.paid or _ZERO,
                adjusted=p.adjusted or _ZERO,
                recorded_on=p.billed_on or p.requested_on,
            )
            for p in case.providers
            if p.billed is not None
        ),
        liens=tuple(
            LienEntry(
                n=x.n,
                holder=x.holder,
                kind=x.kind,
                amount=x.amount,
                asserted_on=x.asserted_on,
                reduced_to=x.reduced_to,
                reduced_on=x.reduced_on,
                accepted_on=x.accepted_on,
                paid_on=x.paid_on,
            )
            for x in case.liens
        ),
        costs=tuple(CostEntry(c.n, c.amount, c.description, c.on) for c in case.costs),
        unbilled=tuple(p.name for p in case.providers if p.billed is None),
    )


_ZERO = Decimal("0.00")


def attempt_words(how: str) -> str:
    """An attempt as a person says it: "voicemail", "no answer", "a text asking them to call"."""
    return {
        Attempt.ATTEMPT: "not reached",
        Attempt.VOICEMAIL: "voicemail",
        Attempt.NO_ANSWER: "no answer",
        Attempt.SMS: "a text asking them to call",
        Attempt.EMAIL: "an email asking them to call",
    }.get(Attempt(how), how)


def last_attempt(case: Case, kind: str, since: date) -> ContactAttempt | None:
    """The latest attempt at reaching the client (or adjuster) on or after `since`, if the case's attempts
    were loaded with it (a list query loads them in one go; nothing is read row by row)."""
    if "attempts" in inspect(case).unloaded:
        return None
    found = [a for a in case.attempts if a.kind == kind and a.on >= since]
    return max(found, key=lambda a: (a.on, a.id)) if found else None


class _Asking(Protocol):
    """An obligation: a stored one (storage.models.Obligation) or a plain row (storage.my_day.AskingRow)."""

    @property
    def id(self) -> int: ...
    @property
    def manager_id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def rule(self) -> str: ...
    @property
    def triggered_on(self) -> date: ...
    @property
    def due_on(self) -> date: ...
    @property
    def remind_on(self) -> date: ...
    @property
    def reason(self) -> str: ...
    @property
    def talking_points(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def snoozed_until(self) -> date | None: ...


def due_item(o: Obligation, case: Case, today: date, cal: BusinessCalendar) -> DueItem:
    tried = last_attempt(case, o.kind, o.triggered_on) if o.kind in CONTACT_KINDS else None
    tried_on, tried_how = (tried.on, tried.how) if tried is not None else (None, None)
    return _item(o, case.number, case.client_name, tried_on, tried_how, today, cal)


def row_item(row: AskingRow, today: date, cal: BusinessCalendar) -> DueItem:
    """due_item of a plain row (storage/my_day.py), which comes with its latest try."""
    return _item(row, row.number, row.client_name, row.tried_on, row.tried_how, today, cal)


def _item(
    o: _Asking,
    number: str,
    client: str,
    tried_on: date | None,
    tried_how: str | None,
    today: date,
    cal: BusinessCalendar,
) -> DueItem:
    late = (today - o.due_on).days
    return DueItem(
        obligation_id=o.id,
        case=number,
        client=client,
        # One string object for each of the few values these take: a kept Home holds a hundred or so items.
        manager=sys.intern(o.manager_id),
        kind=sys.intern(o.kind),
        rule=sys.intern(o.rule),
        due_on=o.due_on,
        overdue_days=max(late, 0),
        overdue_business_days=cal.business_days_between(o.due_on, today) if late > 0 else 0,
        reason=sys.intern(o.reason),
        talking_points=tuple(sys.intern(p) for p in o.talking_points.split("\n") if p),
        state=sys.intern(o.state),
        snoozed_until=o.snoozed_until,
        remind_on=o.remind_on,
        as_of=today,
        tried_on=tried_on,
        tried_how=tried_how,
    )


def demand_rounds(case: Case) -> tuple[DemandRound, ...]:
    """Every round of the case's demand, each with the acknowledgment that answered it (the first one on or
    after its day, before the next round)."""
    rounds = [d for d in case.demand_events if d.kind in ("sent", "resent")]
    acks = sorted(d.on for d in case.demand_events if d.kind == "ack")
    out = []
    for i, rnd in enumerate(rounds):
        until = rounds[i + 1].on if i + 1 < len(rounds) else None
        ack = next((a for a in acks if a >= rnd.on and (until is None or a < until)), None)
        out.append(DemandRound(i + 1, rnd.kind, rnd.on, rnd.adjuster, ack))
    return tuple(out)


def case_card(case: Case, today: date, cal: BusinessCalendar, numbers: Numbers) -> CaseCard:
    stage = Stage(case.stage)
    days_left = (case.limitation_on - today).days if case.limitation_on else None
    red = days_left is not None and days_left <= numbers.limitation_red_days and stage not in CLOSED_STAGES
    # Hold-ups hold up the demand: once it is sent they are flagged no more.
    holdups_red = red and stage in HOLDUP_STAGES
    providers = tuple(
        ProviderLine(
            seq=p.seq,
            name=p.name,
            requested_on=p.requested_on,
            records_on=p.records_on,
            bills_on=p.bills_on,
            owed=owed(p.records_on, p.bills_on),
            days_open=(today - p.requested_on).days,
            slow=(p.records_on is None or p.bills_on is None)
            and (today - p.requested_on).days > numbers.provider_slow_days,
        )
        for p in case.providers
    )
    holdups = tuple(
        HoldUpLine(h.kind, HOLDUP_LABELS[HoldUp(h.kind)], h.note, h.opened_on, holdups_red)
        for h in case.holdups
        if h.cleared_on is None
    )
    rounds = [d for d in case.demand_events if d.kind in ("sent", "resent")]
    acks = [d.on for d in case.demand_events if d.kind == "ack"]
    latest = rounds[-1] if rounds else None
    acknowledged = next((a for a in sorted(acks) if latest and a >= latest.on), None)
    demand = DemandLine(
        sent_on=rounds[0].on if rounds else None,
        adjuster=next((d.adjuster for d in reversed(rounds) if d.adjuster), None),
        acknowledged_on=acknowledged,
        resent_on=tuple(d.on for d in rounds[1:]),
        ack_due_on=cal.due(latest.on, numbers.ack_window_days) if latest else None,
        adjuster_check_on=cal.due(latest.on, numbers.adjuster_check_days) if latest else None,
        rounds=demand_rounds(case),
    )
    offers = tuple(
        OfferLine(
            n=o.n,
            nth=ordinal(o.n),
            amount=o.amount,
            received_on=o.received_on,
            final=o.final,
            informed_on=o.informed_on,
            inform_late=o.informed_on is None
            and cal.business_days_between(o.received_on, today) > numbers.offer_inform_business_days,
        )
        for o in case.offers
    )
    obligations = tuple(
        sorted(
            (due_item(o, case, today, cal) for o in case.obligations if o.state in ACTIVE),
            key=lambda d: (d.due_on, d.rule),
        )
    )
    info = STAGES[stage]
    label = info.label
    if stage is Stage.DEMAND_SENT and acknowledged is not None:
        label = f"Demand sent, acknowledged {short_day(acknowledged)}"
    return CaseCard(
        number=case.number,
        client=case.client_name,
        manager=case.manager_id,
        stage=stage.value,
        stage_label=label,
        stage_entered_on=case.stage_entered_on,
        days_in_stage=(today - case.stage_entered_on).days,
        closed=stage in CLOSED_STAGES,
        next_stage=info.next.value if info.next else None,
        providers=providers,
        holdups=holdups,
        demand=demand,
        offers=offers,
        obligations=obligations,
        last_client_contact_on=case.last_client_contact_on,
        limitation_on=case.limitation_on,
        limitation_days_left=days_left,
        version=case.version,
        limitation_red=red,
        ledger=ledger_of(case),
        limitation_basis=limitation_basis(
            case.limitation_on,
            case.loss_on,
            case.loss_state,
            bool(case.loss_motor),
            public=bool(case.public_entity),
            rejected_on=case.claim_rejected_on,
            rejection=case.claim_rejection,
        )
        if case.limitation_on
        else "",
        claim_done=claim_done(case),
        limitation_near=days_left is not None and days_left <= numbers.deadline_warn_days,
        claim_near=case.claim_deadline_on is not None
        and (case.claim_deadline_on - today).days <= numbers.deadline_warn_days,
        public_entity=bool(case.public_entity),
        claim_deadline_on=case.claim_deadline_on,
        claim_days_left=(case.claim_deadline_on - today).days if case.claim_deadline_on else None,
        claim_basis=claim_basis(case.claim_deadline_on, case.loss_on, case.loss_state)
        if case.claim_deadline_on
        else "",
        team=tuple(m.user_id for m in case.team),
        attempts=open_attempts(case),
        last_client=last_contact(case, "client"),
        last_adjuster=last_contact(case, "adjuster"),
    )


def _utc(at: datetime) -> datetime:
    """A stored moment as naive UTC (SQLite hands them back without their zone, PostgreSQL with it)."""
    return at.astimezone(UTC).replace(tzinfo=None) if at.tzinfo else at


def open_attempts(case: Case) -> tuple[AttemptLine, ...]:
    """Per kind, the latest attempt made after the last contact with that person (none when they have
    been reached since)."""
    out = []
    for kind in ContactKind:
        reached = max(
            ((c.on, _utc(c.at)) for c in case.contacts if c.kind == kind and c.voided_at is None),
            default=None,
        )
        last = last_attempt(case, kind.value, reached[0] if reached else date.min)
        if last is not None and (reached is None or (last.on, _utc(last.at)) > reached):
            out.append(AttemptLine(kind.value, last.on, last.how, last.note))
    return tuple(out)
