"""The overdue list a page at a time: the rows of one page, in the order the list shows them.

The list runs manager by manager (the manager with the most overdue item first: storage.queries.
overdue_count_by_manager gives that order and each manager's count from the index alone), and within a
manager most overdue first. So a page's position names its managers and how far into the first one it
starts, and only those managers' overdue obligations are read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import case as sql_case
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Case, Obligation
from storage.queries import _active, in_code_point_order


def overdue_rows(
    session: Session, today: date, managers: Sequence[str], skip: int, limit: int
) -> list[tuple[Obligation, Case]]:
    """Active obligations of `managers` due before `today`, the managers in the order given, each one's
    most overdue first (then by case number, rule and id, as the list has always broken ties), from the
    `skip`-th, at most `limit`. Reads those managers' overdue rows through ix_obligations_active_by_manager_due
    and nothing of anyone else's."""
    if not managers or limit <= 0:
        return []
    rank = sql_case({m: i for i, m in enumerate(managers)}, value=Obligation.manager_id)
    stmt = (
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .where(Obligation.manager_id.in_(list(managers)), _active(), Obligation.due_on < today)
        .order_by(
            rank,
            Obligation.due_on,
            in_code_point_order(session, Case.number),
            in_code_point_order(session, Obligation.rule),
            Obligation.id,
        )
        .offset(skip)
        .limit(limit)
    )
    return [(o, c) for o, c in session.execute(stmt).all()]
