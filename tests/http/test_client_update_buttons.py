"""Send update from `/case due` and from Home, and the client's time zone, over the real HTTP server: signed
commands, clicks, a Home tab and its form against the Slack stand-in, texts through the real `twilio` package
to the project's Twilio stand-in. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import time as clock_time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from typing import Any

import pytest
from sqlalchemy import select

from bot.delivery.client_sending import send_client_messages
from bot.entrypoints.client_channels import client_senders
from bot.services.firm import Firm
from handlers.blocks import all_text
from handlers.blocks.client_updates import CANCEL_UPDATE, OPEN_UPDATE, SEND_UPDATE, UPDATE_VIEW
from handlers.slack.standin import SlackStandIn
from handlers.twilio.standin import TwilioStandIn
from storage.client_models import ClientMessage
from storage.models import ContactAttempt
from tests.kit.client_updates import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    client_settings,
    export,
    obligation,
    state_of,
    with_clients,
)
from tests.kit.served import ServedSlack
from tests.kit.slack_bodies import assert_valid_view, interaction_body
from tests.kit.workspace import Answer

D = date


@dataclass
class World:
    slack: ServedSlack
    twilio: TwilioStandIn

    @property
    def firm(self) -> Firm:
        return self.slack.firm

    def case(self, user: str, text: str) -> str:
        answer = self.slack.command(user, text)
        assert answer.status == 200, answer
        return shown(answer.body)

    def responded(self, answer: Answer) -> list[dict[str, Any]]:
        """What casebot posted to the response_url of the request just made."""
        assert answer.status == 200, answer
        key = f"click{self.slack._n}"
        return [c.params for c in self.slack.standin.calls if c.method == "response_url" and c.key == key]

    def deliver(self) -> int:
        return send_client_messages(self.firm, client_senders(self.firm.settings)).sent

    def home(self, user: str) -> dict[str, Any]:
        """The Home tab as Slack shows it when the person opens it."""
        n = len(self.slack.standin.calls_to("views.publish"))
        event = {"type": "app_home_opened", "user": user, "tab": "home", "channel": f"D{user}"}
        assert self.slack.event(event, event_id=f"EvHome{n}").status == 200
        published = self.slack.standin.calls_to("views.publish")
        assert len(published) == n + 1
        view: dict[str, Any] = published[-1].params["view"]
        return view

    def click_on_home(self, user: str, action_id: str, value: str) -> int:
        """A button on the Home tab: Slack sends no response_url for it, only a trigger to open a form."""
        self.slack._n += 1
        body = interaction_body(
            "block_actions",
            user,
            container={"type": "view", "view_id": "VHOME"},
            trigger_id=f"trig.home.{self.slack._n}",
            view={"id": "VHOME", "type": "home", "blocks": []},
            actions=[
                {
                    "type": "button",
                    "action_id": action_id,
                    "value": value,
                    "block_id": "home:overdue:updates",
                    "action_ts": f"{clock_time.time():.6f}",
                }
            ],
        )
        return self.slack.dispatch(body).status

    def submit_form(self, user: str, view: dict[str, Any]) -> dict[str, Any]:
        """Press the form's submit button: the answer Slack gets back (the form, updated)."""
        self.slack._n += 1
        body = interaction_body(
            "view_submission",
            user,
            trigger_id=f"trig.view.{self.slack._n}",
            view={**view, "id": "VFORM", "state": {"values": {}}, "hash": "1.1"},
        )
        answer = self.slack.dispatch(body)
        assert answer.status == 200, answer
        return answer.body


def shown(body: dict[str, Any]) -> str:
    return (str(body.get("text", "")) + "\n" + all_text(body.get("blocks") or [])).replace("\u200b", "")


def buttons(blocks: list[dict[str, Any]]) -> dict[str, tuple[str, str]]:
    """Every Send update button under the lists: its label → (action_id, value)."""
    return {
        e["text"]["text"]: (e["action_id"], e["value"])
        for b in blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"].startswith(OPEN_UPDATE)
    }


def value_of(blocks: list[dict[str, Any]], action_id: str) -> str:
    return next(
        e["value"]
        for b in blocks
        if b.get("type") == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )


@pytest.fixture
def world(firm: Firm) -> Iterator[World]:
    with TwilioStandIn(ACCOUNT_SID, AUTH_TOKEN) as twilio, SlackStandIn() as standin:
        live = with_clients(firm, client_settings(twilio_base=twilio.base_url))
        slack = ServedSlack(live, standin)
        yield World(slack, twilio)
        slack.close()
        slack.check_everything_sent()


def new_case(w: World, number: str = "PI-2041", *, consent: bool = True) -> None:
    """A case in records since Nov 2 (R1 call and R2 update to the client overdue, R3 to the provider)."""
    w.case("U1", f"new {number} Ana Rivera 2026-11-02")
    w.case("U1", f"provider {number} add Valley Ortho 2026-11-02")
    assert "(305) 555-0123" in w.case("U1", f"client {number} phone (305) 555-0123")
    if consent:
        assert "agreed to texts" in w.case("U1", f"client {number} consent sms yes engagement letter")


def test_send_update_from_case_due_previews_sends_once_and_closes_the_obligation(world: World, clock) -> None:
    w = world
    new_case(w)
    r2 = obligation(w.firm, "PI-2041", "R2")
    due = w.slack.command("U1", "due")
    found = buttons(due.body["blocks"])
    # The client items, notice and call alike; the provider's follow-up (R3) has none.
    assert set(found) == {"Send update: PI-2041 R1", "Send update: PI-2041 R2"}
    action_id, value = found["Send update: PI-2041 R2"]

    answer = w.slack.click("U1", action_id, value)
    (preview,) = w.responded(answer)
    text = shown(preview)
    assert "PI-2041 · R2 update, preview" in text and "Hi Ana" in text and "SMS to (305) 555-0123" in text
    assert {SEND_UPDATE, CANCEL_UPDATE} <= {
        e["action_id"] for b in preview["blocks"] if b["type"] == "actions" for e in b["elements"]
    }
    with w.firm.db.uow() as s:
        assert s.scalars(select(ClientMessage)).all() == []  # a preview queues nothing

    before = export(w.firm)
    cancelled = w.responded(w.slack.click("U1", CANCEL_UPDATE, value_of(preview["blocks"], CANCEL_UPDATE)))
    assert "Cancelled: nothing was sent to PI-2041's client." in shown(cancelled[0])
    assert export(w.firm) == before

    queued = w.responded(w.slack.click("U1", SEND_UPDATE, value_of(preview["blocks"], SEND_UPDATE)))
    assert "Queued the R2 sms to PI-2041's client" in shown(queued[0])
    clock.advance(minutes=11)
    assert w.deliver() == 1 and w.deliver() == 0
    assert len(w.twilio.messages) == 1
    assert w.twilio.messages[0].to == "+13055550123" and "Hi Ana" in w.twilio.messages[0].body
    assert state_of(w.firm, r2.id) == "done"
    assert "Send update: PI-2041 R2" not in buttons(w.slack.command("U1", "due").body["blocks"])


def test_a_refused_preview_from_case_due_queues_nothing(world: World) -> None:
    w = world
    new_case(w, consent=False)
    action_id, value = buttons(w.slack.command("U1", "due").body["blocks"])["Send update: PI-2041 R2"]
    w.case("U2", "due")  # casebot has met U2 (the staff table), so that only a change would show below
    before = export(w.firm)
    (refused,) = w.responded(w.slack.click("U1", action_id, value))
    text = shown(refused)
    assert "has not agreed to texts" in text and "/case client PI-2041 consent sms yes" in text
    assert SEND_UPDATE not in json.dumps(refused)
    # Someone who may not see the case, pressing a copy of the button: refused as if it did not exist.
    (hidden,) = w.responded(w.slack.click("U2", action_id, value))
    assert "There is no case PI-2041 that you can see" in shown(hidden) and "Ana" not in shown(hidden)
    assert export(w.firm) == before


def test_send_update_from_home_opens_the_preview_as_a_form_and_send_queues_it(world: World, clock) -> None:
    w = world
    new_case(w)
    r1 = obligation(w.firm, "PI-2041", "R1")
    home = w.home("U1")
    found = buttons(home["blocks"])
    assert set(found) == {"Send update: PI-2041 R1", "Send update: PI-2041 R2"}
    action_id, value = found["Send update: PI-2041 R1"]

    assert w.click_on_home("U1", action_id, value) == 200
    (opened,) = w.slack.standin.calls_to("views.open")
    form = opened.params["view"]
    assert_valid_view(form)
    text = shown(form)
    assert form["callback_id"] == UPDATE_VIEW and form["submit"]["text"] == "Send"
    assert "PI-2041 · R1 update, preview" in text and "please call" in text and "records an attempt" in text
    with w.firm.db.uow() as s:
        assert s.scalars(select(ClientMessage)).all() == []  # the form queues nothing until Send

    answer = w.submit_form("U1", form)
    assert answer["response_action"] == "update"
    assert_valid_view(answer["view"])
    assert "Queued the R1 sms to PI-2041's client" in shown(answer["view"])
    again = w.submit_form("U1", form)  # pressed twice: still one message
    assert "nothing was sent" in shown(again["view"])  # (the first text named the firm: this one would not)
    clock.advance(minutes=11)
    assert w.deliver() == 1 and w.deliver() == 0
    (sms,) = w.twilio.messages
    assert "please call" in sms.body and "(305) 555-0100" in sms.body
    assert state_of(w.firm, r1.id) == "open"  # a call rule's message records an attempt and closes nothing
    with w.firm.db.uow() as s:
        attempt = s.scalars(select(ContactAttempt)).one()
        assert (attempt.kind, attempt.how, attempt.rule) == ("client", "sms", "R1")


def test_send_update_from_home_refused_shows_why_in_the_form_and_changes_nothing(world: World) -> None:
    w = world
    new_case(w, consent=False)
    action_id, value = buttons(w.home("U1")["blocks"])["Send update: PI-2041 R2"]
    w.case("U2", "due")  # casebot has met U2 (the staff table), so that only a change would show below
    before = export(w.firm)
    assert w.click_on_home("U2", action_id, value) == 200  # not U2's case
    (opened,) = w.slack.standin.calls_to("views.open")
    text = shown(opened.params["view"])
    assert "There is no case PI-2041 that you can see" in text and "Ana" not in text
    assert "submit" not in opened.params["view"]
    assert w.click_on_home("U1", action_id, value) == 200  # no consent to texts
    refused = w.slack.standin.calls_to("views.open")[-1].params["view"]
    assert "has not agreed to texts" in shown(refused) and "submit" not in refused
    assert export(w.firm) == before


def test_the_client_s_time_zone_is_set_shown_carried_and_used_for_quiet_hours(world: World, clock) -> None:
    w = world
    new_case(w)
    before = export(w.firm)
    typo = w.case("U1", "client PI-2041 zone America/Chicgo")
    assert "“America/Chicgo” is not a time zone. Did you mean America/Chicago?" in typo
    assert "/case client PI-2041 zone America/Chicago" in typo
    unknown = w.case("U1", "client PI-2041 zone Mars/Olympus")
    assert "is not a time zone" in unknown and "/case client PI-2041 zone America/Chicago" in unknown
    assert export(w.firm) == before

    said = w.case("U1", "client PI-2041 zone america/chicago")
    assert "PI-2041's client lives in America/Chicago now." in said and "09:00–20:00 their time" in said
    assert "already" in w.case("U1", "client PI-2041 zone America/Chicago")
    assert "time zone America/Chicago" in w.case("U1", "show PI-2041")

    # 18:55 in Los Angeles is 20:55 in Chicago: outside the client's quiet hours, though inside the firm's.
    clock.set(D(2026, 11, 26), time(18, 55))
    queued = w.case("U1", "update PI-2041 sms R2 send")
    assert (
        "outside the client's quiet hours" in queued and "9:00 AM on Fri Nov 27 (the client's time)" in queued
    )
    clock.set(D(2026, 11, 27), time(6, 59))  # 8:59 in Chicago
    assert w.deliver() == 0
    clock.set(D(2026, 11, 27), time(7, 1))  # 9:01 in Chicago, 7:01 in Los Angeles
    assert w.deliver() == 1 and len(w.twilio.messages) == 1

    said = w.case("U1", "client PI-2041 zone firm")
    assert "lives in the firm time zone, America/Los_Angeles, now." in said
    assert "time zone America/" not in w.case("U1", "show PI-2041")
