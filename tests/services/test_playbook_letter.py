"""The playbook to the letter (issue 11), through the real services on a real database: offers before the
demand, R3 on a partial receipt, R12's closing, the double-submit guard, telling of an offer, replies
dated from the event, hold-ups, the card's stage line, one way of counting age, and "coming up"."""

from datetime import date
from decimal import Decimal

import pytest

from bot import services as sv
from bot.errors import Conflict, InputError, PreconditionNotMet

D = date  # the test clock stands at Thursday 2026-11-26 (Thanksgiving), 10:00 in Los Angeles


def rules(card, rule):
    return [o for o in card.obligations if o.rule == rule]


OCT_1 = D(2026, 10, 1)


def records_in(firm, number="PI-5000", *, on=OCT_1):
    sv.create_case(firm, "U1", number, "Jane Roe", on=on)
    sv.add_provider(firm, "U1", number, "Valley Ortho", on=on)
    sv.provider_received(firm, "U1", number, "1", "both", on=D(2026, 10, 20))


def test_an_offer_before_the_demand_is_kept_with_its_r10_and_leaves_the_stage_alone(firm):
    sv.create_case(firm, "U1", "PI-5000", "Jane Roe", on=D(2026, 11, 2))
    got = sv.offer_received(firm, "U1", "PI-5000", Decimal("5000"), on=D(2026, 11, 25))
    assert got.card.stage == "records"
    assert "came before the demand was sent" in got.message and "stays at “Collecting records”" in got.message
    assert [(o.due_on, o.state) for o in rules(got.card, "R10")] == [(D(2026, 11, 25), "open")]
    assert got.card.offers[0].received_on == D(2026, 11, 25)
    # The case can still go the whole way: records in, the demand, then offers move it.
    sv.add_provider(firm, "U1", "PI-5000", "Kaiser", on=D(2026, 11, 2))
    sv.provider_received(firm, "U1", "PI-5000", "1", "both", on=D(2026, 11, 10))
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 11, 10))
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 11, 12))
    sent = sv.demand_sent(firm, "U1", "PI-5000", on=D(2026, 11, 16))
    assert sent.card.stage == "demand_sent"
    final = sv.offer_received(firm, "U1", "PI-5000", Decimal("9000"), final=True, on=D(2026, 11, 24))
    assert final.card.stage == "final_offer" and "now at “Final offer received”" in final.message


def test_a_final_offer_before_the_demand_does_not_move_the_stage_either(firm):
    records_in(firm)
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 10, 21))
    got = sv.offer_received(firm, "U1", "PI-5000", Decimal("9000"), final=True, on=D(2026, 11, 24))
    assert got.card.stage == "demand_queue"
    assert [o.rule for o in got.card.obligations if o.rule == "R11"] == ["R11"]
    # Nor can a plain member skip the demand with an advance: the playbook's precondition holds.
    with pytest.raises(PreconditionNotMet):
        sv.advance(firm, "U1", "PI-5000", to="negotiation")


def test_r3_a_partial_receipt_does_not_move_the_follow_up_clock(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    sv.add_provider(firm, "U1", "PI-1", "Valley Ortho", on=D(2026, 11, 2))
    card = sv.provider_received(firm, "U1", "PI-1", "1", "records", on=D(2026, 11, 10)).card
    assert [(o.due_on, o.reason) for o in rules(card, "R3")] == [
        (D(2026, 11, 16), "Follow up with Valley Ortho on the outstanding bills")
    ]
    card = sv.provider_followed_up(firm, "U1", "PI-1", "1", on=D(2026, 11, 18)).card
    assert [o.due_on for o in rules(card, "R3")] == [D(2026, 12, 2)]  # 14 days from the follow-up


def test_r12_stays_open_after_the_final_offer_is_told_until_the_accounting_conversation(firm):
    records_in(firm)
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 10, 21))
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 10, 22))
    sv.demand_sent(firm, "U1", "PI-5000", on=D(2026, 10, 23))
    sv.offer_received(firm, "U1", "PI-5000", Decimal("9000"), final=True, on=D(2026, 11, 20))
    moved = sv.advance(firm, "U1", "PI-5000", on=D(2026, 11, 23))
    assert "client accounting" in moved.message
    told = sv.offer_informed(firm, "U1", "PI-5000", final=True, on=D(2026, 11, 23))
    assert [o.state for o in rules(told.card, "R12")] == ["open"]
    assert not rules(told.card, "R11")
    with pytest.raises(InputError, match="before it"):
        sv.log_contact(firm, "U1", "PI-5000", on=D(2026, 11, 20), topic="accounting")
    talked = sv.log_contact(firm, "U1", "PI-5000", on=D(2026, 11, 24), topic="accounting")
    assert not rules(talked.card, "R12") and "accounting conversation" in talked.message


def test_the_accounting_conversation_is_refused_before_settlement_and_changes_nothing(firm):
    records_in(firm)
    with pytest.raises(PreconditionNotMet, match="step 9"):
        sv.log_contact(firm, "U1", "PI-5000", topic="accounting")
    with pytest.raises(InputError, match="client contact"):
        sv.log_contact(firm, "U1", "PI-5000", kind="adjuster", topic="accounting")
    assert sv.show_case(firm, "U1", "PI-5000").last_client_contact_on is None


def test_closing_as_settled_is_the_clients_decision_and_closes_r12(firm):
    records_in(firm)
    sv.offer_received(firm, "U1", "PI-5000", Decimal("30000"), final=True, on=D(2026, 11, 20))
    sv.advance(firm, "UADMIN", "PI-5000", to="settlement", on=D(2026, 11, 23), because="settled at mediation")
    closed = sv.close_case(firm, "U1", "PI-5000", "settled")
    assert "the client's decision closes R12" in closed.message


def test_telling_of_the_final_offer_by_its_word_and_of_an_offer_already_told(firm, clock):
    records_in(firm)
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 10, 21))
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 10, 22))
    sv.demand_sent(firm, "U1", "PI-5000", on=D(2026, 10, 23))
    sv.offer_received(firm, "U1", "PI-5000", Decimal("5000"), on=D(2026, 11, 16))
    with pytest.raises(InputError, match="no final offer yet"):
        sv.offer_informed(firm, "U1", "PI-5000", final=True)
    sv.offer_received(firm, "U1", "PI-5000", Decimal("9000"), final=True, on=D(2026, 11, 20))
    told = sv.offer_informed(firm, "U1", "PI-5000", final=True, on=D(2026, 11, 23))
    assert told.message == "Noted: the client was told of the final offer on Mon Nov 23 — 3 days ago."
    contacts = len(sv.show_case(firm, "U1", "PI-5000").offers)
    with pytest.raises(
        Conflict, match="already told of the final offer on PI-5000 on Nov 23; nothing changed"
    ):
        sv.offer_informed(firm, "U1", "PI-5000", final=True)
    with pytest.raises(Conflict, match="already told of the 1st offer on PI-5000 on Nov 23"):
        sv.offer_informed(firm, "U1", "PI-5000", 1)
    assert len(sv.show_case(firm, "U1", "PI-5000").offers) == contacts


def test_replies_speak_of_the_day_the_event_happened(firm):
    records_in(firm, "PI-3001")
    sv.advance(firm, "U1", "PI-3001", on=D(2026, 10, 21))
    sv.advance(firm, "U1", "PI-3001", on=D(2026, 10, 22))
    sent = sv.demand_sent(firm, "U1", "PI-3001", on=D(2026, 11, 6))
    # Nov 6 to Thanksgiving: 20 calendar days, 12 business days (Veterans Day and Thanksgiving are not).
    assert "Tell the client (R6, due Nov 6 — 20 days overdue (12 business days))" in sent.message
    assert "check with the adjuster (R7, due Nov 16 — 10 days overdue (7 business days))" in sent.message
    assert "today" not in sent.message
    offer = sv.offer_received(firm, "U1", "PI-3001", Decimal("5000"), on=D(2026, 11, 20))
    assert "Tell the client (R10, due Nov 20 — 6 days overdue (3 business days))" in offer.message
    today = sv.offer_received(firm, "U1", "PI-3001", Decimal("6000"))
    assert "Tell the client (R10, due Fri Nov 27)" in today.message  # Thanksgiving: the next business day


def test_hold_ups_close_when_the_demand_is_sent_and_the_reply_names_them(firm):
    records_in(firm)
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 10, 21))
    sv.set_holdup(firm, "U1", "PI-5000", "chart-notes")
    card = sv.set_holdup(firm, "U1", "PI-5000", "other", "police report").card
    assert [(h.kind, h.since) for h in card.holdups] == [
        ("chart-notes", D(2026, 11, 26)),
        ("other", D(2026, 11, 26)),
    ]
    sent = sv.demand_sent(firm, "U1", "PI-5000")
    assert sent.card.holdups == ()
    assert (
        "Closed the hold-ups it was waiting on: missing chart notes (since Nov 26); police report (since Nov 26)."
        in sent.message
    )
    with pytest.raises(PreconditionNotMet, match="demand has gone out"):
        sv.set_holdup(firm, "U1", "PI-5000", "billing")


def test_a_hold_up_is_cleared_by_hand_with_its_since_day_named(firm):
    records_in(firm)
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 10, 21))
    sv.set_holdup(firm, "U1", "PI-5000", "wage-loss", "employer has not signed")
    cleared = sv.clear_holdup(firm, "U1", "PI-5000", "wage-loss")
    assert cleared.message == (
        "Cleared 1 hold-up on PI-5000 as of Nov 26: "
        "missing wage-loss authorization — employer has not signed (since Nov 26)."
    )
    assert cleared.card.holdups == ()


def test_hold_ups_are_not_flagged_red_after_the_demand(firm, clock):
    records_in(firm)
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 10, 21))
    from bot.services.limitation import set_limitation

    set_limitation(firm, "U1", "PI-5000", on=D(2027, 1, 15))
    card = sv.set_holdup(firm, "U1", "PI-5000", "billing").card
    assert card.limitation_red and [h.red for h in card.holdups] == [True]
    # A hold-up left over from before (no demand closed it) is not flagged red once the demand is out.
    with firm.db.uow() as s:
        from storage import queries as q

        case = q.get_case(s, "PI-5000")
        case.stage = "negotiation"
    card = sv.show_case(firm, "U1", "PI-5000")
    assert [h.red for h in card.holdups] == [False]


def test_the_stage_line_says_acknowledged_once_the_insurer_acknowledged(firm):
    records_in(firm)
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 10, 21))
    sv.advance(firm, "U1", "PI-5000", on=D(2026, 10, 22))
    assert (
        sv.demand_sent(firm, "U1", "PI-5000", on=D(2026, 11, 6)).card.stage_label
        == "Demand sent, awaiting acknowledgment"
    )
    card = sv.demand_ack(firm, "U1", "PI-5000", on=D(2026, 11, 16)).card
    assert card.stage_label == "Demand sent, acknowledged Nov 16"
    # Resent to a new adjuster: awaiting again.
    card = sv.demand_resent(firm, "U1", "PI-5000", on=D(2026, 11, 20)).card
    assert card.stage_label == "Demand sent, awaiting acknowledgment"


def test_one_way_of_counting_age(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 7, 30))
    sv.add_provider(firm, "U1", "PI-1", "Kaiser", on=D(2026, 7, 30))
    due = {i.rule: i for i in sv.due_for(firm, ["U1"])}
    over = {i.rule: i for i in sv.overdue(firm, "U1")}
    today = D(2026, 11, 26)
    for rule in ("R1", "R3"):
        assert due[rule].when(today) == over[rule].when(today)
    assert due["R1"].when(today) == "due Jul 30 — 119 days overdue (81 business days)"
    assert due["R3"].when(today) == "due Aug 13 — 105 days overdue"  # a provider: not escalated


def test_coming_up_lists_the_next_five_business_days_grouped_by_day(firm, clock):
    clock.set(D(2026, 11, 28))  # a Saturday
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 16))  # R2 due Mon Nov 30
    sv.create_case(firm, "U1", "PI-2", "Sam Poe", on=D(2026, 11, 20))  # R2 due Fri Dec 4
    sv.create_case(firm, "U2", "PI-3", "Ann Lee", on=D(2026, 11, 16))  # someone else's
    days = sv.coming_up(firm, ["U1"])
    assert [d.day for d in days] == [
        D(2026, 11, 30),
        D(2026, 12, 1),
        D(2026, 12, 2),
        D(2026, 12, 3),
        D(2026, 12, 4),
    ]
    shown = {d.day: [(i.case, i.rule) for i in d.items] for d in days}
    assert shown[D(2026, 11, 30)] == [("PI-1", "R2")]
    assert shown[D(2026, 12, 4)] == [("PI-2", "R2")]
    assert all(i.case != "PI-3" for d in days for i in d.items)


def test_a_back_dated_follow_up_says_when_the_next_one_was_due(firm):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 10, 1))
    sv.add_provider(firm, "U1", "PI-1", "Kaiser", on=D(2026, 10, 1))
    got = sv.provider_followed_up(firm, "U1", "PI-1", "1", on=D(2026, 10, 15))
    assert (
        got.message
        == "Logged a follow-up with Kaiser on Thu Oct 15 — 42 days ago; the next (R3) is due Oct 29 — 28 days "
        "overdue."
    )
    sv.provider_received(firm, "U1", "PI-1", "1", "both", on=D(2026, 11, 2))
    done = sv.provider_followed_up(firm, "U1", "PI-1", "1", on=D(2026, 11, 3))
    assert (
        done.message
        == "Logged a follow-up with Kaiser on Tue Nov 3 — 23 days ago; nothing more is owed by them."
    )
