"""Issue 22 through the real HTTP server (waitress + Bolt) with the Slack stand-in, the project's Twilio stand-in
(signed webhooks as Twilio signs them, the real `twilio` package sending) and, for email, a relay and casebot's
own SMTP listener on loopback: a client's reply reaches the manager's DM once however often it is delivered,
R15 opens and closes, STOP / no más / START / HELP act at once with one answer each, a forged request changes
nothing, and an email reply (Spanish Gmail quote included) reaches the manager with only its new text.
SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
import smtplib
import socket
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass, replace
from datetime import date, time
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from aiosmtpd.controller import Controller

from bot.delivery.sending import tick
from bot.entrypoints.cli import _due
from bot.entrypoints.client_channels import client_senders
from bot.entrypoints.smtp import mailbox_for, smtp_listener
from bot.services.client_updates import send_update
from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.blocks import all_text
from handlers.slack.client import make_client
from handlers.slack.notifier import SlackNotifier
from handlers.slack.standin import SlackStandIn
from handlers.twilio.standin import TwilioStandIn, post_signed
from tests.client_updates_kit import ACCOUNT_SID, AUTH_TOKEN, case_with_client, client_settings, with_clients
from tests.conftest import Clock
from tests.handlers_kit import Slack
from tests.test_http import Server

D = date
CLIENT = "+13055550123"
FIRM_NUMBER = "+13055550199"
FIXTURES = Path(__file__).parent / "fixtures" / "email"
DOMAIN = "replies.riveralaw.example"
TUESDAY = D(2026, 12, 8)  # the next business day after the Monday the tests run on


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Relay:
    """The firm's outgoing SMTP relay, on loopback: keeps every email casebot hands it."""

    def __init__(self) -> None:
        self.mails: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.mails.append(message_from_bytes(envelope.content))
        return "250 OK"


@dataclass
class World:
    firm: Firm
    slack: Slack
    server: Server
    twilio: TwilioStandIn
    relay: Relay
    sids: int = 0

    def text(
        self, body: str, *, sender: str = CLIENT, sid: str | None = None, signature: str | None = None
    ) -> tuple[int, str]:
        """The client texts casebot's number: Twilio's webhook, signed with the account's auth token."""
        if sid is None:
            self.sids += 1
            sid = f"SM{0xF0:02x}{self.sids:030x}"  # the stand-in numbers its own from 1
        params = {
            "MessageSid": sid,
            "SmsSid": sid,
            "AccountSid": ACCOUNT_SID,
            "From": sender,
            "To": FIRM_NUMBER,
            "Body": body,
            "NumMedia": "0",
        }
        status = post_signed(self.server.url + "/twilio/inbound", params, AUTH_TOKEN, signature=signature)
        return status, sid

    def send(self) -> None:
        """One scheduler tick: client messages to their carriers, DMs to Slack."""
        notifier = SlackNotifier(make_client(self.firm.settings, retries=0), sleep=lambda s: None)
        tick(self.firm, notifier, clients=client_senders(self.firm.settings))

    def dms(self, user: str) -> list[str]:
        """What a person got in their DM about clients' messages (their digest and reminders left out)."""
        return [
            str(c.params.get("text", "")) + "\n" + all_text(c.params.get("blocks") or [])
            for c in self.slack.posts()
            if c.method == "chat.postMessage"
            and c.params.get("channel") in (user, "D" + user)
            and not str(c.params.get("text", "")).startswith(("Your casebot digest", "New today"))
        ]

    def texts_to(self, number: str = CLIENT) -> list[str]:
        return [m.body for m in self.twilio.messages if m.to == number]

    def command(self, text: str, user: str = "U1") -> str:
        data = self.server.command(user, text)
        assert data["response_type"] == "ephemeral"
        return str(data.get("text", "")) + "\n" + all_text(data.get("blocks") or [])

    def update_refused(self) -> str:
        """The next text update (`/case update PI-2041 sms send`, over HTTP): refused, and nothing queued."""
        before = len(export_data(self.firm)["cases"][0]["client_messages"])
        shown = self.command("update PI-2041 sms send")
        assert ":warning:" in shown
        assert len(export_data(self.firm)["cases"][0]["client_messages"]) == before
        return shown

    def due(self, user: str = "U1", day: date = TUESDAY) -> list[dict[str, Any]]:
        """`casebot due --date <day> --user <user> --format json` (R15 of a Monday's text is due Tuesday)."""
        out = io.StringIO()
        with redirect_stdout(out):
            assert _due(self.firm, day, user, "json") == 0
        return list(json.loads(out.getvalue()))


@pytest.fixture
def world(firm: Firm, clock: Clock) -> Iterator[World]:
    clock.set(D(2026, 12, 7), time(10, 0))  # a Monday morning, inside the client's hours
    relay = Relay()
    relay_port = free_port()
    controller = Controller(relay, hostname="127.0.0.1", port=relay_port)
    controller.start()
    with TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN) as twilio, SlackStandIn() as standin:
        clients = client_settings(
            twilio_base=twilio.base_url, smtp_port=relay_port, hold=0, inbound_email_domain=DOMAIN
        )
        slack = Slack(with_clients(firm, clients), standin)
        server = Server(slack)
        slack.firm.settings = replace(slack.firm.settings, public_base_url=server.url)
        try:
            yield World(slack.firm, slack, server, twilio, relay)
        finally:
            server.close()
            slack.close()
            controller.stop()
    slack.check_everything_sent()


def test_a_signed_text_reaches_the_manager_once_and_its_r15_closes_on_reply(
    world: World, clock: Clock
) -> None:
    case_with_client(world.firm)
    status, sid = world.text("¿Cuándo me pagan? Tuve otra resonancia el viernes.")
    assert status == 200
    assert world.text("¿Cuándo me pagan? Tuve otra resonancia el viernes.", sid=sid)[0] == 200  # again
    world.send()
    world.send()
    [dm] = world.dms("U1")
    assert "PI-2041 · Ana Rivera texted you" in dm
    assert "> ¿Cuándo me pagan? Tuve otra resonancia el viernes." in dm
    assert "Answer by *Tue Dec 8* (R15)" in dm
    assert "Log as contact" in dm and "Reply" in dm and "Not this case" in dm
    [r15] = [row for row in world.due() if row["rule"] == "R15"]
    assert (r15["case"], r15["kind"], r15["due"]) == ("PI-2041", "client", "2026-12-08")
    assert r15["reason"] == "The client wrote on Dec 7 (text): answer them"

    clock.advance(minutes=20)  # the manager answers a little later
    shown = world.command(
        "reply PI-2041 Hola Ana, el pago llega después del acuerdo. Le llamo mañana a las 10."
    )
    assert "Your reply to PI-2041's client goes by text to (305) 555-0123" in shown
    world.send()
    assert world.texts_to()[-1] == "Hola Ana, el pago llega después del acuerdo. Le llamo mañana a las 10."
    assert [row for row in world.due() if row["rule"] == "R15"] == []
    messages = world.command("messages PI-2041")
    assert messages.index("Le llamo mañana") < messages.index("¿Cuándo me pagan?")  # newest first
    assert "← *Text from the client*" in messages and "→ *Text by <@U1>*" in messages
    exported = export_data(world.firm)["cases"][0]["client_messages"]
    assert [(m["direction"], m["channel"]) for m in exported] == [("in", "sms"), ("out", "sms")]


def test_stop_opts_out_at_once_with_one_confirmation_and_the_next_update_is_refused(world: World) -> None:
    case_with_client(world.firm, language="es")
    assert world.text("STOP")[0] == 200
    world.send()
    assert world.texts_to() == [
        "Rivera Law: Se dio de baja; no recibirá más mensajes de texto. Responda START para volver. "
        "Llame al (305) 555-0100."
    ]
    assert world.text("Stop.")[0] == 200  # nothing after a STOP
    world.send()
    assert len(world.texts_to()) == 1
    assert "opted out of texts (STOP)" in world.update_refused()
    consents = export_data(world.firm)["cases"][0]["client_consents"]
    assert [(c["granted"], c["source"], c["by"]) for c in consents][-1] == (
        False,
        "the client texted STOP",
        "client",
    )
    assert any("texted STOP" in dm for dm in world.dms("U1"))
    assert [row for row in world.due() if row["rule"] == "R15"] == []  # a keyword asks for no answer

    assert world.text("COMENZAR")[0] == 200
    world.send()
    assert world.texts_to()[-1] == (
        "Rivera Law: Volverá a recibir mensajes de su caso. Responda AYUDA para ayuda o STOP para parar."
    )
    consents = export_data(world.firm)["cases"][0]["client_consents"]
    assert [(c["granted"], c["source"]) for c in consents][-1] == (True, "the client texted COMENZAR")

    assert world.text("ayuda")[0] == 200
    world.send()
    assert world.texts_to()[-1] == (
        "Rivera Law: Ayuda con su caso: llame al (305) 555-0100. Responda STOP para no recibir más mensajes."
    )


def test_no_mas_opts_out_and_start_opts_back_in_in_english(world: World) -> None:
    case_with_client(world.firm)
    assert world.text("¡No más!")[0] == 200
    world.send()
    assert world.texts_to() == [
        "Rivera Law: You are unsubscribed and will get no more texts from us. Reply START to get them again. "
        "Questions? Call (305) 555-0100."
    ]
    assert "opted out of texts (STOP)" in world.update_refused()
    assert world.text("START")[0] == 200
    world.send()
    assert world.texts_to()[-1].startswith("Rivera Law: You will get texts about your case again.")
    assert send_update(world.firm, "U1", "PI-2041", channel="sms").preview.channel == "sms"


def test_a_request_to_stop_in_words_stops_texts_and_asks_the_manager(world: World) -> None:
    case_with_client(world.firm, language="es")
    assert world.text("Por favor no me manden más mensajes")[0] == 200
    world.send()
    assert world.texts_to() == []  # no keyword: no automatic answer, a person confirms
    [dm] = world.dms("U1")
    assert "reads like a request to stop texts" in dm and "Yes: no more texts" in dm
    assert "has not agreed to texts" in world.update_refused()


def test_a_forged_or_unsigned_request_gets_403_and_changes_nothing(world: World) -> None:
    case_with_client(world.firm)
    before = export_data(world.firm)
    assert world.text("STOP", signature="forged+signature=")[0] == 403
    assert world.text("STOP", signature="")[0] == 403
    world.firm.settings = replace(world.firm.settings, public_base_url="https://casebot.riveralaw.example")
    assert world.text("STOP")[0] == 403  # signed for another address
    after = export_data(world.firm)
    assert {k: v for k, v in after.items() if k != "exported_at"} == {
        k: v for k, v in before.items() if k != "exported_at"
    }
    world.send()  # and nothing was queued: no text goes, no DM about it
    assert export_data(world.firm)["cases"] == before["cases"]
    assert world.texts_to() == [] and world.dms("U1") == []


def test_a_text_from_an_unknown_number_goes_to_the_leads(world: World) -> None:
    case_with_client(world.firm)
    assert world.text("Hi, this is Ana's husband, she's in hospital", sender="+13055550777")[0] == 200
    world.send()
    [dm] = [d for d in world.dms("UADMIN") if "unknown number" in d]  # no lead named: the admins
    assert "A text from an unknown number" in dm and "(305) 555-0777" in dm and "Ana's husband" in dm
    assert world.dms("U1") == [] and world.texts_to("+13055550777") == []


def test_an_email_reply_through_the_smtp_listener_reaches_the_manager_with_only_its_new_text(
    world: World, clock: Clock
) -> None:
    case_with_client(world.firm, language="es", phone=None)
    send_update(world.firm, "U1", "PI-2041", channel="email")
    world.send()
    [sent] = world.relay.mails
    reply_to = str(sent["Reply-To"])
    token = reply_to.split("+", 1)[1].split("@", 1)[0]
    assert reply_to == f"reply+{token}@{DOMAIN}" and str(sent["Message-ID"]) == f"<{token}@{DOMAIN}>"

    raw = (FIXTURES / "gmail_es.eml").read_bytes().decode()
    raw = raw.replace("uom6nqgnbt6vx3sfckqemj7sp25ra4br", token).replace("replies.ramoslaw.example", DOMAIN)
    port = free_port()
    listener = smtp_listener(DOMAIN, mailbox_for(world.firm), port=port)
    listener.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail("maria.lopez@gmail.com", [reply_to], raw.replace("\n", "\r\n").encode())
            smtp.sendmail("maria.lopez@gmail.com", [reply_to], raw.replace("\n", "\r\n").encode())  # again
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                smtp.sendmail("x@example.com", [f"reply+{'a' * 32}@{DOMAIN}"], b"Subject: x\r\n\r\nhi\r\n")
    finally:
        listener.stop()
    world.send()
    [dm] = [d for d in world.dms("U1") if "emailed you" in d]
    assert (
        "> Hola Dana, gracias por avisarme.\n> ¿Cuándo me pagan? Tuve otra resonancia la semana pasada." in dm
    )
    assert "escribió" not in dm and "Ramos Law" not in dm and "STOP" not in dm
    assert [row["rule"] for row in world.due() if row["rule"] == "R15"] == ["R15"]

    clock.advance(minutes=20)
    world.command("reply PI-2041 Hola Ana, el pago llega después del acuerdo.")
    world.send()
    answer = world.relay.mails[-1]
    assert str(answer["In-Reply-To"]) == "<CAF3kq9xN2eN+3vWcQ@mail.gmail.com>"
    assert str(answer["Reply-To"]).startswith("reply+") and str(answer["Reply-To"]) != reply_to
    assert [row for row in world.due() if row["rule"] == "R15"] == []


def test_urlencode_matches_what_twilio_posts() -> None:
    # Twilio posts the form as application/x-www-form-urlencoded; the stand-in's helper is what the tests use.
    assert urlencode({"Body": "¿Sí?"}) == "Body=%C2%BFS%C3%AD%3F"
