"""Client updates sent through the outbox: the real `twilio` package against the project's Twilio stand-in,
smtplib against a real aiosmtpd server, both on loopback. SQLite and PostgreSQL."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from bot import services as sv
from bot.delivery.client_sending import send_client_messages
from bot.entrypoints.client_channels import client_senders
from bot.errors import PreconditionNotMet
from bot.services.client_updates import preview_update, send_update
from bot.services.firm import Firm
from handlers.twilio.standin import TwilioStandIn
from storage.client_models import ClientMessage
from storage.models import Contact, Delivery, Obligation
from tests.client_updates_kit import ACCOUNT_SID, AUTH_TOKEN, case_with_client, client_settings, with_clients

D = date


class Inbox:
    def __init__(self) -> None:
        self.mails: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.mails.append(message_from_bytes(envelope.content))
        return "250 OK"


@pytest.fixture
def twilio() -> Iterator[TwilioStandIn]:
    with TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN) as standin:
        yield standin


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    box = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd checks its server by connecting to the port given
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


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


def test_preview(live, clock):
    case_with_client(live, language="es")
    p = preview_update(live, "U1", "PI-2041")
    print(p)
