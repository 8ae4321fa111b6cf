"""What the client-update tests share: a firm with texts and email configured against loopback stand-ins."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select

from bot import services as sv
from bot.entrypoints.app import http_server
from bot.services.client_updates import send_update
from bot.services.clients import set_client_detail, set_sms_consent
from bot.services.exports import export_data
from bot.services.firm import Firm
from bot.settings_clients import ClientSettings, SmtpRelay
from storage.models import Obligation
from tests.kit.served import stop
from tests.kit.slack_bodies import interaction_body, sign, slash_body
from tests.kit.workspace import SECRET, Slack

ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "test-auth-token"


def client_settings(
    *, twilio_base: str | None = None, smtp_port: int | None = None, hold: int = 10, **more: object
) -> ClientSettings:
    return ClientSettings(
        twilio_account_sid=ACCOUNT_SID if twilio_base else None,
        twilio_auth_token=AUTH_TOKEN if twilio_base else None,
        twilio_from="+13055550199" if twilio_base else None,
        twilio_api_base_url=twilio_base or "https://api.twilio.com",
        smtp=SmtpRelay("127.0.0.1", smtp_port) if smtp_port else None,
        email_from="Rivera Law <updates@riveralaw.example>" if smtp_port else None,
        firm_phone="(305) 555-0100",
        hold_minutes=hold,
        **more,  # type: ignore[arg-type]
    )


def with_clients(firm: Firm, clients: ClientSettings, public_base_url: str | None = None) -> Firm:
    settings = replace(
        firm.settings, clients=clients, firm_name="Rivera Law", public_base_url=public_base_url
    )
    return Firm(db=firm.db, settings=settings, calendar=firm.calendar, clock=firm.clock)


def case_with_client(
    firm: Firm,
    number: str = "PI-2041",
    *,
    language: str = "en",
    phone: str | None = "(305) 555-0123",
    email: str | None = "ana.rivera@example.com",
    consent: bool = True,
    on: date = date(2026, 11, 2),
) -> None:
    """A case in records whose R1 call and R2 update are open, its client reachable as asked."""
    sv.create_case(firm, "U1", number, "Ana Rivera", on=on)
    sv.add_provider(firm, "U1", number, "Valley Ortho", on=on)
    if phone:
        set_client_detail(firm, "U1", number, "phone", phone)
    if email:
        set_client_detail(firm, "U1", number, "email", email)
    if language != "en":
        set_client_detail(firm, "U1", number, "language", language)
    if consent and phone:
        set_sms_consent(firm, "U1", number, True, "engagement letter")


def queue(firm: Firm, number: str = "PI-2041", **kw: object) -> int:
    return send_update(firm, "U1", number, **kw).message_id  # type: ignore[arg-type]


class Inbox:
    """What a real aiosmtpd server on loopback received."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.mails.append(message_from_bytes(envelope.content, _class=EmailMessage, policy=policy.default))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
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


class HttpWorkspace:
    """The real HTTP server (waitress + Bolt) over the Slack stand-in, with the firm's PUBLIC_BASE_URL its own
    address, so that Twilio's callbacks are signed for it. Commands and clicks go as signed HTTP requests."""

    def __init__(self, slack: Slack) -> None:
        self.slack = slack
        self.server = http_server(slack.app, firm=slack.firm, host="127.0.0.1", port=0, threads=4)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        slack.firm.settings = replace(slack.firm.settings, public_base_url=self.url)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        self._n = 0

    @property
    def firm(self) -> Firm:
        return self.slack.firm

    def post(self, body: str) -> tuple[int, dict[str, Any]]:
        headers = {**sign(SECRET, body), "Content-Type": "application/x-www-form-urlencoded"}
        request = urllib.request.Request(self.url + "/slack/events", data=body.encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        self.slack.ctx.drain()
        data = json.loads(raw) if raw.startswith(b"{") else {}
        if data:
            self.slack.acks.append(data)
        return status, data

    def command(self, user: str, text: str) -> dict[str, Any]:
        """A signed /case over HTTP; answers the reply (its text and blocks: see shown())."""
        self._n += 1
        body = slash_body("/case", text, user, response_url=self.slack.standin.response_url(f"h{self._n}"))
        status, data = self.post(body)
        assert status == 200, (text, status, data)
        return data

    def click(self, user: str, action_id: str, value: str) -> str:
        """A signed button press over HTTP; answers what casebot posted to its response_url."""
        self._n += 1
        key = f"click{self._n}"
        body = interaction_body(
            "block_actions",
            user,
            container={"type": "message", "message_ts": "1.1", "channel_id": "C1", "is_ephemeral": True},
            trigger_id=f"trig.{self._n}",
            channel={"id": "C1", "name": "general"},
            response_url=self.slack.standin.response_url(key),
            actions=[
                {"type": "button", "action_id": action_id, "value": value, "block_id": "b", "action_ts": "1"}
            ],
        )
        status, _ = self.post(body)
        assert status == 200
        posted = [c for c in self.slack.standin.calls if c.method == "response_url" and c.key == key]
        assert len(posted) == 1, posted
        return shown(posted[0].params)

    def close(self) -> None:
        stop(self.server, self.thread)


def shown(body: dict[str, Any]) -> str:
    from handlers.blocks import all_text

    # esc() keeps `@` from mentioning with a zero-width space; a reader sees the address without it.
    return (str(body.get("text", "")) + "\n" + all_text(body.get("blocks") or [])).replace("\u200b", "")


def button_value(body: dict[str, Any], action_id: str) -> str:
    for block in body.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str(element["value"])
    raise AssertionError(f"no {action_id} button")


def export(firm: Firm) -> str:
    data = export_data(firm)
    data.pop("exported_at")
    return json.dumps(data, sort_keys=True, default=str)


def obligation(firm: Firm, number: str, rule: str) -> Obligation:
    with firm.db.uow() as s:
        rows = [
            o for o in s.scalars(select(Obligation).where(Obligation.rule == rule)) if o.case.number == number
        ]
        return max(rows, key=lambda o: o.id)


def state_of(firm: Firm, obligation_id: int) -> str:
    with firm.db.uow() as s:
        row = s.get(Obligation, obligation_id)
        assert row is not None
        return row.state
