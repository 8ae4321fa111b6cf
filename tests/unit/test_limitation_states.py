"""The 50-state (and DC) personal-injury limitation table and the public-entity claim deadlines.

Every expected date below was counted by hand from the statute's period (the anniversary for years, the same
day of the month for months, the day of the loss not counted for days), never by calling the code under test."""

from datetime import date
from pathlib import Path

import pytest

from bot.rules import limitation_states as ls
from bot.rules import limitation_table as lt

D = date
LOSS = D(2025, 3, 10)  # a Monday in a year without February 29 trouble

# (state, last day to file for a loss on 2025-03-10, the period it comes from)
EVERY_STATE = [
    ("AL", D(2027, 3, 10)),  # 2 years, Ala. Code § 6-2-38(l)
    ("AK", D(2027, 3, 10)),  # 2 years
    ("AZ", D(2027, 3, 10)),  # 2 years
    ("AR", D(2028, 3, 10)),  # 3 years
    ("CA", D(2027, 3, 10)),  # 2 years
    ("CO", D(2027, 3, 10)),  # 2 years (motor vehicle 3, below)
    ("CT", D(2027, 3, 10)),  # 2 years
    ("DE", D(2027, 3, 10)),  # 2 years
    ("DC", D(2028, 3, 10)),  # 3 years
    ("FL", D(2027, 3, 10)),  # 2 years (after HB 837)
    ("GA", D(2027, 3, 10)),  # 2 years
    ("HI", D(2027, 3, 10)),  # 2 years
    ("ID", D(2027, 3, 10)),  # 2 years
    ("IL", D(2027, 3, 10)),  # 2 years
    ("IN", D(2027, 3, 10)),  # 2 years
    ("IA", D(2027, 3, 10)),  # 2 years
    ("KS", D(2027, 3, 10)),  # 2 years
    ("KY", D(2026, 3, 10)),  # 1 year (motor vehicle refused, below)
    ("LA", D(2027, 3, 10)),  # 2 years (after Act 423)
    ("ME", D(2031, 3, 10)),  # 6 years
    ("MD", D(2028, 3, 10)),  # 3 years
    ("MA", D(2028, 3, 10)),  # 3 years
    ("MI", D(2028, 3, 10)),  # 3 years
    ("MN", D(2031, 3, 10)),  # 6 years
    ("MS", D(2028, 3, 10)),  # 3 years
    ("MO", D(2030, 3, 10)),  # 5 years
    ("MT", D(2028, 3, 10)),  # 3 years (a loss before October 1, 2026)
    ("NE", D(2029, 3, 10)),  # 4 years
    ("NV", D(2027, 3, 10)),  # 2 years
    ("NH", D(2028, 3, 10)),  # 3 years
    ("NJ", D(2027, 3, 10)),  # 2 years
    ("NM", D(2028, 3, 10)),  # 3 years
    ("NY", D(2028, 3, 10)),  # 3 years
    ("NC", D(2028, 3, 10)),  # 3 years
    ("ND", D(2031, 3, 10)),  # 6 years
    ("OH", D(2027, 3, 10)),  # 2 years
    ("OK", D(2027, 3, 10)),  # 2 years
    ("OR", D(2027, 3, 10)),  # 2 years
    ("PA", D(2027, 3, 10)),  # 2 years
    ("RI", D(2028, 3, 10)),  # 3 years
    ("SC", D(2028, 3, 10)),  # 3 years
    ("SD", D(2028, 3, 10)),  # 3 years
    ("TN", D(2026, 3, 10)),  # 1 year
    ("TX", D(2027, 3, 10)),  # 2 years
    ("UT", D(2029, 3, 10)),  # 4 years
    ("VT", D(2028, 3, 10)),  # 3 years
    ("VA", D(2027, 3, 10)),  # 2 years
    ("WA", D(2028, 3, 10)),  # 3 years
    ("WV", D(2027, 3, 10)),  # 2 years
    ("WI", D(2028, 3, 10)),  # 3 years
    ("WY", D(2029, 3, 10)),  # 4 years
]


def test_the_worked_examples_cover_every_state_and_dc():
    assert len(lt.ALL_CODES) == 51 == len(set(lt.ALL_CODES))
    assert {s for s, _ in EVERY_STATE} == set(lt.ALL_CODES) == set(lt.STATES)


@pytest.mark.parametrize("state, last_day", EVERY_STATE)
def test_each_state_runs_its_general_period_from_the_loss(state, last_day):
    assert ls.limitation_date(LOSS, state) == last_day
    line = ls.describe(LOSS, state)
    assert line.startswith(f"{last_day:%Y-%m-%d}")
    assert ls.period_for(state, LOSS).statute in line and "A lawyer confirms this date." in line


# With `motor`: every state keeps its general period, except Colorado's three years for motor-vehicle
# injuries (§ 13-80-101(1)(n)(I)) and Kentucky, refused (the MVRA turns on facts casebot does not have).
MOTOR_DIFFERS = {"CO": D(2028, 3, 10), "KY": None}

# With `public`: the last day to present the claim for a loss on 2025-03-10, counted by hand.
PUBLIC = {
    "AZ": D(2025, 9, 6),  # 180 days: 21 left in March + 30 + 31 + 30 + 31 + 31 + 6
    "CA": D(2025, 9, 10),  # six months
    "NJ": D(2025, 6, 8),  # 90 days: 21 + 30 + 31 + 8
    "NY": D(2025, 6, 8),  # 90 days
    "TX": D(2025, 9, 10),  # six months
}


@pytest.mark.parametrize("state, last_day", EVERY_STATE)
def test_each_state_with_motor_runs_its_motor_vehicle_period_or_its_general_one_or_refuses(state, last_day):
    expected = MOTOR_DIFFERS.get(state, last_day)
    if state in MOTOR_DIFFERS and expected is None:
        with pytest.raises(ls.LimitationRefused) as refused:
            ls.limitation_date(LOSS, state, motor=True)
        assert refused.value.reason and "Enter the limitation date itself" in str(refused.value)
        return
    assert ls.limitation_date(LOSS, state, motor=True) == expected
    line = ls.describe(LOSS, state, motor=True)
    assert line.startswith(f"{expected:%Y-%m-%d}") and "A lawyer confirms this date." in line
    assert ls.period_for(state, LOSS, motor=True).citation(motor=True) in line


@pytest.mark.parametrize("state", lt.ALL_CODES)
def test_each_state_with_public_has_its_claim_deadline_or_asks_for_it(state):
    found = ls.claim_deadline(LOSS, state)
    if state not in PUBLIC:
        assert found is None and ls.claim_rule(state) is None
        return
    assert found is not None
    day, rule = found
    assert day == PUBLIC[state] and rule.state == state and rule.statute and rule.source.startswith("http")
    assert day < ls.limitation_date(LOSS, state), "the claim is due long before the limitation date"


@pytest.mark.parametrize(
    "state, loss, last_day",
    [
        ("CA", D(2024, 2, 29), D(2026, 2, 28)),  # 2 years: 2026 has no February 29
        ("KY", D(2024, 2, 29), D(2025, 2, 28)),  # 1 year
        ("LA", D(2024, 2, 29), D(2025, 2, 28)),  # before Act 423: 1 year
        ("NY", D(2024, 2, 29), D(2027, 2, 28)),  # 3 years
        ("NE", D(2024, 2, 29), D(2028, 2, 29)),  # 4 years: 2028 is a leap year, the anniversary exists
        ("MO", D(2024, 2, 29), D(2029, 2, 28)),  # 5 years
        ("ME", D(2024, 2, 29), D(2030, 2, 28)),  # 6 years
    ],
)
def test_a_loss_on_february_29_runs_out_on_february_28_unless_the_final_year_has_a_29th(
    state, loss, last_day
):
    assert ls.limitation_date(loss, state) == last_day


@pytest.mark.parametrize(
    "state, loss, last_day",
    [
        ("FL", D(2023, 3, 24), D(2025, 3, 24)),  # HB 837's first day: the shorter, two-year period
        ("FL", D(2023, 3, 23), D(2027, 3, 23)),  # the day before: four years
        ("LA", D(2024, 6, 30), D(2025, 6, 30)),  # before Act 423: one year
        ("LA", D(2024, 7, 1), D(2025, 7, 1)),  # the Act's effective day: "arising after" it, so one year
        ("LA", D(2024, 7, 2), D(2026, 7, 2)),  # the first day after: two years
        ("MT", D(2026, 9, 30), D(2029, 9, 30)),  # the day before the 2026 version: three years
    ],
)
def test_where_the_law_changed_the_row_in_force_on_the_loss_day_applies(state, loss, last_day):
    assert ls.limitation_date(loss, state) == last_day


def test_the_changed_states_cite_the_law_in_force_for_the_loss():
    assert "3493.1" in ls.period_for("LA", D(2024, 7, 2)).statute
    assert "3492" in ls.period_for("LA", D(2024, 7, 1)).statute
    assert "95.11(4)(a)" in ls.period_for("FL", D(2023, 3, 24)).statute
    assert "95.11(3)(a)" in ls.period_for("FL", D(2023, 3, 23)).statute


def test_montana_losses_from_october_2026_are_refused_until_the_new_text_is_read():
    with pytest.raises(ls.LimitationRefused, match="October 1, 2026") as refused:
        ls.limitation_date(D(2026, 10, 1), "MT")
    assert refused.value.state == "MT" and "Enter the limitation date itself" in str(refused.value)
    assert "A lawyer confirms" in str(refused.value)


def test_motor_picks_colorados_three_years():
    assert ls.limitation_date(LOSS, "CO", motor=True) == D(2028, 3, 10)
    assert ls.limitation_date(LOSS, "CO") == D(2027, 3, 10)
    assert ls.limitation_date(D(2024, 2, 29), "CO", motor=True) == D(2027, 2, 28)
    line = ls.describe(LOSS, "CO", motor=True)
    assert "13-80-101(1)(n)(I)" in line and "motor-vehicle injury" in line


def test_motor_is_the_general_period_where_a_state_has_no_motor_rule():
    assert ls.limitation_date(LOSS, "TX", motor=True) == D(2027, 3, 10)
    assert ls.limitation_date(LOSS, "WI", motor=True) == D(2028, 3, 10)


def test_kentucky_motor_vehicle_injuries_are_refused_with_the_reason():
    assert ls.limitation_date(LOSS, "KY") == D(2026, 3, 10)
    with pytest.raises(ls.LimitationRefused, match="304.39-230") as refused:
        ls.limitation_date(LOSS, "KY", motor=True)
    assert "PIP" in refused.value.reason and "413.140" in refused.value.reason


def test_a_last_day_on_a_weekend_is_not_rolled_forward():
    # 2027-03-06 is a Saturday: the court would take the suit on Monday, casebot shows Saturday.
    assert ls.limitation_date(D(2025, 3, 6), "CA") == D(2027, 3, 6)


@pytest.mark.parametrize("code", ["ZZ", "PR", "", "California"])
def test_an_unknown_code_is_refused(code):
    with pytest.raises(ls.UnknownState):
        ls.limitation_date(LOSS, code)
    with pytest.raises(ValueError):
        ls.claim_deadline(LOSS, code)


def test_codes_are_read_loosely():
    assert ls.limitation_date(LOSS, " ca ") == D(2027, 3, 10)


# ---------------------------------------------------------------- claim deadlines (public entities)


@pytest.mark.parametrize(
    "state, loss, last_day",
    [
        ("CA", D(2026, 1, 31), D(2026, 7, 31)),  # six months: July has a 31st
        ("CA", D(2025, 8, 31), D(2026, 2, 28)),  # six months: February has no 31st, the month's last day
        ("TX", D(2026, 1, 31), D(2026, 7, 31)),
        ("TX", D(2025, 8, 31), D(2026, 2, 28)),
        ("TX", D(2023, 8, 31), D(2024, 2, 29)),  # a leap February ends on the 29th
        ("CA", D(2024, 2, 29), D(2024, 8, 29)),
        ("NY", D(2026, 1, 1), D(2026, 4, 1)),  # 90 days: 30 left in January + 28 + 31 + 1
        ("NJ", D(2026, 1, 1), D(2026, 4, 1)),  # 90 days
        ("AZ", D(2026, 1, 1), D(2026, 6, 30)),  # 180 days: 30 + 28 + 31 + 30 + 31 + 30
    ],
)
def test_claim_deadlines_count_from_the_loss(state, loss, last_day):
    result = ls.claim_deadline(loss, state)
    assert result is not None
    day, rule = result
    assert day == last_day and rule.state == state and rule.statute


def test_the_claim_rules_held_are_the_verified_ones():
    assert {c.state for c in lt.CLAIM_DEADLINES} == {"AZ", "CA", "NJ", "NY", "TX"}
    assert ls.claim_rule("CA").statute == "Cal. Gov. Code § 911.2(a)"
    assert ls.claim_rule("TX").statute == "Tex. Civ. Prac. & Rem. Code § 101.101(a)"
    assert "charter" in ls.claim_rule("TX").note  # a city may require notice sooner


@pytest.mark.parametrize("state", ["FL", "IL", "GA", "wa"])
def test_states_without_a_held_rule_ask_for_the_claim_deadline(state):
    assert ls.claim_deadline(LOSS, state) is None
    assert "enter the claim deadline yourself" in ls.NO_CLAIM_DEADLINE


# ---------------------------------------------------------------- the table itself


def test_every_row_names_its_statute_its_source_and_how_it_was_read():
    kinds = {lt.STATUTE_READ, lt.QUOTED, lt.CITATION_ONLY}
    for row in lt.PERIODS:
        assert row.state in lt.ALL_CODES and row.statute and row.note
        assert row.source.startswith(("http://", "https://")) and row.checked in kinds
        if row.refuse:
            assert row.years is None and row.months is None
        else:
            assert row.years or row.months
        assert (row.motor_years is None) == (row.motor_statute is None)
    for claim in lt.CLAIM_DEADLINES:
        assert claim.source.startswith(("http://", "https://")) and claim.checked in kinds
        assert (claim.months is None) != (claim.days is None)


def test_each_state_starts_with_an_open_row_and_its_changes_are_in_order():
    for code in lt.ALL_CODES:
        starts = [r.effective_from for r in lt.PERIODS if r.state == code]
        assert starts[0] is None
        later = [s for s in starts[1:] if s is not None]
        assert len(later) == len(starts) - 1 and later == sorted(later) == sorted(set(later))


def test_month_arithmetic_keeps_the_day_or_takes_the_months_last_day():
    assert ls.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert ls.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert ls.add_months(D(2025, 3, 31), 1) == D(2025, 4, 30)
    assert ls.add_months(D(2025, 12, 15), 2) == D(2026, 2, 15)
    assert ls.add_months(D(2025, 7, 31), 6) == D(2026, 1, 31)
    assert ls.add_years(D(2024, 2, 29), 1) == D(2025, 2, 28)


def test_the_states_document_is_the_table_in_the_code():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "limitation-states.md").read_text(encoding="utf-8")
    assert ls.markdown_table() in doc
    assert "lawyer" in doc.split("|", 1)[0]  # the warning comes before the table


def test_the_user_guides_summary_is_the_table_in_the_code():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "user-guide.md").read_text(encoding="utf-8")
    assert ls.summary_table() in guide
    assert "docs/limitation-states.md" in guide
