"""Claims against a public entity: the claim deadline stored with `public`, entered by hand where casebot holds
no rule, shown on the card above the limitation date, and alerted once a threshold to the manager and the
leads, through the real tick and the stand-in Slack."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot import services
from bot.delivery.outbox import SenderState
from bot.delivery.sending import tick
from bot.errors import InputError, NotAllowed
from bot.rules.limitation import claim_threshold_crossed
from bot.rules.playbook import Numbers
from bot.services import limitation
from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.blocks import all_text, build_case_card
from handlers.blocks.digests import OPEN_CASE
from handlers.slack.standin import SlackStandIn
from storage import queries as q
from storage.models import Delivery
from tests.kit.reminders import at, notifier_for, posts, slack_firm
from tests.kit.slack_bodies import assert_valid_blocks

D = date


@pytest.fixture
def standin(standin: SlackStandIn) -> SlackStandIn:
    for user in ("ULA", "ULEAD", "UCOVER"):
        standin.add_user(user, tz="America/Los_Angeles")
    return standin


def test_public_stores_the_claim_deadline_and_the_reply_names_both_statutes(firm):
    services.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    out = limitation.set_limitation(firm, "U1", "PI-1", loss_on=D(2026, 8, 31), state="CA", public=True)
    assert out.card.limitation_on == D(2028, 8, 31)
    assert out.card.claim_deadline_on == D(2027, 2, 28)  # six months; February has no 31st
    assert "Cal. Civ. Proc. Code § 335.1" in out.message and "Cal. Gov. Code § 911.2(a)" in out.message
    assert "present it by 2027-02-28" in out.message and "A lawyer confirms this date." in out.message
    assert "Alerts at 90, 60, 30, 14, 7 days before it" in out.message
    assert out.card.claim_basis.startswith("Cal. Gov. Code § 911.2(a), 6 months from the loss on 2026-08-31")
    with firm.db.uow() as s:
        case = q.get_case(s, "PI-1")
        assert case.public_entity and case.claim_deadline_on == D(2027, 2, 28)
        [entry] = [a for a in q.audit_of(s, case.id) if a.action == "limitation"]
        assert entry.detail["public"] is True and entry.detail["claim_on"] == "2027-02-28"


def test_a_state_without_a_rule_asks_for_the_dates_and_the_case_stays_public(firm):
    services.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    before = export_data(firm)
    with pytest.raises(InputError) as refused:  # never silently Ohio's ordinary two years
        limitation.set_limitation(firm, "U1", "PI-1", loss_on=D(2026, 3, 2), state="OH", public=True)
    assert "casebot holds no rule for suing a public entity in OH" in str(refused.value)
    assert "`/case sol PI-1 <YYYY-MM-DD> loss 2026-03-02 OH public`" in str(refused.value)
    assert "`/case claim-deadline PI-1 <YYYY-MM-DD>`" in str(refused.value)
    shown = services.show_case(firm, "U1", "PI-1")
    assert shown.limitation_on is None and not shown.public_entity, "a refusal changes nothing"
    assert export_data(firm) == before
    # The lawyer's date with the loss: kept, and the case is public.
    out = limitation.set_limitation(
        firm, "U1", "PI-1", on=D(2027, 9, 1), loss_on=D(2026, 3, 2), state="OH", public=True
    )
    assert out.card.limitation_on == D(2027, 9, 1) and out.card.limitation_basis == "entered by hand"
    assert out.card.claim_deadline_on is None and out.card.public_entity
    assert "enter the claim deadline yourself: `/case claim-deadline PI-1 <YYYY-MM-DD>`" in out.message
    entered = limitation.set_claim_deadline(firm, "U1", "pi-1", D(2027, 3, 2))
    assert entered.card.claim_deadline_on == D(2027, 3, 2) and entered.card.claim_basis == "entered by hand"
    assert "PI-1's claim deadline against a public entity is 2027-03-02 (entered)" in entered.message
    assert "A lawyer confirms this date." in entered.message
    # A later loss without `public` keeps the case public: Ohio still holds no rule, so it is refused too.
    with pytest.raises(InputError, match="no rule for suing a public entity in OH"):
        limitation.set_limitation(firm, "U1", "PI-1", loss_on=D(2026, 3, 3), state="OH")
    again = services.show_case(firm, "U1", "PI-1")
    assert again.public_entity and again.claim_deadline_on == D(2027, 3, 2)
    assert again.limitation_on == D(2027, 9, 1)


def test_an_entered_claim_deadline_says_what_the_states_rule_would_give(firm):
    services.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    limitation.set_limitation(firm, "U1", "PI-1", loss_on=D(2026, 10, 1), state="NY", public=True)
    assert services.show_case(firm, "U1", "PI-1").claim_deadline_on == D(2026, 12, 30)  # 90 days
    out = limitation.set_claim_deadline(firm, "U1", "PI-1", D(2026, 12, 15))
    assert "2026-12-15 (entered; 90 days from the loss on 2026-10-01 under N.Y. Gen. Mun. Law" in out.message
    assert "would be 2026-12-30" in out.message
    with pytest.raises(NotAllowed):
        limitation.set_claim_deadline(firm, "U2", "PI-1", D(2026, 12, 1))
    assert services.show_case(firm, "U1", "PI-1").claim_deadline_on == D(2026, 12, 15)


def test_motor_picks_the_motor_vehicle_period_and_a_refusal_asks_for_the_date_saying_why(firm):
    services.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    out = limitation.set_limitation(firm, "U1", "PI-1", loss_on=D(2026, 3, 2), state="CO", motor=True)
    assert out.card.limitation_on == D(2029, 3, 2)
    assert "Colo. Rev. Stat. § 13-80-101(1)(n)(I)" in out.message and "motor-vehicle injury" in out.message
    with pytest.raises(InputError, match="Motor Vehicle Reparations Act") as refused:
        limitation.set_limitation(firm, "U1", "PI-1", loss_on=D(2026, 3, 2), state="KY", motor=True)
    assert "Enter the limitation date itself" in str(refused.value)
    assert services.show_case(firm, "U1", "PI-1").limitation_on == D(2029, 3, 2), "a refusal changes nothing"
    # The date given wins: casebot keeps it, records the loss, and says why it computed nothing.
    kept = limitation.set_limitation(
        firm, "U1", "PI-1", on=D(2027, 6, 1), loss_on=D(2026, 3, 2), state="KY", motor=True
    )
    assert kept.card.limitation_on == D(2027, 6, 1) and "casebot does not compute it" in kept.message
    with pytest.raises(InputError, match="describe the loss"):
        limitation.set_limitation(firm, "U1", "PI-1", on=D(2027, 6, 1), public=True)


def test_the_card_shows_the_claim_deadline_above_the_limitation_date_with_both_statutes(firm):
    services.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 11, 2))
    out = limitation.set_limitation(
        firm, "U1", "PI-1", on=D(2028, 8, 3), loss_on=D(2026, 8, 3), state="TX", public=True
    )  # Texas: no public-entity suit rule is held, so the lawyer's date is entered with the loss
    reply = build_case_card(out.card, firm.today())
    text = all_text(reply.blocks)
    claim = text.index("Claim deadline (public entity): 2027-02-03")
    sol = text.index("Statute of limitations: 2028-08-03")
    assert claim < sol
    assert "Tex. Civ. Prac. &amp; Rem. Code § 101.101(a)" in text and "entered by hand" in text
    assert "A lawyer confirms every date." in text
    plain = build_case_card(services.show_case(firm, "U1", "PI-1"), firm.today())
    assert "Claim deadline (public entity): 2027-02-03" in all_text(plain.blocks)


def test_the_claim_alert_is_the_smallest_threshold_crossed():
    n = Numbers()
    deadline = D(2027, 6, 1)
    assert claim_threshold_crossed(deadline, deadline - timedelta(days=91), n) is None
    assert claim_threshold_crossed(deadline, deadline - timedelta(days=90), n) == 90
    assert claim_threshold_crossed(deadline, deadline - timedelta(days=45), n) == 60
    assert claim_threshold_crossed(deadline, deadline - timedelta(days=7), n) == 7
    assert claim_threshold_crossed(deadline, deadline, n) == 7
    assert claim_threshold_crossed(deadline, deadline + timedelta(days=3), n) == 0  # passed: said so, once
    assert claim_threshold_crossed(deadline, deadline - timedelta(days=7), n, stage="litigation") is None


# ---------------------------------------------------------------- alerts through the tick


@pytest.fixture
def sfirm(firm: Firm, standin: SlackStandIn) -> Firm:
    f = slack_firm(firm, standin)
    services.set_role(f, "UADMIN", "ULEAD", "lead")
    return f


def claim_alerts(standin: SlackStandIn, channel: str) -> list[dict]:
    return [
        c.params
        for c in posts(standin)
        if c.params["channel"] == channel and c.params.get("text", "").startswith("Claim deadline")
    ]


def thresholds(standin: SlackStandIn, channel: str) -> list[int]:
    return [
        int(str(p["blocks"]).split("-day alert")[0].rsplit("the ", 1)[1])
        for p in claim_alerts(standin, channel)
    ]


def _deliveries(firm: Firm) -> list[Delivery]:
    with firm.db.uow() as s:
        return list(
            s.scalars(select(Delivery).where(Delivery.kind == "claim-deadline").order_by(Delivery.id))
        )


def test_each_claim_threshold_is_alerted_once_to_the_manager_and_the_lead(sfirm, clock, standin):
    start = D(2026, 11, 2)  # a Monday
    at(clock, start, 9)
    services.create_case(sfirm, "UADMIN", "PI-1", "Jane Roe", manager="ULA")
    deadline = start + timedelta(days=100)
    limitation.set_claim_deadline(sfirm, "ULA", "PI-1", deadline)
    notifier, _ = notifier_for(sfirm)
    state = SenderState()
    tick(sfirm, notifier, state)
    assert claim_alerts(standin, "DULA") == [], "100 days out: nothing yet"
    for n, threshold in enumerate((90, 60, 30, 14, 7), start=1):
        cross = deadline - timedelta(days=threshold)
        at(clock, cross - timedelta(days=1), 11)
        tick(sfirm, notifier, state)
        assert len(claim_alerts(standin, "DULA")) == n - 1, f"not before the {threshold}-day mark"
        for day in range(4):  # the day it is crossed and after (a weekend moves it to the next business day)
            for hour in (7, 11, 20):  # before the working day, during it, after it
                at(clock, cross + timedelta(days=day), hour)
                tick(sfirm, notifier, state)
            tick(sfirm, notifier, SenderState())  # and a restart
    assert thresholds(standin, "DULA") == [90, 60, 30, 14, 7]
    assert thresholds(standin, "DULEAD") == [90, 60, 30, 14, 7]
    sent = _deliveries(sfirm)
    assert len(sent) == 10 and {d.state for d in sent} == {"sent"}
    assert f"claim-deadline:PI-1:14:ULA:{deadline.isoformat()}" in {d.key for d in sent}
    first = claim_alerts(standin, "DULA")[0]
    assert_valid_blocks(first["blocks"])
    assert "PI-1" in first["text"] and f"{deadline:%b %-d, %Y}" in first["text"]
    assert "entered by hand" in str(first["blocks"]) and "A lawyer confirms every date." in str(
        first["blocks"]
    )
    [button] = [e for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == OPEN_CASE and button["value"] == "PI-1"


def test_a_corrected_deadline_alerts_again_and_litigation_stops_the_alerts(sfirm, clock, standin):
    friday = D(2026, 11, 20)
    at(clock, friday, 10)
    services.create_case(sfirm, "UADMIN", "PI-1", "Jane Roe", manager="ULA")
    services.create_case(sfirm, "UADMIN", "PI-2", "Bo Other", manager="ULA")
    limitation.set_claim_deadline(sfirm, "ULA", "PI-1", friday + timedelta(days=50))
    limitation.set_claim_deadline(sfirm, "ULA", "PI-2", friday + timedelta(days=50))
    services.close_case(sfirm, "UADMIN", "PI-2", "litigation", because="suit filed against the county")
    notifier, _ = notifier_for(sfirm)
    state = SenderState()
    tick(sfirm, notifier, state)
    assert thresholds(standin, "DULA") == [60] and thresholds(standin, "DULEAD") == [60]
    assert {d.key.split(":")[1] for d in _deliveries(sfirm)} == {"PI-1"}
    limitation.set_claim_deadline(sfirm, "ULA", "PI-1", friday + timedelta(days=20))
    clock.advance(minutes=1)
    tick(sfirm, notifier, state)
    assert thresholds(standin, "DULA") == [60, 30]
    assert f"{friday + timedelta(days=20):%b %-d, %Y}" in claim_alerts(standin, "DULA")[-1]["text"]


def test_an_alert_claimed_before_the_deadline_changed_is_skipped(sfirm, clock, standin):
    friday = D(2026, 11, 20)
    at(clock, friday, 10)
    services.create_case(sfirm, "UADMIN", "PI-1", "Jane Roe", manager="ULA")
    limitation.set_claim_deadline(sfirm, "ULA", "PI-1", friday + timedelta(days=40))
    standin.fail("chat.postMessage", status=503, times=1000)
    notifier, _ = notifier_for(sfirm, retries=0)
    tick(sfirm, notifier)
    assert {d.state for d in _deliveries(sfirm)} == {"pending"}
    limitation.set_claim_deadline(sfirm, "ULA", "PI-1", friday + timedelta(days=200))
    standin.reset()
    clock.advance(hours=1)
    tick(sfirm, notifier)
    assert claim_alerts(standin, "DULA") == [] and {d.state for d in _deliveries(sfirm)} == {"skipped"}
