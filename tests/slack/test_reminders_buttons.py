"""The digest's buttons, through the real Bolt app: Log contact, Snooze, Open case."""

from __future__ import annotations

import json
from datetime import date

from bot import services
from bot.delivery.sending import tick
from handlers.blocks.digests import LOG_CONTACT, OPEN_CASE, SNOOZE
from handlers.slack.client import make_client
from handlers.slack.notifier import SlackNotifier
from tests.kit.reminders import at
from tests.kit.slack_bodies import assert_valid_blocks
from tests.kit.workspace import Slack


def _digest(workspace: Slack, clock) -> dict:
    at(clock, date(2026, 11, 20), 7)
    services.create_case(workspace.firm, "U1", "PI-1", "Jane Roe")
    services.create_case(workspace.firm, "U1", "PI-2", "Bo Second")
    at(clock, date(2026, 11, 20), 9)
    tick(workspace.firm, SlackNotifier(make_client(workspace.firm.settings, retries=0), sleep=lambda s: None))
    [call] = [c for c in workspace.standin.calls_to("chat.postMessage") if c.params["channel"] == "DU1"]
    return call.params


def _press(workspace: Slack, user: str, message: dict, action: dict) -> dict:
    workspace.click(
        user, action["action_id"], action.get("value", ""), channel="DU1", message=message, action=action
    )
    return workspace.standin.calls_to("response_url")[-1].params


def _element(message: dict, action_id: str, case: str) -> dict:
    for block in message["blocks"]:
        if block["type"] == "actions":
            for e in block["elements"]:
                if e["action_id"] == action_id and case in json.dumps(e):
                    return e
    raise AssertionError(f"no {action_id} for {case}")


def test_log_contact_from_the_digest_closes_the_item_and_marks_it_done(workspace, clock):
    message = _digest(workspace, clock)
    button = _element(message, LOG_CONTACT, "PI-1")
    answer = _press(
        workspace, "U1", message, {"type": "button", "action_id": LOG_CONTACT, "value": button["value"]}
    )
    assert answer["replace_original"] is True
    assert_valid_blocks(answer["blocks"])
    ob = json.loads(button["value"])["o"]
    assert not any(b.get("block_id") == f"ob:{ob}" for b in answer["blocks"]), "its buttons are gone"
    assert "Logged a client contact on PI-1" in json.dumps(answer["blocks"])
    assert services.due_for(workspace.firm, ["U1"])[0].case == "PI-2"


def test_snooze_from_the_digest_moves_the_reminder_not_the_due_date(workspace, clock):
    message = _digest(workspace, clock)
    select = _element(message, SNOOZE, "")
    option = next(o for o in select["options"] if o["text"]["text"] == "In 3 days")
    ob = int(option["value"].split(":")[0])
    answer = _press(
        workspace, "U1", message, {"type": "static_select", "action_id": SNOOZE, "selected_option": option}
    )
    assert "Snoozed" in json.dumps(answer["blocks"]) and "its due date stays Nov 20" in json.dumps(
        answer["blocks"]
    )
    card = services.show_case(workspace.firm, "U1", "PI-1")
    item = next(o for o in card.obligations if o.obligation_id == ob)
    assert item.due_on == date(2026, 11, 20) and item.snoozed_until == date(2026, 11, 23)
    assert ob not in [i.obligation_id for i in services.due_for(workspace.firm, ["U1"])]


def test_a_button_pressed_by_someone_else_changes_nothing(workspace, clock):
    message = _digest(workspace, clock)
    button = _element(message, LOG_CONTACT, "PI-1")
    answer = _press(
        workspace, "U2", message, {"type": "button", "action_id": LOG_CONTACT, "value": button["value"]}
    )
    assert answer.get("replace_original") is not True
    # The same answer as for a reminder that does not exist: U2 learns nothing of U1's case.
    assert answer["text"] == "That reminder no longer exists." and "U1" not in answer["text"]
    assert len(services.due_for(workspace.firm, ["U1"])) == 2


def test_open_case_shows_the_card(workspace, clock):
    message = _digest(workspace, clock)
    button = _element(message, OPEN_CASE, "PI-2")
    answer = _press(
        workspace, "U1", message, {"type": "button", "action_id": OPEN_CASE, "value": button["value"]}
    )
    assert answer["response_type"] == "ephemeral" and "PI-2" in answer["text"]
    assert_valid_blocks(answer["blocks"])
