"""Two people changing one case at once never lose an update (PostgreSQL: row locks; SQLite: one writer)."""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from bot import services as sv
from bot.errors import Conflict
from storage import queries as q
from storage.models import Contact, StageChange


def _run_together(workers):
    start = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def wrap(fn):
        def go():
            start.wait()
            try:
                fn()
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        return go

    threads = [threading.Thread(target=wrap(w)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_concurrent_changes_to_one_case_all_land(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=date(2026, 11, 2))
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    workers = []
    for i in range(8):
        workers.append(lambda i=i: sv.add_provider(firm, "U1", "PI-1", f"Provider {i}", on=date(2026, 11, 2)))
        workers.append(
            lambda i=i: sv.log_contact(firm, "ULEAD", "PI-1", on=date(2026, 11, 3 + i % 20), note=f"call {i}")
        )
        workers.append(lambda i=i: sv.set_holdup(firm, "U1", "PI-1", "other", f"reason {i}"))
    errors = _run_together(workers)
    assert errors == []
    card = sv.show_case(firm, "U1", "PI-1")
    assert sorted(p.name for p in card.providers) == sorted(f"Provider {i}" for i in range(8))
    assert sorted(p.seq for p in card.providers) == list(range(1, 9))
    assert len(card.holdups) == 8
    with firm.db.uow() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 8
    assert card.last_client_contact_on == date(2026, 11, 10)
    # Every provider got its own follow-up obligation: the plan saw every change.
    assert len([o for o in card.obligations if o.rule == "R3"]) == 8


def test_twenty_concurrent_advances_move_the_case_exactly_one_stage(firm):
    sv.create_case(firm, "U1", "PI-2", "John Doe", on=date(2026, 11, 2))
    sv.add_provider(firm, "U1", "PI-2", "Valley Ortho", on=date(2026, 11, 2))
    sv.provider_received(firm, "U1", "PI-2", "1", "both", on=date(2026, 11, 20))
    errors = _run_together([lambda: sv.advance(firm, "U1", "PI-2") for _ in range(20)])
    assert len(errors) == 19 and all(isinstance(e, Conflict) for e in errors)
    assert all("already moved to “Waiting for a legal assistant”" in e.message for e in errors)
    assert sv.show_case(firm, "U1", "PI-2").stage == "demand_queue"
    with firm.db.uow() as s:
        case = q.get_case(s, "PI-2")
        assert (
            s.scalar(select(func.count()).select_from(StageChange).where(StageChange.case_id == case.id)) == 2
        )


@pytest.mark.parametrize("n", [12])
def test_concurrent_case_creation_with_one_number_makes_one_case(firm, n):
    errors = _run_together([lambda: sv.create_case(firm, "U1", "pi-9", "Jane Roe") for _ in range(n)])
    assert len(errors) == n - 1 and all(isinstance(e, Conflict) for e in errors)
