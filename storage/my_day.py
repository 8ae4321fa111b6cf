"""One person's day: what asks for their attention by a day, and in the business days after it, read as plain
rows (no ORM objects: `/case due` and a whole Home read a hundred or so of them, bench/RESULTS.md issue 23)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.models import Case, ContactAttempt, Obligation
from storage.queries import _active, columns_only


class AskingRow(NamedTuple):
    """An obligation that asks for attention, with what its line shows of its case. The obligation's fields
    are named as storage.models.Obligation names them."""

    id: int
    case_id: int
    number: str
    number_key: str
    client_name: str
    manager_id: str
    kind: str
    rule: str
    triggered_on: date
    due_on: date
    remind_on: date
    reason: str
    talking_points: str
    state: str
    snoozed_until: date | None


class AttemptRow(NamedTuple):
    """A try at reaching someone that did not reach them, as a due line shows it ("tried Nov 30, voicemail")."""

    case_id: int
    kind: str
    on: date
    id: int
    how: str


_ASKING = (
    Obligation.id,
    Obligation.case_id,
    Case.number,
    Case.number_key,
    Case.client_name,
    Obligation.manager_id,
    Obligation.kind,
    Obligation.rule,
    Obligation.triggered_on,
    Obligation.due_on,
    Obligation.remind_on,
    Obligation.reason,
    Obligation.talking_points,
    Obligation.state,
    Obligation.snoozed_until,
)


# Built once, as every `/case due` and Home reads them (building one costs more than SQLite's answer).
_ASKING_BY = (
    select(*_ASKING)
    .join(Case, Case.id == Obligation.case_id)
    .where(
        Obligation.manager_id == bindparam("user_id"), _active(), Obligation.remind_on <= bindparam("through")
    )
)
_ASKING_ON_CASE = _ASKING_BY.where(Obligation.case_id == bindparam("case_id"))
_ATTEMPTS_ON = select(
    ContactAttempt.case_id, ContactAttempt.kind, ContactAttempt.on, ContactAttempt.id, ContactAttempt.how
).where(ContactAttempt.case_id.in_(bindparam("case_ids", expanding=True)))


def asking_rows(session: Session, user_id: str, through: date, case_id: int | None = None) -> list[AskingRow]:
    """One person's active obligations that ask for attention on or before `through` (their due day, or the
    day they were snoozed to): what is due by a day and what is coming up after it, in one range scan of the
    manager's reminder index, unordered (the caller splits and sorts them); or only one case's of them."""
    connection = columns_only(session)
    if case_id is None:
        rows = connection.execute(_ASKING_BY, {"user_id": user_id, "through": through})
    else:
        rows = connection.execute(
            _ASKING_ON_CASE, {"user_id": user_id, "through": through, "case_id": case_id}
        )
    return [AskingRow._make(row) for row in rows.all()]  # all at once: row by row, each is its own fetch


def attempts_of(session: Session, case_ids: Iterable[int]) -> dict[int, list[AttemptRow]]:
    """The attempts on these cases, by case (one statement for all of them)."""
    ids = sorted(set(case_ids))
    out: dict[int, list[AttemptRow]] = {}
    if not ids:
        return out
    for row in columns_only(session).execute(_ATTEMPTS_ON, {"case_ids": ids}).all():
        out.setdefault(row[0], []).append(AttemptRow._make(row))
    return out
