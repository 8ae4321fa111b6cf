"""A case's history: its audit entries, newest first, a page at a time."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import AuditEntry, Case, Contact


def audit_count(session: Session, case_id: int) -> int:
    stmt = select(func.count()).select_from(AuditEntry).where(AuditEntry.case_id == case_id)
    return int(session.scalar(stmt) or 0)


def audit_page(session: Session, case_id: int, offset: int, limit: int) -> list[AuditEntry]:
    """Newest first (by id: the order they were recorded in)."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.case_id == case_id)
        .order_by(AuditEntry.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def undone_ids(session: Session, case_id: int) -> set[int]:
    """The audit entries of the case a `/case undo` took back."""
    stmt = select(AuditEntry.detail).where(AuditEntry.case_id == case_id, AuditEntry.action == "undo")
    return {int(d.get("undid", 0)) for d in session.scalars(stmt) if d}


def last_client_notes(session: Session, numbers: list[str]) -> dict[str, tuple[date, str]]:
    """For each of these cases, the latest client contact (not voided) that has a note: its day and note."""
    if not numbers:
        return {}
    stmt = (
        select(Case.number, Contact.on, Contact.id, Contact.note)
        .join(Contact, Contact.case_id == Case.id)
        .where(
            Case.number.in_(numbers),
            Contact.kind == "client",
            Contact.voided_at.is_(None),
            Contact.note.is_not(None),
        )
    )
    best: dict[str, tuple[date, int, str]] = {}
    for number, on, cid, note in session.execute(stmt):
        if number not in best or (on, cid) > best[number][:2]:
            best[number] = (on, cid, note or "")
    return {n: (on, note) for n, (on, _, note) in best.items()}
