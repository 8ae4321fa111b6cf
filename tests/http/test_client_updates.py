"""Client updates end to end over the real HTTP server: signed slash commands and buttons against the Slack
stand-in, texts through the real `twilio` package to the project's Twilio stand-in, email through smtplib to a
real aiosmtpd server, Twilio's signed status callbacks to POST /twilio/status. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time

import pytest
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from bot.delivery.client_sending import send_client_messages
from bot.delivery.sending import send_pending
from bot.entrypoints.client_channels import client_senders
from bot.services.firm import Firm
from handlers.blocks.client_updates import SEND_UPDATE
from handlers.slack.client import make_client
from handlers.slack.notifier import SlackNotifier
from handlers.slack.standin import SlackStandIn
from handlers.twilio.standin import TwilioStandIn, post_signed
from storage.client_models import ClientMessage
from storage.models import Contact, ContactAttempt
from tests.kit.client_updates import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    HttpWorkspace,
    Inbox,
    button_value,
    client_settings,
    export,
    obligation,
    shown,
    smtp_server,
    state_of,
    with_clients,
)
from tests.kit.workspace import Slack

D = date


@dataclass
class World:
    http: HttpWorkspace
    twilio: TwilioStandIn
    inbox: Inbox

    @property
    def firm(self) -> Firm:
        return self.http.firm

    def case(self, user: str, text: str) -> str:
        return shown(self.http.command(user, text))

    def deliver(self) -> int:
        """One pass of the sender: the client messages due go to their carriers."""
        return send_client_messages(self.firm, client_senders(self.firm.settings)).sent

    def dms(self) -> list[str]:
        """Send the DMs owed (through the real Slack notifier, to the stand-in) and answer what went."""
        send_pending(self.firm, SlackNotifier(make_client(self.firm.settings)))
        calls = self.http.slack.standin.calls_to("chat.postMessage")
        return [shown(c.params) for c in calls]


@pytest.fixture
def world(firm: Firm) -> Iterator[World]:
    with (
        TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN) as twilio,
        smtp_server() as (inbox, port),
        SlackStandIn() as standin,
    ):
        live = with_clients(firm, client_settings(twilio_base=twilio.base_url, smtp_port=port))
        slack = Slack(live, standin)
        http = HttpWorkspace(slack)
        yield World(http, twilio, inbox)
        http.close()
        slack.close()
        slack.check_everything_sent()


def new_case(w: World, number: str = "PI-2041", *, language: str | None = None) -> None:
    w.case("U1", f"new {number} Ana Rivera 2026-11-02")
    w.case("U1", f"provider {number} add Valley Ortho 2026-11-02")
    assert "(305) 555-0123" in w.case("U1", f"client {number} phone (305) 555-0123")
    if language:
        assert "reads Spanish" in w.case("U1", f"client {number} language {language}")


def test_a_spanish_text_goes_once_closes_the_update_and_a_failed_callback_reopens_it(
    world: World, clock
) -> None:
    w = world
    new_case(w, language="es")
    before = export(w.firm)
    refused = w.case("U1", "update PI-2041 sms R2")
    assert "has not agreed to texts" in refused and "/case client PI-2041 consent sms yes" in refused
    assert export(w.firm) == before  # refused: nothing queued, nothing changed

    assert "agreed to texts" in w.case("U1", "client PI-2041 consent sms yes engagement letter")
    r2 = obligation(w.firm, "PI-2041", "R2")
    preview = w.http.command("U1", "update PI-2041 sms R2")
    text = shown(preview)
    assert "Hola Ana" in text and "Responda STOP para no recibir más mensajes" in text
    assert "SMS to (305) 555-0123 · Spanish · 2 segments, UCS-2" in text
    with w.firm.db.uow() as s:
        assert s.scalars(select(ClientMessage)).all() == []  # a preview queues nothing

    queued = w.http.click("U1", SEND_UPDATE, button_value(preview, SEND_UPDATE))
    assert "Queued the R2 sms to PI-2041's client" in queued and "10:10 AM" in queued
    assert w.deliver() == 0 and w.twilio.messages == []  # held for 10 minutes
    clock.advance(minutes=11)
    assert w.deliver() == 1
    assert w.deliver() == 0
    assert len(w.twilio.messages) == 1
    sms = w.twilio.messages[0]
    assert sms.to == "+13055550123" and sms.from_ == "+13055550199"
    assert sms.body.startswith("Rivera Law: Hola Ana, seguimos reuniendo sus expedientes")
    assert sms.status_callback == f"{w.http.url}/twilio/status"
    assert state_of(w.firm, r2.id) == "done"
    card = w.case("U1", "show PI-2041")
    assert "Last client contact: Nov 26" in card and "texts OK (engagement letter by <@U1>" in card

    # The carrier reports it failed: the contact no longer counts, R2 is open again, the manager is told.
    assert w.twilio.callback(sms.sid, "failed", error_code="30008") == 204
    assert state_of(w.firm, r2.id) == "open"
    with w.firm.db.uow() as s:
        contact = s.scalars(select(Contact).where(Contact.channel == "sms")).one()
        assert contact.voided_by == "carrier"
        assert s.scalars(select(ClientMessage)).one().status == "failed"
    dms = w.dms()
    assert any("The R2 sms to PI-2041's client failed" in dm for dm in dms)
    assert not any("seguimos" in dm for dm in dms)  # the DM never repeats the message's text


def test_a_forged_or_replayed_callback_gets_403_and_changes_nothing(world: World, clock) -> None:
    w = world
    new_case(w)
    w.case("U1", "client PI-2041 consent sms yes told by phone")
    w.case("U1", "update PI-2041 sms R2 send")
    clock.advance(minutes=11)
    assert w.deliver() == 1
    sid = w.twilio.messages[0].sid
    url = f"{w.http.url}/twilio/status"
    params = {"MessageSid": sid, "MessageStatus": "failed", "AccountSid": ACCOUNT_SID}
    before = export(w.firm)
    assert post_signed(url, params, "not-the-auth-token") == 403
    assert post_signed(url, params, AUTH_TOKEN, signature="") == 403
    signed = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
    forged = {**params, "MessageStatus": "undelivered"}  # the signature of another body
    assert post_signed(url, forged, AUTH_TOKEN, signature=signed) == 403
    # Signed for another address than PUBLIC_BASE_URL's (a Host header the caller chose): refused.
    other = RequestValidator(AUTH_TOKEN).compute_signature("http://evil.example/twilio/status", params)
    assert post_signed(url, params, AUTH_TOKEN, signature=other) == 403
    assert export(w.firm) == before
    delivered = {"MessageSid": sid, "MessageStatus": "delivered", "AccountSid": ACCOUNT_SID}
    assert post_signed(url, delivered, AUTH_TOKEN) == 204
    assert post_signed(url, delivered, AUTH_TOKEN) == 403  # the same signed request again: a replay
    with w.firm.db.uow() as s:
        assert s.scalars(select(ClientMessage)).one().status == "delivered"


def test_an_english_email_goes_once_and_closes_the_update(world: World, clock) -> None:
    w = world
    new_case(w)
    w.case("U1", "client PI-2041 email ana.rivera@example.com")
    r2 = obligation(w.firm, "PI-2041", "R2")
    preview = w.case("U1", "update PI-2041 email R2")
    assert (
        "Email to ana.rivera@example.com · English" in preview
        and "Subject: An update on your case" in preview
    )
    queued = w.case("U1", "update PI-2041 email R2 send")
    assert "Queued the R2 email" in queued
    clock.advance(minutes=11)
    assert w.deliver() == 1 and w.deliver() == 0
    assert len(w.inbox.mails) == 1
    mail = w.inbox.mails[0]
    assert mail["To"] == "ana.rivera@example.com" and mail["From"] == "Rivera Law <updates@riveralaw.example>"
    plain = mail.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    html = mail.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert plain.startswith("Hi Ana,") and "<p>Hi Ana,</p>" in html
    assert "Valley" not in plain and "PI-2041" not in plain
    assert state_of(w.firm, r2.id) == "done"


def test_undo_inside_the_hold_sends_nothing(world: World, clock) -> None:
    w = world
    new_case(w)
    w.case("U1", "client PI-2041 consent sms yes engagement letter")
    w.case("U1", "update PI-2041 sms R2 send")
    clock.advance(minutes=5)
    assert "Cancelled the R2 sms to PI-2041's client: nothing was sent." in w.case("U1", "undo PI-2041")
    clock.advance(minutes=30)
    assert w.deliver() == 0 and w.twilio.messages == []
    with w.firm.db.uow() as s:
        assert s.scalars(select(ClientMessage)).one().status == "cancelled"
    assert "R2" in w.case("U1", "show PI-2041")  # still open


def test_outside_quiet_hours_it_waits_and_the_reply_says_when_it_goes(world: World, clock) -> None:
    w = world
    new_case(w)
    w.case("U1", "client PI-2041 consent sms yes engagement letter")
    clock.set(D(2026, 11, 26), time(19, 55))
    queued = w.case("U1", "update PI-2041 sms R2 send")
    assert "outside the client's quiet hours" in queued and "9:00 AM on Fri Nov 27" in queued
    clock.advance(minutes=30)
    assert w.deliver() == 0 and w.twilio.messages == []
    clock.set(D(2026, 11, 27), time(8, 59))
    assert w.deliver() == 0
    clock.set(D(2026, 11, 27), time(9, 1))
    assert w.deliver() == 1 and len(w.twilio.messages) == 1


def test_a_call_rule_asks_the_client_to_call_and_leaves_the_obligation_open(world: World, clock) -> None:
    w = world
    new_case(w)
    w.case("U1", "client PI-2041 consent sms yes engagement letter")
    r1 = obligation(w.firm, "PI-2041", "R1")
    preview = w.case("U1", "update PI-2041 sms R1")
    assert "please call" in preview and "records an attempt" in preview
    w.case("U1", "update PI-2041 sms R1 send")
    clock.advance(minutes=11)
    assert w.deliver() == 1
    assert "please call" in w.twilio.messages[0].body and "(305) 555-0100" in w.twilio.messages[0].body
    assert state_of(w.firm, r1.id) == "open"
    with w.firm.db.uow() as s:
        assert s.scalars(select(Contact).where(Contact.channel.is_not(None))).all() == []
        attempt = s.scalars(select(ContactAttempt)).one()  # an attempt, as /case contacted … attempt records
        assert (attempt.kind, attempt.how, attempt.rule) == ("client", "sms", "R1")


def test_a_digest_item_s_send_update_button_opens_the_same_preview(world: World, clock) -> None:
    from bot.services.cards import DueItem
    from handlers.blocks.client_updates import OPEN_UPDATE
    from handlers.blocks.digests import build_item_actions

    w = world
    new_case(w)
    w.case("U1", "client PI-2041 consent sms yes engagement letter")
    r2 = obligation(w.firm, "PI-2041", "R2")
    item = DueItem(
        r2.id, "PI-2041", "Ana Rivera", "U1", "client", "R2", r2.due_on, 0, 0, "update", (), "open", None
    )
    row = build_item_actions(item)
    value = next(e["value"] for e in row["elements"] if e.get("action_id") == OPEN_UPDATE)
    provider = build_item_actions(item._replace(kind="provider", rule="R3"))
    assert OPEN_UPDATE not in json.dumps(provider)
    preview = w.http.click("U1", OPEN_UPDATE, value)
    assert "PI-2041 · R2 update, preview" in preview and "Hi Ana" in preview
    assert "not open on PI-2041" in w.http.click(
        "U1", OPEN_UPDATE, json.dumps({"case": "PI-2041", "rule": "R6"})
    )
    refused = w.http.click("U2", OPEN_UPDATE, value)  # not U2's case: refused as if missing, naming no client
    assert "There is no case PI-2041 that you can see" in refused and "Ana" not in refused
