"""Every read casebot makes, as functions of a session. Services call these; nothing else builds SQL."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from storage.models import ACTIVE, AuditEntry, Case, Delivery, Escalation, Obligation, Staff, StageChange

_CASE_CHILDREN = (
    selectinload(Case.providers),
    selectinload(Case.stages),
    selectinload(Case.holdups),
    selectinload(Case.demand_events),
    selectinload(Case.offers),
    selectinload(Case.contacts),
    selectinload(Case.obligations),
)


def case_key(number: str) -> str:
    return number.strip().upper()


def get_case(session: Session, number: str, *, for_update: bool = False, children: bool = True) -> Case | None:
    """The case with this number (any letter case); with for_update, locked until the transaction ends."""
    stmt = select(Case).where(Case.number_key == case_key(number))
    if for_update:
        stmt = stmt.with_for_update()
    if children:
        stmt = stmt.options(*_CASE_CHILDREN)
    return session.scalars(stmt).first()


def get_case_by_id(session: Session, case_id: int, *, for_update: bool = False) -> Case | None:
    stmt = select(Case).where(Case.id == case_id).options(*_CASE_CHILDREN)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def closest_numbers(session: Session, number: str, limit: int = 3) -> list[str]:
    """Existing case numbers that look like `number`: same digits first, then similar spelling.
    Looks at a bounded candidate set, so it stays fast at any number of cases."""
    key = case_key(number)
    digits = "".join(re.findall(r"\d+", key))
    candidates: set[str] = set()
    if digits:
        like = f"%{digits[-4:]}%"
        candidates.update(session.scalars(select(Case.number).where(Case.number_key.like(like)).limit(200)))
    prefix = key[:3]
    if prefix:
        candidates.update(session.scalars(select(Case.number).where(Case.number_key.like(f"{prefix}%")).limit(200)))
    by_key = {c.upper(): c for c in candidates}
    close = difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.6)
    return [by_key[k] for k in close]


def get_staff(session: Session, user_id: str, *, for_update: bool = False) -> Staff | None:
    stmt = select(Staff).where(Staff.user_id == user_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def staff_by_ids(session: Session, user_ids: Iterable[str]) -> dict[str, Staff]:
    ids = list(set(user_ids))
    if not ids:
        return {}
    return {s.user_id: s for s in session.scalars(select(Staff).where(Staff.user_id.in_(ids)))}


def staff_with_role(session: Session, roles: Sequence[str]) -> list[Staff]:
    return list(session.scalars(select(Staff).where(Staff.role.in_(roles)).order_by(Staff.user_id)))


def staff_by_email(session: Session, email: str) -> Staff | None:
    return session.scalars(select(Staff).where(func.lower(Staff.email) == email.strip().lower())).first()


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
        .where(Obligation.manager_id.in_(list(user_ids)), Obligation.state.in_(ACTIVE), Obligation.remind_on <= day)
        .order_by(Obligation.due_on, Case.number_key, Obligation.id)
    )
    return [(o, c) for o, c in session.execute(stmt)]


def active_overdue(session: Session, today: date, user_ids: Sequence[str] | None = None) -> list[tuple[Obligation, Case]]:
    """Active obligations whose due date is before today, most overdue first."""
    stmt = (
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .where(Obligation.state.in_(ACTIVE), Obligation.due_on < today)
        .order_by(Obligation.due_on, Case.number_key, Obligation.id)
    )
    if user_ids is not None:
        stmt = stmt.where(Obligation.manager_id.in_(list(user_ids)))
    return [(o, c) for o, c in session.execute(stmt)]


def managers_with_active_due(session: Session, day: date) -> list[str]:
    """Everyone with at least one obligation to act on by `day`."""
    stmt = (
        select(Obligation.manager_id)
        .where(Obligation.state.in_(ACTIVE), Obligation.remind_on <= day)
        .distinct()
        .order_by(Obligation.manager_id)
    )
    return list(session.scalars(stmt))


def get_obligation(session: Session, obligation_id: int, *, for_update: bool = False) -> Obligation | None:
    stmt = select(Obligation).where(Obligation.id == obligation_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def open_cases_of(session: Session, user_id: str) -> list[Case]:
    stmt = select(Case).where(Case.manager_id == user_id, Case.closed_on.is_(None)).order_by(Case.number_key)
    return list(session.scalars(stmt))


def open_cases(session: Session) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.closed_on.is_(None)).order_by(Case.number_key)))


def all_cases(session: Session) -> list[Case]:
    return list(session.scalars(select(Case).options(*_CASE_CHILDREN).order_by(Case.number_key)))


def active_obligations_of_manager(session: Session, user_id: str) -> list[Obligation]:
    stmt = select(Obligation).where(Obligation.manager_id == user_id, Obligation.state.in_(ACTIVE))
    return list(session.scalars(stmt))


def audit_of(session: Session, case_id: int) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)))


def get_delivery(session: Session, key: str, *, for_update: bool = False) -> Delivery | None:
    stmt = select(Delivery).where(Delivery.key == key)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def open_escalations_of_case(session: Session, case_id: int) -> list[Escalation]:
    stmt = select(Escalation).where(Escalation.case_id == case_id, Escalation.cleared_at.is_(None))
    return list(session.scalars(stmt))
