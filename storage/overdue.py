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
from sqlalchemy.orm import Session, selectinload

from storage.models import Case, Obligation
from storage.queries import _active, in_code_point_order


def overdue_rows(
    session: Session, today: date, managers: Sequence[str], skip: int, limit: int
) -> list[tuple[Obligation, Case]]:
    """Active obligations of `managers` due before `today`, the managers in the order given, each one's
    most overdue first (then by case number, rule and id, as the list has always broken ties), from the
    `skip`-th, at most `limit`. Reads those managers' overdue rows through ix_obligations_active_by_manager_due
    and each one's case number by primary key, then the page's rows with their cases: nothing of anyone
    else's, and no plan that reads the whole cases table to join a few rows."""
    if not managers or limit <= 0:
        return []
    rank = sql_case({m: i for i, m in enumerate(managers)}, value=Obligation.manager_id)
    number = select(Case.number).where(Case.id == Obligation.case_id).scalar_subquery()
    order = (
        rank,
        Obligation.due_on,
        in_code_point_order(session, number),
        in_code_point_order(session, Obligation.rule),
        Obligation.id,
    )
    ids = list(
        session.scalars(
            select(Obligation.id)
            .where(Obligation.manager_id.in_(list(managers)), _active(), Obligation.due_on < today)
            .order_by(*order)
            .offset(skip)
            .limit(limit)
        )
    )
    if not ids:
        return []
    place = {ob_id: i for i, ob_id in enumerate(ids)}
    stmt = (
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .options(selectinload(Case.attempts))
        .where(Obligation.id.in_(ids))
    )
    return sorted(((o, c) for o, c in session.execute(stmt).all()), key=lambda row: place[row[0].id])
