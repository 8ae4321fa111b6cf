"""The card's buttons, the two forms and the App Home tab, through the real Bolt app and the stand-in Slack."""

from __future__ import annotations

import json

from bot import services
from handlers.blocks import all_text
from tests.kit.workspace import Slack, buttons_in


def _last_response(workspace: Slack) -> dict:
    return workspace.standin.calls_to("response_url")[-1].params


def test_advance_button_moves_once_and_a_second_click_on_the_old_card_changes_nothing(
    workspace: Slack,
) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    workspace.case("U1", "provider PI-1 add Valley Orthopedics 2026-11-02")
    workspace.case("U1", "provider PI-1 received 1 both 2026-11-20")
    buttons = buttons_in(workspace.case("U1", "show PI-1").body["blocks"])
    assert json.loads(buttons["advance"]) == {"case": "PI-1", "expected": "records"}

    workspace.click("U1", "advance", buttons["advance"])
    moved = _last_response(workspace)
    assert moved["replace_original"] is True and moved["response_type"] == "ephemeral"
    assert "moved to “Waiting for a legal assistant”" in moved["text"]
    assert services.show_case(workspace.firm, "U1", "PI-1").stage == "demand_queue"

    workspace.click("U1", "advance", buttons["advance"])  # the same, stale button: a double click
    again = _last_response(workspace)
    assert "already moved" in again["text"] and again["replace_original"] is False
    assert services.show_case(workspace.firm, "U1", "PI-1").stage == "demand_queue"


def test_mark_received_and_client_told_buttons(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    workspace.case("U1", "provider PI-1 add Valley Orthopedics 2026-11-02")
    workspace.case("U1", "provider PI-1 add Bayside Imaging 2026-11-02")
    workspace.case("U1", "provider PI-1 received 2 records 2026-11-10")
    buttons = buttons_in(workspace.case("U1", "show PI-1").body["blocks"])
    assert buttons["provider_received:1"] == "PI-1|1|both"
    assert buttons["provider_received:2"] == "PI-1|2|bills"

    workspace.click("U1", "provider_received:2", buttons["provider_received:2"])
    assert "Bayside Imaging: bills received" in _last_response(workspace)["text"]
    card = services.show_case(workspace.firm, "U1", "PI-1")
    assert card.providers[1].owed == "" and card.providers[0].owed == "records and bills"

    workspace.offer("U1", "received PI-1 12,500 2026-11-20")
    offer_buttons = buttons_in(workspace.offer("U1", "list PI-1").body["blocks"])
    assert offer_buttons == {"offer_informed:1": "PI-1|1"}
    workspace.click("U1", "offer_informed:1", "PI-1|1")
    assert "told of the 1st offer" in _last_response(workspace)["text"]
    assert services.show_case(workspace.firm, "U1", "PI-1").offers[0].informed_on is not None


def test_a_button_pressed_by_someone_else_is_refused(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    workspace.click("U2", "advance", json.dumps({"case": "PI-1", "expected": "records"}))
    refused = _last_response(workspace)
    assert "There is no case PI-1 that you can see." in refused["text"]
    assert refused["response_type"] == "ephemeral"
    assert services.show_case(workspace.firm, "U1", "PI-1").stage == "records"


def test_log_contact_button_opens_a_form_and_the_form_logs_the_contact(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    workspace.click("U1", "log_contact", "PI-1")
    (opened,) = workspace.standin.calls_to("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == "log_contact_view"
    assert json.loads(view["private_metadata"])["case"] == "PI-1"

    future = workspace.submit(
        "U1",
        "log_contact_view",
        {
            "kind": {"selected_option": {"value": "client"}},
            "on": {"selected_date": "2026-12-01"},
            "note": {"value": None},
        },
        metadata=view["private_metadata"],
    )
    assert future.body["response_action"] == "errors" and "future" in future.body["errors"]["on"]
    assert services.show_case(workspace.firm, "U1", "PI-1").last_client_contact_on is None

    done = workspace.submit(
        "U1",
        "log_contact_view",
        {
            "kind": {"selected_option": {"value": "client"}},
            "on": {"selected_date": "2026-11-20"},
            "note": {"value": "Talked about the MRI"},
        },
        metadata=view["private_metadata"],
    )
    assert done.body == {}
    assert str(services.show_case(workspace.firm, "U1", "PI-1").last_client_contact_on) == "2026-11-20"
    (note,) = workspace.standin.calls_to("chat.postEphemeral")
    assert note.params["channel"] == "C1" and note.params["user"] == "U1"
    assert "client contact on PI-1" in note.params["text"]


def test_case_new_with_no_words_opens_the_form_and_the_form_opens_the_case(workspace: Slack) -> None:
    answer = workspace.case("U1", "new")
    assert answer.body == {}, "the form replaces a reply"
    (opened,) = workspace.standin.calls_to("views.open")
    assert opened.params["trigger_id"].startswith("trig.")
    assert opened.params["view"]["callback_id"] == "new_case"

    taken = workspace.submit(
        "U1",
        "new_case",
        {
            "number": {"value": "PI-5"},
            "client": {"value": "Lee Park"},
            "manager": {"selected_user": "U2"},
            "on": {"selected_date": "2026-11-02"},
            "sol": {"selected_date": None},
        },
    )
    assert "Only a lead or an admin" in taken.body["errors"]["manager"]
    ok = workspace.submit(
        "U1",
        "new_case",
        {
            "number": {"value": "PI-5"},
            "client": {"value": "Lee Park"},
            "manager": {"selected_user": "U1"},
            "on": {"selected_date": "2026-11-02"},
            "sol": {"selected_date": "2028-10-01"},
        },
        metadata=json.dumps({"channel": "C9"}),
    )
    assert ok.body == {}
    card = services.show_case(workspace.firm, "U1", "PI-5")
    assert (card.client, str(card.limitation_on), str(card.stage_entered_on)) == (
        "Lee Park",
        "2028-10-01",
        "2026-11-02",
    )
    dup = workspace.submit(
        "U1",
        "new_case",
        {
            "number": {"value": "pi-5"},
            "client": {"value": "X"},
            "manager": {"selected_user": "U1"},
            "on": {"selected_date": "2026-11-02"},
            "sol": {"selected_date": None},
        },
    )
    assert "already exists" in dup.body["errors"]["number"]


def test_guest_cannot_open_the_form(workspace: Slack) -> None:
    answer = workspace.case("UGUEST", "new")
    assert "a guest" in answer.all_text
    assert not workspace.standin.calls_to("views.open")


def test_home_shows_due_overdue_and_cases_and_a_lead_sees_overdue_by_manager(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-10-01")
    workspace.case("U2", "new PI-2 Sam Poe 2026-11-02")
    workspace.standin.reset()

    workspace.event(
        {"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "DU1"}, event_id="Ev1"
    )
    (published,) = workspace.standin.calls_to("views.publish")
    assert published.params["user_id"] == "U1"
    home = all_text(published.params["view"]["blocks"])
    assert "Overdue" in home and "PI-1" in home and "Collecting records" in home
    assert "PI-2" not in home and "Overdue by manager" not in home

    workspace.case("UADMIN", "role <@ULEAD> lead")
    workspace.standin.reset()
    workspace.event(
        {"type": "app_home_opened", "user": "ULEAD", "tab": "home", "channel": "DULEAD"}, event_id="Ev2"
    )
    lead_home = all_text(workspace.standin.calls_to("views.publish")[-1].params["view"]["blocks"])
    assert "Overdue by manager* (4)" in lead_home
    assert "<@U1>: 2 · oldest" in lead_home and "<@U2>: 2 · oldest" in lead_home

    workspace.standin.reset()
    workspace.event(
        {"type": "app_home_opened", "user": "U1", "tab": "messages", "channel": "DU1"}, event_id="Ev3"
    )
    assert not workspace.standin.calls_to("views.publish"), "the Messages tab is not the Home tab"


def test_home_is_refreshed_after_the_person_changes_a_case(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    workspace.open_home("U1")  # U1 is looking at their Home
    workspace.standin.reset()
    workspace.case("U1", "contacted PI-1 2026-11-20")
    (refresh,) = workspace.standin.calls_to("views.publish")
    assert refresh.params["user_id"] == "U1"
    workspace.standin.reset()
    workspace.case("U1", "show PI-1")
    assert not workspace.standin.calls_to("views.publish"), "reading changes nothing and refreshes nothing"
