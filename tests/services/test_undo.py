"""Undo: every kind of change put back exactly (`casebot due --format json` as it was before), walking back,
the 24 hours, who may, and the audit trail that keeps both."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from bot import services as sv
from bot.entrypoints.cli import _due
from bot.errors import Conflict, InputError, NotAllowed, PreconditionNotMet, UnknownCase
from bot.services.exports import export_data
from storage import queries as q
from storage import stage_counts
from storage.models import AuditEntry, CaseChange

D = date


def due_json(firm, capsys) -> list[dict]:
    """What `casebot due --format json` prints, for everyone."""
    capsys.readouterr()
    assert _due(firm, None, None, "json") == 0
    return json.loads(capsys.readouterr().out)


def counts_kept(firm) -> dict:
    """The leads' open cases by stage as kept with every change, checked against a count from scratch."""
    with firm.db.engine.connect() as conn:
        kept = stage_counts.counted(conn)
    with firm.db.engine.begin() as conn:
        stage_counts.recount(conn)
        assert stage_counts.counted(conn) == kept
    return kept


def facts(firm, number):
    """Everything the JSON export holds about a case but its audit trail and the ids of rebuilt rows."""
    data = next((c for c in export_data(firm)["cases"] if c["number"] == number), None)
    if data is None:
        return None
    out = {k: v for k, v in data.items() if k not in ("audit", "version", "obligations")}
    out["obligations"] = sorted(
        (o["key"], o["state"], o["due_on"], o["remind_on"], o["closed_why"]) for o in data["obligations"]
    )
    return out


def demand_ready(firm, number="PI-7"):
    sv.create_case(firm, "U1", number, "Jane Roe", on=D(2026, 9, 1))
    sv.add_provider(firm, "U1", number, "Valley Ortho", on=D(2026, 9, 2))
    sv.provider_received(firm, "U1", number, "valley", "both", on=D(2026, 9, 20))
    sv.advance(firm, "U1", number, on=D(2026, 10, 5))


def sent(firm, number="PI-7"):
    demand_ready(firm, number)
    sv.demand_sent(firm, "U1", number, on=D(2026, 10, 20), adjuster="Chris Nolan")


def negotiating(firm, number="PI-7"):
    sent(firm, number)
    sv.offer_received(firm, "U1", number, Decimal("12500"), on=D(2026, 11, 10))


def held(firm, number="PI-7"):
    demand_ready(firm, number)
    sv.set_holdup(firm, "U1", number, "billing", on=D(2026, 10, 9))


def records(firm, number="PI-7"):
    sv.create_case(firm, "U1", number, "Jane Roe", on=D(2026, 10, 1))
    sv.add_provider(firm, "U1", number, "Valley Ortho", on=D(2026, 10, 2))


# (name, how the case stands before, the change)
CHANGES = [
    (
        "client contact",
        records,
        lambda f: sv.log_contact(f, "U1", "PI-7", on=D(2026, 11, 20), note="voicemail"),
    ),
    ("adjuster contact", sent, lambda f: sv.log_contact(f, "U1", "PI-7", kind="adjuster", on=D(2026, 11, 2))),
    (
        "provider added",
        records,
        lambda f: sv.add_provider(f, "U1", "PI-7", "Bayside Imaging", on=D(2026, 11, 9)),
    ),
    (
        "records received",
        records,
        lambda f: sv.provider_received(f, "U1", "PI-7", "1", "records", on=D(2026, 11, 2)),
    ),
    (
        "provider follow-up",
        records,
        lambda f: sv.provider_followed_up(f, "U1", "PI-7", "1", on=D(2026, 10, 20)),
    ),
    (
        "stage move",
        demand_ready,
        lambda f: sv.advance(f, "U1", "PI-7", to="demand_drafting", on=D(2026, 11, 2)),
    ),
    ("hold-up", demand_ready, lambda f: sv.set_holdup(f, "U1", "PI-7", "billing", on=D(2026, 10, 9))),
    ("hold-up cleared", held, lambda f: sv.clear_holdup(f, "U1", "PI-7")),
    (
        "demand sent",
        demand_ready,
        lambda f: sv.demand_sent(f, "U1", "PI-7", on=D(2026, 10, 20), adjuster="Chris Nolan"),
    ),
    ("demand acknowledged", sent, lambda f: sv.demand_ack(f, "U1", "PI-7", on=D(2026, 10, 28))),
    (
        "demand resent",
        sent,
        lambda f: sv.demand_resent(f, "U1", "PI-7", on=D(2026, 11, 20), adjuster="Pat Lee"),
    ),
    ("offer", sent, lambda f: sv.offer_received(f, "U1", "PI-7", Decimal("12500"), on=D(2026, 11, 10))),
    ("final offer", negotiating, lambda f: sv.offer_received(f, "U1", "PI-7", Decimal("15000"), final=True)),
    (
        "client told of an offer",
        negotiating,
        lambda f: sv.offer_informed(f, "U1", "PI-7", on=D(2026, 11, 12)),
    ),
    ("provider bill", records, lambda f: sv.record_bill(f, "U1", "PI-7", "1", Decimal("4200"))),
    ("lien", negotiating, lambda f: sv.add_lien(f, "U1", "PI-7", "Blue Cross", Decimal("2500"))),
    ("case cost", negotiating, lambda f: sv.add_cost(f, "U1", "PI-7", Decimal("350"), "filing fee")),
    ("new manager", records, lambda f: sv.assign(f, "ULEAD", "PI-7", "U2")),
    ("closed", records, lambda f: sv.close_case(f, "U1", "PI-7", "dropped")),
    (
        "snoozed",
        records,
        lambda f: sv.snooze(
            f, "U1", sv.show_case(f, "U1", "PI-7").obligations[0].obligation_id, D(2026, 12, 3)
        ),
    ),
]


@pytest.mark.parametrize(("name", "before", "change"), CHANGES, ids=[c[0] for c in CHANGES])
def test_undo_after_each_kind_of_change_restores_what_is_due_exactly(firm, capsys, name, before, change):
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    before(firm)
    due, stored = due_json(firm, capsys), facts(firm, "PI-7")
    outcome = change(firm)
    assert outcome.undo is not None
    assert due_json(firm, capsys) != due or facts(firm, "PI-7") != stored
    who = "ULEAD" if name == "new manager" else "U1"
    undone = sv.undo_change(firm, who, "PI-7")
    assert undone.message.startswith("Undid your ")
    assert due_json(firm, capsys) == due
    assert facts(firm, "PI-7") == stored
    counts_kept(firm)


def test_undoing_the_opening_of_a_case_removes_it_and_the_audit_keeps_both(firm, capsys):
    due = due_json(firm, capsys)
    sv.create_case(firm, "U1", "PI-9", "John Doe", on=D(2026, 10, 1))
    assert due_json(firm, capsys) != due
    counts = counts_kept(firm)
    outcome = sv.undo_change(firm, "U1", "PI-9")
    assert "PI-9" in outcome.message and "gone" in outcome.message
    assert counts_kept(firm) != counts
    assert due_json(firm, capsys) == due
    with pytest.raises(UnknownCase):
        sv.show_case(firm, "U1", "PI-9")
    with firm.db.uow() as s:
        actions = [e.action for e in s.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == ["create", "undo"]
    sv.create_case(firm, "U1", "PI-9", "John Doe", on=D(2026, 11, 3))  # the number is free again


def test_undo_again_walks_further_back_and_the_audit_keeps_every_step(firm, capsys):
    records(firm)
    start = due_json(firm, capsys)
    sv.log_contact(firm, "U1", "PI-7", on=D(2026, 11, 2))
    after_first = due_json(firm, capsys)
    sv.log_contact(firm, "U1", "PI-7", on=D(2026, 11, 20))
    assert "client contact of Fri Nov 20" in sv.undo_change(firm, "U1", "PI-7").message
    assert due_json(firm, capsys) == after_first
    assert "client contact of Mon Nov 2" in sv.undo_change(firm, "U1", "PI-7").message
    assert due_json(firm, capsys) == start
    assert "provider" in sv.undo_change(firm, "U1", "PI-7").message  # then the provider
    with firm.db.uow() as s:
        case = q.get_case(s, "PI-7")
        trail = [e.action for e in q.audit_of(s, case.id)]
    assert trail == ["create", "provider_add", "contact", "contact", "undo", "undo", "undo"]


def test_undo_reaches_back_24_hours_only(firm, clock):
    records(firm)
    sv.log_contact(firm, "U1", "PI-7", on=D(2026, 11, 20))
    clock.advance(hours=25)
    with pytest.raises(PreconditionNotMet) as err:
        sv.undo_change(firm, "U1", "PI-7")
    assert "more than 24 hours old" in err.value.message and "/case fix PI-7" in err.value.message


def test_a_manager_undoes_their_own_a_lead_anyones(firm):
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    records(firm)
    sv.log_contact(firm, "ULEAD", "PI-7", on=D(2026, 11, 20))
    # U1's own last change is the provider; the lead's later contact does not build on it
    assert "provider Valley Ortho added" in sv.undo_change(firm, "U1", "PI-7").message
    with pytest.raises(NotAllowed):
        sv.undo_change(firm, "U2", "PI-7")
    outcome = sv.undo_change(firm, "ULEAD", "PI-7")
    assert "your client contact" in outcome.message
    outcome = sv.undo_change(firm, "ULEAD", "PI-7")
    assert outcome.message.startswith("Undid <@U1>'s opening of the case on PI-7")


def test_an_undo_that_a_later_change_builds_on_is_refused(firm):
    sv.set_role(firm, "UADMIN", "ULEAD", "lead")
    records(firm)
    sv.provider_received(firm, "ULEAD", "PI-7", "1", "both", on=D(2026, 11, 2))
    with pytest.raises(Conflict) as err:
        sv.undo_change(firm, "U1", "PI-7")
    assert "<@ULEAD>'s later change" in err.value.message and "Nothing was undone" in err.value.message


def test_an_undo_button_undoes_its_own_change_once_and_nothing_else(firm):
    records(firm)
    first = sv.log_contact(firm, "U1", "PI-7", on=D(2026, 11, 2))
    second = sv.log_contact(firm, "U1", "PI-7", on=D(2026, 11, 20))
    with pytest.raises(Conflict) as err:  # an old button: the case changed since
        sv.undo_change(firm, "U1", "PI-7", audit_id=first.undo)
    assert "has changed since" in err.value.message
    sv.undo_change(firm, "U1", "PI-7", audit_id=second.undo)
    with pytest.raises(Conflict) as err:  # the same button again
        sv.undo_change(firm, "U1", "PI-7", audit_id=second.undo)
    assert "already undone" in err.value.message
    with pytest.raises(InputError):
        sv.undo_change(firm, "U1", "PI-7", audit_id=999999)
    with firm.db.uow() as s:
        live = [c.action for c in s.scalars(select(CaseChange).where(CaseChange.undone_at.is_(None)))]
    assert live == ["create", "provider_add", "contact"]


def test_nothing_to_undo_says_so(firm):
    from bot.services.import_rows import COLUMNS
    from bot.services.imports import import_cases

    assert import_cases(firm, ",".join(COLUMNS) + "\nPI-7,Jane Roe,U1,records,2026-10-01\n").ok
    with pytest.raises(PreconditionNotMet) as err:
        sv.undo_change(firm, "U1", "PI-7")
    assert (
        err.value.message == "Nothing of yours to undo on PI-7: casebot undoes changes of the last 24 hours."
    )
