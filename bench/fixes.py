"""The fixes this benchmark proposes for code it does not own, applied at run time so that `--fixes` can
measure them before anyone edits storage/queries.py. Each one is described in bench/RESULTS.md.

1. `active-literal`: the obligations' partial indexes are `WHERE state IN ('open', 'snoozed')`. A query
   that says `Obligation.state.in_(ACTIVE)` sends the two states as bound parameters, and SQLite (which
   must prove the index's WHERE from the query's text) then cannot use the index: every per-person
   "due by today" query becomes a full scan of obligations (16 ms at 5,000 cases, growing with the
   firm). Rendering the two states as literals lets SQLite, and PostgreSQL's generic plans, use it.

2. `due-range`: "who has something due by day D" (`managers_with_active_due`) and each person's list
   (`active_due_for`) filter `remind_on <= D`, which no index leads with, so PostgreSQL reads every
   active obligation of the firm (0.36 s at 100,000 cases, and growing with the firm, not with what is
   due). Adding `due_on <= D`, implied because `remind_on` is never before `due_on` (it is the due day or a
   later snooze day), turns both into range scans of ix_obligations_active_by_due: 17 ms.
   The two replacements below are meant to be copied into storage/queries.py as they are.

Both landed in storage/queries.py in a37bf7e; on code from then on `--fixes` measures the same thing twice.
The module stays so that a run can still compare, and as the place for the next fix to be measured first.

    python -m bench.fixes run --http ...   is `casebot run --http ...` with the fixes applied."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from storage.models import Case, Obligation

FIXES = ("active-literal", "due-range")


def active_due_for(session: Session, user_ids: Sequence[str], day: date) -> list[tuple[Obligation, Case]]:
    """storage/queries.py's, with `due_on <= day` (see `due-range` above)."""
    stmt = (
        select(Obligation, Case)
        .join(Case, Case.id == Obligation.case_id)
        .where(
            Obligation.manager_id.in_(list(user_ids)),
            Obligation.state.in_(_active()),
            Obligation.remind_on <= day,
            Obligation.due_on <= day,
        )
        .order_by(Obligation.due_on, Case.number_key, Obligation.id)
    )
    return [(o, c) for o, c in session.execute(stmt)]


def managers_with_active_due(session: Session, day: date) -> list[str]:
    """storage/queries.py's, with `due_on <= day` (see `due-range` above)."""
    stmt = (
        select(Obligation.manager_id)
        .where(Obligation.state.in_(_active()), Obligation.remind_on <= day, Obligation.due_on <= day)
        .distinct()
        .order_by(Obligation.manager_id)
    )
    return list(session.scalars(stmt))


def _active() -> Any:
    """The active states as literals (see `active-literal` above)."""
    from storage.queries import ACTIVE

    return ACTIVE


def apply() -> Callable[[], None]:
    """Apply the fixes to this process; answers a function that takes them back."""
    from storage import models, queries

    saved = {
        name: getattr(queries, name) for name in ("ACTIVE", "active_due_for", "managers_with_active_due")
    }
    # queries.py only ever uses ACTIVE inside `Obligation.state.in_(ACTIVE)`.
    queries.ACTIVE = tuple(literal(state, literal_execute=True) for state in models.ACTIVE)  # type: ignore[assignment]
    queries.active_due_for = active_due_for
    queries.managers_with_active_due = managers_with_active_due

    def undo() -> None:
        for name, value in saved.items():
            setattr(queries, name, value)

    return undo


@contextmanager
def applied() -> Iterator[None]:
    undo = apply()
    try:
        yield
    finally:
        undo()


def main() -> int:
    apply()
    from bot.entrypoints.cli import main as casebot

    return casebot(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
