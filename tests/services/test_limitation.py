"""The statute of limitations: computing the date, the alerts and the red window."""

from dataclasses import replace
from datetime import date

import pytest

from bot import services as sv
from bot.errors import FutureDate, InputError, NotAllowed
from bot.rules import limitation as sol
from bot.rules.playbook import Numbers
from bot.services import limitation as sol_service
from storage import queries as q

D = date
N = Numbers()


@pytest.mark.parametrize(
    "state, loss, last_day",
    [
        ("CA", D(2025, 3, 2), D(2027, 3, 2)),
        ("tx", D(2025, 3, 2), D(2027, 3, 2)),
        ("NY", D(2025, 3, 2), D(2028, 3, 2)),
        ("GA", D(2025, 3, 2), D(2027, 3, 2)),
        ("FL", D(2023, 3, 24), D(2025, 3, 24)),  # HB 837's first day: the shorter period
        ("FL", D(2023, 3, 23), D(2027, 3, 23)),  # the day before: four years
    ],
)
def test_each_state_uses_its_personal_injury_period(state, loss, last_day):
    assert sol.limitation_from_loss(loss, state) == last_day


def test_every_period_names_its_statute_and_every_state_is_covered():
    assert set(sol.STATES) >= {"CA", "FL", "TX", "NY", "GA"}
    assert set(sol.STATES) == set(sol.ALL_CODES), "all 50 states and DC, from the one table"
    assert all(p.statute and (p.years or p.refuse) for p in sol.PERIODS)
    assert sol.period_for("NY", D(2026, 1, 1)).statute.startswith("N.Y. C.P.L.R. § 214")


def test_a_loss_on_february_29_runs_out_on_february_28():
    assert sol.limitation_from_loss(D(2024, 2, 29), "CA") == D(2026, 2, 28)
    assert sol.limitation_from_loss(D(2024, 2, 29), "FL") == D(2026, 2, 28)


def test_a_last_day_on_a_weekend_is_not_rolled_forward():
    # 2027-03-06 is a Saturday: the court would take the suit on Monday, casebot shows Saturday.
    assert sol.limitation_from_loss(D(2025, 3, 6), "CA") == D(2027, 3, 6)


def test_an_unknown_state_is_refused_with_the_ones_known():
    with pytest.raises(InputError, match="not a state casebot knows .*e.g. CA, NY, DC"):
        sol.limitation_from_loss(D(2025, 3, 6), "ZZ")


def test_the_alert_due_is_the_smallest_threshold_crossed():
    lim = D(2027, 6, 1)
    assert sol.threshold_crossed(lim, D(2026, 12, 2), N) is None  # 181 days left
    assert sol.threshold_crossed(lim, D(2026, 12, 3), N) == 180
    assert sol.threshold_crossed(lim, D(2027, 3, 3), N) == 90
    assert sol.threshold_crossed(lim, D(2027, 4, 17), N) == 60
    assert sol.threshold_crossed(lim, D(2027, 5, 2), N) == 30
    assert sol.threshold_crossed(lim, D(2027, 6, 1), N) == 30  # the day itself: still the 30-day alert
    assert sol.threshold_crossed(lim, D(2027, 6, 2), N) == 0  # passed: one more alert, saying so
    assert sol.threshold_crossed(lim, D(2027, 5, 2), N, stage="litigation") is None
    assert sol.threshold_crossed(None, D(2027, 5, 2), N) is None


def test_inside_90_days_is_red_while_open():
    lim = D(2027, 6, 1)
    assert not sol.is_red(lim, D(2027, 3, 2), N)
    assert sol.is_red(lim, D(2027, 3, 3), N)
    assert not sol.is_red(lim, D(2027, 3, 3), N, stage="settled")


def test_set_limitation_from_a_loss_date_and_state_is_stored_audited_and_shown(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    out = sol_service.set_limitation(firm, "U1", "pi-1", loss_on=D(2025, 3, 2), state="ca")
    assert out.card.limitation_on == D(2027, 3, 2)
    assert "Cal. Civ. Proc. Code § 335.1" in out.message and "96 days from today" in out.message
    with firm.db.uow() as s:
        case = q.get_case(s, "PI-1")
        assert (case.loss_on, case.loss_state) == (D(2025, 3, 2), "CA")
        assert [a.action for a in q.audit_of(s, case.id)][-1] == "limitation"


def test_a_date_given_with_a_loss_date_wins_and_the_message_says_what_the_loss_would_give(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    out = sol_service.set_limitation(firm, "U1", "PI-1", on=D(2027, 9, 1), loss_on=D(2025, 9, 1), state="TX")
    assert out.card.limitation_on == D(2027, 9, 1)
    out = sol_service.set_limitation(firm, "U1", "PI-1", on=D(2027, 10, 1), loss_on=D(2025, 9, 1), state="TX")
    assert "would be 2027-09-01" in out.message


def test_set_limitation_refuses_bad_input_and_strangers(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    with pytest.raises(InputError):
        sol_service.set_limitation(firm, "U1", "PI-1")
    with pytest.raises(InputError):
        sol_service.set_limitation(firm, "U1", "PI-1", loss_on=D(2025, 3, 2))
    with pytest.raises(InputError):
        sol_service.set_limitation(firm, "U1", "PI-1", loss_on=D(2025, 3, 2), state="ZZ")
    with pytest.raises(InputError, match="304.39-230"):  # refused: facts casebot does not have
        sol_service.set_limitation(firm, "U1", "PI-1", loss_on=D(2025, 3, 2), state="KY", motor=True)
    with pytest.raises(FutureDate):
        sol_service.set_limitation(firm, "U1", "PI-1", loss_on=D(2027, 3, 2), state="CA")
    with pytest.raises(NotAllowed):
        sol_service.set_limitation(firm, "U2", "PI-1", on=D(2027, 3, 2))
    assert sv.show_case(firm, "U1", "PI-1").limitation_on is None


def test_alerts_due_list_open_cases_inside_a_threshold_soonest_first(firm, clock):
    today = D(2026, 11, 26)
    sv.create_case(firm, "U1", "PI-1", "A", on=D(2026, 11, 2), limitation_on=D(2027, 5, 25))  # 180 days
    sv.create_case(firm, "U2", "PI-2", "B", on=D(2026, 11, 2), limitation_on=D(2027, 5, 26))  # 181: not yet
    sv.create_case(firm, "U1", "PI-3", "C", on=D(2026, 11, 2), limitation_on=D(2027, 1, 10))  # 45
    sv.create_case(firm, "U2", "PI-4", "D", on=D(2026, 11, 2), limitation_on=D(2026, 11, 20))  # passed
    sv.create_case(firm, "U2", "PI-5", "E", on=D(2026, 11, 2), limitation_on=D(2027, 1, 1))
    # Suit filed before the demand went out, to protect the date: a lead closes it with the reason.
    sv.close_case(firm, "UADMIN", "PI-5", "litigation", because="suit filed to protect the limitation date")
    sv.create_case(firm, "U2", "PI-6", "F", on=D(2026, 11, 2))  # no date
    alerts = sol_service.limitation_alerts_due(firm, today)
    assert alerts == [("PI-4", "U2", -6, 0), ("PI-3", "U1", 45, 60), ("PI-1", "U1", 180, 180)]
    number, manager, left, threshold = alerts[1]
    assert f"sol:{number}:{threshold}" == "sol:PI-3:60"
    assert [r[0] for r in sol_service.cases_inside_red(firm, today)] == ["PI-4", "PI-3"]


def test_a_firm_with_other_thresholds_gets_those(firm):
    firm.settings = replace(firm.settings, numbers=replace(Numbers(), limitation_alert_days=(120, 14)))
    sv.create_case(firm, "U1", "PI-1", "A", on=D(2026, 11, 2), limitation_on=D(2027, 1, 10))
    assert sol_service.limitation_alerts_due(firm, D(2026, 11, 26)) == [("PI-1", "U1", 45, 120)]
