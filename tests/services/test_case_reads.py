"""Reading one case (storage/queries.py get_case, get_case_by_id): the case's row with the collections it holds
few of, then each growing collection by one statement built once, not by selectinload, which builds its
statement again on every read and cost twice as much at 100,000 cases (bench/RESULTS.md, run R7). The number
of statements must not grow with what the case holds, the collections must come in their order, and a second
read inside a change must keep what the change has done so far."""

from datetime import date

from sqlalchemy import inspect

from bot import services as sv
from storage import queries as q
from storage.models import Obligation, Provider
from tests.kit.statements import watch

D = date


def _statements(firm, read) -> tuple[object, list[str]]:
    """What `read` answers, and the SELECTs it ran (not the BEGIN of a transaction it happened to start)."""
    seen = watch(firm.db)
    return read(), [sql for _, sql in seen.statements if sql.lstrip().upper().startswith("SELECT")]


def _busy_case(firm, clock) -> None:
    clock.set(D(2026, 12, 10))
    sv.create_case(firm, "U1", "PI-7", "Jane Roe", on=D(2026, 10, 1))
    for name in ("Valley Ortho", "City Imaging", "Bay Physical Therapy"):
        sv.add_provider(firm, "U1", "PI-7", name, on=D(2026, 10, 2))
    sv.record_attempt(firm, "U1", "PI-7", "client", D(2026, 12, 8), "voicemail")
    sv.log_contact(firm, "U1", "PI-7", kind="client", on=D(2026, 12, 9))
    sv.record_attempt(firm, "U1", "PI-7", "client", D(2026, 12, 10), "no-answer")
    sv.create_case(firm, "U1", "PI-8", "Al Doe", on=D(2026, 10, 2))  # nothing but its row and first plan


def test_a_case_is_read_in_the_same_few_statements_whatever_it_holds(firm, clock):
    _busy_case(firm, clock)
    with firm.db.uow(write=False) as s:
        busy, full = _statements(firm, lambda: q.get_case(s, "pi-7"))
        bare, full_bare = _statements(firm, lambda: q.get_case(s, "PI-8"))
        assert len(full) == len(full_bare) == 6  # the row with its few, then five growing collections
        assert [p.name for p in busy.providers] == ["Valley Ortho", "City Imaging", "Bay Physical Therapy"]
        assert [a.how for a in busy.attempts] == ["voicemail", "no-answer"]
        assert [c.on for c in busy.contacts] == [D(2026, 12, 9)]
        assert [st.to_stage for st in busy.stages][:1] == ["records"]
        stored = s.query(Obligation).filter_by(case_id=busy.id).order_by(Obligation.id).all()
        assert busy.obligations == stored and any(o.state not in ("open", "snoozed") for o in stored)
    with firm.db.uow(write=False) as s:
        card, card_reads = _statements(firm, lambda: q.get_case(s, "PI-7", card_only=True))
        assert len(card_reads) == 5  # no stage history
        assert "stages" in inspect(card).unloaded and {o.state for o in card.obligations} <= {
            "open",
            "snoozed",
        }
        assert [o.id for o in card.obligations] == [o.id for o in stored if o.state in ("open", "snoozed")]
    with firm.db.uow(write=False) as s:
        by_id, reads = _statements(firm, lambda: q.get_case_by_id(s, busy.id))
        assert len(reads) == 6 and [p.name for p in by_id.providers][-1] == "Bay Physical Therapy"
    assert sv.show_case(firm, "U1", "PI-7").attempts[0].how == "no-answer"


def test_a_second_read_inside_a_change_keeps_what_the_change_has_done(firm, clock):
    _busy_case(firm, clock)
    with firm.db.uow(write=True) as s:
        case = q.get_case(s, "PI-7", for_update=True)
        case.providers.append(Provider(seq=4, name="Northside Clinic", requested_on=D(2026, 12, 10)))
        again, reads = _statements(firm, lambda: q.get_case(s, "PI-7", for_update=True))
        assert again is case and [p.name for p in again.providers][-1] == "Northside Clinic"
        assert len(reads) == 1  # what the session holds is not read again, nor overwritten
        s.rollback()
    with firm.db.uow(write=False) as s:
        assert [p.name for p in q.get_case(s, "PI-7").providers][-1] == "Bay Physical Therapy"
