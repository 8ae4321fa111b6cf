"""`/case due` and the Home read a person's day as plain rows (storage/my_day.py), not as ORM objects, which cost
four times as much at 100,000 cases (bench/RESULTS.md, issue 23). What they show must be what the stored
obligations and attempts say, item by item."""

from datetime import date

from bot import services as sv

D = date


def _firm_with_attempts(firm, clock) -> None:
    clock.set(D(2026, 12, 10))
    sv.create_case(firm, "U1", "PI-7", "Jane Roe", on=D(2026, 10, 1))
    sv.create_case(firm, "U1", "PI-8", "Al Doe", on=D(2026, 10, 2))
    sv.create_case(firm, "U1", "PI-9", "Jo Poe", on=D(2026, 12, 1))
    sv.create_case(firm, "U2", "PI-10", "Ann Lee", on=D(2026, 10, 1))  # someone else's day
    sv.record_attempt(firm, "U1", "PI-7", "client", D(2026, 12, 8), "voicemail")
    sv.record_attempt(
        firm, "U1", "PI-7", "client", D(2026, 12, 9), "no-answer"
    )  # the latest is the one shown
    sv.record_attempt(firm, "U1", "PI-8", "adjuster", D(2026, 12, 9), "voicemail")  # not a try at the client
    sv.record_attempt(firm, "U2", "PI-10", "client", D(2026, 12, 9), "voicemail")


def test_a_day_read_as_plain_rows_is_what_the_stored_rows_say(firm, clock):
    _firm_with_attempts(firm, clock)
    day = sv.my_day(firm, "U1")

    assert [(i.case, i.rule, i.tried) for i in day.due] == [
        ("PI-7", "R1", "tried Dec 9, no answer"),
        ("PI-8", "R1", None),
        ("PI-7", "R2", "tried Dec 9, no answer"),
        ("PI-8", "R2", None),
        ("PI-9", "R1", None),
    ]
    assert day.due == sv.due_for(firm, ["U1"])  # the same items built from ORM objects
    assert [(c.day, [(i.case, i.rule) for i in c.items]) for c in day.coming] == [
        (D(2026, 12, 11), []),
        (D(2026, 12, 14), []),
        (D(2026, 12, 15), [("PI-9", "R2")]),
        (D(2026, 12, 16), []),
        (D(2026, 12, 17), []),
    ]
    assert [c.items for c in day.coming] == [c.items for c in sv.coming_up(firm, ["U1"])]


def test_an_attempt_before_the_obligation_began_is_not_shown_beside_it(firm, clock):
    """R1 asks again every two weeks: a voicemail left for the last round is not a try at this one."""
    _firm_with_attempts(firm, clock)
    sv.log_contact(firm, "U1", "PI-7", kind="client", on=D(2026, 12, 10))  # reached: the next round starts
    clock.set(D(2027, 1, 4))

    def pi7() -> list[str | None]:
        return [i.tried for i in sv.my_day(firm, "U1").due if i.case == "PI-7" and i.kind == "client"]

    assert pi7() == [None]
    sv.record_attempt(firm, "U1", "PI-7", "client", D(2027, 1, 4), "voicemail")
    assert pi7() == ["tried Jan 4, voicemail"]
    assert sv.my_day(firm, "U1").due == sv.due_for(firm, ["U1"])


def test_the_day_and_its_tries_are_read_in_one_statement_by_the_indexes_kept_for_them(firm, clock):
    """SQLite reads a day's rows from the partial index of active obligations only when the statement it is
    sent names the active states in its text; bound as parameters, they would hide the index and every
    obligation in the firm would be scanned (bench/RESULTS.md, issue 23). The latest try beside each row comes
    in the same statement, looked up in that case's attempts: a second statement for the tries cost
    PostgreSQL a round trip and a plan for every `/case due`."""
    _firm_with_attempts(firm, clock)
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from storage import my_day

    sent: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", keep)  # the read engine, whichever it is
    try:
        with firm.db.uow(write=False) as s:
            rows = my_day.asking_rows(s, "U1", D(2026, 12, 31))
    finally:
        event.remove(Engine, "before_cursor_execute", keep)
    assert {r.manager_id for r in rows} == {"U1"}
    assert {(r.number, r.kind, r.tried_on, r.tried_how) for r in rows if r.tried_on} == {
        ("PI-7", "client", D(2026, 12, 9), "no-answer")
    }
    [(statement, parameters)] = [
        (st, p) for st, p in sent if not st.startswith(("BEGIN", "COMMIT", "ROLLBACK"))
    ]
    assert "obligations.state IN ('open', 'snoozed')" in statement
    if firm.db.engine.dialect.name == "sqlite":
        with firm.db.uow(write=False) as s:
            plan = s.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        steps = " ".join(str(row[-1]) for row in plan)
        assert "USING COVERING INDEX ix_obligations_asking" in steps, "the day from the index alone"
        assert "SEARCH contact_attempts USING INDEX ix_contact_attempts_case_id" in steps
