"""The services: one function per user action, each one transaction that changes a case and writes
its audit entry together, or changes nothing. They take their ports (the firm: database, calendar,
clock, settings) as arguments and know nothing of Slack."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.calendar import BusinessCalendar
from bot.cards import CaseCard, DueItem, case_card, due_item
from bot.errors import (
    CasebotError,
    Conflict,
    FutureDate,
    InputError,
    NotAllowed,
    PreconditionNotMet,
    TryAgain,
    UnknownCase,
    UnknownProvider,
)
from bot.parsing import printable
from bot.planner import (
    CANCELLED,
    DONE,
    OPEN,
    CaseFacts,
    DemandFacts,
    OfferFacts,
    ProviderFacts,
    StageEntry,
    owed,
    plan,
)
from bot.playbook import CLOSED_STAGES, STAGE_ORDER, STAGES, HoldUp, Numbers, Stage, ordinal
from bot.settings import Settings
from storage import queries as q
from storage.db import Database, DatabaseUnavailable
from storage.models import (
    ACTIVE,
    AuditEntry,
    Case,
    Contact,
    DemandEvent,
    EventClaim,
    HoldUpRow,
    Obligation,
    Offer,
    Provider,
    Staff,
    StageChange,
)

log = logging.getLogger(__name__)

ROLES = ("manager", "lead", "admin")
LEAD_ROLES = ("lead", "admin")


@dataclass
class Firm:
    """The ports every service takes: the database, the firm's calendar, its settings and a clock."""

    db: Database
    settings: Settings
    calendar: BusinessCalendar
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    on_change: list[Callable[[str, str], None]] = field(
        default_factory=list
    )  # (actor, case number) after commit

    @classmethod
    def from_settings(
        cls, settings: Settings, *, db: Database | None = None, clock: Callable[[], datetime] | None = None
    ) -> Firm:
        calendar = BusinessCalendar(
            country=settings.holidays_country,
            subdiv=settings.holidays_subdiv,
            closed_days=settings.extra_closed_days,
            timezone=settings.firm_timezone,
        )
        firm = cls(db=db or Database(settings.database_url), settings=settings, calendar=calendar)
        if clock is not None:
            firm.clock = clock
        elif settings.now is not None:
            firm.clock = _shifted_clock(settings.now)
        return firm

    @property
    def numbers(self) -> Numbers:
        return self.settings.numbers

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.calendar.today(self.clock())


def _shifted_clock(start: datetime) -> Callable[[], datetime]:
    """A clock that reads `start` now and runs on in real time from there (CASEBOT_NOW)."""
    offset = start - datetime.now(UTC)
    return lambda: datetime.now(UTC) + offset


@dataclass(frozen=True)
class Outcome:
    """What a change did: a one-line message for the person, and the case as it now stands."""

    message: str
    card: CaseCard | None = None
    moved_to: str | None = None


# ---------------------------------------------------------------- plumbing


class Transaction:
    """One service call's transaction; database trouble becomes a friendly TryAgain."""

    def __init__(self, firm: Firm, *, write: bool = True) -> None:
        self.firm = firm
        self.write = write

    def __enter__(self) -> Session:
        try:
            self._cm = self.firm.db.uow(write=self.write)
            return self._cm.__enter__()
        except DatabaseUnavailable as exc:
            raise _try_again() from exc

    def __exit__(self, *exc: Any) -> None:
        try:
            self._cm.__exit__(*exc)
        except DatabaseUnavailable as err:
            raise _try_again() from err


def _try_again() -> TryAgain:
    return TryAgain(
        "casebot could not reach its database just now, so nothing was saved. Please try again in a moment."
    )


def role_of(s: Session, firm: Firm, user_id: str) -> str:
    if user_id in firm.settings.admin_users:
        return "admin"
    staff = q.get_staff(s, user_id)
    return staff.role if staff else "manager"


def find_case(s: Session, number: str, *, for_update: bool = False, card_only: bool = False) -> Case:
    case = q.get_case(s, number, for_update=for_update, card_only=card_only)
    if case is None:
        raise UnknownCase(number.strip().upper()[:40], q.closest_numbers(s, number))
    return case


def _may_change(s: Session, firm: Firm, actor: str, case: Case) -> str:
    role = role_of(s, firm, actor)
    if role not in LEAD_ROLES and case.manager_id != actor:
        raise NotAllowed(
            f"{case.number} is <@{case.manager_id}>'s case: only its manager, a lead or an admin can change it."
        )
    return role


def _open(case: Case) -> None:
    if case.closed_on is not None:
        raise PreconditionNotMet(f"{case.number} is closed ({case.stage}); closed cases do not change.")


def event_day(firm: Firm, on: date | None, *, not_before: date | None = None, what: str = "That") -> date:
    today = firm.today()
    day = on or today
    if day > today:
        raise FutureDate(
            f"{day:%Y-%m-%d} is in the future: record events on the day they happened (today or earlier).",
            example=f"{today:%Y-%m-%d}",
        )
    if not_before is not None and day < not_before:
        raise InputError(
            f"{what} can't be dated {day:%Y-%m-%d}, before {not_before:%Y-%m-%d}.",
            example=f"{not_before:%Y-%m-%d}",
        )
    return day


def audit(s: Session, firm: Firm, case: Case | None, actor: str, action: str, **detail: Any) -> None:
    clean = {
        k: (v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v)
        for k, v in detail.items()
        if v is not None
    }
    s.add(AuditEntry(case_id=case.id if case else None, at=firm.now(), by=actor, action=action, detail=clean))


def _facts(case: Case) -> CaseFacts:
    followups: dict[int, list[date]] = {}
    for c in case.contacts:
        if c.kind == "provider" and c.provider_id is not None:
            followups.setdefault(c.provider_id, []).append(c.on)
    return CaseFacts(
        created_on=case.treatment_completed_on,
        stages=tuple(StageEntry(Stage(sc.to_stage), sc.on) for sc in case.stages),
        providers=tuple(
            ProviderFacts(
                p.id, p.name, p.requested_on, p.records_on, p.bills_on, tuple(sorted(followups.get(p.id, [])))
            )
            for p in case.providers
        ),
        client_contacts=tuple(sorted(c.on for c in case.contacts if c.kind == "client")),
        adjuster_contacts=tuple(sorted(c.on for c in case.contacts if c.kind == "adjuster")),
        demand=tuple(DemandFacts(d.kind, d.on, d.adjuster) for d in case.demand_events),
        offers=tuple(OfferFacts(o.n, o.received_on, o.final) for o in case.offers),
        holdups=tuple((HoldUp(h.kind), h.note) for h in case.holdups if h.cleared_on is None),
    )


def replan(s: Session, firm: Firm, case: Case, actor: str) -> None:
    """Bring the case's stored obligations in line with the playbook's plan for its facts.

    Done rows stay done; snoozed rows keep their snooze while open; only rows that change are written.
    Every child of a case is added through the case's own collections (`case.contacts.append(...)`), so
    the facts planned here are the ones in memory: nothing is read from the database twice."""
    s.flush()  # new children get their ids (an R3's key names its provider's)
    stored = {o.key: o for o in case.obligations}
    now = firm.now()
    planned = plan(_facts(case), firm.calendar, firm.numbers)
    for item in planned:
        row = stored.pop(item.key, None)
        if row is None:
            if item.state == OPEN:
                case.obligations.append(
                    Obligation(
                        key=item.key,
                        rule=item.rule,
                        kind=item.kind.value,
                        provider_id=item.provider_id,
                        manager_id=case.manager_id,
                        triggered_on=item.triggered_on,
                        due_on=item.due_on,
                        remind_on=item.due_on,
                        reason=item.reason,
                        talking_points=item.talking_points,
                        state=OPEN,
                        created_at=now,
                    )
                )
            continue
        if row.state == DONE or (row.state == CANCELLED and item.state != OPEN):
            continue
        if item.state == OPEN:
            if row.state == CANCELLED:
                row.state, row.closed_on, row.closed_why, row.closed_by, row.snoozed_until = (
                    OPEN,
                    None,
                    None,
                    None,
                    None,
                )
            remind = max(item.due_on, row.snoozed_until) if row.snoozed_until else item.due_on
            _set(
                row,
                due_on=item.due_on,
                remind_on=remind,
                reason=item.reason,
                talking_points=item.talking_points,
            )
        else:
            _set(row, state=item.state, closed_on=item.closed_on, closed_why=item.closed_by, closed_by=actor)
    # A row the plan no longer has was started by facts that a later one overtook on the same day (a
    # contact, then the stage left that day): it no longer applies.
    for row in stored.values():
        if row.state in ACTIVE:
            _set(
                row, state=CANCELLED, closed_on=firm.today(), closed_why="no longer applies", closed_by=actor
            )


def _set(row: Obligation, **values: Any) -> None:
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _card(s: Session, firm: Firm, case: Case) -> CaseCard:
    s.flush()  # new obligations get the ids their buttons carry
    return case_card(case, firm.today(), firm.calendar, firm.numbers)


def enter_stage(
    s: Session, firm: Firm, case: Case, to: Stage, on: date, actor: str, reason: str | None
) -> None:
    case.stages.append(
        StageChange(
            seq=len(case.stages) + 1,
            from_stage=case.stage,
            to_stage=to.value,
            on=on,
            by=actor,
            reason=reason,
            at=firm.now(),
        )
    )
    audit(s, firm, case, actor, "stage", from_stage=case.stage, to_stage=to.value, on=on, reason=reason)
    case.stage, case.stage_entered_on = to.value, on
    case.closed_on = on if to in CLOSED_STAGES else None


def announce_change(firm: Firm, actor: str, number: str) -> None:
    for hook in firm.on_change:
        try:
            hook(actor, number)
        except Exception:  # a refresh of someone's Home tab must never undo a saved change
            log.exception("Failed to run a change hook for %s", number)


def change_case(
    firm: Firm, actor: str, number: str, change: Callable[[Session, Case], str], *, lock_check: bool = True
) -> Outcome:
    """The shape of every change: lock the case, check who may, change, re-plan, audit, commit, show."""
    with Transaction(firm) as s:
        case = find_case(s, number, for_update=True)
        if lock_check:
            _may_change(s, firm, actor, case)
        message = change(s, case)
        replan(s, firm, case, actor)
        card = _card(s, firm, case)
    announce_change(firm, actor, card.number)
    return Outcome(message, card)


# ---------------------------------------------------------------- cases


def create_case(
    firm: Firm,
    actor: str,
    number: str,
    client: str,
    *,
    manager: str | None = None,
    on: date | None = None,
    limitation_on: date | None = None,
) -> Outcome:
    number, client = printable(number).strip(), " ".join(printable(client).split())
    if not number or len(number) > 40 or not all(ch.isalnum() or ch in "-_./" for ch in number):
        raise InputError(
            f"“{number[:40]}” is not a case number: letters, digits and dashes, up to 40.",
            example="/case new PI-2041 Jane Roe",
        )
    if not client or len(client) > 200:
        raise InputError(
            "Give the client's name after the case number.", example="/case new PI-2041 Jane Roe"
        )
    day = event_day(firm, on)
    manager = manager or actor
    with Transaction(firm) as s:
        role = role_of(s, firm, actor)
        if manager != actor and role not in LEAD_ROLES:
            raise NotAllowed(
                "Only a lead or an admin can open a case for someone else; leave out the @manager to take it yourself."
            )
        if q.get_case(s, number, children=False) is not None:
            raise Conflict(f"{number.upper()} already exists: /case show {number.upper()}")
        case = Case(
            number=number.upper(),
            number_key=q.case_key(number),
            client_name=client,
            manager_id=manager,
            stage=Stage.RECORDS.value,
            stage_entered_on=day,
            treatment_completed_on=day,
            limitation_on=limitation_on,
            created_at=firm.now(),
        )
        s.add(case)
        try:
            s.flush()
        except IntegrityError as exc:
            raise Conflict(f"{number.upper()} already exists: /case show {number.upper()}") from exc
        case.stages.append(
            StageChange(
                seq=1,
                from_stage=None,
                to_stage=Stage.RECORDS.value,
                on=day,
                by=actor,
                reason="case created",
                at=firm.now(),
            )
        )
        audit(
            s,
            firm,
            case,
            actor,
            "create",
            client=client,
            manager=manager,
            on=day,
            limitation_on=limitation_on,
        )
        replan(s, firm, case, actor)
        card = _card(s, firm, case)
    announce_change(firm, actor, card.number)
    return Outcome(f"Opened {card.number} for {client}, treatment complete {day:%b %-d}.", card)


def show_case(firm: Firm, actor: str, number: str) -> CaseCard:
    with Transaction(firm, write=False) as s:
        return case_card(find_case(s, number, card_only=True), firm.today(), firm.calendar, firm.numbers)


def assign(firm: Firm, actor: str, number: str, manager: str) -> Outcome:
    def change(s: Session, case: Case) -> str:
        previous = case.manager_id
        if previous == manager:
            return f"{case.number} is already <@{manager}>'s."
        case.manager_id = manager
        for o in case.obligations:
            if o.state in ACTIVE:
                o.manager_id = manager
        audit(s, firm, case, actor, "assign", from_manager=previous, to_manager=manager)
        return f"{case.number} is now <@{manager}>'s (was <@{previous}>'s); its open obligations went along."

    return change_case(firm, actor, number, change)


def close_case(firm: Firm, actor: str, number: str, outcome: str) -> Outcome:
    try:
        to = Stage(outcome)
    except ValueError:
        to = None
    if to not in CLOSED_STAGES:
        raise InputError(
            "Close a case as settled, litigation or dropped.", example=f"/case close {number} settled"
        )

    def change(s: Session, case: Case) -> str:
        _open(case)
        enter_stage(s, firm, case, to, firm.today(), actor, None)
        return f"Closed {case.number} as {to.value}; its open obligations were cancelled."

    return change_case(firm, actor, number, change)


# ---------------------------------------------------------------- providers


def _provider(case: Case, ref: str) -> Provider:
    ref = ref.strip()
    if ref.isdigit():
        match = [p for p in case.providers if p.seq == int(ref)]
    else:
        match = [p for p in case.providers if p.name.lower() == ref.lower()] or [
            p for p in case.providers if p.name.lower().startswith(ref.lower())
        ]
    if len(match) == 1:
        return match[0]
    listed = ", ".join(f"{p.seq}. {p.name}" for p in case.providers) or "none yet"
    if not match:
        raise UnknownProvider(
            f"{case.number} has no provider “{ref[:60]}”. Its providers: {listed}.",
            example=f"/case provider {case.number} received 1 both",
        )
    raise UnknownProvider(
        f"“{ref[:60]}” matches more than one provider on {case.number}: {listed}. Use its number.",
        example=f"/case provider {case.number} received 1 both",
    )


def add_provider(firm: Firm, actor: str, number: str, name: str, *, on: date | None = None) -> Outcome:
    name = " ".join(printable(name).split())
    if not name or len(name) > 200:
        raise InputError("Name the provider.", example=f"/case provider {number} add Valley Orthopedics")
    day = event_day(firm, on)

    def change(s: Session, case: Case) -> str:
        _open(case)
        if any(p.name.lower() == name.lower() for p in case.providers):
            raise Conflict(f"{case.number} already has {name}.")
        seq = max((p.seq for p in case.providers), default=0) + 1
        case.providers.append(Provider(seq=seq, name=name, requested_on=day))
        audit(s, firm, case, actor, "provider_add", provider=name, requested_on=day)
        return f"Added provider {seq}, {name}: records and bills requested {day:%b %-d}."

    return change_case(firm, actor, number, change)


def provider_received(
    firm: Firm, actor: str, number: str, ref: str, what: str, *, on: date | None = None
) -> Outcome:
    if what not in ("records", "bills", "both"):
        raise InputError(
            "Say what arrived: records, bills or both.", example=f"/case provider {number} received 1 both"
        )

    def change(s: Session, case: Case) -> str:
        _open(case)
        p = _provider(case, ref)
        day = event_day(firm, on, not_before=p.requested_on, what=f"What {p.name} sent")
        if what in ("records", "both") and p.records_on is None:
            p.records_on = day
        if what in ("bills", "both") and p.bills_on is None:
            p.bills_on = day
        audit(s, firm, case, actor, "provider_received", provider=p.name, what=what, on=day)
        still = owed(p.records_on, p.bills_on)
        return f"{p.name}: {what} received {day:%b %-d}." + (
            f" Still owed: {still}." if still else " Nothing more owed."
        )

    return change_case(firm, actor, number, change)


def provider_followed_up(firm: Firm, actor: str, number: str, ref: str, *, on: date | None = None) -> Outcome:
    def change(s: Session, case: Case) -> str:
        _open(case)
        p = _provider(case, ref)
        day = event_day(firm, on, not_before=p.requested_on, what=f"A follow-up with {p.name}")
        case.contacts.append(Contact(kind="provider", provider_id=p.id, on=day, by=actor, at=firm.now()))
        audit(s, firm, case, actor, "provider_followed_up", provider=p.name, on=day)
        return f"Logged a follow-up with {p.name} on {day:%b %-d}; the next is due in {firm.numbers.provider_followup_days} days."

    return change_case(firm, actor, number, change)


# ---------------------------------------------------------------- contacts


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


# ---------------------------------------------------------------- stages


def advance(
    firm: Firm,
    actor: str,
    number: str,
    *,
    to: str | None = None,
    on: date | None = None,
    because: str | None = None,
    expected: str | None = None,
) -> Outcome:
    """Move the case to its next stage, or to the named one.

    `expected` is the stage the person saw (a button carries it); if the case has moved since, nothing
    happens and they are told. A plain advance right after another move is refused the same way, so that
    a double submit never moves a case two stages."""
    target = _stage_word(to, number) if to else None
    because = printable(because or "").strip()[:2000] or None

    with Transaction(firm) as s:
        case = find_case(s, number, for_update=True)
        role = _may_change(s, firm, actor, case)
        _open(case)
        current = Stage(case.stage)
        last = q.last_stage_change(s, case.id)
        if expected is not None and expected != current.value:
            raise Conflict(_moved_message(case, last))
        recent = case.advanced_at and firm.now() - _aware(case.advanced_at) < timedelta(
            seconds=firm.numbers.advance_guard_seconds
        )
        if target is None and expected is None and recent:
            raise Conflict(
                _moved_message(case, last)
                + f" To move it again, name the stage: /case advance {case.number} {STAGES[current].next or ''}".rstrip()
            )
        info = STAGES[current]
        dest = target or info.next
        if dest is None or dest in CLOSED_STAGES:  # noqa: SIM114 - two reasons, one answer
            raise PreconditionNotMet(
                f"{case.number} is at its last open stage; close it with /case close {case.number} settled|litigation|dropped."
            )
        if dest == current:
            raise Conflict(f"{case.number} is already at “{info.label}”.")
        forward_one = dest == info.next
        if STAGE_ORDER[dest] < STAGE_ORDER[current]:
            if role not in LEAD_ROLES or not because:
                raise NotAllowed(
                    f"A stage never moves backwards, except by a lead or an admin with a reason: "
                    f"/case advance {case.number} {dest.value} because <reason>."
                )
        else:
            problem = _precondition(case, current, dest, forward_one)
            if problem:
                if not because:
                    raise PreconditionNotMet(
                        problem
                        + f" A lead or an admin can override: /case advance {case.number} {dest.value} because <reason>."
                    )
                if role not in LEAD_ROLES:
                    raise NotAllowed(problem + " Only a lead or an admin can override it with a reason.")
        day = event_day(firm, on, not_before=case.stage_entered_on, what=f"Leaving “{info.label}”")
        enter_stage(s, firm, case, dest, day, actor, because)
        case.advanced_at = firm.now()
        replan(s, firm, case, actor)
        card = _card(s, firm, case)
    announce_change(firm, actor, card.number)
    return Outcome(
        f"{card.number} moved to “{STAGES[dest].label}” as of {day:%b %-d}.", card, moved_to=dest.value
    )


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _moved_message(case: Case, last: StageChange | None) -> str:
    who = f" by <@{last.by}>" if last else ""
    return f"{case.number} already moved to “{STAGES[Stage(case.stage)].label}”{who}; nothing changed."


def _stage_word(word: str, number: str) -> Stage:
    key = word.strip().lower().replace("-", "_")
    for stage in Stage:
        if key in (stage.value, stage.value.replace("_", "")):
            return stage
    names = ", ".join(s.value for s in Stage if s not in CLOSED_STAGES)
    raise InputError(
        f"“{word[:30]}” is not a stage. Stages: {names}.", example=f"/case advance {number} demand_queue"
    )


def _precondition(case: Case, current: Stage, dest: Stage, forward_one: bool) -> str | None:
    """Why the playbook says not yet, or None."""
    if not forward_one:
        return f"{case.number} is at “{STAGES[current].label}”; going straight to “{STAGES[dest].label}” skips steps."
    if STAGES[current].requires == "all_records_in":
        if not case.providers:
            return (
                f"{case.number} has no providers yet: add them with /case provider {case.number} add <name>."
            )
        owing = [
            f"{p.name} ({owed(p.records_on, p.bills_on)})"
            for p in case.providers
            if owed(p.records_on, p.bills_on)
        ]
        if owing:
            return f"{case.number} can't go to the demand yet: still owed by {'; '.join(owing)}."
    if via := STAGES[current].via:
        return f"Record it instead with {via.format(case=case.number)}."
    return None


# ---------------------------------------------------------------- hold-ups


def set_holdup(firm: Firm, actor: str, number: str, kind: str, note: str | None = None) -> Outcome:
    hold = _holdup_word(kind, number)
    note = printable(note or "").strip()[:2000] or None
    if hold is HoldUp.OTHER and not note:
        raise InputError("Say what holds it up.", example=f"/case holdup {number} other police report")

    def change(s: Session, case: Case) -> str:
        _open(case)
        existing = next((h for h in case.holdups if h.kind == hold.value and h.cleared_on is None), None)
        if existing and hold is not HoldUp.OTHER:
            existing.note = note or existing.note
        else:
            case.holdups.append(HoldUpRow(kind=hold.value, note=note, opened_on=firm.today(), by=actor))
        audit(s, firm, case, actor, "holdup", kind=hold.value, note=note)
        return f"Hold-up on {case.number}: {hold.value}" + (f" ({note})" if note else "") + "."

    return change_case(firm, actor, number, change)


def clear_holdup(firm: Firm, actor: str, number: str, kind: str = "all") -> Outcome:
    hold = None if kind.strip().lower() == "all" else _holdup_word(kind, number)

    def change(s: Session, case: Case) -> str:
        cleared = 0
        for h in case.holdups:
            if h.cleared_on is None and (hold is None or h.kind == hold.value):
                h.cleared_on, cleared = firm.today(), cleared + 1
        if not cleared:
            raise PreconditionNotMet(
                f"{case.number} has no open {hold.value if hold else ''} hold-up.".replace("  ", " ")
            )
        audit(s, firm, case, actor, "holdup_clear", kind=hold.value if hold else "all")
        return f"Cleared {cleared} hold-up{'s' if cleared > 1 else ''} on {case.number}."

    return change_case(firm, actor, number, change)


def _holdup_word(word: str, number: str) -> HoldUp:
    try:
        return HoldUp(word.strip().lower())
    except ValueError:
        raise InputError(
            f"“{word[:30]}” is not a hold-up: chart-notes, billing, wage-loss or other.",
            example=f"/case holdup {number} chart-notes",
        ) from None


# ---------------------------------------------------------------- demand


def demand_sent(
    firm: Firm, actor: str, number: str, *, on: date | None = None, adjuster: str | None = None
) -> Outcome:
    def change(s: Session, case: Case) -> str:
        _open(case)
        if any(d.kind == "sent" for d in case.demand_events):
            raise Conflict(
                f"{case.number}'s demand was already sent; if it went out again: /case demand {case.number} resent"
            )
        current = Stage(case.stage)
        if current not in (Stage.DEMAND_QUEUE, Stage.DEMAND_DRAFTING):
            raise PreconditionNotMet(
                f"{case.number} is at “{STAGES[current].label}”: a demand is sent from the demand stages "
                f"(/case advance {case.number} first)."
            )
        day = event_day(firm, on, not_before=case.stage_entered_on, what="The demand")
        case.demand_events.append(
            DemandEvent(kind="sent", on=day, adjuster=_name(adjuster), by=actor, at=firm.now())
        )
        enter_stage(s, firm, case, Stage.DEMAND_SENT, day, actor, None)
        audit(s, firm, case, actor, "demand_sent", on=day, adjuster=_name(adjuster))
        return (
            f"Demand on {case.number} sent {day:%b %-d}: tell the client today; check with the adjuster by "
            f"{firm.calendar.due(day, firm.numbers.adjuster_check_days):%b %-d}."
        )

    return change_case(firm, actor, number, change)


def demand_ack(firm: Firm, actor: str, number: str, *, on: date | None = None) -> Outcome:
    def change(s: Session, case: Case) -> str:
        rounds = [d for d in case.demand_events if d.kind in ("sent", "resent")]
        if not rounds:
            raise PreconditionNotMet(
                f"No demand was sent on {case.number} yet: /case demand {case.number} sent [YYYY-MM-DD]"
            )
        day = event_day(firm, on, not_before=rounds[-1].on, what="The acknowledgment")
        case.demand_events.append(DemandEvent(kind="ack", on=day, by=actor, at=firm.now()))
        audit(s, firm, case, actor, "demand_ack", on=day)
        return f"Acknowledgment of {case.number}'s demand recorded for {day:%b %-d}."

    return change_case(firm, actor, number, change)


def demand_resent(
    firm: Firm, actor: str, number: str, *, on: date | None = None, adjuster: str | None = None
) -> Outcome:
    def change(s: Session, case: Case) -> str:
        _open(case)
        rounds = [d for d in case.demand_events if d.kind in ("sent", "resent")]
        if not rounds:
            raise PreconditionNotMet(
                f"No demand was sent on {case.number} yet: /case demand {case.number} sent [YYYY-MM-DD]"
            )
        day = event_day(firm, on, not_before=rounds[-1].on, what="The resent demand")
        case.demand_events.append(
            DemandEvent(kind="resent", on=day, adjuster=_name(adjuster), by=actor, at=firm.now())
        )
        audit(s, firm, case, actor, "demand_resent", on=day, adjuster=_name(adjuster))
        return f"Demand on {case.number} resent {day:%b %-d}: tell the client; the adjuster check and the 30-day clock start again."

    return change_case(firm, actor, number, change)


def _name(text: str | None) -> str | None:
    text = " ".join(printable(text or "").split())
    return text[:200] or None


# ---------------------------------------------------------------- offers


def offer_received(
    firm: Firm, actor: str, number: str, amount: Decimal, *, final: bool = False, on: date | None = None
) -> Outcome:
    def change(s: Session, case: Case) -> str:
        _open(case)
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


# ---------------------------------------------------------------- obligations


def snooze(firm: Firm, actor: str, obligation_id: int, until: date) -> Outcome:
    today = firm.today()
    if until <= today:
        raise InputError("Snooze to a later day.", example=f"{today + timedelta(days=1):%Y-%m-%d}")
    with Transaction(firm) as s:
        ob = q.get_obligation(s, obligation_id)
        if ob is None:
            raise InputError("That reminder no longer exists.")
        case = q.get_case_by_id(s, ob.case_id, for_update=True)
        assert case is not None
        _may_change(s, firm, actor, case)
        s.refresh(ob)
        if ob.state not in ACTIVE:
            raise Conflict(f"That {ob.rule} on {case.number} is already {ob.state}.")
        day = firm.calendar.on_or_after(until)
        ob.state, ob.snoozed_until, ob.remind_on = "snoozed", day, max(day, ob.due_on)
        audit(s, firm, case, actor, "snooze", rule=ob.rule, key=ob.key, until=day)
        card = _card(s, firm, case)
    announce_change(firm, actor, card.number)
    return Outcome(
        f"Snoozed {ob.rule} on {card.number} until {day:%a %b %-d}; its due date stays {ob.due_on:%b %-d}.",
        card,
    )


def due_for(firm: Firm, user_ids: Iterable[str] | None, day: date | None = None) -> list[DueItem]:
    """Obligations to act on by `day` (default today) for these people (None: everyone), overdue first."""
    day = day or firm.today()
    with Transaction(firm, write=False) as s:
        ids = list(user_ids) if user_ids is not None else q.managers_with_active_due(s, day)
        rows = q.active_due_for(s, ids, day) if ids else []
        return [due_item(o, c, day, firm.calendar) for o, c in rows]


def overdue(firm: Firm, actor: str, user: str | None = None) -> list[DueItem]:
    """A manager sees their own; a lead or an admin sees everyone's (or one person's)."""
    today = firm.today()
    with Transaction(firm, write=False) as s:
        role = role_of(s, firm, actor)
        if role not in LEAD_ROLES:
            if user not in (None, actor):
                raise NotAllowed("Only a lead or an admin can see someone else's overdue list.")
            user = actor
        rows = q.active_overdue(s, today, None if user is None else [user])
        items = [due_item(o, c, today, firm.calendar) for o, c in rows]
    return sorted(items, key=lambda d: (d.manager, -d.overdue_days, d.case))


def my_cases(firm: Firm, actor: str) -> list[tuple[str, str, str, int]]:
    """The caller's open cases: (number, client, stage, days in stage), in stage order."""
    today = firm.today()
    with Transaction(firm, write=False) as s:
        rows = [
            (n, client, stage, (today - entered).days)
            for n, client, stage, entered in q.open_cases_of(s, actor)
        ]
    return sorted(rows, key=lambda r: (STAGE_ORDER[Stage(r[2])], -r[3], r[0]))


# ---------------------------------------------------------------- people


def set_role(firm: Firm, actor: str, user: str, role: str) -> str:
    if role not in ROLES:
        raise InputError(
            f"“{role[:20]}” is not a role: manager, lead or admin.", example="/case role @dana lead"
        )
    with Transaction(firm) as s:
        if role_of(s, firm, actor) != "admin":
            raise NotAllowed("Only an admin can change roles.")
        if user in firm.settings.admin_users and role != "admin":
            raise PreconditionNotMet(f"<@{user}> is an admin by the ADMIN_USERS setting; change it there.")
        staff = _staff(s, user)
        previous, staff.role = staff.role, role
        audit(s, firm, None, actor, "role", user=user, from_role=previous, to_role=role)
    return f"<@{user}> is now a {role}."


def _staff(s: Session, user: str) -> Staff:
    staff = q.get_staff(s, user, for_update=True)
    if staff is None:
        staff = Staff(user_id=user, role="manager")
        s.add(staff)
    return staff


def set_away(firm: Firm, actor: str, *, until: date | None = None, cover: str | None = None) -> str:
    today = firm.today()
    if until is not None and until < today:
        raise InputError(
            "“until” is the day you are back; it can't be in the past.",
            example=f"/case away until {today + timedelta(days=7):%Y-%m-%d}",
        )
    if cover == actor:
        raise InputError("Someone else covers for you while you are away.", example="/case away cover @dana")
    with Transaction(firm) as s:
        staff = _staff(s, actor)
        staff.away, staff.away_until, staff.cover_id = True, until, cover
        audit(s, firm, None, actor, "away", until=until, cover=cover)
    back = f" until {until:%b %-d}" if until else ""
    return f"You are away{back}. " + (
        f"<@{cover}> gets your reminders."
        if cover
        else "Your reminders wait for you; name a cover with /case away cover @someone."
    )


def set_back(firm: Firm, actor: str) -> str:
    with Transaction(firm) as s:
        staff = _staff(s, actor)
        staff.away, staff.away_until, staff.cover_id = False, None, None
        audit(s, firm, None, actor, "back")
    return "Welcome back: your reminders come to you again."


def remember_person(
    firm: Firm,
    user_id: str,
    *,
    name: str | None = None,
    email: str | None = None,
    tz: str | None = None,
    is_guest: bool = False,
    is_bot: bool = False,
    deleted: bool = False,
) -> None:
    """Cache what Slack says about a person (users.info), so it is asked at most once in a while."""
    with Transaction(firm) as s:
        staff = _staff(s, user_id)
        staff.name, staff.email, staff.tz = name, email, tz
        staff.is_guest, staff.is_bot, staff.deleted = is_guest, is_bot, deleted
        staff.info_fetched_at = firm.now()


def person(firm: Firm, user_id: str) -> Staff | None:
    with Transaction(firm, write=False) as s:
        staff = q.get_staff(s, user_id)
        if staff is not None:
            s.expunge(staff)
        return staff


def role(firm: Firm, user_id: str) -> str:
    with Transaction(firm, write=False) as s:
        return role_of(s, firm, user_id)


def claim_event(firm: Firm, event_id: str) -> bool:
    """Claim one Events API delivery before handling it; False when it was claimed already (Slack's retry)."""
    try:
        with Transaction(firm) as s:
            if s.get(EventClaim, event_id[:64]) is not None:
                return False
            s.add(EventClaim(event_id=event_id[:64], claimed_at=firm.now()))
    except IntegrityError:
        return False
    return True


def has_cases(firm: Firm) -> bool:
    with Transaction(firm, write=False) as s:
        return q.has_cases(s)


__all__ = [
    "CasebotError",
    "Firm",
    "Outcome",
    "advance",
    "add_provider",
    "assign",
    "claim_event",
    "clear_holdup",
    "close_case",
    "create_case",
    "demand_ack",
    "demand_resent",
    "demand_sent",
    "due_for",
    "has_cases",
    "list_offers",
    "log_contact",
    "my_cases",
    "offer_informed",
    "offer_received",
    "overdue",
    "provider_followed_up",
    "provider_received",
    "remember_person",
    "replan",
    "role",
    "set_away",
    "set_back",
    "set_holdup",
    "set_role",
    "show_case",
    "snooze",
]
