"""Properties of the playbook over random event sequences, through the services and the database.

- no obligation is due before its trigger;
- an open case always has an open client obligation due within 30 days (moved to a business day) of
  its last client contact;
- a client contact closes every client obligation triggered on or before it (a cadence obligation
  anchored on the contact's own day is the one that contact started);
- a refused command changes nothing.
"""

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot import services as sv
from bot.errors import CasebotError
from storage import queries as q
from storage.models import ACTIVE, AuditEntry
from tests.kit.clock import LA

ACTIONS = (
    "client",
    "client",
    "adjuster",
    "provider",
    "records",
    "bills",
    "followup",
    "advance",
    "advance",
    "sent",
    "ack",
    "resent",
    "offer",
    "final",
    "holdup",
    "snooze",
)
steps = st.lists(
    st.tuples(st.integers(0, 21), st.sampled_from(ACTIONS), st.integers(1, 3)), min_size=1, max_size=14
)
_numbers = itertools.count(1)
CADENCE = ("R2", "R5", "R13")


def _apply(firm, number, day, action, n):
    calls = {
        "client": lambda: sv.log_contact(firm, "U1", number, on=day),
        "adjuster": lambda: sv.log_contact(firm, "U1", number, kind="adjuster", on=day),
        "provider": lambda: sv.add_provider(firm, "U1", number, f"Provider {n}", on=day),
        "records": lambda: sv.provider_received(firm, "U1", number, str(n), "records", on=day),
        "bills": lambda: sv.provider_received(firm, "U1", number, str(n), "bills", on=day),
        "followup": lambda: sv.provider_followed_up(firm, "U1", number, str(n), on=day),
        "advance": lambda: sv.advance(firm, "U1", number, on=day),
        "sent": lambda: sv.demand_sent(firm, "U1", number, on=day),
        "ack": lambda: sv.demand_ack(firm, "U1", number, on=day),
        "resent": lambda: sv.demand_resent(firm, "U1", number, on=day),
        "offer": lambda: sv.offer_received(firm, "U1", number, Decimal(1000 * n), on=day),
        "final": lambda: sv.offer_received(firm, "U1", number, Decimal(9000), final=True, on=day),
        "holdup": lambda: sv.set_holdup(firm, "U1", number, "billing"),
        "snooze": lambda: _snooze_first(firm, number, day),
    }
    calls[action]()


def _snooze_first(firm, number, day):
    card = sv.show_case(firm, "U1", number)
    if card.obligations:
        sv.snooze(firm, "U1", card.obligations[0].obligation_id, firm.today() + timedelta(days=3))


def _state(firm, number):
    with firm.db.uow() as s:
        case = q.get_case(s, number)
        rows = [
            (o.key, o.rule, o.kind, o.state, o.triggered_on, o.due_on, o.remind_on) for o in case.obligations
        ]
        audit = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.case_id == case.id))
        contacts = sorted(c.on for c in case.contacts if c.kind == "client")
        return case.treatment_completed_on, case.closed_on, sorted(rows), audit, contacts


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_the_playbook_invariants_hold_over_any_sequence_of_events(firm, clock, steps):
    clock.at = datetime(2027, 12, 31, 10, 0, tzinfo=LA)  # every event day below is in the past
    number = f"P-{next(_numbers)}"
    created = date(2026, 9, 1)
    sv.create_case(firm, "U1", number, "Jane Roe", on=created)
    day = created
    for gap, action, n in steps:
        day += timedelta(days=gap)
        clock.advance(minutes=1)  # past the double-advance guard
        before = _state(firm, number)
        try:
            _apply(firm, number, day, action, n)
        except CasebotError:
            assert _state(firm, number) == before, f"a refused {action} changed the case"

    created_on, closed_on, rows, _, contacts = _state(firm, number)
    cal = firm.calendar
    for key, _rule, _kind, _, triggered, due, remind in rows:
        assert due >= triggered, f"{key} is due {due} before its trigger {triggered}"
        assert remind >= due
    active_client = [r for r in rows if r[2] == "client" and r[3] in ACTIVE]
    if closed_on is None:
        anchor = max([created_on, *contacts])
        limit = cal.due(anchor, 30)
        assert any(r[5] <= limit for r in active_client), f"no client obligation due by {limit}: {rows}"
    else:
        assert not [r for r in rows if r[3] in ACTIVE]
    if contacts:
        last = contacts[-1]
        for key, rule, _kind, _s, triggered, _due, _remind in active_client:
            assert triggered > last or (triggered == last and rule in CADENCE), (
                f"{key} survived the contact of {last}"
            )
