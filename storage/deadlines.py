"""The open cases' legal dates: limitation dates and claim deadlines against a public entity, for the alerts,
the digest's flags, the leads' view and the calendar feeds."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from storage.models import AuditEntry, Case


def open_cases_with_limitation_by(session: Session, until: date) -> list[tuple[str, str, date]]:
    """(number, manager, limitation date) of open cases whose limitation date is on or before `until`,
    soonest first: a range scan of the partial index ix_cases_open_limitation."""
    stmt = (
        select(Case.number, Case.manager_id, Case.limitation_on)
        .where(Case.closed_on.is_(None), Case.limitation_on.is_not(None), Case.limitation_on <= until)
        .order_by(Case.limitation_on, Case.number_key)
    )
    return [(n, m, d) for n, m, d in session.execute(stmt).all() if d is not None]


def open_cases_with_claim_deadline_by(session: Session, until: date) -> list[tuple[str, str, date]]:
    """(number, manager, claim deadline) of open cases whose claim deadline against a public entity is on or
    before `until`, soonest first: a range scan of the partial index ix_cases_open_claim_deadline."""
    stmt = (
        select(Case.number, Case.manager_id, Case.claim_deadline_on)
        .where(
            Case.closed_on.is_(None),
            Case.claim_deadline_on.is_not(None),
            Case.claim_deadline_on <= until,
            Case.claim_presented_on.is_(None),  # a claim presented or rejected is alerted no more
            Case.claim_rejected_on.is_(None),
        )
        .order_by(Case.claim_deadline_on, Case.number_key)
    )
    return [(n, m, d) for n, m, d in session.execute(stmt).all() if d is not None]


def open_case_deadlines(session: Session, manager: str | None = None) -> list[Any]:
    """Open cases with a limitation date or a claim deadline (of one manager, or all), by case number:
    the columns a calendar feed shows and nothing else."""
    stmt = (
        select(
            Case.number,
            Case.number_key,
            Case.client_name,
            Case.manager_id,
            Case.stage,
            Case.limitation_on,
            Case.loss_on,
            Case.loss_state,
            Case.loss_motor,
            Case.claim_deadline_on,
            Case.public_entity,
            Case.claim_presented_on,
            Case.claim_rejected_on,
            Case.claim_rejection,
            Case.id,
        )
        .where(
            Case.closed_on.is_(None),
            or_(Case.limitation_on.is_not(None), Case.claim_deadline_on.is_not(None)),
        )
        .order_by(Case.number_key)
    )
    if manager is not None:
        stmt = stmt.where(Case.manager_id == manager)
    return list(session.execute(stmt).all())


def deadline_versions(session: Session, case_ids: list[int], actions: tuple[str, ...]) -> dict[int, int]:
    """How many times each case's deadlines were set, corrected or undone (its audit entries of `actions`):
    the calendar event's SEQUENCE, which only grows (the audit is append-only)."""
    if not case_ids:
        return {}
    stmt = (
        select(AuditEntry.case_id, func.count())
        .where(AuditEntry.case_id.in_(case_ids), AuditEntry.action.in_(actions))
        .group_by(AuditEntry.case_id)
    )
    return {int(c): int(n) for c, n in session.execute(stmt).all() if c is not None}
