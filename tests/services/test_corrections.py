"""Corrections (`/case fix`) re-plan the case and keep before, after, who and why; nothing is overwritten:
demand rounds, voided contacts and hold-ups' since-days travel through the card, CSV and JSON."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete

from bot import services as sv
from bot.errors import Conflict, FutureDate, InputError, NotAllowed, PreconditionNotMet
from bot.services.exports import export_csv, export_data
from bot.services.imports import import_cases
from storage import queries as q
from storage.models import AuditEntry, Case

D = date


def due(card):
    return sorted((o.rule, o.due_on) for o in card.obligations)


def last_fix(firm, number):
    with firm.db.uow() as s:
        case = q.get_case(s, number)
        return [e for e in q.audit_of(s, case.id) if e.action == "fix"][-1]


WRONG_DAY = D(2026, 11, 25)


def opened(firm, number="PI-1", on=WRONG_DAY):
    """A case opened with the wrong treatment day (the reply said so, and someone noticed)."""
    return sv.create_case(firm, "U1", number, "Jon Doe", on=on)


def test_fixing_the_treatment_day_replans_every_clock_and_the_audit_keeps_before_after_who_why(firm):
    before = opened(firm).card
    assert ("R2", D(2026, 12, 9)) in due(before)
    outcome = sv.fix_treatment(firm, "U1", "PI-1", D(2026, 11, 3), because="typed the wrong day")
    assert outcome.message.startswith("Fixed PI-1's treatment-complete day: Tue Nov 3 — 23 days ago")
    assert "(was Wed Nov 25, 2026)" in outcome.message
    card = outcome.card
    assert card.stage_entered_on == D(2026, 11, 3) and card.days_in_stage == 23
    assert ("R2", D(2026, 11, 17)) in due(card) and ("R2", D(2026, 12, 9)) not in due(card)
    entry = last_fix(firm, "PI-1")
    assert entry.by == "U1" and entry.detail == {
        "fact": "treatment day",
        "before": "2026-11-25",
        "after": "2026-11-03",
        "why": "typed the wrong day",
    }
    assert outcome.undo is not None  # a correction is a change like any other
    assert due(sv.undo_change(firm, "U1", "PI-1").card) == due(before)


def test_fixing_the_client_name(firm):
    opened(firm)
    outcome = sv.fix_client(firm, "U1", "PI-1", "John Doe")
    assert outcome.card.client == "John Doe" and "(was Jon Doe)" in outcome.message


def test_fixing_a_provider_name_requested_and_received_days(firm):
    opened(firm, on=D(2026, 10, 1))
    sv.add_provider(firm, "U1", "PI-1", "Valley Ortho", on=D(2026, 11, 20))
    card = sv.fix_provider(firm, "U1", "PI-1", "1", "requested", on=D(2026, 10, 2)).card
    assert card.providers[0].requested_on == D(2026, 10, 2)
    assert ("R3", D(2026, 10, 16)) in due(card)  # the follow-up is counted from the right day: overdue
    sv.fix_provider(firm, "U1", "PI-1", "valley", "name", name="Valley Orthopedics")
    sv.provider_received(firm, "U1", "PI-1", "1", "records", on=D(2026, 11, 20))
    with pytest.raises(PreconditionNotMet):
        sv.fix_provider(firm, "U1", "PI-1", "1", "bills", on=D(2026, 11, 2))
    card = sv.fix_provider(firm, "U1", "PI-1", "1", "received", on=D(2026, 11, 2)).card
    assert (card.providers[0].name, card.providers[0].records_on) == ("Valley Orthopedics", D(2026, 11, 2))
    with pytest.raises(InputError):  # nothing arrives before it was asked for
        sv.fix_provider(firm, "U1", "PI-1", "1", "records", on=D(2026, 9, 30))


def test_a_contact_is_redated_or_voided_and_the_clocks_follow(firm):
    opened(firm, on=D(2026, 10, 1))
    before = due(sv.show_case(firm, "U1", "PI-1"))
    sv.log_contact(firm, "U1", "PI-1", on=D(2026, 11, 25))  # meant 11/2
    card = sv.fix_contact(firm, "U1", "PI-1", to=D(2026, 11, 2)).card
    assert card.last_client_contact_on == D(2026, 11, 2)
    assert ("R2", D(2026, 11, 16)) in due(card)
    sv.log_contact(firm, "U1", "PI-1", kind="adjuster", on=D(2026, 11, 20))
    outcome = sv.fix_contact(firm, "U1", "PI-1", of_day=D(2026, 11, 2), void=True, because="wrong case")
    assert outcome.message == "Voided the client contact of Mon Nov 2 on PI-1; it no longer counts."
    assert outcome.card.last_client_contact_on is None and due(outcome.card) == before
    data = next(c for c in export_data(firm)["cases"] if c["number"] == "PI-1")
    voided = [c for c in data["contacts"] if c["voided"]]
    assert [(c["kind"], c["on"], c["voided_by"]) for c in voided] == [("client", "2026-11-02", "U1")]
    with pytest.raises(PreconditionNotMet):
        sv.fix_contact(firm, "U1", "PI-1", kind="client", void=True)  # no standing client contact left
    with pytest.raises(FutureDate):
        sv.fix_contact(firm, "U1", "PI-1", to=D(2026, 12, 1))


def demand_case(firm, number="PI-1"):
    sv.create_case(firm, "U1", number, "Jane Roe", on=D(2026, 9, 1))
    sv.add_provider(firm, "U1", number, "Valley Ortho", on=D(2026, 9, 2))
    sv.provider_received(firm, "U1", number, "1", "both", on=D(2026, 9, 20))
    sv.advance(firm, "U1", number, on=D(2026, 10, 5))
    sv.demand_sent(firm, "U1", number, on=D(2026, 10, 24), adjuster="Chris Nolan")


def test_a_resend_is_a_new_round_and_the_first_adjuster_is_kept(firm):
    demand_case(firm)
    outcome = sv.demand_resent(firm, "U1", "PI-1", on=D(2026, 11, 20), adjuster="Pat Lee")
    assert "round 2; earlier rounds are kept" in outcome.message
    rounds = outcome.card.demand.rounds
    assert [(r.n, r.kind, r.on, r.adjuster) for r in rounds] == [
        (1, "sent", D(2026, 10, 24), "Chris Nolan"),
        (2, "resent", D(2026, 11, 20), "Pat Lee"),
    ]


def test_fixing_the_demand_day_moves_the_stage_entry_and_its_clocks(firm):
    demand_case(firm)
    card = sv.fix_demand(firm, "U1", "PI-1", on=D(2026, 10, 20)).card
    assert card.demand.rounds[0].on == D(2026, 10, 20) and card.stage_entered_on == D(2026, 10, 20)
    assert ("R7", D(2026, 10, 30)) in due(card)
    card = sv.fix_demand(firm, "U1", "PI-1", round_no=1, adjuster="Chris Nolan-Park").card
    assert card.demand.rounds[0].adjuster == "Chris Nolan-Park"
    with pytest.raises(InputError):  # before the case reached the demand stages
        sv.fix_demand(firm, "U1", "PI-1", on=D(2026, 10, 1))
    with pytest.raises(InputError):
        sv.fix_demand(firm, "U1", "PI-1", round_no=3, adjuster="X")


def test_fixing_an_offer_and_a_holdups_day(firm):
    demand_case(firm)
    sv.offer_received(firm, "U1", "PI-1", Decimal("12500"), on=D(2026, 11, 20))
    outcome = sv.fix_offer(firm, "U1", "PI-1", amount=Decimal("15000"))
    assert outcome.card.offers[0].amount == Decimal("15000") and "(was $12,500.00)" in outcome.message
    card = sv.fix_offer(firm, "U1", "PI-1", 1, on=D(2026, 11, 18)).card
    assert card.offers[0].received_on == D(2026, 11, 18)
    sv.create_case(firm, "U1", "PI-2", "Sam Poe", on=D(2026, 9, 1))
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    sv.advance(firm, "ULEAD", "PI-2", to="demand_queue", on=D(2026, 10, 1), because="records are in")
    card = sv.set_holdup(firm, "U1", "PI-2", "billing", "itemized bill", on=D(2026, 10, 5)).card
    assert card.holdups[0].since == D(2026, 10, 5)
    with pytest.raises(Conflict) as err:
        sv.set_holdup(firm, "U1", "PI-2", "billing", on=D(2026, 10, 6))
    assert "/case fix PI-2 holdup billing since 10/6" in err.value.message
    card = sv.fix_holdup(firm, "U1", "PI-2", "billing", D(2026, 10, 2)).card
    assert card.holdups[0].since == D(2026, 10, 2)


def test_only_the_manager_a_lead_or_an_admin_may_correct(firm):
    opened(firm)
    with pytest.raises(NotAllowed):
        sv.fix_client(firm, "U2", "PI-1", "John Doe")
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    assert sv.fix_client(firm, "ULEAD", "PI-1", "John Doe").card.client == "John Doe"
    assert last_fix(firm, "PI-1").by == "ULEAD"


def test_csv_round_trip_is_lossless_with_resends_and_corrections(firm):
    demand_case(firm)
    sv.demand_ack(firm, "U1", "PI-1", on=D(2026, 10, 28))
    sv.demand_resent(firm, "U1", "PI-1", on=D(2026, 11, 20), adjuster="Pat Lee")
    sv.fix_demand(firm, "U1", "PI-1", round_no=1, on=D(2026, 10, 22))
    sv.log_contact(firm, "U1", "PI-1", on=D(2026, 11, 21))
    sv.log_contact(firm, "U1", "PI-1", on=D(2026, 11, 24))
    sv.fix_contact(firm, "U1", "PI-1", void=True)
    exported = export_csv(firm)
    row = next(csv.DictReader(io.StringIO(exported)))
    assert row["demand_rounds"] == "2026-10-22:Chris Nolan:2026-10-28|2026-11-20:Pat Lee:"
    assert row["demand_sent"] == "2026-10-22" and row["last_client_contact"] == "2026-11-21"
    report = import_cases(firm, exported)  # into the same firm: nothing to change
    assert report.ok and report.unchanged == ["PI-1"] and not report.notes
    with firm.db.uow() as s:
        s.execute(delete(AuditEntry))
        s.execute(delete(Case))
    assert import_cases(firm, exported).ok  # into an empty firm: the same case again
    assert export_csv(firm) == exported
    rounds = sv.show_case(firm, "U1", "PI-1").demand.rounds
    assert [(r.on, r.adjuster, r.acknowledged_on) for r in rounds] == [
        (D(2026, 10, 22), "Chris Nolan", D(2026, 10, 28)),
        (D(2026, 11, 20), "Pat Lee", None),
    ]


def test_an_import_adds_a_later_round_and_never_overwrites_one(firm):
    demand_case(firm)
    header = "case_number,client,manager,stage,demand_rounds"
    report = import_cases(firm, f"{header}\nPI-1,Jane Roe,U1,,2026-10-24:Chris Nolan:|11/20/2026:Pat Lee:\n")
    assert report.ok and report.updated == ["PI-1"]
    report = import_cases(firm, f"{header}\nPI-1,Jane Roe,U1,,2026-10-25:Rae Diaz:|2026-11-20:Pat Lee:\n")
    assert report.ok and report.unchanged == ["PI-1"]
    assert "demand round 1 kept as sent 2026-10-24 (the file says 2026-10-25)" in report.notes[0][1]
    report = import_cases(firm, f"{header}\nPI-1,Jane Roe,U1,,2026-10-24:Chris:|2026-10-20:Pat Lee:\n")
    assert not report.ok and "list them oldest first" in report.errors[0][1]
