"""Every read casebot makes, as functions of a session. Services call these; nothing else builds SQL."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, bindparam, func, inspect, literal, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from storage.models import (
    ACTIVE,
    AuditEntry,
    CalendarLink,
    Case,
    CaseChange,
    Contact,
    ContactAttempt,
    Obligation,
    Offer,
    Provider,
    Staff,
    StageChange,
    StageCount,
    TeamMember,
)
from storage.stage_counts import day_number

# A case's children in as few statements as the plan or the card needs. The collections a case holds few of
# (its team, hold-ups, demand rounds, offers, liens, costs: most none, a settled case a handful) come joined to
# the case's own row, one statement; the ones that grow (providers, stage history, contacts, attempts,
# obligations) each by one statement on the case's id (_GROWING), so their rows never multiply with the others'.
_FEW = tuple(
    joinedload(c) for c in (Case.team, Case.holdups, Case.demand_events, Case.offers, Case.liens, Case.costs)
)
# Many cases at once (an export, an import): every collection by one `IN` statement for all of them.
_MANY_CASES_CHILDREN = tuple(
    selectinload(c)
    for c in (Case.providers, Case.team, Case.stages, Case.holdups, Case.demand_events, Case.offers)
    + (Case.contacts, Case.attempts, Case.liens, Case.costs, Case.obligations)
)


def columns_only(session: Session) -> Connection:
    """The session's connection, for statements of plain columns built once: nothing for the ORM to load, and
    its result machinery skipped (half the time or less for a list of rows, bench/RESULTS.md issue 23). What
    the session holds unwritten is written first, as its own execute would (nothing, in a read transaction)."""
    session.flush()
    return session.connection()


def _active() -> ColumnElement[bool]:
    """An obligation still asks for something. The states go in the SQL text as literals: SQLite uses the
    partial indexes (WHERE state IN ('open', 'snoozed')) only when it can see that the query implies that
    clause from its text, and bound parameters hide it (bench/RESULTS.md measured a full scan without)."""
    return Obligation.state.in_([literal(state, literal_execute=True) for state in ACTIVE])


def in_code_point_order(session: Session, column: Any) -> Any:
    """Text ordered by code point, as Python sorts strings: SQLite's default; PostgreSQL's "C" collation
    (its default follows the database's locale)."""
    return column.collate("C") if session.get_bind().dialect.name == "postgresql" else column


# What a due item shows of the case's attempts ("tried Nov 30, voicemail"): loaded with the obligations.
_ATTEMPTS = selectinload(Case.attempts)


def case_key(number: str) -> str:
    return number.replace("\x00", "").strip().upper()


def _of_case(model: Any, order: Any, *where: ColumnElement[bool]) -> Select[Any]:
    """One case's rows of a growing collection, in the relationship's order."""
    stmt = select(model).where(model.case_id == bindparam("case_id"), *where).order_by(order)
    return stmt.execution_options(autoflush=False)  # as a loader reads: nothing half-made is flushed for it


# Each growing collection by a statement built once. selectinload builds its statement, loader state and cache
# key again on every load; for one case that cost more than the query (a change's read of the whole case
# 3.4 to 1.6 ms at 100,000 cases, bench/RESULTS.md run R7).
_GROWING = {
    "providers": _of_case(Provider, Provider.seq),
    "stages": _of_case(StageChange, StageChange.seq),
    "contacts": _of_case(Contact, Contact.id),
    "attempts": _of_case(ContactAttempt, ContactAttempt.id),
    "obligations": _of_case(Obligation, Obligation.id),
}
# What the case card shows: no stage history, only the active obligations.
_CARD_GROWING = {
    **{name: _GROWING[name] for name in ("providers", "contacts", "attempts")},
    "obligations": _of_case(Obligation, Obligation.id, _active()),
}


def _case_by(column: Any, options: Sequence[Any], for_update: bool) -> Select[Case]:
    stmt = select(Case).where(column == bindparam("key")).options(*options)
    return stmt.with_for_update(of=Case) if for_update else stmt  # the case's row: not the joined children's


# Built once: a statement with its loader options costs about a quarter of a millisecond to build again, on
# every command that reads a case (bench/RESULTS.md, issue 23). (by id, with children, for update) -> statement
_CASE_BY = {
    (by_id, children, for_update): _case_by(
        Case.id if by_id else Case.number_key, _FEW if children else (), for_update
    )
    for by_id in (True, False)
    for children in (True, False)
    for for_update in (True, False)
}


def _one_case(
    session: Session, by_id: bool, key: str | int, for_update: bool, growing: dict[str, Select[Any]] | None
) -> Case | None:
    """The case and, given `growing`, those collections: each read unless this session holds it already."""
    case = (
        session.scalars(_CASE_BY[(by_id, growing is not None, for_update)], {"key": key})
        .unique()
        .one_or_none()
    )
    if case is not None and growing is not None:
        unloaded = inspect(case).unloaded
        for name, stmt in growing.items():
            if name in unloaded:
                set_committed_value(case, name, list(session.scalars(stmt, {"case_id": case.id})))
    return case


def get_case(
    session: Session, number: str, *, for_update: bool = False, children: bool = True, card_only: bool = False
) -> Case | None:
    """The case with this number (any letter case); with for_update, locked until the transaction ends.
    `card_only` loads just what the case card shows (no stage history, only the active obligations): for
    reading, never for a change, which plans from every fact."""
    growing = _CARD_GROWING if card_only else _GROWING if children else None
    return _one_case(session, False, case_key(number), for_update, growing)


def get_case_by_id(session: Session, case_id: int, *, for_update: bool = False) -> Case | None:
    return _one_case(session, True, case_id, for_update, _GROWING)


def on_team(session: Session, case_id: int, user_id: str) -> bool:
    stmt = select(TeamMember.user_id).where(TeamMember.case_id == case_id, TeamMember.user_id == user_id)
    return session.scalars(stmt).first() is not None


def cases_on_team_of(session: Session, user_id: str, case_ids: Iterable[int]) -> set[int]:
    """Of these cases, the ones whose team this person is on."""
    ids = sorted(set(case_ids))
    found: set[int] = set()
    for chunk in range(0, len(ids), 500):
        stmt = select(TeamMember.case_id).where(
            TeamMember.user_id == user_id, TeamMember.case_id.in_(ids[chunk : chunk + 500])
        )
        found.update(session.scalars(stmt))
    return found


def team_of(session: Session, case_id: int) -> list[TeamMember]:
    stmt = select(TeamMember).where(TeamMember.case_id == case_id).order_by(TeamMember.added_at)
    return list(session.scalars(stmt))


_STAFF = select(Staff).where(Staff.user_id == bindparam("user_id"))  # built once: read on every request
_STAFF_FOR_UPDATE = _STAFF.with_for_update()


def get_staff(session: Session, user_id: str, *, for_update: bool = False) -> Staff | None:
    return session.scalars(_STAFF_FOR_UPDATE if for_update else _STAFF, {"user_id": user_id}).first()


def staff_by_ids(session: Session, user_ids: Iterable[str]) -> dict[str, Staff]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    return {s.user_id: s for s in session.scalars(select(Staff).where(Staff.user_id.in_(ids)))}


def staff_with_role(session: Session, roles: Sequence[str]) -> list[Staff]:
    return list(session.scalars(select(Staff).where(Staff.role.in_(roles)).order_by(Staff.user_id)))


def all_staff(session: Session) -> list[Staff]:
    return list(session.scalars(select(Staff).order_by(Staff.user_id)))


def last_stage_change(session: Session, case_id: int) -> StageChange | None:
    stmt = select(StageChange).where(StageChange.case_id == case_id).order_by(StageChange.seq.desc()).limit(1)
    return session.scalars(stmt).first()


def active_due_for(session: Session, user_ids: Sequence[str], day: date) -> list[tuple[Obligation, Case]]:
    """Active obligations of these people's cases to be acted on by `day` (due or snoozed until then):
    one index range scan per person, then the cases by primary key."""
    stmt = (
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .options(_ATTEMPTS)
        # remind_on is never before due_on, so `due_on <= day` changes nothing but lets the index narrow it.
        .where(
            Obligation.manager_id.in_(list(user_ids)),
            _active(),
            Obligation.remind_on <= day,
            Obligation.due_on <= day,
        )
        .order_by(Obligation.due_on, Case.number_key, Obligation.id)
    )
    return [(o, c) for o, c in session.execute(stmt)]


def active_coming_up(
    session: Session, user_ids: Sequence[str], after: date, through: date
) -> list[tuple[Obligation, Case]]:
    """Active obligations of these people's cases that ask for attention after `after`, up to `through`
    (their due day, or the day they were snoozed to): a range scan of the manager's reminder index."""
    stmt = (
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .options(_ATTEMPTS)
        .where(
            Obligation.manager_id.in_(list(user_ids)),
            _active(),
            Obligation.remind_on > after,
            Obligation.remind_on <= through,
        )
        .order_by(Obligation.remind_on, Obligation.due_on, Case.number_key, Obligation.id)
    )
    return [(o, c) for o, c in session.execute(stmt)]


def active_overdue(
    session: Session, today: date, user_ids: Sequence[str] | None = None
) -> list[tuple[Obligation, Case]]:
    """Active obligations whose due date is before today, most overdue first."""
    stmt = (
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .options(_ATTEMPTS)
        .where(_active(), Obligation.due_on < today)
        .order_by(Obligation.due_on, Case.number_key, Obligation.id)
    )
    if user_ids is not None:
        stmt = stmt.where(Obligation.manager_id.in_(list(user_ids)))
    return [(o, c) for o, c in session.execute(stmt)]


def managers_with_active_due(session: Session, day: date) -> list[str]:
    """Everyone with at least one obligation to act on by `day`."""
    stmt = (
        select(Obligation.manager_id)
        # remind_on is never before due_on: `due_on <= day` makes this a range scan of the due-date index,
        # so its cost follows what is due, not how many obligations the firm has.
        .where(_active(), Obligation.remind_on <= day, Obligation.due_on <= day)
        .distinct()
        .order_by(Obligation.manager_id)
    )
    return list(session.scalars(stmt))


def get_obligation(session: Session, obligation_id: int, *, for_update: bool = False) -> Obligation | None:
    stmt = select(Obligation).where(Obligation.id == obligation_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def open_cases_of(session: Session, user_id: str) -> list[tuple[str, str, str, date]]:
    """A manager's open cases as (number, client, stage, day the stage was entered): just what a list shows."""
    stmt = (
        select(Case.number, Case.client_name, Case.stage, Case.stage_entered_on)
        .where(Case.manager_id == user_id, Case.closed_on.is_(None))
        .order_by(Case.number_key)
    )
    return [(n, c, st, d) for n, c, st, d in session.execute(stmt)]


def open_cases(session: Session) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.closed_on.is_(None)).order_by(Case.number_key)))


def has_cases(session: Session) -> bool:
    return session.scalars(select(Case.id).limit(1)).first() is not None


def all_cases(session: Session) -> list[Case]:
    return list(session.scalars(select(Case).options(*_MANY_CASES_CHILDREN).order_by(Case.number_key)))


def active_obligations_of_manager(session: Session, user_id: str) -> list[Obligation]:
    stmt = select(Obligation).where(Obligation.manager_id == user_id, _active())
    return list(session.scalars(stmt))


def audit_of(session: Session, case_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id))
    )


# ---------------------------------------------------------------- the leads' view, import/export


def firm_workspace(session: Session) -> str | None:
    """The firm's Slack workspace id, as the calendar links were given in it (None before any link)."""
    return session.scalars(
        select(CalendarLink.workspace)
        .where(CalendarLink.workspace.is_not(None))
        .order_by(CalendarLink.id.desc())
    ).first()


def calendar_link_owner(session: Session, token_hash: str) -> str | None:
    return session.scalars(select(CalendarLink.user_id).where(CalendarLink.token_hash == token_hash)).first()


def calendar_links_of(session: Session, user_id: str, *, lock: bool = False) -> list[CalendarLink]:
    """A person's calendar links, oldest first; `lock` holds them until the transaction ends."""
    stmt = select(CalendarLink).where(CalendarLink.user_id == user_id).order_by(CalendarLink.id)
    if lock:
        stmt = stmt.with_for_update()
    return list(session.scalars(stmt))


def open_cases_by_stage(session: Session, today: date) -> list[tuple[str, int, float, date]]:
    """(stage, open cases, total days in stage, earliest day entered), one row a stage with open cases.
    The counts and day sums are stage_counts' rows (storage/stage_counts.py); the earliest day one seek of
    ix_cases_open_stage a stage: nothing here reads every open case."""
    earliest = (
        select(func.min(Case.stage_entered_on))
        .where(Case.closed_on.is_(None), Case.stage == StageCount.stage)
        .scalar_subquery()
    )
    stmt = select(StageCount.stage, StageCount.open_cases, StageCount.entered_days, earliest).where(
        StageCount.open_cases > 0
    )
    today_n = day_number(today)
    return [
        (st, int(n), float(int(n) * today_n - int(days)), first)
        for st, n, days, first in session.execute(stmt).all()
    ]


def overdue_count_by_manager(
    session: Session, today: date, user_ids: Sequence[str] | None = None
) -> list[tuple[str, int, date]]:
    """(manager, active obligations past due, the oldest due day), most overdue first: read from
    ix_obligations_active_by_due alone (due_on, manager_id), so it costs what is overdue."""
    stmt = (
        select(Obligation.manager_id, func.count(), func.min(Obligation.due_on))
        .where(_active(), Obligation.due_on < today)
        .group_by(Obligation.manager_id)
        .order_by(func.min(Obligation.due_on), in_code_point_order(session, Obligation.manager_id))
    )
    if user_ids is not None:
        stmt = stmt.where(Obligation.manager_id.in_(list(user_ids)))
    return [(m, int(n), d) for m, n, d in session.execute(stmt).all()]


def _untold(received_before: date) -> tuple[ColumnElement[bool], ...]:
    return Case.closed_on.is_(None), Offer.informed_on.is_(None), Offer.received_on < received_before


def _of_open_case() -> ColumnElement[bool]:
    """The offer's case is open, asked of that case by primary key (a correlated subquery): a planner may
    otherwise read every case to join the few the offers name."""
    closed = select(Case.closed_on).where(Case.id == Offer.case_id).scalar_subquery()
    return closed.is_(None)


def offers_not_told(
    session: Session, received_before: date, limit: int | None = None
) -> list[tuple[str, str, int, date, bool]]:
    """(case, manager, offer n, received day, final) of open cases' offers the client has not been told of,
    received before the given day, oldest first (the first `limit` of them): a range scan of
    ix_offers_untold, which holds only the offers not told."""
    stmt = (
        select(Case.number, Case.manager_id, Offer.n, Offer.received_on, Offer.final)
        .join(Case, Case.id == Offer.case_id)
        .where(*_untold(received_before))
        .order_by(Offer.received_on, Case.number_key, Offer.n)
        .limit(limit)
    )
    return [(c, m, n, d, f) for c, m, n, d, f in session.execute(stmt).all()]


def count_offers_not_told(session: Session, received_before: date) -> int:
    """How many offers_not_told there are in all: ix_offers_untold, and each one's case by primary key."""
    stmt = select(func.count()).where(
        Offer.informed_on.is_(None), Offer.received_on < received_before, _of_open_case()
    )
    return int(session.scalar(stmt) or 0)


def open_cases_by_stage_and_age(
    session: Session, today: date, edges: Sequence[int]
) -> list[tuple[str, int, int]]:
    """(stage, bucket, open cases): bucket i holds cases in their stage at least edges[i-1] days and
    fewer than edges[i] (the last bucket: edges[-1] days or more)."""
    bucket = sql_case(
        *((Case.stage_entered_on > today - timedelta(days=edge), i) for i, edge in enumerate(edges)),
        else_=len(edges),
    )
    stmt = (
        select(Case.stage, bucket, func.count()).where(Case.closed_on.is_(None)).group_by(Case.stage, bucket)
    )
    return [(st, int(b), int(n)) for st, b, n in session.execute(stmt).all()]


def lock_open_cases_of(session: Session, user_id: str) -> list[Case]:
    """A manager's open cases with their obligations and teams, locked until the transaction ends."""
    stmt = (
        select(Case)
        .where(Case.manager_id == user_id, Case.closed_on.is_(None))
        .order_by(Case.number_key)
        .with_for_update()
    )
    cases = list(session.scalars(stmt))
    ids = [c.id for c in cases]
    for chunk in range(0, len(ids), 500):
        list(
            session.scalars(
                select(Case)
                .where(Case.id.in_(ids[chunk : chunk + 500]))
                .options(selectinload(Case.obligations), selectinload(Case.team))
            )
        )
    return cases


def cases_by_keys(session: Session, keys: Iterable[str], *, for_update: bool = False) -> dict[str, Case]:
    """Cases by number key (upper-cased number), with everything on them, fetched in batches."""
    wanted = sorted({case_key(k) for k in keys})
    found: dict[str, Case] = {}
    for chunk in range(0, len(wanted), 500):
        stmt = (
            select(Case)
            .where(Case.number_key.in_(wanted[chunk : chunk + 500]))
            .options(*_MANY_CASES_CHILDREN)
        )
        if for_update:
            stmt = stmt.with_for_update()
        found.update((c.number_key, c) for c in session.scalars(stmt))
    return found


def all_audit(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


# ---------------------------------------------------------------- undo


def live_changes(session: Session, case_id: int) -> list[CaseChange]:
    """The case's recorded changes that stand (not undone), oldest first."""
    stmt = (
        select(CaseChange)
        .where(CaseChange.case_id == case_id, CaseChange.undone_at.is_(None))
        .order_by(CaseChange.id)
    )
    return list(session.scalars(stmt))


def change_of_audit(session: Session, audit_id: int) -> CaseChange | None:
    return session.scalars(select(CaseChange).where(CaseChange.audit_id == audit_id)).first()


def audit_entry(session: Session, audit_id: int) -> AuditEntry | None:
    return session.get(AuditEntry, audit_id)


# ---------------------------------------------------------------- obligations by id (reminders, snoozes)


def obligations_by_ids(session: Session, ids: Sequence[int]) -> list[tuple[Obligation, Case]]:
    found: list[tuple[Obligation, Case]] = []
    wanted = sorted(set(ids))
    for chunk in range(0, len(wanted), 500):
        stmt = (
            select(Obligation, Case)
            .join(Case, Case.id == Obligation.case_id)
            .where(Obligation.id.in_(wanted[chunk : chunk + 500]))
        )
        found.extend((o, c) for o, c in session.execute(stmt).all())
    return found
