"""The request path's invariants for buttons and forms (issue 23), as tests/http/test_hot_path.py holds them for
slash commands: through the real HTTP server, each click or form submission reads the caller's row once and
is one transaction on the request thread (a change keeps its request's replay key in it), and a replayed
click is refused and changes nothing. Counts of what the database was asked, never timings."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

from bot import services
from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.blocks import LOG_CONTACT_VIEW, NEW_CASE_VIEW, UNDO
from handlers.blocks.client_updates import OPEN_UPDATE, SEND_UPDATE
from handlers.blocks.digests import LOG_CONTACT, OPEN_CASE, SNOOZE, build_item_actions
from storage.models import Obligation
from tests.kit.client_updates import case_with_client, client_settings, with_clients
from tests.kit.served import ServedSlack, kept_keys
from tests.kit.slack_bodies import sign
from tests.kit.statements import Seen, watch
from tests.kit.workspace import Answer, buttons_in


@pytest.fixture
def firm(firm: Firm) -> Firm:
    return with_clients(firm, client_settings(twilio_base="http://127.0.0.1:9"))


def _once(
    served: ServedSlack, seen: Seen, what: str, act: Callable[[], Answer], *, change: bool | None
) -> Answer:
    """`act` (one click or form), and what it asked of the database on the request thread: one transaction,
    the caller's row read once, and for a change, its request's key kept with it; for a read, nothing
    written; for a change refused (None), nothing kept."""
    kept = kept_keys(served.firm.db)
    seen.clear()
    answer = act()
    assert answer.status == 200, (what, answer)
    begins = seen.on_request_thread(seen.begins)
    assert len(begins) == 1, f"{what}: {len(begins)} transactions on the request thread"
    staff = [s for s in seen.on_request_thread(seen.statements) if "FROM staff" in s]
    assert len(staff) == 1, f"{what}: the caller's row read {len(staff)} times"
    if change:
        assert kept_keys(served.firm.db) == kept + 1, f"{what}: the change kept its request's key with itself"
    elif change is None:
        assert kept_keys(served.firm.db) == kept, f"{what}: a refused change kept nothing"
    else:
        assert not [w for w in seen.writes() if not w.startswith("INSERT INTO request_claims")], what
    return answer


def _click(
    served: ServedSlack,
    seen: Seen,
    action_id: str,
    value: str,
    *,
    change: bool | None,
    message: dict[str, Any] | None = None,
    user: str = "U1",
) -> None:
    """`user` presses a button (on an ephemeral card, or in their DM under `message`), counted by `_once`."""
    where: dict[str, Any] = {"channel": "D" + user, "message": message} if message else {}
    _once(served, seen, action_id, lambda: served.click(user, action_id, value, **where), change=change)


def _said(served: ServedSlack) -> str:
    """What casebot last answered through a click's response_url."""
    from handlers.blocks import all_text

    params = served.standin.calls_to("response_url")[-1].params
    return str(params.get("text", "")) + "\n" + all_text(params.get("blocks") or [])


def test_each_card_button_and_form_is_one_transaction_reading_the_caller_once(served: ServedSlack) -> None:
    served.case("U1", "new PI-1 Jane Roe 2026-11-02")
    served.case("U1", "provider PI-1 add Valley Ortho 2026-11-02")
    seen = watch(served.firm.db)

    buttons = buttons_in(served.case("U1", "show PI-1").body["blocks"])
    _click(served, seen, "log_contact", buttons["log_contact"], change=False)
    [opened] = served.standin.calls_to("views.open")
    assert json.loads(opened.params["view"]["private_metadata"])["case"] == "PI-1"
    _once(
        served,
        seen,
        "the log-contact form",
        lambda: served.submit(
            "U1",
            LOG_CONTACT_VIEW,
            {"kind": {"type": "radio_buttons", "selected_option": {"value": "client"}}},
            metadata=opened.params["view"]["private_metadata"],
        ),
        change=True,
    )
    [note] = served.standin.calls_to("chat.postEphemeral")
    assert "Logged a client contact on PI-1" in note.params["text"]

    _click(served, seen, "provider_received:1", buttons["provider_received:1"], change=True)
    reply = _said(served)
    assert "Valley Ortho: both received" in reply
    _click(
        served,
        seen,
        UNDO,
        buttons_in(served.standin.calls_to("response_url")[-1].params["blocks"])[UNDO],
        change=True,
    )
    assert "owes records and bills" in _said(served)

    served.case("U1", "provider PI-1 received 1 both 2026-11-20")
    advance = buttons_in(served.case("U1", "show PI-1").body["blocks"])["advance"]
    _click(served, seen, "advance", advance, change=True)
    assert "moved to “Waiting for a legal assistant”" in _said(served)

    served.case("U1", "demand PI-1 sent 2026-11-20")
    served.offer("U1", "received PI-1 25000 2026-11-24")
    told = buttons_in(served.offer("U1", "list PI-1").body["blocks"])["offer_informed:1"]
    _click(served, seen, "offer_informed:1", told, change=True)
    assert "told of the 1st offer" in _said(served)

    _once(
        served,
        seen,
        "the new-case form",
        lambda: served.submit(
            "U1",
            NEW_CASE_VIEW,
            {
                "number": {"value": "PI-2"},
                "client": {"value": "Bo Second"},
                "manager": {"selected_user": "U1"},
            },
        ),
        change=True,
    )
    assert services.show_case(served.firm, "U1", "PI-2").client == "Bo Second"


def _item_row(served: ServedSlack, number: str, kind: str = "client") -> dict[str, Any]:
    """An item of U1's digest as the digest draws it, the message its buttons sit in."""
    item = next(i for i in services.due_for(served.firm, ["U1"]) if i.case == number and i.kind == kind)
    row = build_item_actions(item)
    return {"text": "Your digest", "blocks": [row]}


def _element(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    return next(e for e in message["blocks"][0]["elements"] if e["action_id"] == action_id)


def _press(served: ServedSlack, seen: Seen, message: dict[str, Any], action_id: str, *, change: bool) -> None:
    """U1 presses this button of the digest item in their DM, counted as `_once` counts."""
    _click(served, seen, action_id, _element(message, action_id)["value"], change=change, message=message)


def test_each_digest_button_is_one_transaction_reading_the_caller_once(served: ServedSlack) -> None:
    served.case("U1", "new PI-1 Jane Roe 2026-11-02")
    served.case("U1", "new PI-2 Bo Second 2026-11-02")
    served.case("U1", "provider PI-2 add Valley Ortho 2026-11-02")
    seen = watch(served.firm.db)

    message = _item_row(served, "PI-1")
    _press(served, seen, message, OPEN_CASE, change=False)
    assert "PI-1 · Jane Roe" in _said(served)

    _press(served, seen, message, LOG_CONTACT, change=True)
    assert "Logged a client contact on PI-1" in _said(served)

    message = _item_row(served, "PI-2", "provider")
    select_ = _element(message, SNOOZE)
    option = next(o for o in select_["options"] if o["text"]["text"] == "In 3 days")
    snoozed = int(option["value"].split(":")[0])
    _once(
        served,
        seen,
        "Snooze",
        lambda: served.click(
            "U1",
            SNOOZE,
            "",
            channel="DU1",
            message=message,
            action={"type": "static_select", "action_id": SNOOZE, "selected_option": option},
        ),
        change=True,
    )
    assert "Snoozed" in _said(served)
    with served.firm.db.uow(write=False) as s:
        assert s.get(Obligation, snoozed).snoozed_until is not None  # type: ignore[union-attr]


def test_send_update_buttons_are_one_transaction_reading_the_caller_once(served: ServedSlack) -> None:
    case_with_client(served.firm, "PI-7")
    served.case("U1", "show PI-7")  # the process's first request (on SQLite it reads the replay keys kept)
    seen = watch(served.firm.db)
    message = _item_row(served, "PI-7")
    _press(served, seen, message, OPEN_UPDATE, change=False)
    preview = served.standin.calls_to("response_url")[-1].params
    assert "update, preview" in _said(served)
    send = buttons_in(preview["blocks"])[SEND_UPDATE]
    _click(served, seen, SEND_UPDATE, send, change=True)
    assert "Queued the R1 sms to PI-7's client" in _said(served), _said(served)


def test_a_replayed_click_is_refused_and_changes_nothing(served: ServedSlack) -> None:
    served.case("U1", "new PI-1 Jane Roe 2026-11-02")
    served.case("U1", "provider PI-1 add Valley Ortho 2026-11-02")
    value = buttons_in(served.case("U1", "show PI-1").body["blocks"])["provider_received:1"]
    payload = {
        "type": "block_actions",
        "user": {"id": "U1", "username": "u1", "team_id": "T0CASEBOT"},
        "team": {"id": "T0CASEBOT", "domain": "casebot"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "C1", "is_ephemeral": True},
        "trigger_id": "trig.replay",
        "channel": {"id": "C1", "name": "general"},
        "response_url": served.standin.response_url("replay"),
        "actions": [{"type": "button", "action_id": "provider_received:1", "value": value, "block_id": "b"}],
    }
    body = urlencode({"payload": json.dumps(payload)})
    headers = {**sign("test-signing-secret", body), "Content-Type": "application/x-www-form-urlencoded"}
    assert served.post(body.encode(), headers)[0] == 200
    before = services.show_case(served.firm, "U1", "PI-1")
    history = served.audit_count()
    assert served.post(body.encode(), headers)[0] == 401
    assert services.show_case(served.firm, "U1", "PI-1") == before and served.audit_count() == history


def test_a_refused_caller_s_click_and_form_are_refused_in_their_one_transaction_changing_nothing(
    served: ServedSlack,
) -> None:
    """A guest (casebot has read their row before) is refused where the change would begin; a colleague
    casebot has never seen is looked up with Slack first, then refused for a case they may not see."""
    served.case("U1", "new PI-1 Jane Roe 2026-11-02")
    served.case("U1", "provider PI-1 add Valley Ortho 2026-11-02")
    value = buttons_in(served.case("U1", "show PI-1").body["blocks"])["provider_received:1"]
    served.case("UGUEST", "show PI-1")  # refused, but casebot now knows who they are
    before, history = export_data(served.firm), served.audit_count()
    seen = watch(served.firm.db)

    _click(served, seen, "provider_received:1", value, change=None, user="UGUEST")
    assert "You are a guest in this Slack workspace" in _said(served)
    refused = served.submit(
        "UGUEST", NEW_CASE_VIEW, {"number": {"value": "PI-9"}, "client": {"value": "Ann Other"}}
    )
    assert "You are a guest" in refused.body["errors"]["number"]

    looked_up = len(served.standin.calls_to("users.info"))
    assert served.click("U2", "provider_received:1", value).status == 200
    assert len(served.standin.calls_to("users.info")) == looked_up + 1
    assert "There is no case PI-1 that you can see." in _said(served) and "Jane" not in _said(served)
    after = export_data(served.firm)
    assert [p["user_id"] for p in after.pop("staff")] == ["U1", "U2", "UGUEST"]  # U2, now known, and no more
    before.pop("staff")
    assert after == before and served.audit_count() == history
