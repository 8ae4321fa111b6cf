"""The shape of every change: find the case, check who may change it, record the event, re-plan its
obligations and write the audit entry, all in one transaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import (
    FutureDate,
    InputError,
    PreconditionNotMet,
)
from bot.logs import failure
from bot.rules.ages import due_phrase
from bot.rules.planner import (
    CANCELLED,
    DONE,
    OPEN,
    Answer,
    CaseFacts,
    ClientWrote,
    DemandFacts,
    HoldUpFacts,
    LienFacts,
    OfferFacts,
    ProviderFacts,
    StageEntry,
    plan,
)
from bot.rules.playbook import (
    ACCOUNTING,
    CLOSED_STAGES,
    ESCALATE_KINDS,
    LEAD_ROLES,
    HoldUp,
    Kind,
    Role,
    Stage,
)
from bot.rules.said import said
from bot.services.access import covers_of, may_change, may_see, staff_row, unknown_case
from bot.services.cards import CaseCard, case_card
from bot.services.client_cards import client_contact_of
from bot.services.firm import Firm, Outcome, Transaction
from bot.services.home_marks import HomeMarker, last_day_shown
from storage import queries as q
from storage import reply_queries
from storage.client_models import ClientMessage
from storage.journal import Journal
from storage.models import (
    ACTIVE,
    AuditEntry,
    Case,
    CaseChange,
    Obligation,
    Provider,
    StageChange,
)

log = logging.getLogger(__name__)


def find_case(
    s: Session,
    number: str,
    *,
    firm: Firm | None = None,
    actor: str | None = None,
    for_update: bool = False,
    card_only: bool = False,
) -> Case:
    """The case with this number. An unknown number answers with the closest numbers the actor may see
    (none when no actor is given), so that case numbers can't be walked."""
    case = q.get_case(s, number, for_update=for_update, card_only=card_only)
    if case is None:
        raise unknown_case(s, firm, actor, number)
    return case


def find_case_for(s: Session, firm: Firm, actor: str, number: str, *, card_only: bool = False) -> Case:
    """A case to read: found, and the actor may see it."""
    case = find_case(s, number, firm=firm, actor=actor, card_only=card_only)
    may_see(s, firm, actor, case)
    return case


def require_open(case: Case) -> None:
    if case.closed_on is not None:
        raise PreconditionNotMet(f"{case.number} is closed ({case.stage}); closed cases do not change.")


def event_day(
    firm: Firm, on: date | None, *, not_before: date | None = None, what: str = "That", field: str = "on"
) -> date:
    """The day an event happened: `on`, or today; never later than today nor before `not_before`.
    A refusal names `field`, the argument the day came in."""
    today = firm.today()
    day = on or today
    if day > today:
        raise FutureDate(
            f"{day:%Y-%m-%d} is in the future: record events on the day they happened (today or earlier).",
            example=f"{today:%Y-%m-%d}",
            field=field,
        )
    if not_before is not None and day < not_before:
        raise InputError(
            said(what, f" can't be dated {day:%Y-%m-%d}, before {not_before:%Y-%m-%d}."),
            example=f"{not_before:%Y-%m-%d}",
            field=field,
        )
    return day


def due_words(firm: Firm, due_on: date, kind: str = "client") -> str:
    """How a reply speaks of a due day: "due today", "due Mon Nov 30" or "due Nov 6 — 22 days overdue
    (15 business days)", counted from today however long ago the event was."""
    today = firm.today()
    late = firm.calendar.business_days_between(due_on, today) if kind in ESCALATE_KINDS else None
    return due_phrase(due_on, today, late)


def audit(s: Session, firm: Firm, case: Case | None, actor: str, action: str, **detail: Any) -> None:
    clean = {
        k: (v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v)
        for k, v in detail.items()
        if v is not None
    }
    s.add(AuditEntry(case_id=case.id if case else None, at=firm.now(), by=actor, action=action, detail=clean))


def _facts(case: Case, wrote: tuple[ClientWrote, ...] = ()) -> CaseFacts:
    followups: dict[int, list[date]] = {}
    contacts = [c for c in case.contacts if c.voided_at is None]
    for c in contacts:
        if c.kind == Kind.PROVIDER and c.provider_id is not None:
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
        client_contacts=tuple(sorted(c.on for c in contacts if c.kind == Kind.CLIENT)),
        adjuster_contacts=tuple(sorted(c.on for c in contacts if c.kind == Kind.ADJUSTER)),
        demand=tuple(DemandFacts(d.kind, d.on, d.adjuster) for d in case.demand_events),
        offers=tuple(OfferFacts(o.n, o.received_on, o.final) for o in case.offers),
        holdups=tuple(
            HoldUpFacts(HoldUp(h.kind), h.note, h.opened_on) for h in case.holdups if h.cleared_on is None
        ),
        accounting_contacts=tuple(
            sorted(c.on for c in case.contacts if c.kind == Kind.CLIENT and c.topic == ACCOUNTING)
        ),
        liens=tuple(
            LienFacts(x.n, x.holder, x.asserted_on, x.reduced_on, x.accepted_on, x.paid_on)
            for x in case.liens
        ),
        client_wrote=wrote,
        client_answers=tuple(Answer(c.on, _aware(c.at)) for c in contacts if c.kind == Kind.CLIENT),
    )


def _aware(at: datetime) -> datetime:
    """SQLite gives back naive UTC; PostgreSQL and the clock, aware."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _client_wrote(s: Session, firm: Firm, case: Case) -> tuple[ClientWrote, ...]:
    """The client's messages that ask for an answer (R15), each with the day and moment it arrived."""
    tz = firm.settings.tz
    return tuple(
        ClientWrote(str(m.id), _aware(m.created_at).astimezone(tz).date(), _aware(m.created_at), m.channel)
        for m in reply_queries.asked_of(s, case.id)
    )


def replan(s: Session, firm: Firm, case: Case, actor: str, *, reopen: bool = False) -> None:
    """Bring the case's stored obligations in line with the playbook's plan for its facts.

    Done rows stay done (facts only grow), unless `reopen`: after a correction took a fact back (a contact
    voided or moved), what it had closed is open again. Snoozed rows keep their snooze while open; only rows
    that change are written.
    Every child of a case is added through the case's own collections (`case.contacts.append(...)`), so
    the facts planned here are the ones in memory: nothing is read from the database twice."""
    if any(isinstance(o, Provider | ClientMessage) for o in (*s.new, *s.dirty, *s.deleted)):
        s.flush()  # a new provider's id names its R3s; the client's messages are read back below
    with s.no_autoflush:  # the rest of the change is written with the plan, in one flush (card_of)
        wrote = _client_wrote(s, firm, case)
    stored = {o.key: o for o in case.obligations}
    now = firm.now()
    planned = plan(_facts(case, wrote), firm.calendar, firm.numbers)
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
        if (row.state == DONE and not reopen) or (row.state in (DONE, CANCELLED) and item.state != OPEN):
            continue
        if item.state == OPEN:
            if row.state in (CANCELLED, DONE):
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


def card_of(s: Session, firm: Firm, case: Case) -> CaseCard:
    s.flush()  # new obligations get the ids their buttons carry
    card = case_card(case, firm.today(), firm.calendar, firm.numbers)
    return replace(card, client_contact=client_contact_of(s, case.id))


def enter_stage(
    s: Session,
    firm: Firm,
    case: Case,
    to: Stage,
    on: date,
    actor: str,
    reason: str | None,
    *,
    via: str | None = None,
) -> None:
    """Record the move; `via` names the command that made it (see StageChange.via)."""
    case.stages.append(
        StageChange(
            seq=len(case.stages) + 1,
            from_stage=case.stage,
            to_stage=to.value,
            on=on,
            by=actor,
            reason=reason,
            at=firm.now(),
            via=via,
        )
    )
    audit(
        s, firm, case, actor, "stage", from_stage=case.stage, to_stage=to.value, on=on, reason=reason, via=via
    )
    case.stage, case.stage_entered_on = to.value, on
    case.closed_on = on if to in CLOSED_STAGES else None


def home_marker(s: Session, firm: Firm, actor: str) -> HomeMarker:
    """What marks a change to its actor's Home (bot/services/home_marks.py), once the case is locked and the
    actor checked (their row is the request's, read already)."""
    staff = staff_row(s, actor)
    lead = actor in firm.settings.admin_users or (staff is not None and Role(staff.role) in LEAD_ROLES)
    today = firm.today()
    through = last_day_shown(firm.calendar, today, firm.numbers.coming_up_business_days)
    return HomeMarker(s, actor, through=through, lead=lead)


def announce_change(firm: Firm, actor: str, number: str, *, shown: bool = True) -> None:
    """After commit: the actor changed the case (Firm.on_change), unless the change altered nothing their Home
    shows (`shown`, HomeMarker.shown): then their Home is not published again."""
    if not shown:
        return
    for hook in firm.on_change:
        try:
            hook(actor, number)
        except Exception as exc:  # a refresh of someone's Home tab must never undo a saved change
            failure(log, "run a change hook", exc, case=number, user=actor)


def sight(s: Session, firm: Firm, case: Case | None) -> frozenset[str]:
    """Who sees the case as one of its own (on their Home, in their lists): its manager, their cover while
    away, the people on its team. Leads and admins see every case whatever changes, so none is named."""
    if case is None:
        return frozenset()
    return frozenset({case.manager_id, *covers_of(s, firm, case.manager_id), *(m.user_id for m in case.team)})


def sight_moved(
    s: Session, firm: Firm, before: tuple[str, frozenset[str]], case: Case | None
) -> frozenset[str]:
    """Whose view of the case a change altered, from its manager and sight before it: everyone who sees it
    now and did not, or did and does not; and when its manager changed, everyone who sees it (their lists
    name its manager)."""
    manager, had = before
    has = sight(s, firm, case)
    return had | has if case is not None and case.manager_id != manager else had ^ has


def announce_views(firm: Firm, people: frozenset[str] | set[str]) -> None:
    """After commit: these people's views changed (Firm.on_views)."""
    if not people:
        return
    for hook in firm.on_views:
        try:
            hook(frozenset(people))
        except Exception as exc:  # a Home tab republished late must never undo a saved change
            failure(log, "run a views hook", exc)


def keep_change(s: Session, firm: Firm, case: Case, actor: str, journal: Journal) -> int | None:
    """Keep what a change did (its journal) with its audit entry, so that `/case undo` can put it back.
    The entry's id is what the reply's Undo button carries; None when the change wrote nothing."""
    s.flush()
    entries = [e for e in journal.audit if e.case_id == case.id]
    if not entries or not (journal.added or journal.updated or journal.removed):
        return None
    entry = entries[-1]
    s.add(
        CaseChange(
            audit_id=entry.id,
            case_id=case.id,
            case_number=case.number,
            by=actor,
            at=firm.now(),
            action=entry.action,
            rows=journal.rows(),
        )
    )
    return entry.id


def change_case(
    firm: Firm,
    actor: str,
    number: str,
    change: Callable[[Session, Case], str],
    *,
    check: Callable[[Session, Firm, str, Case], str] = may_change,
    reopen: bool = False,
    moves_sight: bool = False,
) -> Outcome:
    """The shape of every change: lock the case, check who may, change, re-plan, audit, keep what it did
    (for undo), commit, show. A change that `moves_sight` (a new manager, a team) names the people whose
    view it changed (sight_moved), and announces them."""
    return change_found(
        firm,
        actor,
        lambda s: find_case(s, number, firm=firm, actor=actor, for_update=True),
        change,
        check=check,
        reopen=reopen,
        moves_sight=moves_sight,
    )


def change_found(
    firm: Firm,
    actor: str,
    find: Callable[[Session], Case],
    change: Callable[[Session, Case], str],
    *,
    check: Callable[[Session, Firm, str, Case], str] = may_change,
    reopen: bool = False,
    moves_sight: bool = False,
) -> Outcome:
    """`change_case` for a case found another way (`find` locks it): a digest item's, by the item."""
    with Transaction(firm) as s, Journal(s) as journal:
        case = find(s)
        check(s, firm, actor, case)
        marker = home_marker(s, firm, actor)
        before = (case.manager_id, sight(s, firm, case)) if moves_sight else None
        message = change(s, case)
        replan(s, firm, case, actor, reopen=reopen)
        card = card_of(s, firm, case)
        undo = keep_change(s, firm, case, actor, journal)
        views = sight_moved(s, firm, before, case) - {actor} if before else frozenset()
        mark = marker.mark(case.id)
    firm.homes.note(mark)
    announce_change(firm, actor, card.number, shown=marker.shown)
    announce_views(firm, views)
    return Outcome(message, card, undo=undo, views=views)
