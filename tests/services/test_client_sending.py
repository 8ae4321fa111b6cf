"""Client updates sent through the outbox: the real `twilio` package against the project's Twilio stand-in,
smtplib against a real aiosmtpd server, both on loopback. SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select

from bot import services as sv
from bot.delivery.client_sending import send_client_messages
from bot.entrypoints.client_channels import client_senders
from bot.errors import PreconditionNotMet
from bot.services.client_updates import preview_update, send_update
from bot.services.clients import set_sms_consent
from bot.services.firm import Firm
from handlers.twilio.standin import TwilioStandIn
from storage.client_models import ClientMessage
from storage.models import Contact, Delivery, Obligation
from tests.kit.client_updates import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    Inbox,
    case_with_client,
    client_settings,
    queue,
    smtp_server,
    with_clients,
)

D = date


@pytest.fixture
def twilio() -> Iterator[TwilioStandIn]:
    with TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN) as standin:
        yield standin


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def live(firm: Firm, twilio: TwilioStandIn, inbox: tuple[Inbox, int]) -> Firm:
    return with_clients(firm, client_settings(twilio_base=twilio.base_url, smtp_port=inbox[1]))


def open_rules(firm: Firm, number: str = "PI-2041") -> list[str]:
    return sorted(o.rule for o in sv.show_case(firm, "U1", number).obligations if o.kind == "client")


def state_of(firm: Firm, obligation_id: int) -> str:
    with firm.db.uow() as s:
        row = s.get(Obligation, obligation_id)
        assert row is not None
        return row.state


def test_a_spanish_text_goes_once_after_the_hold_and_closes_the_update(live, twilio, clock):
    case_with_client(live, language="es")
    assert "R2" in open_rules(live)
    clock.advance(days=20)  # R2 is due
    queued = send_update(live, "U1", "PI-2041", channel="sms", rule="R2")
    assert queued.preview.language == "es" and "Responda STOP" in queued.preview.text
    senders = client_senders(live.settings)
    assert send_client_messages(live, senders).sent == 0  # held
    assert twilio.messages == []
    clock.advance(minutes=11)
    assert send_client_messages(live, senders).sent == 1
    assert send_client_messages(live, senders).sent == 0
    assert [m.body for m in twilio.messages] == [queued.preview.text]
    assert twilio.messages[0].to == "+13055550123"
    assert state_of(live, queued.preview.obligation_id) == "done"
    assert open_rules(live) == ["R1", "R2"] or state_of(live, queued.preview.obligation_id) == "done"
    with live.db.uow() as s:
        contact = s.scalars(select(Contact).where(Contact.channel == "sms")).one()
        assert contact.kind == "client" and contact.voided_at is None


def test_an_english_email_goes_once(live, inbox, clock):
    case_with_client(live)
    clock.advance(days=20)
    queued = send_update(live, "U1", "PI-2041", channel="email", rule="R2")
    clock.advance(minutes=11)
    senders = client_senders(live.settings)
    assert send_client_messages(live, senders).sent == 1
    assert send_client_messages(live, senders).sent == 0
    box = inbox[0]
    assert len(box.mails) == 1
    mail = box.mails[0]
    assert mail["To"] == "ana.rivera@example.com" and mail["Subject"] == queued.preview.subject
    assert state_of(live, queued.preview.obligation_id) == "done"


def test_no_consent_refuses_and_queues_nothing(live, clock):
    case_with_client(live, consent=False)
    with pytest.raises(PreconditionNotMet, match="not agreed to texts"):
        send_update(live, "U1", "PI-2041", channel="sms", rule="R1")
    with live.db.uow() as s:
        assert s.scalars(select(ClientMessage)).all() == []
        assert s.scalars(select(Delivery)).all() == []


def test_two_replicas_send_it_once(live, twilio, clock):
    """Two processes on the same database (PostgreSQL in production) tick at the same moment: one sends."""
    from storage.db import Database

    case_with_client(live)
    queue(live, channel="sms", rule="R2")
    clock.advance(minutes=11)
    other_db = Database(live.db.url)
    other = Firm(db=other_db, settings=live.settings, calendar=live.calendar, clock=live.clock)
    start = threading.Barrier(2)
    sent: list[int] = []

    def replica(firm: Firm) -> None:
        senders = client_senders(firm.settings)
        start.wait()
        sent.append(send_client_messages(firm, senders).sent)

    threads = [threading.Thread(target=replica, args=(f,)) for f in (live, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    other_db.dispose()
    assert sorted(sent) == [0, 1]
    assert len(twilio.messages) == 1


def test_a_rate_limit_or_server_error_backs_off_and_sends_later_once(live, twilio, clock):
    case_with_client(live)
    queue(live, channel="sms", rule="R2")
    clock.advance(minutes=11)
    senders = client_senders(live.settings)
    twilio.fail(429, retry_after=120)
    report = send_client_messages(live, senders)
    assert (report.sent, report.waiting) == (0, 1) and twilio.messages == []
    clock.advance(seconds=60)
    assert send_client_messages(live, senders).sent == 0  # Retry-After: 120 s
    twilio.fail(503)
    clock.advance(seconds=61)
    assert send_client_messages(live, senders).waiting == 1
    clock.advance(minutes=5)
    assert send_client_messages(live, senders).sent == 1
    assert len(twilio.messages) == 1
    with live.db.uow() as s:
        assert s.scalars(select(ClientMessage)).one().status == "sent"


@pytest.mark.parametrize(
    ("code", "problem"), [(21211, "invalid"), (21614, "not-mobile"), (21610, "opted-out")]
)
def test_a_permanent_refusal_marks_the_number_and_tells_the_manager(live, twilio, clock, code, problem):
    case_with_client(live)
    r2 = queue(live, channel="sms", rule="R2")
    clock.advance(minutes=11)
    twilio.fail(400, code)
    report = send_client_messages(live, client_senders(live.settings))
    assert report.failed == 1 and twilio.messages == []
    with live.db.uow() as s:
        message = s.get(ClientMessage, r2)
        assert message is not None and message.status == "refused" and message.error_code == str(code)
        problems = s.scalars(select(Delivery).where(Delivery.kind == "client-problem")).all()
        assert [d.user_id for d in problems] == ["U1"]
    card = sv.show_case(live, "U1", "PI-2041")
    assert card.client_contact is not None and card.client_contact.phone_problem == problem
    with pytest.raises(PreconditionNotMet):
        send_update(live, "U1", "PI-2041", channel="sms", rule="R2")
    assert "R2" in open_rules(live)  # nothing was logged


def test_consent_withdrawn_during_the_hold_stops_the_text(live, twilio, clock):
    case_with_client(live)
    queue(live, channel="sms", rule="R2")
    set_sms_consent(live, "U1", "PI-2041", False, None)
    clock.advance(minutes=11)
    assert send_client_messages(live, client_senders(live.settings)).skipped == 1
    assert twilio.messages == []
    with live.db.uow() as s:
        assert s.scalars(select(ClientMessage)).one().status == "cancelled"


def test_with_nothing_configured_it_says_how_to_turn_it_on(firm, clock):
    case_with_client(firm)
    with pytest.raises(PreconditionNotMet, match="TWILIO_ACCOUNT_SID"):
        preview_update(firm, "U1", "PI-2041", channel="sms")
    with pytest.raises(PreconditionNotMet, match="SMTP_URL"):
        preview_update(firm, "U1", "PI-2041", channel="email")
