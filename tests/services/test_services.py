"""The services on a real database (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot import services as sv
from bot.errors import (
    BadDate,
    Conflict,
    FutureDate,
    InputError,
    NotAllowed,
    PreconditionNotMet,
    UnknownCase,
    UnknownProvider,
)
from bot.rules.parsing import parse_amount, parse_day
from bot.services.people import person
from storage import queries as q
from storage.models import AuditEntry, Contact, Obligation

D = date


def open_rules(card):
    return sorted((o.rule, o.kind, o.due_on) for o in card.obligations)


def case_in_demand_stage(firm, clock, number="PI-7"):
    """A case whose records are all in and that waits for a legal assistant since Oct 5."""
    sv.create_case(firm, "U1", number, "Jane Roe", on=D(2026, 9, 1))
    sv.add_provider(firm, "U1", number, "Valley Ortho", on=D(2026, 9, 2))
    sv.provider_received(firm, "U1", number, "valley", "both", on=D(2026, 9, 20))
    return sv.advance(firm, "U1", number, on=D(2026, 10, 5))


def snapshot(firm):
    with firm.db.uow() as s:
        return (
            s.scalar(select(func.count()).select_from(AuditEntry)),
            s.scalar(select(func.count()).select_from(Contact)),
            sorted((o.key, o.state, o.due_on) for o in s.scalars(select(Obligation))),
        )


def test_a_case_entered_weeks_late_keeps_its_clocks(firm):
    outcome = sv.create_case(firm, "U1", "pi-2041", "Jane Roe", on=D(2026, 10, 1))
    card = outcome.card
    assert card.number == "PI-2041" and card.stage == "records" and card.days_in_stage == 56
    assert ("R1", "client", D(2026, 10, 1)) in open_rules(card)
    r2 = next(o for o in card.obligations if o.rule == "R2")
    assert r2.due_on == D(2026, 10, 15) and r2.overdue_days == 42


def test_case_numbers_match_case_insensitively_and_unknown_ones_suggest_the_closest(firm):
    sv.create_case(firm, "U1", "PI-2041", "Jane Roe")
    assert sv.show_case(firm, "U1", "pi-2041").number == "PI-2041"
    with pytest.raises(UnknownCase) as err:
        sv.show_case(firm, "U1", "PI-2014")
    assert "PI-2041" in err.value.suggestions
    with pytest.raises(Conflict):
        sv.create_case(firm, "U1", "pi-2041", "Someone Else")


def test_a_client_contact_closes_what_it_answers_and_restarts_the_cadence(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    card = sv.log_contact(firm, "U1", "PI-1", on=D(2026, 11, 10), note="walked through next steps").card
    rules = open_rules(card)
    assert [r for r in rules if r[0] == "R1"] == []
    assert ("R2", "client", D(2026, 11, 24)) in rules
    assert card.last_client_contact_on == D(2026, 11, 10)
    with firm.db.uow() as s:
        r1 = s.scalar(select(Obligation).where(Obligation.rule == "R1"))
        assert (r1.state, r1.closed_on, r1.closed_by, r1.closed_why) == (
            "done",
            D(2026, 11, 10),
            "U1",
            "client contact",
        )


def test_advance_needs_every_providers_records_and_bills_unless_a_lead_overrides_with_a_reason(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    sv.add_provider(firm, "U1", "PI-1", "Valley Ortho", on=D(2026, 11, 2))
    before = snapshot(firm)
    with pytest.raises(PreconditionNotMet, match="Valley Ortho \\(records and bills\\)"):
        sv.advance(firm, "U1", "PI-1")
    with pytest.raises(NotAllowed):
        sv.advance(firm, "U1", "PI-1", because="client insists")
    assert snapshot(firm) == before
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    moved = sv.advance(firm, "ULEAD", "PI-1", because="records promised by phone")
    assert moved.card.stage == "demand_queue"
    assert ("R4", "client", D(2026, 11, 27)) in open_rules(moved.card)  # today is Thanksgiving
    with firm.db.uow() as s:
        case = q.get_case(s, "PI-1")
        entry = [a for a in q.audit_of(s, case.id) if a.action == "stage"][-1]
        assert entry.by == "ULEAD" and entry.detail["reason"] == "records promised by phone"
        assert (entry.detail["from_stage"], entry.detail["to_stage"]) == ("records", "demand_queue")


def test_stages_never_move_backwards_except_by_a_lead_with_a_reason(firm, clock):
    case_in_demand_stage(firm, clock)
    with pytest.raises(NotAllowed):
        sv.advance(firm, "U1", "PI-7", to="records", because="oops")
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    with pytest.raises(NotAllowed):
        sv.advance(firm, "ULEAD", "PI-7", to="records")
    back = sv.advance(firm, "ULEAD", "PI-7", to="records", because="a provider was missed")
    assert back.card.stage == "records"
    assert any(o.rule == "R2" for o in back.card.obligations)


def test_a_second_plain_advance_right_after_a_move_is_refused_and_changes_nothing(firm, clock):
    case_in_demand_stage(firm, clock)
    clock.advance(minutes=5)
    assert sv.advance(firm, "U1", "PI-7").card.stage == "demand_drafting"  # a plain advance
    before = snapshot(firm)
    with pytest.raises(Conflict, match="already moved"):
        sv.advance(firm, "U1", "PI-7")  # the same words again, seconds later: a double submit
    assert snapshot(firm) == before
    clock.advance(minutes=5)
    sv.demand_sent(firm, "U1", "PI-7")
    assert sv.advance(firm, "U1", "PI-7").card.stage == "negotiation"


def test_only_a_repeated_plain_advance_by_the_same_person_is_a_double_submit(firm, clock):
    case_in_demand_stage(firm, clock)  # its advance named its day (Oct 5)
    # Right after an advance that named its day, a plain one is a new move, not a double submit.
    assert sv.advance(firm, "U1", "PI-7").card.stage == "demand_drafting"
    # A move by another command in between (the demand) is not taken for an advance.
    sv.demand_sent(firm, "U1", "PI-7")
    assert sv.advance(firm, "U1", "PI-7").card.stage == "negotiation"
    # The final offer moves it on; an advance right after is meant, not a double submit.
    sv.offer_received(firm, "U1", "PI-7", Decimal("20000"), final=True)
    assert sv.advance(firm, "U1", "PI-7").card.stage == "settlement"
    # An advance naming its own day or stage seconds after a plain one is meant too.
    sv.create_case(firm, "U1", "PI-8", "John Doe", on=D(2026, 9, 1))
    sv.add_provider(firm, "U1", "PI-8", "Kaiser", on=D(2026, 9, 2))
    sv.provider_received(firm, "U1", "PI-8", "1", "both", on=D(2026, 9, 20))
    assert sv.advance(firm, "U1", "PI-8").card.stage == "demand_queue"
    assert sv.advance(firm, "U1", "PI-8", on=D(2026, 11, 26)).card.stage == "demand_drafting"
    sv.create_case(firm, "U1", "PI-9", "Jo Doe", on=D(2026, 9, 1))
    sv.add_provider(firm, "U1", "PI-9", "Kaiser", on=D(2026, 9, 2))
    sv.provider_received(firm, "U1", "PI-9", "1", "both", on=D(2026, 9, 20))
    assert sv.advance(firm, "U1", "PI-9").card.stage == "demand_queue"
    assert sv.advance(firm, "U1", "PI-9", to="demand_drafting").card.stage == "demand_drafting"


def test_a_plain_advance_by_someone_else_right_after_is_not_a_double_submit(firm, clock):
    sv.create_case(firm, "U1", "PI-7", "Jane Roe", on=D(2026, 9, 1))
    sv.add_provider(firm, "U1", "PI-7", "Valley Ortho", on=D(2026, 9, 2))
    sv.provider_received(firm, "U1", "PI-7", "valley", "both", on=D(2026, 9, 20))
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    assert sv.advance(firm, "U1", "PI-7").card.stage == "demand_queue"
    assert sv.advance(firm, "ULEAD", "PI-7").card.stage == "demand_drafting"


def test_an_advance_button_from_a_stale_card_changes_nothing(firm, clock):
    case_in_demand_stage(firm, clock)
    clock.advance(minutes=5)
    sv.advance(firm, "U1", "PI-7", expected="demand_queue")
    with pytest.raises(Conflict):
        sv.advance(firm, "U1", "PI-7", expected="demand_queue")


def test_the_demand_clocks_and_the_acknowledgment(firm, clock):
    case_in_demand_stage(firm, clock)
    card = sv.demand_sent(firm, "U1", "PI-7", on=D(2026, 11, 1), adjuster="Bob Smith").card
    assert card.stage == "demand_sent"
    assert ("R6", "client", D(2026, 11, 2)) in open_rules(card)
    assert ("R7", "adjuster", D(2026, 11, 12)) in open_rules(card)
    assert ("R8", "task", D(2026, 12, 1)) in open_rules(card)
    assert card.demand.adjuster == "Bob Smith" and card.demand.ack_due_on == D(2026, 12, 1)
    card = sv.demand_ack(firm, "U1", "PI-7", on=D(2026, 11, 20)).card
    assert not [r for r in open_rules(card) if r[0] in ("R7", "R8")]
    with pytest.raises(Conflict):
        sv.demand_sent(firm, "U1", "PI-7")


def test_an_acknowledgment_lets_the_30_day_check_in_return(firm, clock):
    """R13 waits while R8 would reach the client sooner; once R8 is cancelled, R13 comes back."""
    case_in_demand_stage(firm, clock)
    sv.demand_sent(firm, "U1", "PI-7", on=D(2026, 11, 2))
    card = sv.log_contact(firm, "U1", "PI-7", on=D(2026, 11, 2)).card
    assert [r for r in open_rules(card) if r[0] == "R13"] == []
    card = sv.demand_ack(firm, "U1", "PI-7", on=D(2026, 11, 10)).card
    assert ("R13", "client", D(2026, 12, 2)) in open_rules(card)


def test_a_resent_demand_restarts_the_adjuster_check(firm, clock):
    case_in_demand_stage(firm, clock)
    sv.demand_sent(firm, "U1", "PI-7", on=D(2026, 10, 6))
    card = sv.demand_resent(firm, "U1", "PI-7", on=D(2026, 11, 16), adjuster="Carol").card
    rules = open_rules(card)
    assert ("R9", "client", D(2026, 11, 16)) in rules
    assert ("R7", "adjuster", D(2026, 11, 27)) in rules  # 11-26 is Thanksgiving
    assert [r for r in rules if r[0] == "R7"] == [("R7", "adjuster", D(2026, 11, 27))]


def test_offers_are_numbered_move_the_stage_and_record_when_the_client_was_told(firm, clock):
    case_in_demand_stage(firm, clock)
    sv.demand_sent(firm, "U1", "PI-7", on=D(2026, 11, 2))
    first = sv.offer_received(firm, "U1", "PI-7", parse_amount("12.5k"), on=D(2026, 11, 16))
    assert first.card.stage == "negotiation" and first.card.offers[0].amount == Decimal("12500.00")
    assert ("R10", "client", D(2026, 11, 16)) in open_rules(first.card)
    told = sv.offer_informed(firm, "U1", "PI-7", on=D(2026, 11, 17)).card
    assert told.offers[0].informed_on == D(2026, 11, 17)
    assert not [r for r in open_rules(told) if r[0] == "R10"]
    final = sv.offer_received(firm, "U1", "PI-7", parse_amount("$20,000.00"), final=True, on=D(2026, 11, 24))
    assert (
        final.card.stage == "final_offer" and final.card.offers[1].nth == "2nd" and final.card.offers[1].final
    )
    assert ("R11", "client", D(2026, 11, 24)) in open_rules(final.card)
    assert final.card.offers[1].inform_late is False


def test_settlement_and_closing(firm, clock):
    case_in_demand_stage(firm, clock)
    sv.demand_sent(firm, "U1", "PI-7", on=D(2026, 11, 2))
    sv.offer_received(firm, "U1", "PI-7", Decimal("20000"), final=True, on=D(2026, 11, 20))
    clock.advance(minutes=5)
    card = sv.advance(firm, "U1", "PI-7").card
    assert card.stage == "settlement" and ("R12", "client", D(2026, 11, 27)) in open_rules(card)
    closed = sv.close_case(firm, "U1", "PI-7", "settled").card
    assert closed.closed and closed.obligations == ()
    with pytest.raises(PreconditionNotMet):
        sv.log_contact(firm, "U1", "PI-7") and sv.add_provider(firm, "U1", "PI-7", "X")
    with pytest.raises(PreconditionNotMet, match="closed"):
        sv.add_provider(firm, "U1", "PI-7", "X")


def test_only_the_manager_a_lead_or_an_admin_changes_a_case(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe")
    before = snapshot(firm)
    with pytest.raises(NotAllowed, match="There is no case PI-1 that you can see"):
        sv.log_contact(firm, "U2", "PI-1")
    assert snapshot(firm) == before
    assert sv.log_contact(firm, "UADMIN", "PI-1").card.last_client_contact_on == firm.today()
    with pytest.raises(NotAllowed):
        sv.set_role(firm, "U1", "U2", "lead")


def test_bad_input_is_refused_with_an_example_and_changes_nothing(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe")
    sv.add_provider(firm, "U1", "PI-1", "Valley Ortho")
    sv.add_provider(firm, "U1", "PI-1", "Valley Imaging")
    before = snapshot(firm)
    refusals = [
        (FutureDate, lambda: sv.log_contact(firm, "U1", "PI-1", on=firm.today() + timedelta(days=1))),
        (UnknownProvider, lambda: sv.provider_received(firm, "U1", "PI-1", "valley", "both")),  # two match
        (UnknownProvider, lambda: sv.provider_received(firm, "U1", "PI-1", "9", "both")),
        (InputError, lambda: sv.provider_received(firm, "U1", "PI-1", "1", "x-rays")),
        (InputError, lambda: sv.set_holdup(firm, "U1", "PI-1", "weather")),
        (InputError, lambda: sv.advance(firm, "U1", "PI-1", to="limbo")),
        (PreconditionNotMet, lambda: sv.demand_ack(firm, "U1", "PI-1")),
        (InputError, lambda: sv.provider_received(firm, "U1", "PI-1", "1", "both", on=D(2020, 1, 1))),
    ]
    for kind, call in refusals:
        with pytest.raises(kind) as err:
            call()
        assert err.value.message
    assert snapshot(firm) == before
    with pytest.raises(BadDate) as bad:
        parse_day("11/31/2026", firm.today())
    assert bad.value.message == "“11/31/2026” is not a day (November has 30)." and bad.value.example


def test_hold_ups_feed_the_monthly_update(firm, clock):
    case_in_demand_stage(firm, clock)
    sv.set_holdup(firm, "U1", "PI-7", "wage-loss")
    card = sv.set_holdup(firm, "U1", "PI-7", "other", "police report").card
    assert [h.kind for h in card.holdups] == ["wage-loss", "other"]
    r5 = next(o for o in card.obligations if o.rule == "R5")
    assert "missing wage-loss authorization (since Nov 26); police report (since Nov 26)" in " ".join(
        r5.talking_points
    )
    card = sv.clear_holdup(firm, "U1", "PI-7", "all").card
    assert card.holdups == ()


def test_assign_moves_the_case_and_its_open_obligations(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    sv.assign(firm, "ULEAD", "PI-1", "U2")
    assert {i.case for i in sv.due_for(firm, ["U2"])} == {"PI-1"}
    assert sv.due_for(firm, ["U1"]) == []


def test_snooze_moves_the_reminder_not_the_due_date_or_the_cadence(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    r2 = next(i for i in sv.show_case(firm, "U1", "PI-1").obligations if i.rule == "R2")
    sv.snooze(firm, "U1", r2.obligation_id, D(2026, 11, 30))
    assert "R2" not in [i.rule for i in sv.due_for(firm, ["U1"])]
    assert "R2" in [i.rule for i in sv.due_for(firm, ["U1"], D(2026, 11, 30))]
    card = sv.show_case(firm, "U1", "PI-1")
    again = next(i for i in card.obligations if i.rule == "R2")
    assert again.due_on == D(2026, 11, 16) and again.state == "snoozed"
    card = sv.log_contact(firm, "U1", "PI-1", on=D(2026, 11, 26)).card
    assert ("R2", "client", D(2026, 12, 10)) in open_rules(card)


def test_overdue_a_manager_sees_their_own_a_lead_sees_everyone(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 10, 1))
    sv.create_case(firm, "U2", "PI-2", "John Doe", on=D(2026, 11, 2))
    assert {i.manager for i in sv.overdue(firm, "U1")} == {"U1"}
    with pytest.raises(NotAllowed):
        sv.overdue(firm, "U1", "U2")
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    items = sv.overdue(firm, "ULEAD")
    assert {i.manager for i in items} == {"U1", "U2"}
    mine = [i for i in items if i.manager == "U1"]
    assert mine == sorted(mine, key=lambda i: -i.overdue_days)
    assert mine[0].overdue_business_days < mine[0].overdue_days


def test_away_and_back(firm):
    assert "<@U2> gets your reminders" in sv.set_away(firm, "U1", until=D(2026, 12, 7), cover="U2")
    assert person(firm, "U1").cover_id == "U2"
    sv.set_back(firm, "U1")
    assert person(firm, "U1").away is False


def test_a_contact_and_a_stage_change_on_the_same_day_leave_no_stale_cadence(firm):
    """Found by the property test: a contact started a new R2 that the stage change the same day ended."""
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 9, 1))
    sv.log_contact(firm, "U1", "PI-1", on=D(2026, 9, 2))
    assert sv.offer_received(firm, "U1", "PI-1", Decimal("1000"), on=D(2026, 9, 2)).card.stage == "records"
    card = sv.advance(
        firm, "UADMIN", "PI-1", to="negotiation", on=D(2026, 9, 2), because="demand sent by mail"
    ).card
    assert card.stage == "negotiation"
    assert [o for o in card.obligations if o.rule == "R2"] == []
    with firm.db.uow() as s:
        stale = s.scalar(select(Obligation).where(Obligation.key == "R2:0:2026-09-02"))
        assert (stale.state, stale.closed_why) == ("cancelled", "no longer applies")
