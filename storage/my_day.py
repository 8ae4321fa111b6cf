"""One person's day: what asks for their attention by a day, and in the business days after it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case, Obligation
from storage.queries import _active


def active_asking_by(session: Session, user_id: str, through: date) -> list[tuple[Obligation, Case]]:
    """One person's active obligations that ask for attention on or before `through` (their due day, or the
    day they were snoozed to): what is due by a day and what is coming up after it, in one range scan of the
    manager's reminder index; the caller splits them."""
    stmt = (
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .where(Obligation.manager_id == user_id, _active(), Obligation.remind_on <= through)
        .order_by(Obligation.remind_on, Obligation.due_on, Case.number_key, Obligation.id)
    )
    return [(o, c) for o, c in session.execute(stmt)]
