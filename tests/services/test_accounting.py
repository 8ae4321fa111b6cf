"""Settlement accounting: the statement a client is walked through at step 9."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import services as sv
from bot.errors import InputError, NotAllowed, UnknownCase
from bot.rules import fees
from bot.rules.playbook import Numbers
from bot.services import accounting as acc
from storage import queries as q

D = Decimal


def test_the_worked_example_nets_10800_settling_now_and_8800_in_litigation():
    s = fees.statement(D("30000"), D("1200"), D("8000"))
    now, court = s.settle_now, s.litigate
    assert (now.fee_rate, now.fee, now.costs, now.liens, now.net_to_client) == (
        Fraction(1, 3),
        D("10000.00"),
        D("1200.00"),
        D("8000.00"),
        D("10800.00"),
    )
    assert (court.fee_rate, court.fee, court.net_to_client) == (Fraction(2, 5), D("12000.00"), D("8800.00"))
    assert now.fee_percent == "33⅓%" and court.fee_percent == "40%"
    assert s.difference == D("2000.00")


def test_a_higher_litigation_cost_estimate_replaces_the_costs_in_the_litigation_column_only():
    s = fees.statement(D("30000"), D("1200"), D("8000"), litigation_costs=D("5000"))
    assert s.settle_now.net_to_client == D("10800.00")
    assert (s.litigate.costs, s.litigate.net_to_client) == (D("5000.00"), D("5000.00"))


def test_a_litigation_estimate_below_the_costs_so_far_is_refused():
    with pytest.raises(InputError, match="can't be less"):
        fees.statement(D("30000"), D("1200"), D("0"), litigation_costs=D("1000"))


def test_the_fee_on_the_net_is_a_share_of_gross_less_costs():
    s = fees.statement(D("30000"), D("1200"), D("8000"), base="net")
    assert (s.settle_now.fee_base_amount, s.settle_now.fee, s.settle_now.net_to_client) == (
        D("28800.00"),
        D("9600.00"),
        D("11200.00"),
    )
    assert (s.litigate.fee, s.litigate.net_to_client) == (D("11520.00"), D("9280.00"))


def test_a_third_of_an_odd_amount_rounds_half_up_once_and_the_lines_add_up():
    s = fees.statement(D("10000.01"), D("0"), D("0"))  # a third is 3333.33666…
    assert s.settle_now.fee == D("3333.34")
    assert s.settle_now.net_to_client == D("6666.67")
    assert fees.cents(D("0.005")) == D("0.01") and fees.cents(D("2.675")) == D("2.68")
    assert fees.cents(Fraction(-1, 200)) == D("-0.01")


@given(
    gross=st.decimals(min_value=1, max_value=10**9, places=2),
    costs=st.decimals(min_value=0, max_value=10**6, places=2),
    liens=st.decimals(min_value=0, max_value=10**6, places=2),
    rate=st.fractions(min_value=Fraction(1, 100), max_value=Fraction(99, 100)),
)
def test_every_statement_adds_up_to_the_cent(gross, costs, liens, rate):
    s = fees.statement(gross, costs, liens, presuit=rate, litigation=rate)
    for side in (s.settle_now, s.litigate):
        assert side.gross - side.fee - side.costs - side.liens == side.net_to_client
        assert abs(Fraction(side.fee) - Fraction(gross) * rate) <= Fraction(1, 200)


def test_liens_larger_than_what_is_left_show_a_negative_net():
    s = fees.statement(D("10000"), D("0"), D("9000"))
    assert s.settle_now.net_to_client == D("-2333.33")


@pytest.mark.parametrize(
    "text, rate",
    [
        ("1/3", Fraction(1, 3)),
        ("33⅓%", Fraction(1, 3)),
        ("33 1/3%", Fraction(1, 3)),
        ("40%", Fraction(2, 5)),
        ("0.4", Fraction(2, 5)),
        ("35.5%", Fraction(71, 200)),
    ],
)
def test_fee_rates_read_as_a_retainer_writes_them(text, rate):
    assert fees.parse_rate(text) == rate


@pytest.mark.parametrize("text", ["", "abc", "140%", "0", "1/0", "1"])
def test_nonsense_rates_are_refused(text):
    with pytest.raises(InputError):
        fees.parse_rate(text)


def test_the_service_uses_the_firms_defaults_and_is_for_the_manager_a_lead_or_an_admin(firm):
    sv.create_case(firm, "U1", "PI-9", "Jane Roe", on=date(2026, 11, 2))
    s = acc.settlement_statement(firm, "U1", "pi-9", D("30000"), costs=D("1200"), liens=D("8000"))
    assert (s.case, s.client, s.terms_from_case) == ("PI-9", "Jane Roe", False)
    assert (s.settle_now.net_to_client, s.litigate.net_to_client) == (D("10800.00"), D("8800.00"))
    assert acc.settlement_statement(firm, "UADMIN", "PI-9", D("30000")).settle_now.net_to_client == D(
        "20000.00"
    )
    with pytest.raises(UnknownCase, match=r"There is no case PI-9 that you can see\."):
        acc.settlement_statement(firm, "U2", "PI-9", D("30000"))


def test_the_firms_fee_base_setting_applies_unless_the_case_says_otherwise(firm):
    firm.settings = replace(firm.settings, numbers=replace(Numbers(), fee_base="net"))
    sv.create_case(firm, "U1", "PI-9", "Jane Roe", on=date(2026, 11, 2))
    assert acc.settlement_statement(firm, "U1", "PI-9", D("30000"), costs=D("1200")).settle_now.fee == D(
        "9600.00"
    )
    acc.set_fee_terms(firm, "U1", "PI-9", base="gross")
    assert acc.settlement_statement(firm, "U1", "PI-9", D("30000"), costs=D("1200")).settle_now.fee == D(
        "10000.00"
    )


def test_a_cases_own_fee_terms_override_the_defaults_and_are_audited(firm):
    sv.create_case(firm, "U1", "PI-9", "Jane Roe", on=date(2026, 11, 2))
    out = acc.set_fee_terms(firm, "U1", "PI-9", presuit="25%", litigation="35%")
    assert "25% pre-suit, 35% in litigation, on the gross" in out.message
    s = acc.settlement_statement(firm, "U1", "PI-9", D("30000"), costs=D("1200"), liens=D("8000"))
    assert s.terms_from_case
    assert (s.settle_now.fee, s.litigate.fee) == (D("7500.00"), D("10500.00"))
    acc.set_fee_terms(firm, "U1", "PI-9", presuit="default")
    assert acc.settlement_statement(firm, "U1", "PI-9", D("30000")).settle_now.fee == D("10000.00")
    with firm.db.uow() as ses:
        case = q.get_case(ses, "PI-9")
        actions = [a.action for a in q.audit_of(ses, case.id)]
    assert actions.count("fee_terms") == 2


def test_only_the_manager_a_lead_or_an_admin_sets_fee_terms_and_bad_ones_change_nothing(firm):
    sv.create_case(firm, "U1", "PI-9", "Jane Roe", on=date(2026, 11, 2))
    with pytest.raises(NotAllowed):
        acc.set_fee_terms(firm, "U2", "PI-9", presuit="1/4")
    with pytest.raises(InputError):
        acc.set_fee_terms(firm, "U1", "PI-9", presuit="1/4", base="half")
    with pytest.raises(InputError):
        acc.set_fee_terms(firm, "U1", "PI-9")
    assert acc.settlement_statement(firm, "U1", "PI-9", D("30000")).settle_now.fee == D("10000.00")
