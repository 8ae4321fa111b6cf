"""The case ledger (bills, liens, costs), the lien-reduction rule R14, and the settlement statement drawn
from the ledger: exact figures, columns that add up, the PDF read back, import and export."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import delete

from bot import services as sv
from bot.delivery.statement_pdf import render_statement, statement_filename
from bot.entrypoints.operator import export_command, statement_command
from bot.errors import Conflict, InputError, NotAllowed, UnknownProvider
from bot.rules import ledger as lg
from bot.rules.calendar import BusinessCalendar
from bot.rules.parsing import money
from bot.rules.planner import CANCELLED, DONE, OPEN, CaseFacts, LienFacts, OfferFacts, StageEntry, plan
from bot.rules.playbook import RULES, Kind, Numbers, Stage
from bot.services import accounting as acc
from bot.services.exports import export_csv, export_data
from bot.services.imports import import_cases
from storage import queries as q
from storage.models import AuditEntry, Case

D = Decimal
FIRM_NAME = "Harbor & Vine Injury Law"


# ---------------------------------------------------------------- the figures, pure


def seed_ledger() -> lg.Ledger:
    """Two bills, two liens (one reduced), two costs."""
    return lg.Ledger(
        bills=(
            lg.Bill(1, "Valley Orthopedics", D("12400.00"), D("6200.00"), D("3100.00"), date(2026, 10, 5)),
            lg.Bill(2, "City Imaging", D("2850.00"), D("1900.00"), D("950.00"), date(2026, 10, 6)),
        ),
        liens=(
            lg.LienEntry(
                1,
                "Blue Shield",
                "health-plan",
                D("8100.00"),
                date(2026, 10, 1),
                D("5400.00"),
                date(2026, 10, 28),
            ),
            lg.LienEntry(2, "Medicare", "medicare", D("1275.50"), date(2026, 10, 1)),
        ),
        costs=(
            lg.CostEntry(1, D("435.00"), "Superior Court filing fee", date(2026, 9, 15)),
            lg.CostEntry(2, D("1210.25"), "Records and expert review", date(2026, 10, 9)),
        ),
    )


def test_the_seeds_third_and_forty_percent_on_a_ledger_of_two_bills_two_liens_and_two_costs():
    ledger = seed_ledger()
    assert (ledger.specials, ledger.paid, ledger.adjusted, ledger.balances) == (
        D("15250.00"),
        D("8100.00"),
        D("4050.00"),
        D("3100.00"),
    )
    assert (ledger.liens_asserted, ledger.liens_owed, ledger.costs_total) == (
        D("9375.50"),
        D("6675.50"),
        D("1645.25"),
    )
    sheet = lg.sheet(ledger, D("47500"))
    now, court = (c.side for c in sheet.columns)
    # 47,500 / 3 = 15,833.333…: rounded half-up once, to 15,833.33; 40% is exactly 19,000.
    assert (now.fee_percent, now.fee, now.costs, now.liens, now.net_to_client) == (
        "33⅓%",
        D("15833.33"),
        D("1645.25"),
        D("9775.50"),  # 5,400 (reduced) + 1,275.50 + Valley Orthopedics' unpaid 3,100
        D("20245.92"),
    )
    assert (court.fee_percent, court.fee, court.net_to_client) == ("40%", D("19000.00"), D("17079.25"))
    assert sheet.statement.difference == D("3166.67")
    cost_lines = [(x.label, x.amount) for x in sheet.columns[0].cost_lines]
    assert cost_lines == [
        ("Superior Court filing fee", D("435.00")),
        ("Records and expert review", D("1210.25")),
    ]
    lien_lines = [(x.label, x.amount) for x in sheet.columns[0].lien_lines]
    assert lien_lines == [
        ("Blue Shield, lien 1", D("5400.00")),
        ("Medicare, lien 2", D("1275.50")),
        ("Valley Orthopedics, balance of its bill", D("3100.00")),
    ]
    for column in sheet.columns:
        assert column.lines_add_up
        assert column.side.gross - column.deductions == column.side.net_to_client


def test_a_litigation_cost_estimate_is_the_costs_so_far_and_one_more_line():
    sheet = lg.sheet(seed_ledger(), D("47500"), litigation_costs=D("5000"))
    now, court = sheet.columns
    assert [x.amount for x in now.cost_lines] == [D("435.00"), D("1210.25")]
    assert court.cost_lines[-1] == lg.Line("Further litigation costs (estimate)", D("3354.75"))
    assert (court.side.costs, court.side.net_to_client) == (D("5000.00"), D("13724.50"))
    assert now.lines_add_up and court.lines_add_up


def test_typed_costs_or_liens_win_for_a_what_if_and_say_so():
    sheet = lg.sheet(seed_ledger(), D("47500"), costs=D("2000"))
    column = sheet.columns[0]
    assert sheet.costs_typed and not sheet.liens_typed
    assert column.cost_lines == (lg.Line("Case costs (typed for this statement)", D("2000.00")),)
    assert column.side.liens == D("9775.50")  # still the ledger's
    assert column.side.net_to_client == D("19891.17") and column.lines_add_up


def test_after_the_decision_only_the_chosen_column_is_shown():
    settled = lg.sheet(seed_ledger(), D("47500"), decision="settled")
    assert [c.side.label for c in settled.columns] == ["Settle now"]
    court = lg.sheet(seed_ledger(), D("47500"), decision="litigation")
    assert [c.side.label for c in court.columns] == ["Litigate"]
    assert court.columns[0].side.net_to_client == D("17079.25")


def test_a_negative_net_is_written_in_parentheses_as_on_paper():
    ledger = lg.Ledger(liens=(lg.LienEntry(1, "Medicare", "medicare", D("9000"), date(2026, 10, 1)),))
    column = lg.sheet(ledger, D("10000")).columns[0]
    assert column.side.net_to_client == D("-2333.33") and column.lines_add_up
    assert money(column.side.net_to_client) == "($2,333.33)"
    assert money(D("1234.5")) == "$1,234.50"


amounts = st.decimals(min_value=D("0.01"), max_value=D("250000"), places=2)


@given(
    gross=st.decimals(min_value=D("1"), max_value=D("5000000"), places=2),
    bills=st.lists(st.tuples(amounts, st.integers(0, 100), st.integers(0, 100)), max_size=4),
    liens=st.lists(st.tuples(amounts, st.integers(0, 100)), max_size=4),
    costs=st.lists(amounts, max_size=4),
    presuit=st.fractions(min_value=Fraction(1, 100), max_value=Fraction(99, 100)),
    base=st.sampled_from(["gross", "net"]),
)
def test_every_column_of_every_ledger_adds_up_to_the_cent(gross, bills, liens, costs, presuit, base):
    day = date(2026, 10, 1)
    ledger = lg.Ledger(
        bills=tuple(
            lg.Bill(
                i,
                f"P{i}",
                b,
                (b * p / 100).quantize(D("0.01")) // 2,
                (b * a / 100).quantize(D("0.01")) // 2,
                day,
            )
            for i, (b, p, a) in enumerate(bills, 1)
        ),
        liens=tuple(
            lg.LienEntry(
                i, f"H{i}", "other", a, day, (a * r / 100).quantize(D("0.01")) if r < 100 else None, day
            )
            for i, (a, r) in enumerate(liens, 1)
        ),
        costs=tuple(lg.CostEntry(i, c, f"C{i}", day) for i, c in enumerate(costs, 1)),
    )
    sheet = lg.sheet(ledger, gross, presuit=presuit, base=base)
    for column in sheet.columns:
        assert column.lines_add_up
        side = column.side
        assert side.net_to_client == gross - side.fee - ledger.costs_total - ledger.payable
        assert abs(Fraction(side.fee) - Fraction(side.fee_base_amount) * side.fee_rate) <= Fraction(1, 200)


def test_a_bill_paid_and_adjusted_beyond_what_it_charged_is_refused():
    with pytest.raises(InputError, match="more than"):
        lg.check_bill(D("1000"), D("800"), D("300"))
    lg.check_bill(D("1000"), D("700"), D("300"))  # a zero balance is fine


# ---------------------------------------------------------------- R14, pure


FINAL_OFFER = (OfferFacts(1, date(2026, 10, 20), True),)


def lien_plan(liens, offers=FINAL_OFFER):
    facts = CaseFacts(
        created_on=date(2026, 9, 1),
        stages=(StageEntry(Stage.RECORDS, date(2026, 9, 1)),),
        offers=tuple(offers),
        liens=tuple(liens),
    )
    return {i.key: i for i in plan(facts, BusinessCalendar(), Numbers()) if i.rule == "R14"}


def test_r14_asks_every_lien_not_yet_accepted_for_a_reduction_when_the_final_offer_arrives():
    assert RULES["R14"].kind is Kind.TASK and Numbers().lien_reduction_days == 5
    items = lien_plan(
        [
            LienFacts(1, "Blue Shield", date(2026, 10, 1)),
            LienFacts(2, "Medicare", date(2026, 10, 1), accepted_on=date(2026, 10, 15)),  # accepted before
            LienFacts(3, "Medi-Cal", date(2026, 11, 2)),  # asserted after the final offer
        ]
    )
    assert set(items) == {"R14:1", "R14:3"}
    one, three = items["R14:1"], items["R14:3"]
    assert (one.state, one.triggered_on, one.due_on) == (OPEN, date(2026, 10, 20), date(2026, 10, 26))
    assert one.reason == "Ask Blue Shield for a reduction of its lien" and one.kind is Kind.TASK
    assert (three.triggered_on, three.due_on) == (date(2026, 11, 2), date(2026, 11, 9))
    assert (
        lien_plan(
            [LienFacts(1, "Blue Shield", date(2026, 10, 1))],
            offers=[OfferFacts(1, date(2026, 10, 20), False)],
        )
        == {}
    )


def test_r14_closes_with_a_reduction_or_an_acceptance_and_a_lien_paid_first_needs_no_asking():
    items = lien_plan(
        [
            LienFacts(1, "A", date(2026, 10, 1), reduced_on=date(2026, 10, 23)),
            LienFacts(2, "B", date(2026, 10, 1), accepted_on=date(2026, 10, 27)),
            LienFacts(3, "C", date(2026, 10, 1), paid_on=date(2026, 10, 22)),
            LienFacts(4, "D", date(2026, 10, 1), reduced_on=date(2026, 10, 5)),  # reduced before: ask again
        ]
    )
    assert (items["R14:1"].state, items["R14:1"].closed_on, items["R14:1"].closed_by) == (
        DONE,
        date(2026, 10, 23),
        "reduction",
    )
    assert (items["R14:2"].state, items["R14:2"].closed_by) == (DONE, "accepted")
    assert (items["R14:3"].state, items["R14:3"].closed_by) == (CANCELLED, "lien paid")
    assert items["R14:4"].state == OPEN


# ---------------------------------------------------------------- the services


def seed_case(firm, clock, number="PI-7"):
    """Jane Roe's case: two providers billed, two liens, two costs, as in seed_ledger()."""
    clock.set(date(2026, 11, 2))
    sv.create_case(firm, "U1", number, "Jane Roe", on=date(2026, 9, 1))
    sv.add_provider(firm, "U1", number, "Valley Orthopedics", on=date(2026, 9, 1))
    sv.add_provider(firm, "U1", number, "City Imaging", on=date(2026, 9, 1))
    sv.record_bill(firm, "U1", number, "1", D("12400"), paid=D("6200"), adjusted=D("3100"))
    sv.record_bill(firm, "U1", number, "city", D("2850"), paid=D("1900"), adjusted=D("950"))
    sv.add_lien(firm, "U1", number, "Blue Shield", D("8100"), kind="health-plan", on=date(2026, 10, 1))
    sv.add_lien(firm, "U1", number, "Medicare", D("1275.50"), kind="medicare", on=date(2026, 10, 1))
    sv.add_cost(firm, "U1", number, D("435"), "Superior Court filing fee")
    sv.add_cost(firm, "U1", number, D("1210.25"), "Records and expert review")


def test_the_card_carries_each_bill_and_the_total_specials(firm, clock):
    seed_case(firm, clock)
    card = sv.show_case(firm, "U1", "pi-7")
    bills = [(b.provider, b.billed, b.paid, b.adjusted, b.balance) for b in card.ledger.bills]
    assert bills == [
        ("Valley Orthopedics", D("12400.00"), D("6200.00"), D("3100.00"), D("3100.00")),
        ("City Imaging", D("2850.00"), D("1900.00"), D("950.00"), D("0.00")),
    ]
    assert card.ledger.specials == D("15250.00")
    assert [(x.n, x.holder, x.state) for x in card.ledger.liens] == [
        (1, "Blue Shield", "asserted"),
        (2, "Medicare", "asserted"),
    ]
    assert card.ledger.costs_total == D("1645.25")


def test_a_bill_recorded_again_replaces_what_is_given_keeps_the_rest_and_echoes_the_day(firm, clock):
    seed_case(firm, clock)
    clock.set(date(2026, 11, 4))
    out = sv.record_bill(firm, "U1", "PI-7", "Valley", D("12400"), adjusted=D("4000"))
    assert out.message == (
        "Updated the bill of Valley Orthopedics (provider 1) on PI-7 (Nov 4): billed $12,400.00, paid $6,200.00, "
        "adjusted $4,000.00, balance $2,200.00."
    )
    with pytest.raises(InputError, match="more than"):
        sv.record_bill(firm, "U1", "PI-7", "1", D("12400"), paid=D("9000"))
    with pytest.raises(UnknownProvider, match="Its providers: 1. Valley Orthopedics, 2. City Imaging"):
        sv.record_bill(firm, "U1", "PI-7", "Kaiser", D("100"))
    assert sv.show_case(firm, "U1", "PI-7").ledger.bills[0].adjusted == D("4000.00")


def test_a_lien_is_asserted_reduced_accepted_and_paid_each_on_its_day(firm, clock):
    seed_case(firm, clock)
    clock.set(date(2026, 11, 9))
    out = sv.lien_reduced(firm, "U1", "PI-7", 1, D("5400"), on=date(2026, 11, 6))
    assert out.message == (
        "Lien 1 on PI-7, Blue Shield: reduced from $8,100.00 to $5,400.00 on Nov 6 (the client keeps $2,700.00 more)."
    )
    with pytest.raises(InputError, match="accepted"):
        sv.lien_reduced(firm, "U1", "PI-7", 2, D("1275.50"))  # not a reduction
    with pytest.raises(InputError, match="before 2026-11-06"):
        sv.lien_accepted(firm, "U1", "PI-7", 1, on=date(2026, 11, 5))
    assert "accepted at $5,400.00 on Nov 9" in sv.lien_accepted(firm, "U1", "PI-7", 1).message
    with pytest.raises(Conflict, match="accepted"):
        sv.lien_reduced(firm, "U1", "PI-7", 1, D("5000"))
    assert "paid $5,400.00 on Nov 9" in sv.lien_paid(firm, "U1", "PI-7", 1).message
    with pytest.raises(Conflict, match="already paid"):
        sv.lien_paid(firm, "U1", "PI-7", 1)
    with pytest.raises(InputError, match="there is no lien 3"):
        sv.lien_paid(firm, "U1", "PI-7", 3)
    lien = sv.show_case(firm, "U1", "PI-7").ledger.liens[0]
    assert (lien.state, lien.asserted_on, lien.reduced_on, lien.accepted_on, lien.paid_on) == (
        "paid",
        date(2026, 10, 1),
        date(2026, 11, 6),
        date(2026, 11, 9),
        date(2026, 11, 9),
    )
    with firm.db.uow() as s:
        actions = [a.action for a in q.audit_of(s, q.get_case(s, "PI-7").id)]
    assert [a for a in actions if a.startswith(("bill", "lien", "cost"))] == [
        "bill",
        "bill",
        "lien_add",
        "lien_add",
        "cost",
        "cost",
        "lien_reduced",
        "lien_accepted",
        "lien_paid",
    ]


def test_a_lien_needs_a_known_type_and_a_billed_providers_balance_is_not_a_second_lien(firm, clock):
    seed_case(firm, clock)
    with pytest.raises(InputError, match="medical, health-plan, medicare, medicaid, erisa, other"):
        sv.add_lien(firm, "U1", "PI-7", "Aetna", D("100"), kind="insurer")
    with pytest.raises(Conflict, match="already paid out of the settlement"):
        sv.add_lien(firm, "U1", "PI-7", "valley orthopedics", D("3100"), kind="medical")
    with pytest.raises(InputError):
        sv.add_cost(firm, "U1", "PI-7", D("10"), "   ")
    assert len(sv.show_case(firm, "U1", "PI-7").ledger.liens) == 2


def open_r14(firm, number="PI-7"):
    return sorted(
        (o.reason, o.due_on) for o in sv.show_case(firm, "U1", number).obligations if o.rule == "R14"
    )


def test_the_final_offer_asks_for_a_reduction_of_each_lien_and_a_reduction_or_acceptance_closes_it(
    firm, clock
):
    seed_case(firm, clock)
    assert open_r14(firm) == []
    sv.offer_received(firm, "U1", "PI-7", D("47500"), final=True, on=date(2026, 11, 2))
    assert open_r14(firm) == [
        ("Ask Blue Shield for a reduction of its lien", date(2026, 11, 9)),
        ("Ask Medicare for a reduction of its lien", date(2026, 11, 9)),
    ]
    clock.set(date(2026, 11, 5))
    sv.lien_reduced(firm, "U1", "PI-7", 1, D("5400"))
    sv.add_lien(firm, "U1", "PI-7", "Medi-Cal", D("600"), kind="medicaid")
    assert open_r14(firm) == [
        ("Ask Medi-Cal for a reduction of its lien", date(2026, 11, 10)),
        ("Ask Medicare for a reduction of its lien", date(2026, 11, 9)),
    ]
    sv.lien_accepted(firm, "U1", "PI-7", 2)
    sv.lien_paid(firm, "U1", "PI-7", 3)
    assert open_r14(firm) == []
    with firm.db.uow() as s:
        rows = {o.key: (o.state, o.closed_why) for o in q.get_case(s, "PI-7").obligations if o.rule == "R14"}
    assert rows == {
        "R14:1": ("done", "reduction"),
        "R14:2": ("done", "accepted"),
        "R14:3": ("cancelled", "lien paid"),
    }


def test_only_the_people_on_the_case_see_or_change_its_ledger(firm, clock):
    seed_case(firm, clock)
    for attempt in (
        lambda: sv.record_bill(firm, "U2", "PI-7", "1", D("1")),
        lambda: sv.add_lien(firm, "U2", "PI-7", "X", D("1")),
        lambda: sv.lien_reduced(firm, "U2", "PI-7", 1, D("1")),
        lambda: sv.add_cost(firm, "U2", "PI-7", D("1"), "x"),
        lambda: acc.settlement_sheet(firm, "U2", "PI-7", D("47500")),
    ):
        with pytest.raises(NotAllowed) as refused:
            attempt()
        assert "Jane Roe" not in refused.value.message
    assert acc.settlement_sheet(firm, "UADMIN", "PI-7", D("47500")).columns[0].side.net_to_client == D(
        "17545.92"
    )


def test_the_ledger_stays_open_after_the_client_decides(firm, clock):
    seed_case(firm, clock)
    sv.offer_received(firm, "U1", "PI-7", D("47500"), final=True)  # what the client accepted
    sv.close_case(firm, "U1", "PI-7", "settled")
    sv.lien_accepted(firm, "U1", "PI-7", 1)
    sv.lien_paid(firm, "U1", "PI-7", 1)
    sv.add_cost(firm, "U1", "PI-7", D("85"), "Courier")
    sheet = acc.settlement_sheet(firm, "U1", "PI-7", D("47500"))
    assert sheet.decision == "settled" and [c.side.label for c in sheet.columns] == ["Settle now"]


def test_accounting_takes_costs_and_liens_from_the_ledger_unless_typed(firm, clock):
    seed_case(firm, clock)
    sv.lien_reduced(firm, "U1", "PI-7", 1, D("5400"))
    sheet = acc.settlement_sheet(firm, "U1", "PI-7", D("47500"))
    assert [c.side.net_to_client for c in sheet.columns] == [D("20245.92"), D("17079.25")]
    assert (sheet.statement.case, sheet.statement.client) == ("PI-7", "Jane Roe")
    what_if = acc.settlement_sheet(firm, "U1", "PI-7", D("47500"), costs=D("1200"), liens=D("8000"))
    assert [c.side.net_to_client for c in what_if.columns] == [D("22466.67"), D("19300.00")]
    assert what_if.costs_typed and what_if.liens_typed
    assert acc.settlement_statement(firm, "U1", "PI-7", D("47500")).settle_now.net_to_client == D("20245.92")


# ---------------------------------------------------------------- the PDF


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_statement_pdf_reads_back_with_every_figure_and_both_columns(firm, clock):
    seed_case(firm, clock)
    sv.lien_reduced(firm, "U1", "PI-7", 1, D("5400"), on=date(2026, 10, 28))
    sheet = acc.settlement_sheet(firm, "U1", "PI-7", D("47500"))
    data = render_statement(sheet, firm_name=FIRM_NAME, prepared_on=date(2026, 11, 2))
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 and reader.metadata.title == "Settlement statement PI-7"
    text = pdf_text(data)
    for expected in (
        "HARBOR & VINE INJURY LAW",
        "Settlement statement",
        "Jane Roe",
        "PI-7",
        "Nov 2, 2026",
        "33⅓% before suit, 40% in litigation, of the gross settlement",
        "1. Valley Orthopedics $12,400.00 $6,200.00 $3,100.00 $3,100.00",
        "Total specials $15,250.00 $8,100.00 $4,050.00 $3,100.00",
        "$8,100.00 $5,400.00 $5,400.00",
        "Total liens $9,375.50 $6,675.50",
        "Total costs $1,645.25",
        "Settle now Litigate",
        "Gross settlement $47,500.00 $47,500.00",
        "$15,833.33 $19,000.00",
        "Less case costs $1,645.25 $1,645.25",
        "Less liens and medical bills $9,775.50 $9,775.50",
        "Valley Orthopedics, balance of its bill $3,100.00 $3,100.00",
        "Total taken out of the settlement $27,254.08 $30,420.75",
        "Net to the client $20,245.92 $17,079.25",
        "settle now, as in the Settle now column",
        "Client",
        "Attorney",
    ):
        assert expected in text, expected
    # The same sheet and day give the same bytes.
    assert render_statement(sheet, firm_name=FIRM_NAME, prepared_on=date(2026, 11, 2)) == data
    assert statement_filename("PI-7", date(2026, 11, 2)) == "settlement-statement-PI-7-2026-11-02.pdf"


def test_after_the_decision_the_pdf_shows_the_chosen_column_and_a_negative_net_in_parentheses(firm, clock):
    clock.set(date(2026, 11, 2))
    sv.create_case(firm, "U1", "PI-8", "Łucja Nowak-Østergaard", on=date(2026, 9, 1))
    sv.add_lien(firm, "U1", "PI-8", "Medicare", D("9000"), kind="medicare")
    sv.offer_received(firm, "U1", "PI-8", D("10000"), final=True)
    sv.close_case(firm, "U1", "PI-8", "settled")
    sheet = acc.settlement_sheet(firm, "U1", "PI-8", D("10000"))
    text = pdf_text(render_statement(sheet, firm_name=FIRM_NAME, prepared_on=date(2026, 11, 2)))
    assert "Settlement and disbursement statement" in text
    assert "Łucja Nowak-Østergaard" in text
    assert "The client's decision settle" in text
    assert "Net to the client ($2,333.33)" in text
    assert "Litigate" not in text and "take the case to court" not in text
    assert "approve it, and the distribution of the settlement" in text


def test_casebot_statement_writes_the_same_pdf_to_a_file(firm, clock, tmp_path, capsys):
    seed_case(firm, clock)
    out = tmp_path / "statement.pdf"
    assert statement_command(firm, "pi-7", D("47500"), str(out), litigation_costs=D("5000")) == 0
    assert capsys.readouterr().out == (
        f"Wrote {out}: the settlement statement of PI-7, net to the client settle now $17,545.92, "
        "litigate $11,024.50.\n"
    )
    text = pdf_text(out.read_bytes())
    assert "Further litigation costs (estimate) — $3,354.75" in text
    assert "Net to the client $17,545.92 $11,024.50" in text
    assert statement_command(firm, "PI-404", D("1"), str(tmp_path / "x.pdf")) == 1
    assert "There is no case PI-404" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()


# ---------------------------------------------------------------- import and export


def test_the_ledger_goes_out_and_comes_back_in_without_losing_anything(firm, clock):
    seed_case(firm, clock)
    clock.set(date(2026, 11, 9))
    sv.lien_reduced(firm, "U1", "PI-7", 1, D("5400"), on=date(2026, 11, 6))
    sv.lien_accepted(firm, "U1", "PI-7", 1)
    sv.add_cost(firm, "U1", "PI-7", D("99.99"), "Copies: 3 sets | colour")
    exported = export_csv(firm)
    row = next(csv.DictReader(io.StringIO(exported)))
    assert row["providers"] == (
        "Valley Orthopedics:2026-09-01:::12400.00:6200.00:3100.00:2026-11-02|"
        "City Imaging:2026-09-01:::2850.00:1900.00:950.00:2026-11-02"
    )
    assert row["liens"] == (
        "Blue Shield:health-plan:8100.00:2026-10-01:5400.00:2026-11-06:2026-11-09:|"
        "Medicare:medicare:1275.50:2026-10-01::::"
    )
    assert row["costs"] == (
        "435.00:2026-11-02:Superior Court filing fee|1210.25:2026-11-02:Records and expert review|"
        "99.99:2026-11-09:Copies\\: 3 sets \\| colour"
    )
    before = acc.settlement_sheet(firm, "U1", "PI-7", D("47500"))

    report = import_cases(firm, exported)  # into the same firm: nothing changes
    assert report.ok and report.unchanged == ["PI-7"] and not report.notes
    with firm.db.uow() as s:
        s.execute(delete(AuditEntry))
        s.execute(delete(Case))
    assert import_cases(firm, exported).ok  # into an empty firm: the same ledger
    assert export_csv(firm) == exported
    after = acc.settlement_sheet(firm, "U1", "PI-7", D("47500"))
    assert after.ledger == before.ledger and after.columns == before.columns


def test_a_reimport_adds_new_ledger_lines_and_fills_in_a_liens_later_steps(firm, clock):
    seed_case(firm, clock)
    row = next(csv.DictReader(io.StringIO(export_csv(firm))))
    row["liens"] = row["liens"].replace(
        "Medicare:medicare:1275.50:2026-10-01::::",
        "Medicare:medicare:1275.50:2026-10-01:1000.00:2026-10-30::",
    )
    row["costs"] += "|50.00:2026-10-31:Postage"
    row["providers"] = row["providers"].replace(":3100.00:2026-11-02", ":3000.00:2026-11-02")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row), lineterminator="\n")
    writer.writeheader()
    writer.writerow(row)
    report = import_cases(firm, out.getvalue())
    assert report.ok and report.updated == ["PI-7"]
    assert [m for _, m in report.notes] == [
        "PI-7: Valley Orthopedics: bill kept as billed 12400.00, paid 6200.00, adjusted 3100.00 "
        "(the file says 12400.00, 6200.00, 3000.00)"
    ]
    ledger = sv.show_case(firm, "U1", "PI-7").ledger
    assert (ledger.liens[1].reduced_to, ledger.liens[1].reduced_on) == (D("1000.00"), date(2026, 10, 30))
    assert [c.description for c in ledger.costs][-1] == "Postage"


@pytest.mark.parametrize(
    "liens, costs, problem",
    [
        ("Medicare:insurer:100.00:2026-10-01::::", "", "type “insurer”"),
        ("Medicare:medicare:100.00:2026-10-01:150.00:2026-10-02::", "", "not less than"),
        ("Medicare:medicare:100.00:2026-10-05::::2026-10-01", "", "in that order"),
        ("", "12.345:2026-10-01:Copies", "is not an amount"),
        ("", "12.00:2026-10-01", "amount:day:description"),
    ],
)
def test_a_bad_ledger_cell_refuses_the_whole_file(firm, liens, costs, problem):
    header = "case_number,client,manager,liens,costs"
    report = import_cases(firm, f"{header}\nPI-9,Jane Roe,U1,{liens},{costs}\n")
    assert not report.ok and problem in report.errors[0][1]


def test_the_json_export_has_the_whole_ledger(firm, clock, capsys):
    seed_case(firm, clock)
    data = export_data(firm)
    case = data["cases"][0]
    assert case["providers"][0]["billed"] == "12400.00" and case["providers"][0]["billed_on"] == "2026-11-02"
    assert case["liens"][1] == {
        "id": case["liens"][1]["id"],
        "n": 2,
        "holder": "Medicare",
        "kind": "medicare",
        "amount": "1275.50",
        "asserted_on": "2026-10-01",
        "reduced_to": None,
        "reduced_on": None,
        "accepted_on": None,
        "paid_on": None,
        "by": "U1",
    }
    assert [c["description"] for c in case["costs"]] == [
        "Superior Court filing fee",
        "Records and expert review",
    ]
    assert export_command(firm, fmt="json") == 0
    assert json.loads(capsys.readouterr().out)["cases"][0]["costs"][1]["amount"] == "1210.25"
