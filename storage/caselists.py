"""What the lists of cases add to a case's row: the cases a person works on a team, and the demands the
insurer has acknowledged (the latest ack on or after the latest demand sent or resent)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from storage.models import Case, DemandEvent, TeamMember
from storage.queries import case_key, columns_only

DEMAND_SENT = "demand_sent"


def team_open_cases_of(session: Session, user_id: str) -> list[tuple[str, str, str, date, str]]:
    """Open cases someone works on a team (not as their manager): (number, client, stage, entered, manager)."""
    stmt = (
        select(Case.number, Case.client_name, Case.stage, Case.stage_entered_on, Case.manager_id)
        .join(TeamMember, TeamMember.case_id == Case.id)
        .where(TeamMember.user_id == user_id, Case.manager_id != user_id, Case.closed_on.is_(None))
        .order_by(Case.number_key)
    )
    return [(n, c, st, d, m) for n, c, st, d, m in session.execute(stmt)]


# Built once (bound: the cases' number keys), as every Home and `/case mine` reads them.
_DEMAND_EVENTS = (
    select(Case.number, DemandEvent.kind, DemandEvent.on)
    .join(DemandEvent, DemandEvent.case_id == Case.id)
    .where(Case.stage == DEMAND_SENT, Case.closed_on.is_(None))
)
# By the unique number_key: on `number`, which has no index, SQLite walked every open case waiting on the
# insurer instead (19 ms against 0.2 for a manager's 25 at 100,000 cases; bench/RESULTS.md).
_DEMAND_EVENTS_OF = _DEMAND_EVENTS.where(Case.number_key.in_(bindparam("keys", expanding=True)))


def acknowledged_demands(session: Session, numbers: Iterable[str] | None = None) -> dict[str, date]:
    """Open cases waiting on the insurer whose latest demand was acknowledged: number -> the ack's day.
    Only these cases (`numbers`), or every open case in the demand-sent stage."""
    if numbers is None:
        rows = columns_only(session).execute(_DEMAND_EVENTS)
    else:
        wanted = sorted({case_key(n) for n in numbers})
        if not wanted:
            return {}
        rows = columns_only(session).execute(_DEMAND_EVENTS_OF, {"keys": wanted})
    sent: dict[str, date] = {}
    acks: dict[str, list[date]] = {}
    for number, kind, on in rows.all():
        if kind in ("sent", "resent"):
            sent[number] = max(on, sent.get(number, on))
        elif kind == "ack":
            acks.setdefault(number, []).append(on)
    out = {}
    for number, latest in sent.items():
        after = sorted(a for a in acks.get(number, ()) if a >= latest)
        if after:
            out[number] = after[0]
    return out
