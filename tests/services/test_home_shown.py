"""A change says whether it altered anything its actor's Home shows (bot/services/home_marks.py): only then
is the actor's Home published again (Firm.on_change). In doubt, it did; a lead's Home (the firm's overview)
always changes. What it says is judged from the rows it writes, so it is checked here change by change,
against what the Home itself would show."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot import services as sv
from storage.models import Obligation

D = date


@pytest.fixture
def announced(firm):
    """The (actor, case) of every change announced to the Home refresh."""
    seen: list[tuple[str, str]] = []
    firm.on_change.append(lambda actor, number: seen.append((actor, number)))
    return seen


def _home(firm, user):
    """What the person's Home shows, as plain data (a full read: nothing kept)."""
    firm.homes.forget(user)
    home = sv.home(firm, user)
    return (home.day, home.cases, home.team, home.acknowledged)


def _first_open(firm):
    with firm.db.uow(write=False) as s:
        return s.scalars(
            select(Obligation).where(Obligation.state == "open").order_by(Obligation.due_on, Obligation.id)
        ).first()


def test_a_change_that_leaves_the_home_as_it_was_is_not_announced(firm, clock, announced):
    clock.set(D(2026, 12, 10))
    sv.create_case(firm, "U1", "PI-7", "Jane Roe", on=D(2026, 10, 1))  # R1 and R2 overdue: on the Home
    assert announced == [("U1", "PI-7")]

    steps = [
        # (what, announced: a change that alters the Home always is; one that may not, in doubt, is too)
        ("a due contact logged", lambda: sv.log_contact(firm, "U1", "PI-7", on=D(2026, 12, 10)), True),
        ("the same contact again: the next is weeks away", lambda: sv.log_contact(firm, "U1", "PI-7"), False),
        (
            "a voicemail: a try, shown on any item of the case's (none today)",
            lambda: sv.record_attempt(firm, "U1", "PI-7", "client", D(2026, 12, 10), "voicemail"),
            True,
        ),
        (
            "a provider asked today: followed up in weeks",
            lambda: sv.add_provider(firm, "U1", "PI-7", "Valley"),
            False,
        ),
        (
            "its records and bills in: the follow-up weeks away goes",
            lambda: sv.provider_received(firm, "U1", "PI-7", "1", "both"),
            False,
        ),
        ("a stage moved", lambda: sv.advance(firm, "U1", "PI-7"), True),
    ]
    for what, change, expected in steps:
        before, count = _home(firm, "U1"), len(announced)
        change()
        after = _home(firm, "U1")
        assert (len(announced) > count) == expected, what
        if after != before:
            assert len(announced) > count, f"{what}: the Home changed, and was not published"
        assert announced[count:] in ([], [("U1", "PI-7")]), what


def test_a_snooze_off_the_home_and_a_lead_are_announced(firm, clock, announced):
    clock.set(D(2026, 12, 10))
    sv.create_case(firm, "U1", "PI-7", "Jane Roe", on=D(2026, 10, 1))
    first = _first_open(firm)
    before, count = _home(firm, "U1"), len(announced)
    sv.snooze(firm, "U1", first.id, D(2026, 12, 10) + timedelta(days=21))  # from overdue to weeks away
    assert _home(firm, "U1") != before and len(announced) == count + 1

    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    sv.log_contact(firm, "ULEAD", "PI-7")  # U1's Home as it was; the lead's overview is another matter
    assert announced[-1] == ("ULEAD", "PI-7")
