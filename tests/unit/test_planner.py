"""Each playbook rule on dated cases, through the pure planner."""

from dataclasses import replace
from datetime import date

from bot.rules.calendar import BusinessCalendar
from bot.rules.planner import (
    CANCELLED,
    DONE,
    OPEN,
    CaseFacts,
    DemandFacts,
    HoldUpFacts,
    OfferFacts,
    ProviderFacts,
    StageEntry,
    plan,
)
from bot.rules.playbook import HoldUp, Numbers, Stage

cal = BusinessCalendar()
D = date


OCT_1 = D(2026, 10, 1)


def facts(created=OCT_1, stages=None, **kw) -> CaseFacts:
    return CaseFacts(created_on=created, stages=tuple(stages or [StageEntry(Stage.RECORDS, created)]), **kw)


def by_key(f: CaseFacts, numbers: Numbers | None = None):
    return {i.key: i for i in plan(f, cal, numbers or Numbers())}


def test_r1_is_due_the_day_the_case_is_created_and_names_the_providers():
    items = by_key(
        facts(
            providers=(
                ProviderFacts(1, "Valley Ortho", D(2026, 10, 1)),
                ProviderFacts(2, "Kaiser", D(2026, 10, 1)),
            )
        )
    )
    r1 = items["R1"]
    assert (r1.kind, r1.due_on, r1.state) == ("client", D(2026, 10, 1), OPEN)
    assert "2 places — Valley Ortho, Kaiser" in r1.talking_points


def test_r2_every_14_days_from_creation_then_from_each_client_contact():
    items = by_key(facts(client_contacts=(D(2026, 10, 10),)))
    first, second = items["R2:0:2026-10-01"], items["R2:0:2026-10-10"]
    assert first.due_on == D(2026, 10, 15) and (first.state, first.closed_on) == (DONE, D(2026, 10, 10))
    assert second.due_on == D(2026, 10, 26)  # 10-24 is a Saturday
    assert second.state == OPEN


def test_r2_lists_outstanding_providers_and_is_cancelled_on_leaving_records():
    pr = ProviderFacts(1, "Valley Ortho", D(2026, 10, 1), records_on=D(2026, 10, 5))
    items = by_key(facts(providers=(pr,)))
    assert "Valley Ortho (bills" in items["R2:0:2026-10-01"].talking_points
    moved = by_key(
        facts(
            stages=[StageEntry(Stage.RECORDS, D(2026, 10, 1)), StageEntry(Stage.DEMAND_QUEUE, D(2026, 10, 9))]
        )
    )
    assert (moved["R2:0:2026-10-01"].state, moved["R2:0:2026-10-01"].closed_by) == (CANCELLED, "stage left")


def test_r3_per_provider_restarts_on_follow_up_only_and_ends_when_all_is_in():
    pr = ProviderFacts(
        7,
        "Kaiser",
        D(2026, 10, 1),
        records_on=D(2026, 10, 20),
        bills_on=D(2026, 11, 2),
        followups=(D(2026, 10, 16),),
    )
    items = {k: v for k, v in by_key(facts(providers=(pr,))).items() if k.startswith("R3")}
    # The request (Oct 1) and the follow-up (Oct 16) start the clock; the records arriving on Oct 20
    # (bills still owed) does not.
    assert list(items) == ["R3:7:2026-10-01", "R3:7:2026-10-16"]
    assert [(i.due_on, i.state) for i in items.values()] == [(D(2026, 10, 15), DONE), (D(2026, 10, 30), DONE)]
    assert items["R3:7:2026-10-01"].closed_by == "provider follow-up"
    assert items["R3:7:2026-10-16"].closed_by == "records and bills received"
    assert items["R3:7:2026-10-16"].closed_on == D(2026, 11, 2)
    assert all(i.kind == "provider" and i.provider_id == 7 for i in items.values())


def test_r3_a_partial_receipt_does_not_move_the_follow_up_clock():
    requested = D(2026, 11, 2)
    pr = ProviderFacts(3, "Valley Ortho", requested, records_on=D(2026, 11, 10))  # bills still owed
    items = {k: v for k, v in by_key(facts(created=requested, providers=(pr,))).items() if k.startswith("R3")}
    assert list(items) == ["R3:3:2026-11-02"]
    r3 = items["R3:3:2026-11-02"]
    assert (r3.due_on, r3.state) == (D(2026, 11, 16), OPEN)  # 14 days from the request, not from Nov 10
    assert "bills" in r3.reason and "records" not in r3.reason


def test_r1_without_providers_asks_for_them_instead_of_counting_none():
    r1 = by_key(facts())["R1"]
    assert "0 places" not in r1.talking_points and "no providers are recorded yet" in r1.talking_points
    one = by_key(facts(providers=(ProviderFacts(1, "Kaiser", OCT_1),)))["R1"]
    assert "I see you went to 1 place — Kaiser. Is there more?" in one.talking_points


def test_r4_on_the_day_of_the_move_moved_to_a_business_day():
    items = by_key(
        facts(
            stages=[StageEntry(Stage.RECORDS, D(2026, 10, 1)), StageEntry(Stage.DEMAND_QUEUE, D(2026, 11, 7))]
        )
    )
    assert items["R4:1"].due_on == D(2026, 11, 9)  # Saturday -> Monday
    assert "time frame" in items["R4:1"].talking_points


def test_r5_monthly_in_the_demand_stages_names_hold_ups_and_stops_when_the_demand_goes_out():
    stages = [
        StageEntry(Stage.RECORDS, D(2026, 10, 1)),
        StageEntry(Stage.DEMAND_QUEUE, D(2026, 11, 2)),
        StageEntry(Stage.DEMAND_DRAFTING, D(2026, 11, 9)),
    ]
    items = by_key(
        facts(
            stages=stages,
            client_contacts=(D(2026, 11, 20),),
            holdups=(HoldUpFacts(HoldUp.CHART_NOTES, None, D(2026, 11, 3)),),
        )
    )
    assert items["R5:1:2026-11-02"].due_on == D(2026, 12, 2)
    assert items["R5:1:2026-11-02"].state == DONE
    assert items["R5:1:2026-11-20"].due_on == D(2026, 12, 21)  # 12-20 is a Sunday
    assert "missing chart notes" in items["R5:1:2026-11-20"].talking_points
    sent = by_key(
        facts(
            stages=[*stages, StageEntry(Stage.DEMAND_SENT, D(2026, 12, 1))],
            client_contacts=(D(2026, 11, 20),),
            demand=(DemandFacts("sent", D(2026, 12, 1)),),
        )
    )
    assert sent["R5:1:2026-11-20"].state == CANCELLED


DEMAND_STAGES = [
    StageEntry(Stage.RECORDS, D(2026, 9, 1)),
    StageEntry(Stage.DEMAND_QUEUE, D(2026, 10, 1)),
    StageEntry(Stage.DEMAND_DRAFTING, D(2026, 10, 5)),
    StageEntry(Stage.DEMAND_SENT, D(2026, 11, 1)),
]


def test_r6_r7_r8_follow_the_playbook_example_of_a_demand_sent_on_a_sunday():
    items = by_key(
        facts(
            created=D(2026, 9, 1), stages=DEMAND_STAGES, demand=(DemandFacts("sent", D(2026, 11, 1), "Bob"),)
        )
    )
    assert items["R6:0"].due_on == D(2026, 11, 2)
    assert "30 days" in items["R6:0"].talking_points
    assert (items["R7:0"].kind, items["R7:0"].due_on) == ("adjuster", D(2026, 11, 12))  # past Veterans Day
    assert "Bob" in items["R7:0"].reason
    assert (items["R8:0"].kind, items["R8:0"].triggered_on, items["R8:0"].due_on) == (
        "client",
        D(2026, 12, 1),
        D(2026, 12, 1),
    )
    assert items["R8T:0"].kind == "task" and items["R8T:0"].rule == "R8"


def test_an_acknowledgment_closes_r7_and_cancels_r8_and_its_task():
    items = by_key(
        facts(
            created=D(2026, 9, 1),
            stages=DEMAND_STAGES,
            demand=(DemandFacts("sent", D(2026, 11, 1)), DemandFacts("ack", D(2026, 11, 20))),
        )
    )
    assert (items["R7:0"].state, items["R7:0"].closed_by) == (DONE, "acknowledgment")
    assert items["R8:0"].state == items["R8T:0"].state == CANCELLED


def test_an_adjuster_contact_closes_r7_but_not_r8():
    items = by_key(
        facts(
            created=D(2026, 9, 1),
            stages=DEMAND_STAGES,
            demand=(DemandFacts("sent", D(2026, 11, 1)),),
            adjuster_contacts=(D(2026, 11, 12),),
        )
    )
    assert (items["R7:0"].state, items["R7:0"].closed_on) == (DONE, D(2026, 11, 12))
    assert items["R8:0"].state == OPEN


def test_r9_a_resent_demand_replaces_r7_and_r8_with_clocks_from_the_new_day():
    items = by_key(
        facts(
            created=D(2026, 9, 1),
            stages=DEMAND_STAGES,
            demand=(DemandFacts("sent", D(2026, 11, 1)), DemandFacts("resent", D(2026, 12, 3), "Carol")),
        )
    )
    assert items["R7:0"].state == CANCELLED and items["R8:0"].state == CANCELLED
    assert (items["R8T:0"].state, items["R8T:0"].closed_by) == (DONE, "demand resent")
    assert items["R9:1"].due_on == D(2026, 12, 3) and "to Carol" in items["R9:1"].reason
    assert items["R7:1"].due_on == D(2026, 12, 14)  # 12-13 is a Sunday
    assert items["R8:1"].due_on == D(2027, 1, 4)  # 2027-01-02 is a Saturday
    assert items["R7:1"].state == items["R8:1"].state == OPEN


def test_r10_and_r11_each_offer_on_the_day_received_closed_by_telling_the_client():
    items = by_key(
        facts(
            created=D(2026, 9, 1),
            offers=(OfferFacts(1, D(2026, 11, 16), False), OfferFacts(2, D(2026, 11, 23), True)),
            client_contacts=(D(2026, 11, 17),),
        )
    )
    assert "1st offer" in items["R10:1"].reason and items["R10:1"].state == DONE
    assert items["R11:2"].due_on == D(2026, 11, 23) and items["R11:2"].state == OPEN


def test_r12_on_entering_settlement_mentions_both_fees():
    stages = [
        StageEntry(Stage.RECORDS, D(2026, 9, 1)),
        StageEntry(Stage.FINAL_OFFER, D(2026, 11, 2)),
        StageEntry(Stage.SETTLEMENT, D(2026, 11, 21)),
    ]
    r12 = by_key(facts(created=D(2026, 9, 1), stages=stages))["R12:2"]
    assert r12.due_on == D(2026, 11, 23) and "40%" in r12.talking_points


SETTLING = [
    StageEntry(Stage.RECORDS, D(2026, 9, 1)),
    StageEntry(Stage.DEMAND_SENT, D(2026, 10, 1)),
    StageEntry(Stage.FINAL_OFFER, D(2026, 11, 16)),
    StageEntry(Stage.SETTLEMENT, D(2026, 11, 20)),
]


def test_r12_stays_open_through_plain_client_contacts_until_the_accounting_conversation():
    told = facts(
        created=D(2026, 9, 1),
        stages=SETTLING,
        offers=(OfferFacts(1, D(2026, 11, 16), True),),
        client_contacts=(D(2026, 11, 20), D(2026, 11, 23)),  # told of the final offer the day it entered
    )
    items = by_key(told)
    assert items["R11:1"].state == DONE  # the plain contact answers the final offer...
    assert items["R12:3"].state == OPEN  # ...but not step 9's conversation
    talked = by_key(
        replace(
            told,
            client_contacts=(*told.client_contacts, D(2026, 11, 24)),
            accounting_contacts=(D(2026, 11, 24),),
        )
    )
    r12 = talked["R12:3"]
    assert (r12.state, r12.closed_on, r12.closed_by) == (DONE, D(2026, 11, 24), "accounting conversation")


def test_r12_closes_on_the_clients_decision_and_is_cancelled_when_the_case_is_dropped():
    for closed_as, state, why in (
        (Stage.SETTLED, DONE, "client's decision"),
        (Stage.LITIGATION, DONE, "client's decision"),
        (Stage.DROPPED, CANCELLED, "case closed"),
    ):
        stages = [*SETTLING, StageEntry(closed_as, D(2026, 11, 25))]
        r12 = by_key(facts(created=D(2026, 9, 1), stages=stages))["R12:3"]
        assert (r12.state, r12.closed_on, r12.closed_by) == (state, D(2026, 11, 25), why)


def test_r5_names_each_hold_up_with_its_since_day():
    stages = [StageEntry(Stage.RECORDS, D(2026, 10, 1)), StageEntry(Stage.DEMAND_QUEUE, D(2026, 10, 5))]
    holdups = (
        HoldUpFacts(HoldUp.CHART_NOTES, None, D(2026, 10, 7)),
        HoldUpFacts(HoldUp.OTHER, "police report", D(2026, 10, 9)),
    )
    r5 = by_key(facts(stages=stages, holdups=holdups))["R5:1:2026-10-05"]
    assert "missing chart notes (since Oct 7); police report (since Oct 9)" in r5.talking_points


def test_r13_checks_in_30_days_after_the_last_contact_only_when_nothing_else_reaches_the_client_first():
    stages = [StageEntry(Stage.RECORDS, D(2026, 9, 1)), StageEntry(Stage.NEGOTIATION, D(2026, 10, 1))]
    items = by_key(
        facts(created=D(2026, 9, 1), stages=stages, client_contacts=(D(2026, 9, 1), D(2026, 10, 27)))
    )
    r13 = items["R13:2026-10-27"]
    assert (r13.state, r13.due_on) == (OPEN, D(2026, 11, 27))  # 11-26 is Thanksgiving
    assert items["R13:2026-09-01"].state == DONE
    # In records, R2 reaches the client sooner, so there is no separate check-in.
    in_records = by_key(facts(created=D(2026, 9, 1), client_contacts=(D(2026, 9, 1),)))
    assert in_records["R13:2026-09-01"].state == CANCELLED


def test_closing_a_case_cancels_everything_still_open():
    stages = [StageEntry(Stage.RECORDS, D(2026, 10, 1)), StageEntry(Stage.DROPPED, D(2026, 10, 3))]
    items = plan(facts(stages=stages, providers=(ProviderFacts(1, "X", D(2026, 10, 1)),)), cal, Numbers())
    assert items and all(i.state != OPEN for i in items)
    assert {i.closed_by for i in items if i.state == CANCELLED} >= {"case closed"}


def test_the_firms_numbers_change_the_due_dates():
    items = by_key(facts(), Numbers(records_cadence_days=7))
    assert items["R2:0:2026-10-01"].due_on == D(2026, 10, 8)


def test_r2_calls_a_provider_slow_when_its_request_is_over_30_days_old_by_the_call():
    providers = (ProviderFacts(1, "Kaiser", D(2026, 9, 1)), ProviderFacts(2, "Valley Ortho", D(2026, 10, 1)))
    items = by_key(facts(providers=providers))
    # R2 is due Oct 15: Kaiser's request is 44 days old by then, Valley Ortho's 14.
    points = items["R2:0:2026-10-01"].talking_points
    assert "Kaiser (records and bills, requested Sep 1 — slow)" in points
    assert "Valley Ortho (records and bills, requested Oct 1)" in points
