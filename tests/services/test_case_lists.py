"""What `/case mine` and the Home add to a case's row: which demands the insurer has acknowledged, read for a
person's few cases by the case numbers' own index, never by walking every case that waits on the insurer."""

from datetime import date

from sqlalchemy import event

from bot import services as sv
from storage import caselists

D = date


def _demand_sent(firm, number: str, client: str) -> None:
    """A case whose records are in and whose demand went out on Nov 1."""
    sv.create_case(firm, "U1", number, client, on=D(2026, 9, 1))
    sv.add_provider(firm, "U1", number, "Valley Ortho", on=D(2026, 9, 2))
    sv.provider_received(firm, "U1", number, "valley", "both", on=D(2026, 9, 20))
    sv.advance(firm, "U1", number, on=D(2026, 10, 5))
    sv.demand_sent(firm, "U1", number, on=D(2026, 11, 1), adjuster="Bob Smith")


def test_only_the_asked_cases_whose_latest_demand_was_acknowledged_are_listed(firm):
    _demand_sent(firm, "PI-7", "Jane Roe")  # acknowledged
    _demand_sent(firm, "PI-8", "Al Doe")  # never acknowledged
    _demand_sent(firm, "PI-9", "Jo Poe")  # acknowledged, then sent again: the new round is not
    _demand_sent(firm, "PI-10", "Ann Lee")  # acknowledged, but not asked about
    for number in ("PI-7", "PI-9", "PI-10"):
        sv.demand_ack(firm, "U1", number, on=D(2026, 11, 16))
    sv.demand_resent(firm, "U1", "PI-9", on=D(2026, 11, 20))

    with firm.db.uow(write=False) as s:
        # The numbers as a person might have typed them: the lists match them as every command does.
        assert caselists.acknowledged_demands(s, ["pi-7", "PI-8", "Pi-9"]) == {"PI-7": D(2026, 11, 16)}
        assert caselists.acknowledged_demands(s, []) == {}
        assert caselists.acknowledged_demands(s) == {"PI-7": D(2026, 11, 16), "PI-10": D(2026, 11, 16)}


def test_a_persons_acknowledged_demands_are_found_by_the_case_number_index(firm):
    """At 100,000 cases, matching on `number` (no index) let SQLite walk every open case waiting on the
    insurer: 19 ms for a manager's 25, on every Home. The unique number key makes it 0.2 ms."""
    _demand_sent(firm, "PI-7", "Jane Roe")
    statements: list[tuple[str, object]] = []

    def seen(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    with firm.db.uow(write=False) as s:
        bind = s.connection().engine
        event.listen(bind, "before_cursor_execute", seen)
        try:
            caselists.acknowledged_demands(s, ["PI-7"])
        finally:
            event.remove(bind, "before_cursor_execute", seen)
        (statement, parameters), *_ = [x for x in statements if "demand_events" in x[0]]
        if bind.dialect.name == "sqlite":
            plan = " ".join(
                str(row[-1])
                for row in s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            assert "SEARCH cases USING INDEX sqlite_autoindex_cases_1 (number_key=?)" in plan, plan
        else:  # PostgreSQL's planner chooses by its statistics; the statement says what to match on
            assert "cases.number_key IN" in statement, statement
