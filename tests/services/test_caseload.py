"""A lead's tools: moving a caseload, the firm's overview and the weekly chart's data."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot import services as sv
from bot.delivery.chart import render_stage_chart
from bot.errors import InputError, NotAllowed
from bot.services.caseload import lead_overview, move_caseload, stage_ages
from storage import queries as q
from storage.models import Escalation

D = date


@pytest.fixture
def lead(firm):
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    return "ULEAD"


def test_a_lead_moves_every_open_case_and_its_open_obligations_to_another_manager(firm, lead):
    sv.create_case(firm, "U1", "PI-1", "A", on=D(2026, 10, 1))
    sv.create_case(firm, "U1", "PI-2", "B", on=D(2026, 11, 2))
    sv.create_case(firm, "U1", "PI-3", "C", on=D(2026, 11, 2))
    sv.close_case(firm, "U1", "PI-3", "dropped")
    sv.create_case(firm, "U3", "PI-4", "D", on=D(2026, 11, 2))
    before = {i.case for i in sv.due_for(firm, ["U1"])}
    assert before == {"PI-1", "PI-2"}

    result = move_caseload(firm, lead, "U1", "U2")

    assert result.cases == ("PI-1", "PI-2") and result.obligations > 0
    assert "Moved 2 open cases from <@U1> to <@U2>" in result.message
    assert sv.due_for(firm, ["U1"]) == []
    assert {i.case for i in sv.due_for(firm, ["U2"])} == {"PI-1", "PI-2"}
    assert sv.show_case(firm, lead, "PI-1").manager == "U2"
    assert sv.show_case(firm, lead, "PI-3").manager == "U1"  # closed cases stay where they were
    assert sv.show_case(firm, lead, "PI-4").manager == "U3"
    with firm.db.uow() as s:
        audit = q.audit_of(s, q.get_case(s, "PI-2").id)[-1]
        assert (audit.action, audit.by, audit.detail["from_manager"], audit.detail["to_manager"]) == (
            "assign",
            lead,
            "U1",
            "U2",
        )
    # The new manager may now change the case; the old one may not.
    sv.log_contact(firm, "U2", "PI-1")
    with pytest.raises(NotAllowed):
        sv.log_contact(firm, "U1", "PI-2")


def test_only_a_lead_or_an_admin_moves_a_caseload(firm, lead):
    sv.create_case(firm, "U1", "PI-1", "A", on=D(2026, 11, 2))
    with pytest.raises(NotAllowed):
        move_caseload(firm, "U1", "U1", "U2")
    with pytest.raises(InputError):
        move_caseload(firm, lead, "U1", "U1")
    assert sv.show_case(firm, lead, "PI-1").manager == "U1"
    assert move_caseload(firm, "UADMIN", "U9", "U2").message == "<@U9> has no open cases; nothing moved."


def test_the_leads_overview_counts_stages_overdue_escalations_limitation_and_untold_offers(firm, clock, lead):
    today = D(2026, 11, 26)
    sv.create_case(
        firm, "U1", "PI-1", "A", on=D(2026, 10, 27), limitation_on=D(2027, 1, 10)
    )  # 30 days in records
    sv.create_case(firm, "U1", "PI-2", "B", on=D(2026, 11, 16))  # 10 days in records
    sv.create_case(firm, "U2", "PI-3", "C", on=D(2026, 9, 1), limitation_on=D(2027, 8, 1))
    sv.add_provider(firm, "U2", "PI-3", "Valley Ortho", on=D(2026, 9, 2))
    sv.provider_received(firm, "U2", "PI-3", "1", "both", on=D(2026, 9, 20))
    sv.advance(firm, "U2", "PI-3", on=D(2026, 10, 5))
    sv.demand_sent(firm, "U2", "PI-3", on=D(2026, 10, 6))
    sv.offer_received(
        firm, "U2", "PI-3", Decimal("5000"), on=D(2026, 11, 20)
    )  # Fri: 3 business days, not told
    sv.create_case(firm, "U2", "PI-4", "D", on=D(2026, 11, 2))
    sv.close_case(firm, "U2", "PI-4", "dropped")
    with firm.db.uow() as s:
        ob = next(o for o in q.get_case(s, "PI-1").obligations if o.state == "open" and o.due_on < today)
        s.add(Escalation(obligation_id=ob.id, case_id=ob.case_id, escalated_at=datetime.now(UTC)))

    view = lead_overview(firm, lead)

    assert view.open_cases == 3
    assert [(st.stage, st.cases, st.average_days, st.longest_days) for st in view.stages] == [
        ("records", 2, 20.0, 30),
        ("negotiation", 1, 6.0, 6),
    ]
    assert [o.manager for o in view.overdue] == ["U2", "U1"]  # PI-3 has waited since Sep 1
    assert sum(o.overdue for o in view.overdue) == len(sv.overdue(firm, lead))
    assert view.escalations_open == 1
    assert [(x.case, x.days_left) for x in view.inside_limitation] == [("PI-1", 45)]
    assert [(o.case, o.n, o.business_days) for o in view.offers_not_told] == [("PI-3", 1, 3)]
    with pytest.raises(NotAllowed):
        lead_overview(firm, "U1")


def test_stage_ages_bucket_open_cases_by_days_in_stage_and_draw_a_png(firm):
    sv.create_case(firm, "U1", "PI-1", "A", on=D(2026, 11, 20))  # 6 days
    sv.create_case(firm, "U1", "PI-2", "B", on=D(2026, 11, 12))  # 14 days: the second bucket
    sv.create_case(firm, "U1", "PI-3", "C", on=D(2026, 6, 1))  # 178 days
    sv.create_case(firm, "U1", "PI-4", "D", on=D(2026, 6, 1))
    sv.offer_received(firm, "U1", "PI-4", Decimal("20000"), final=True)
    sv.close_case(firm, "U1", "PI-4", "settled")
    ages = stage_ages(firm)
    records = next(r for r in ages.rows if r.stage == "records")
    assert ages.buckets == ("under 14 days", "14–29 days", "30–59 days", "60–89 days", "90+ days")
    assert records.counts == (1, 1, 0, 0, 1) and ages.open_cases == 3
    assert [r.stage for r in ages.rows][:2] == ["records", "demand_queue"]
    png = render_stage_chart(ages)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000


def test_the_chart_of_an_empty_firm_still_draws():
    from bot.services.caseload import StageAgeRow, StageAges

    empty = StageAges(
        D(2026, 11, 26),
        ("under 14 days", "14+ days"),
        (StageAgeRow("records", "Collecting records", (0, 0)),),
    )
    assert render_stage_chart(empty).startswith(b"\x89PNG")
