"""One person's day: what asks for their attention by a day, and in the business days after it, read as plain
rows (no ORM objects: `/case due` and a whole Home read a hundred or so of them, bench/RESULTS.md issue 23)."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ScalarSelect, bindparam, select
from sqlalchemy.orm import Session

from storage.models import Case, ContactAttempt, Obligation
from storage.queries import _active, columns_only


class AskingRow(NamedTuple):
    """An obligation that asks for attention, with what its line shows of its case and, for a contact, the
    latest try at it that did not reach them ("tried Nov 30, voicemail"). The obligation's fields are named as
    storage.models.Obligation names them."""

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
    tried_on: date | None  # the latest attempt at this kind of contact since the obligation was triggered
    tried_how: str | None


# The latest attempt at an obligation's contact since it was triggered (storage.models.ContactAttempt's kinds
# are the contact kinds, so no other obligation has one): its day and how, each looked up beside the row in the
# case's attempts (by their index). Two lookups, not a join to the attempt: PostgreSQL hashes every attempt
# in the firm for such a join.
def _latest_try(column: Any) -> ScalarSelect[Any]:
    return (
        select(column)
        .where(
            ContactAttempt.case_id == Obligation.case_id,
            ContactAttempt.kind == Obligation.kind,
            ContactAttempt.on >= Obligation.triggered_on,
        )
        .order_by(ContactAttempt.on.desc(), ContactAttempt.id.desc())
        .limit(1)
        .correlate(Obligation)
        .scalar_subquery()
    )


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
    _latest_try(ContactAttempt.on),
    _latest_try(ContactAttempt.how),
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


def asking_rows(session: Session, user_id: str, through: date, case_id: int | None = None) -> list[AskingRow]:
    """One person's active obligations that ask for attention on or before `through` (their due day, or the
    day they were snoozed to): what is due by a day and what is coming up after it, each with its latest try,
    in one statement (a range scan of the manager's reminder index, each row's case and tries by their keys),
    unordered (the caller splits and sorts them); or only one case's of them."""
    connection = columns_only(session)
    if case_id is None:
        rows = connection.execute(_ASKING_BY, {"user_id": user_id, "through": through})
    else:
        rows = connection.execute(
            _ASKING_ON_CASE, {"user_id": user_id, "through": through, "case_id": case_id}
        )
    return [AskingRow._make(row) for row in rows.all()]  # all at once: row by row, each is its own fetch
