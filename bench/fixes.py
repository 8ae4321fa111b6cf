"""The fixes this benchmark proposes for code it does not own, applied at run time so that `--fixes` can
measure them before anyone edits storage/queries.py. Each one is described in bench/RESULTS.md.

1. `active-literal`: the obligations' partial indexes are `WHERE state IN ('open', 'snoozed')`. A query
   that says `Obligation.state.in_(ACTIVE)` sends the two states as bound parameters, and SQLite (which
   must prove the index's WHERE from the query's text) then cannot use the index: every per-person
   "due by today" query becomes a full scan of obligations (16 ms at 5,000 cases, growing with the
   firm). Rendering the two states as literals lets SQLite, and PostgreSQL's generic plans, use it.

    python -m bench.fixes run --http ...   is `casebot run --http ...` with the fixes applied."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import literal

FIXES = ("active-literal",)


@contextmanager
def applied() -> Iterator[None]:
    from storage import models, queries

    # queries.py only ever uses ACTIVE inside `Obligation.state.in_(ACTIVE)`.
    queries.ACTIVE = tuple(literal(state, literal_execute=True) for state in models.ACTIVE)  # type: ignore[assignment]
    try:
        yield
    finally:
        queries.ACTIVE = models.ACTIVE


def main() -> int:
    applied().__enter__()
    from bot.cli import main as casebot

    return casebot(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
