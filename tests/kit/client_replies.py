"""What the client-reply tests over HTTP share: the real HTTP server (waitress + Bolt) on the Slack stand-in,
the project's Twilio stand-in (webhooks signed as Twilio signs them, the real `twilio` package sending), the
firm's outgoing SMTP relay on loopback, and the ways a client, the scheduler and a manager act on them."""

from __future__ import annotations

import io
import json
import smtplib
import socket
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, replace
from datetime import date, time
from email.message import Message
from pathlib import Path
from typing import Any

from bot.delivery.sending import tick
from bot.entrypoints.cli import _due
from bot.entrypoints.client_channels import client_senders
from bot.entrypoints.smtp import mailbox_for, smtp_listener
from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.blocks import all_text
from handlers.blocks.client_replies import REPLY_CLIENT
from handlers.slack.client import make_client
from handlers.slack.notifier import SlackNotifier
from handlers.slack.standin import SlackStandIn
from handlers.twilio.standin import TwilioStandIn, post_signed
from storage import deliveries
from tests.kit.client_updates import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    Inbox,
    client_settings,
    smtp_server,
    with_clients,
)
from tests.kit.clock import Clock
from tests.kit.served import ServedSlack

D = date
CLIENT = "+13055550123"
FIRM_NUMBER = "+13055550199"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "email"
DOMAIN = "replies.riveralaw.example"
TUESDAY = D(2026, 12, 8)  # the next business day after the Monday the tests run on


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class World:
    firm: Firm
    slack: ServedSlack
    twilio: TwilioStandIn
    relay: Inbox
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
        status = post_signed(self.slack.base + "/twilio/inbound", params, AUTH_TOKEN, signature=signature)
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
        answer = self.slack.case(user, text)
        assert answer.body["response_type"] == "ephemeral"
        return answer.all_text

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

    # -- the buttons on a client's DM, over HTTP ------------------------------------------------------------

    def client_dm(self, user: str = "U1") -> DM:
        """The latest DM with a Reply button that `user` got, as Slack holds it: where, its ts, what it says."""
        for call in reversed(self.slack.posts()):
            if call.method != "chat.postMessage" or call.params.get("channel") not in (user, "D" + user):
                continue
            blocks = list(call.params.get("blocks") or [])
            reply = [e for e in buttons_of(blocks) if e["action_id"] == REPLY_CLIENT]
            if reply:
                with self.firm.db.uow() as s:
                    d = deliveries.get_delivery(s, f"client-wrote:{reply[0]['value']}")
                    assert d is not None and d.state == "sent" and d.slack_ts
                    ts = d.slack_ts
                return DM("D" + user, ts, str(call.params["text"]), blocks)
        raise AssertionError(f"{user} got no DM about a client's message")

    def click(self, dm: DM, action_id: str, user: str = "U1") -> tuple[int, list[dict[str, Any]]]:
        """`user` presses a button on the DM, as Slack sends the click (the message it sits in included):
        the status, and what casebot posted to the click's response_url."""
        [value] = [e["value"] for e in buttons_of(dm.blocks) if e["action_id"] == action_id]
        before = len(self.slack.standin.calls)
        message = {"text": dm.text, "blocks": dm.blocks}
        answer = self.slack.click(user, action_id, value, channel=dm.channel, message=message, ts=dm.ts)
        posted = [c.params for c in self.slack.standin.calls[before:] if c.method == "response_url"]
        return answer.status, posted

    def submit(self, view: dict[str, Any], text: str, user: str = "U1") -> tuple[int, dict[str, Any]]:
        """`user` sends the form `view` (as views.open got it) with `text` typed in: the status and the ack."""
        typed = {"text": {"type": "plain_text_input", "value": text}}
        answer = self.slack.submit(
            user, str(view["callback_id"]), typed, metadata=str(view["private_metadata"])
        )
        return answer.status, answer.body

    def client_messages(self) -> list[dict[str, Any]]:
        return list(export_data(self.firm)["cases"][0]["client_messages"])

    def unchanged_since(self, before: dict[str, Any]) -> bool:
        """Whether everything casebot keeps is as it was: the export, but for its time stamp and the people
        cache (anyone who uses casebot is remembered, refused or not)."""
        after = export_data(self.firm)
        return {k: v for k, v in after.items() if k not in ("exported_at", "staff")} == {
            k: v for k, v in before.items() if k not in ("exported_at", "staff")
        }


def gmail_reply(token: str) -> bytes:
    """A client's answer from Gmail in Spanish (its quote of casebot's email below), to the email that carried
    `token`, as an SMTP client sends it."""
    raw = (FIXTURES / "gmail_es.eml").read_bytes().decode()
    raw = raw.replace("uom6nqgnbt6vx3sfckqemj7sp25ra4br", token).replace("replies.ramoslaw.example", DOMAIN)
    return raw.replace("\n", "\r\n").encode()


def token_of(sent: Message) -> str:
    """The reply token of an email casebot sent (its Reply-To: reply+<token>@DOMAIN)."""
    return str(sent["Reply-To"]).split("+", 1)[1].split("@", 1)[0]


@contextmanager
def smtp_to_casebot(firm: Firm) -> Iterator[smtplib.SMTP]:
    """casebot's own SMTP listener (`casebot run --smtp-port`) on loopback, and a client's mail server
    connected to it."""
    port = free_port()
    listener = smtp_listener(DOMAIN, mailbox_for(firm), port=port)
    listener.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            yield smtp
    finally:
        listener.stop()


def buttons_of(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]


@dataclass(frozen=True)
class DM:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]


@contextmanager
def open_world(firm: Firm, clock: Clock) -> Iterator[World]:
    """The world of a test, on a Monday morning inside the client's hours; every message casebot sent is
    checked against Slack's rules at the end."""
    clock.set(D(2026, 12, 7), time(10, 0))  # a Monday morning, inside the client's hours
    with (
        smtp_server() as (relay, relay_port),
        TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN) as twilio,
        SlackStandIn() as standin,
    ):
        clients = client_settings(
            twilio_base=twilio.base_url, smtp_port=relay_port, hold=0, inbound_email_domain=DOMAIN
        )
        slack = ServedSlack(with_clients(firm, clients), standin)
        slack.firm.settings = replace(slack.firm.settings, public_base_url=slack.base)
        try:
            yield World(slack.firm, slack, twilio, relay)
        finally:
            slack.close()
    slack.check_everything_sent()
