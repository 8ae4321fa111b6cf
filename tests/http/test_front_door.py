"""The front door as the internet meets it, through the real server on loopback: idle and trickling sockets
don't keep Slack out, the word "payload" anywhere in a command changes nothing, a body read by its
Content-Type, and every crafted value answered 4xx with nothing logged at ERROR and none of it in the log."""

from __future__ import annotations

import json
import logging
import socket
import time
import urllib.request
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot import services
from bot.entrypoints.server import FrontDoor
from bot.services.exports import export_data
from bot.services.firm import Firm
from handlers.blocks import OVERDUE_NEXT, UNDO
from handlers.blocks.client_replies import CONFIRM_STOP, NOT_THIS_CASE, REPLY_CLIENT, REPLY_VIEW
from handlers.blocks.digests import LOG_CONTACT as DIGEST_LOG_CONTACT
from handlers.blocks.digests import SNOOZE
from handlers.slack.standin import SlackStandIn
from storage.models import Contact, Staff
from tests.kit.served import ServedSlack
from tests.kit.slack_bodies import slash_body

FORM = "application/x-www-form-urlencoded"
MARK = "Zebulon-Quartz"  # a word a crafted request carries: it must never reach the log


def _contacts(slack: ServedSlack) -> list[str]:
    with slack.firm.db.uow() as s:
        return [c.note or "" for c in s.scalars(select(Contact).order_by(Contact.id))]


# ---------------------------------------------------------------- 1. idle sockets


def _hold_idle_sockets(port: int, count: int) -> list[socket.socket]:
    """Sockets that each sent half a request line and then nothing: what filled waitress's 100 slots."""
    held = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        held.append(s)
    return held


def test_a_thousand_idle_sockets_do_not_keep_slack_out(firm: Firm) -> None:
    with SlackStandIn() as standin:
        # Idle and late limits long enough that the held sockets outlive the test's requests.
        slack = ServedSlack(firm, standin, door=FrontDoor(idle_seconds=120, request_seconds=120))
        held: list[socket.socket] = []
        try:
            slack.case("U1", "new PI-1 Jane Roe 2026-11-02")
            held = _hold_idle_sockets(slack.port, 1000)
            _wait_until_held(slack, 1000)
            with urllib.request.urlopen(slack.base + "/healthz", timeout=3) as response:
                assert (response.status, response.read()) == (200, b"ok")
            answer = slack.case("U1", "contacted PI-1 client called back")
            assert "client contact on PI-1" in answer.text
            assert _contacts(slack) == ["called back"]
            still_open = sum(1 for s in held if _open(s))
            assert still_open == 1000, "the idle sockets were all still held while casebot answered"
        finally:
            for s in held:
                s.close()
            slack.close()


def _wait_until_held(slack: ServedSlack, count: int) -> None:
    """Until the server has taken in every idle socket (they hold its slots from then on)."""
    deadline = time.monotonic() + 30
    while len(slack.server.active_channels) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(slack.server.active_channels) >= count


def _open(s: socket.socket) -> bool:
    s.setblocking(False)
    try:
        return s.recv(1, socket.MSG_PEEK) != b""
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        s.setblocking(True)


def test_a_request_that_trickles_in_or_a_silent_socket_is_closed(firm: Firm) -> None:
    """The header and body timeout: a byte every 0.3 s keeps a socket active but never finishes a request."""
    with SlackStandIn() as standin:
        slack = ServedSlack(
            firm, standin, door=FrontDoor(idle_seconds=2, request_seconds=1, cleanup_seconds=1)
        )
        try:
            trickle = socket.create_connection(("127.0.0.1", slack.port), timeout=5)
            silent = socket.create_connection(("127.0.0.1", slack.port), timeout=5)
            trickle.sendall(b"P")
            closed_after = None
            started = time.monotonic()
            for i in range(40):  # up to 12 s: the deadline is 1 s, checked every 1 s
                time.sleep(0.3)
                try:
                    trickle.sendall(b"OST /slack/events HTTP/1.1\r\n"[i % 10 : i % 10 + 1])
                except OSError:
                    closed_after = time.monotonic() - started
                    break
                if not _open(trickle):
                    closed_after = time.monotonic() - started
                    break
            assert closed_after is not None, "a request still arriving after its deadline is closed"
            deadline = time.monotonic() + 10  # the idle timeout is 2 s, checked every 1 s
            while _open(silent) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not _open(silent), "a silent socket is closed after the idle timeout"
            with urllib.request.urlopen(slack.base + "/healthz", timeout=2) as response:
                assert response.status == 200
            trickle.close()
            silent.close()
        finally:
            slack.close()


# ---------------------------------------------------------------- 2. "payload"


def test_the_word_payload_in_a_note_a_handle_or_a_channel_name_changes_nothing(served: ServedSlack) -> None:
    served.case("U1", "new PI-1 Jane Roe 2026-11-02")
    note = served.case("U1", "contacted PI-1 adjuster discussed the truck's payload capacity")
    assert note.status == 200 and "adjuster contact on PI-1" in note.text

    handle = slash_body("/case", "contacted PI-1 client payload of questions", "U1")
    handle = handle.replace("user_name=u1", "user_name=payloadpete")
    assert "payloadpete" in handle
    answer = served.dispatch(handle)
    assert answer.status == 200 and "client contact on PI-1" in answer.text

    channel = slash_body("/case", "contacted PI-1 client third call", "U1").replace(
        "channel_name=general", "channel_name=payload-team"
    )
    assert "payload-team" in channel
    answer = served.dispatch(channel)
    assert answer.status == 200 and "client contact on PI-1" in answer.text

    assert _contacts(served) == [
        "discussed the truck's payload capacity",
        "payload of questions",
        "third call",
    ]


def test_a_body_whose_shape_disagrees_with_its_content_type_is_400(served: ServedSlack) -> None:
    served.case("U1", "new PI-1 Jane Roe 2026-11-02")

    def form(n: int) -> str:  # each request its own body: the same signed body twice is a replay (401)
        return slash_body("/case", f"contacted PI-1 client call {n}", "U1")

    as_json = json.dumps({"command": "/case", "text": "contacted PI-1 client", "user_id": "U1"})
    for body, kind in (
        (as_json, FORM),  # a JSON body sent as a form (Bolt would have read it as JSON: 500)
        (form(1), "application/json"),
        (form(2), "text/plain"),
        (form(3) + "&text=again", FORM),  # a field given twice
        (urlencode({"payload": json.dumps({"type": "block_actions"}), "text": "x"}), FORM),
        (urlencode({"payload": "[1]"}), FORM),
        (json.dumps({"type": "event_callback", "event": "user_change"}), "application/json"),
        (
            json.dumps({"type": "event_callback", "event": {"type": "x", "n": float("nan")}}),
            "application/json",
        ),
    ):
        assert served.signed(body.encode(), kind) == 400, (body[:60], kind)
    assert _contacts(served) == []


# ---------------------------------------------------------------- 3. crafted values


def _click(user: dict[str, Any] | None, action_id: str, value: Any, **extra: Any) -> str:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "api_app_id": "ACASEBOT",
        "team": {"id": "T0CASEBOT"},
        "trigger_id": "trig.1",
        "response_url": "http://127.0.0.1:9/response/unset",
        "container": {"type": "message", "channel_id": "D1"},
        "actions": [{"action_id": action_id, "block_id": "b", "type": "button", "value": value}],
        **extra,
    }
    if user is not None:
        payload["user"] = user
    return urlencode({"payload": json.dumps(payload)})


def _crafted(obligation: int) -> list[tuple[str, str, str]]:
    """(what, body, Content-Type): each a request casebot's own buttons, forms and Slack never send."""
    u1 = {"id": "U1", "username": "u1"}
    digest_message = {"text": "digest", "blocks": ["not an object", MARK]}
    view = {"type": "modal", "callback_id": "new_case", "state": {"values": {"client": [MARK]}}}
    event = {
        "type": "event_callback",
        "event_id": "EvNUL",
        "event": {"type": "user_change", "user": {"id": "U1", "real_name": f"{MARK}\u0000x"}},
    }
    return [
        ("a page of 1e309", _click(u1, OVERDUE_NEXT, '{"page": 1e309}'), FORM),
        ("a page of true", _click(u1, OVERDUE_NEXT, '{"page": true, "user": "U1"}'), FORM),
        ("a page that is a list", _click(u1, OVERDUE_NEXT, f'["{MARK}"]'), FORM),
        ("Undo with a superscript two", _click(u1, UNDO, "PI-1|²"), FORM),
        ("Undo with 5,000 digits", _click(u1, UNDO, "PI-1|" + "9" * 5000), FORM),
        ("Undo with a hostile number", _click(u1, UNDO, f"<{MARK}>|1"), FORM),
        ("a value that is a number", _click(u1, UNDO, 12), FORM),
        ("a click without its user", _click(None, UNDO, "PI-1|1"), FORM),
        ("a click by a user that is a string", _click("U1", UNDO, "PI-1|1"), FORM),  # type: ignore[arg-type]
        (
            "a form without its user",
            urlencode({"payload": json.dumps({"type": "view_submission", "view": view})}),
            FORM,
        ),
        (
            "a form whose fields are not objects",
            urlencode({"payload": json.dumps({"type": "view_submission", "user": u1, "view": view})}),
            FORM,
        ),
        (
            "a digest button whose blocks are not objects",
            _click(u1, DIGEST_LOG_CONTACT, json.dumps({"o": obligation}), message=digest_message),
            FORM,
        ),
        ("a digest button for obligation 1e309", _click(u1, DIGEST_LOG_CONTACT, '{"o": 1e309}'), FORM),
        (
            "a snooze of obligation ²",
            _click(
                u1, SNOOZE, None, actions=[{"action_id": SNOOZE, "selected_option": {"value": "²:tomorrow"}}]
            ),
            FORM,
        ),
        ("a user_change whose name holds a NUL", json.dumps(event), "application/json"),
        (
            "a form without its type",
            urlencode(
                {"payload": json.dumps({"type": "view_submission", "user": u1, "view": {"callback_id": "x"}})}
            ),
            FORM,
        ),
        ("Reply to client message ²", _click(u1, REPLY_CLIENT, "²"), FORM),
        ("Not this case for message 5,000 digits", _click(u1, NOT_THIS_CASE, "9" * 5000), FORM),
        ("Stop texts for a message that is a word", _click(u1, CONFIRM_STOP, MARK), FORM),
        (
            "a Reply form for message 1e309",
            urlencode(
                {
                    "payload": json.dumps(
                        {
                            "type": "view_submission",
                            "user": u1,
                            "view": {
                                "type": "modal",
                                "callback_id": REPLY_VIEW,
                                "private_metadata": '{"m": 1e309, "c": "PI-1"}',
                                "state": {"values": {"text": {"value": {"value": MARK}}}},
                            },
                        }
                    )
                }
            ),
            FORM,
        ),
        (
            "a command without its user",
            slash_body("/case", f"show PI-1 {MARK}", "U1").replace("user_id=U1", ""),
            FORM,
        ),
    ]


def test_every_crafted_value_is_4xx_and_nothing_reaches_the_log(
    served: ServedSlack, caplog: pytest.LogCaptureFixture
) -> None:
    served.case("U1", "new PI-1 Jane Roe 2026-11-02")
    obligation = services.due_for(served.firm, ["U1"], served.firm.today().replace(year=2027))[
        0
    ].obligation_id
    before = (served.audit_count(), export_data(served.firm))
    caplog.set_level(logging.DEBUG)
    answered = {what: served.signed(body.encode(), kind) for what, body, kind in _crafted(obligation)}
    assert {w: s for w, s in answered.items() if not 400 <= s < 500} == {}
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    assert MARK not in caplog.text and "1e309" not in caplog.text and "²" not in caplog.text
    assert (served.audit_count(), export_data(served.firm)) == before
    with served.firm.db.uow() as s:
        assert all(MARK not in (p.name or "") for p in s.scalars(select(Staff)))


def test_a_name_or_zone_from_slack_is_stored_printable_and_bounded(served: ServedSlack) -> None:
    long_name = "Dana " + "x" * 400
    answer = served.event(
        {
            "type": "user_change",
            "user": {"id": "U1", "real_name": long_name + "\u0007", "tz": "Mars/" + "y" * 90},
        },
        event_id="EvLong",
    )
    assert answer.status == 200
    with served.firm.db.uow() as s:
        staff = s.get(Staff, "U1")
        assert staff is not None
        assert staff.name == ("Dana " + "x" * 400)[:200] and staff.tz is None
    answer = served.event(
        {
            "type": "user_change",
            "user": {"id": "U1", "real_name": "Dana\tPark\u200b", "tz": "America/Denver"},
        },
        event_id="EvOk",
    )
    with served.firm.db.uow() as s:
        staff = s.get(Staff, "U1")
        assert staff is not None and (staff.name, staff.tz) == ("Dana Park", "America/Denver")
