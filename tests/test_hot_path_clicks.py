"""The request path's invariants for buttons and forms (issue 23), as tests/test_hot_path.py holds them for
slash commands: through the real HTTP server, each click or form submission reads the caller's row once and
is one transaction on the request thread (a change keeps its request's replay key in it), and a replayed
click is refused and changes nothing. Counts of what the database was asked, never timings."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from bot import services
from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.blocks import LOG_CONTACT_VIEW, NEW_CASE_VIEW, UNDO
from handlers.blocks.client_updates import OPEN_UPDATE, SEND_UPDATE
from handlers.blocks.digests import LOG_CONTACT, OPEN_CASE, SNOOZE, build_item_actions
from handlers.slack.standin import SlackStandIn
from storage.models import Obligation
from tests.client_updates_kit import case_with_client, client_settings, with_clients
from tests.handlers_kit import Answer, buttons_in
from tests.http_kit import Seen, ServedSlack, kept_keys, watch
from tests.slack_helpers import sign


@pytest.fixture
def slack(firm: Firm) -> Iterator[ServedSlack]:
    firm = with_clients(firm, client_settings(twilio_base="http://127.0.0.1:9"))
    with SlackStandIn() as standin:
        workspace = ServedSlack(firm, standin)
        yield workspace
        workspace.close()


def _once(
    slack: ServedSlack, seen: Seen, what: str, act: Callable[[], Answer], *, change: bool | None
) -> Answer:
    """`act` (one click or form), and what it asked of the database on the request thread: one transaction,
    the caller's row read once, and for a change, its request's key kept with it; for a read, nothing
    written; for a change refused (None), nothing kept."""
    kept = kept_keys(slack.firm.db)
    seen.clear()
    answer = act()
    assert answer.status == 200, (what, answer)
    begins = seen.on_request_thread(seen.begins)
    assert len(begins) == 1, f"{what}: {len(begins)} transactions on the request thread"
    staff = [s for s in seen.on_request_thread(seen.statements) if "FROM staff" in s]
    assert len(staff) == 1, f"{what}: the caller's row read {len(staff)} times"
    if change:
        assert kept_keys(slack.firm.db) == kept + 1, f"{what}: the change kept its request's key with itself"
    elif change is None:
        assert kept_keys(slack.firm.db) == kept, f"{what}: a refused change kept nothing"
    else:
        assert not [w for w in seen.writes() if not w.startswith("INSERT INTO request_claims")], what
    return answer


def _click(
    slack: ServedSlack,
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
    _once(slack, seen, action_id, lambda: slack.click(user, action_id, value, **where), change=change)


def _said(slack: ServedSlack) -> str:
    """What casebot last answered through a click's response_url."""
    from handlers.blocks import all_text

    params = slack.standin.calls_to("response_url")[-1].params
    return str(params.get("text", "")) + "\n" + all_text(params.get("blocks") or [])


def test_each_card_button_and_form_is_one_transaction_reading_the_caller_once(slack: ServedSlack) -> None:
    slack.case("U1", "new PI-1 Jane Roe 2026-11-02")
    slack.case("U1", "provider PI-1 add Valley Ortho 2026-11-02")
    seen = watch(slack.firm.db)

    buttons = buttons_in(slack.case("U1", "show PI-1").body["blocks"])
    _click(slack, seen, "log_contact", buttons["log_contact"], change=False)
    [opened] = slack.standin.calls_to("views.open")
    assert json.loads(opened.params["view"]["private_metadata"])["case"] == "PI-1"
    _once(
        slack,
        seen,
        "the log-contact form",
        lambda: slack.submit(
            "U1",
            LOG_CONTACT_VIEW,
            {"kind": {"type": "radio_buttons", "selected_option": {"value": "client"}}},
            metadata=opened.params["view"]["private_metadata"],
        ),
        change=True,
    )
    [note] = slack.standin.calls_to("chat.postEphemeral")
    assert "Logged a client contact on PI-1" in note.params["text"]

    _click(slack, seen, "provider_received:1", buttons["provider_received:1"], change=True)
    reply = _said(slack)
    assert "Valley Ortho: both received" in reply
    _click(
        slack,
        seen,
        UNDO,
        buttons_in(slack.standin.calls_to("response_url")[-1].params["blocks"])[UNDO],
        change=True,
    )
    assert "owes records and bills" in _said(slack)

    slack.case("U1", "provider PI-1 received 1 both 2026-11-20")
    advance = buttons_in(slack.case("U1", "show PI-1").body["blocks"])["advance"]
    _click(slack, seen, "advance", advance, change=True)
    assert "moved to “Waiting for a legal assistant”" in _said(slack)

    slack.case("U1", "demand PI-1 sent 2026-11-20")
    slack.offer("U1", "received PI-1 25000 2026-11-24")
    told = buttons_in(slack.offer("U1", "list PI-1").body["blocks"])["offer_informed:1"]
    _click(slack, seen, "offer_informed:1", told, change=True)
    assert "told of the 1st offer" in _said(slack)

    _once(
        slack,
        seen,
        "the new-case form",
        lambda: slack.submit(
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
    assert services.show_case(slack.firm, "U1", "PI-2").client == "Bo Second"


def _item_row(slack: ServedSlack, number: str, kind: str = "client") -> dict[str, Any]:
    """An item of U1's digest as the digest draws it, the message its buttons sit in."""
    item = next(i for i in services.due_for(slack.firm, ["U1"]) if i.case == number and i.kind == kind)
    row = build_item_actions(item)
    return {"text": "Your digest", "blocks": [row]}


def _element(message: dict[str, Any], action_id: str) -> dict[str, Any]:
    return next(e for e in message["blocks"][0]["elements"] if e["action_id"] == action_id)


def _press(slack: ServedSlack, seen: Seen, message: dict[str, Any], action_id: str, *, change: bool) -> None:
    """U1 presses this button of the digest item in their DM, counted as `_once` counts."""
    _click(slack, seen, action_id, _element(message, action_id)["value"], change=change, message=message)


def test_each_digest_button_is_one_transaction_reading_the_caller_once(slack: ServedSlack) -> None:
    slack.case("U1", "new PI-1 Jane Roe 2026-11-02")
    slack.case("U1", "new PI-2 Bo Second 2026-11-02")
    slack.case("U1", "provider PI-2 add Valley Ortho 2026-11-02")
    seen = watch(slack.firm.db)

    message = _item_row(slack, "PI-1")
    _press(slack, seen, message, OPEN_CASE, change=False)
    assert "PI-1 · Jane Roe" in _said(slack)

    _press(slack, seen, message, LOG_CONTACT, change=True)
    assert "Logged a client contact on PI-1" in _said(slack)

    message = _item_row(slack, "PI-2", "provider")
    select_ = _element(message, SNOOZE)
    option = next(o for o in select_["options"] if o["text"]["text"] == "In 3 days")
    snoozed = int(option["value"].split(":")[0])
    _once(
        slack,
        seen,
        "Snooze",
        lambda: slack.click(
            "U1",
            SNOOZE,
            "",
            channel="DU1",
            message=message,
            action={"type": "static_select", "action_id": SNOOZE, "selected_option": option},
        ),
        change=True,
    )
    assert "Snoozed" in _said(slack)
    with slack.firm.db.uow(write=False) as s:
        assert s.get(Obligation, snoozed).snoozed_until is not None  # type: ignore[union-attr]


def test_send_update_buttons_are_one_transaction_reading_the_caller_once(slack: ServedSlack) -> None:
    case_with_client(slack.firm, "PI-7")
    slack.case("U1", "show PI-7")  # the process's first request (on SQLite it reads the replay keys kept)
    seen = watch(slack.firm.db)
    message = _item_row(slack, "PI-7")
    _press(slack, seen, message, OPEN_UPDATE, change=False)
    preview = slack.standin.calls_to("response_url")[-1].params
    assert "update, preview" in _said(slack)
    send = buttons_in(preview["blocks"])[SEND_UPDATE]
    _click(slack, seen, SEND_UPDATE, send, change=True)
    assert "Queued the R1 sms to PI-7's client" in _said(slack), _said(slack)


def test_a_replayed_click_is_refused_and_changes_nothing(slack: ServedSlack) -> None:
    slack.case("U1", "new PI-1 Jane Roe 2026-11-02")
    slack.case("U1", "provider PI-1 add Valley Ortho 2026-11-02")
    value = buttons_in(slack.case("U1", "show PI-1").body["blocks"])["provider_received:1"]
    payload = {
        "type": "block_actions",
        "user": {"id": "U1", "username": "u1", "team_id": "T0CASEBOT"},
        "team": {"id": "T0CASEBOT", "domain": "casebot"},
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "C1", "is_ephemeral": True},
        "trigger_id": "trig.replay",
        "channel": {"id": "C1", "name": "general"},
        "response_url": slack.standin.response_url("replay"),
        "actions": [{"type": "button", "action_id": "provider_received:1", "value": value, "block_id": "b"}],
    }
    body = urlencode({"payload": json.dumps(payload)})
    headers = {**sign("test-signing-secret", body), "Content-Type": "application/x-www-form-urlencoded"}
    assert slack.post(body.encode(), headers)[0] == 200
    before = services.show_case(slack.firm, "U1", "PI-1")
    history = slack.audit_count()
    assert slack.post(body.encode(), headers)[0] == 401
    assert services.show_case(slack.firm, "U1", "PI-1") == before and slack.audit_count() == history


def test_a_refused_caller_s_click_and_form_are_refused_in_their_one_transaction_changing_nothing(
    slack: ServedSlack,
) -> None:
    """A guest (casebot has read their row before) is refused where the change would begin; a colleague
    casebot has never seen is looked up with Slack first, then refused for a case they may not see."""
    slack.case("U1", "new PI-1 Jane Roe 2026-11-02")
    slack.case("U1", "provider PI-1 add Valley Ortho 2026-11-02")
    value = buttons_in(slack.case("U1", "show PI-1").body["blocks"])["provider_received:1"]
    slack.case("UGUEST", "show PI-1")  # refused, but casebot now knows who they are
    before, history = export_data(slack.firm), slack.audit_count()
    seen = watch(slack.firm.db)

    _click(slack, seen, "provider_received:1", value, change=None, user="UGUEST")
    assert "You are a guest in this Slack workspace" in _said(slack)
    refused = slack.submit(
        "UGUEST", NEW_CASE_VIEW, {"number": {"value": "PI-9"}, "client": {"value": "Ann Other"}}
    )
    assert "You are a guest" in refused.body["errors"]["number"]

    looked_up = len(slack.standin.calls_to("users.info"))
    assert slack.click("U2", "provider_received:1", value).status == 200
    assert len(slack.standin.calls_to("users.info")) == looked_up + 1
    assert "There is no case PI-1 that you can see." in _said(slack) and "Jane" not in _said(slack)
    after = export_data(slack.firm)
    assert [p["user_id"] for p in after.pop("staff")] == ["U1", "U2", "UGUEST"]  # U2, now known, and no more
    before.pop("staff")
    assert after == before and slack.audit_count() == history
