"""The real HTTP server (waitress + Bolt) on loopback against the stand-in Slack: signed requests for every
subcommand, refusals of forged and stale signatures, /healthz, and what casebot lets others see."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from bot import services
from bot.errors import UnknownCase
from tests.kit.served import Server
from tests.kit.slack_bodies import sign, slash_body
from tests.kit.workspace import SECRET, SENSITIVE


def _text(data: dict[str, Any]) -> str:
    from handlers.blocks import all_text

    return str(data.get("text", "")) + "\n" + all_text(data.get("blocks") or [])


def test_healthz_answers_ok(http: Server) -> None:
    with urllib.request.urlopen(http.url + "/healthz", timeout=5) as response:
        assert (response.status, response.read()) == (200, b"ok")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(http.url + "/nothing-here", timeout=5)
    assert missing.value.code == 404


EVERY_SUBCOMMAND = [
    ("/case", "help", "what you can do"),
    ("/case", "new PI-1 Jane Roe 2026-11-02 sol 2028-11-01", "Opened PI-1"),
    ("/case", "show PI-1", "Collecting records"),
    ("/case", "provider PI-1 add Valley Orthopedics 2026-11-02", "Added provider 1"),
    ("/case", "provider PI-1 followed-up 1 2026-11-16", "Logged a follow-up"),
    ("/case", "provider PI-1 received 1 both 2026-11-20", "Nothing more owed"),
    ("/case", "contacted PI-1 client 2026-11-21 update on the MRI", "client contact on PI-1"),
    ("/case", "advance PI-1 2026-11-21", "Waiting for a legal assistant"),
    ("/case", "holdup PI-1 chart-notes", "Hold-up on PI-1"),
    ("/case", "holdup PI-1 clear chart-notes", "Cleared 1 hold-up"),
    ("/case", "advance PI-1 demand_drafting 2026-11-22", "Demand being drafted"),
    (
        "/case",
        "demand PI-1 sent 2026-11-24 adjuster Pat Lee",
        "Demand on PI-1 sent to Pat Lee on Tue Nov 24 — 2 days ago",
    ),
    ("/case", "demand PI-1 ack 2026-11-25", "Acknowledgment"),
    ("/case", "demand PI-1 resent adjuster Kim Wu", "resent"),
    ("/offer", "received PI-1 12.5k", "1st offer"),
    ("/offer", "list PI-1", "$12,500.00"),
    ("/offer", "informed PI-1", "told of the 1st offer"),
    ("/offer", "received PI-1 20,000 final", "final offer"),
    ("/offer", "help", "record an offer"),
    ("/case", "advance PI-1 settlement", "Accounting and client decision"),
    ("/case", "accounting PI-1 20k costs 1,000 liens 4k litigation-costs 3k", "Net to client"),
    ("/case", "mine", "open cases"),
    ("/case", "due", "due today"),
    ("/case", "overdue", "overdue"),
    ("/case", "away until 2026-12-07 cover <@U2>", "gets your reminders"),
    ("/case", "back", "Welcome back"),
    ("/case", "role <@ULEAD> lead", "is now a lead"),
    ("/case", "assign PI-1 <@U2>", "now <@U2>'s"),
    ("/case", "close PI-1 settled", "Closed PI-1"),
]


def test_every_subcommand_over_http_answers_within_the_ack(http: Server) -> None:
    for command, text, expected in EVERY_SUBCOMMAND:
        data = http.command("UADMIN", text, command)
        assert data["response_type"] == "ephemeral", text
        assert expected in _text(data), (text, _text(data))
        assert ":warning:" not in _text(data), (text, _text(data))


@pytest.mark.parametrize("tamper", ["forged", "stale", "missing", "other-secret"])
def test_a_forged_or_stale_signature_gets_401_and_changes_nothing(http: Server, tamper: str) -> None:
    body = slash_body(
        "/case", "new PI-66 Forged Case", "UADMIN", response_url=http.slack.standin.response_url("x")
    )
    headers = {
        "forged": {**sign(SECRET, body), "X-Slack-Signature": "v0=" + "0" * 64},
        "stale": sign(SECRET, body, int(time.time()) - 600),
        "missing": {},
        "other-secret": sign("not-the-secret", body),
    }[tamper]
    status, _, _ = http.post(body, headers=headers)
    assert status == 401
    with pytest.raises(UnknownCase):
        services.show_case(http.slack.firm, "UADMIN", "PI-66")
    assert http.slack.audit_count() == 0
    assert not http.slack.standin.calls_to("response_url")


def _click(http: Server, user: str, action_id: str, value: str, channel: str = "C1") -> None:
    assert (
        http.payload(
            {
                "type": "block_actions",
                "user": {"id": user},
                "api_app_id": "ACASEBOT",
                "token": "t",
                "team": {"id": "T0CASEBOT"},
                "trigger_id": "trig.c",
                "channel": {"id": channel},
                "container": {
                    "type": "message",
                    "channel_id": channel,
                    "is_ephemeral": True,
                    "message_ts": "1.1",
                },
                "response_url": http.slack.standin.response_url("click"),
                "actions": [
                    {
                        "type": "button",
                        "action_id": action_id,
                        "value": value,
                        "block_id": "b",
                        "action_ts": "1",
                    }
                ],
            }
        )
        == 200
    )


def test_nothing_posted_where_others_can_see_it_carries_amounts_providers_or_medical_details(
    http: Server,
) -> None:
    """Run everything that can make casebot talk, in a channel, with sensitive details on the case; then read
    every post that was not ephemeral and not in a DM."""
    slack = http.slack
    slack.standin.add_user("U1", name="u1")
    http.command("UADMIN", "role <@ULEAD> lead")
    http.command("U1", "new PI-1 Jane Roe 2026-10-01")
    http.command("U1", "provider PI-1 add Valley Orthopedics 2026-10-01")
    http.command("U1", "provider PI-1 add Bayside Imaging 2026-10-02")
    http.command("U1", "holdup PI-1 other MRI report after the fracture surgery")
    http.command("U1", "contacted PI-1 client 2026-11-20 discussed fracture surgery")
    http.command("U1", "provider PI-1 received Valley both 2026-11-20")
    http.command("U1", "advance PI-1 demand_queue")  # refused: Bayside owes; the refusal names it, privately
    http.command("ULEAD", "advance PI-1 demand_queue 2026-11-21 because records promised")
    http.command("U1", "advance PI-1 demand_drafting 2026-11-22")
    http.command("U1", "demand PI-1 sent 2026-11-24 adjuster Pat Lee")
    http.command("U1", "offer received PI-1 $12,500", command="/case")
    http.command("U1", "received PI-1 $12,500", command="/offer")
    http.command("U1", "list PI-1", command="/offer")
    card = http.command("U1", "show PI-1")
    for block in card["blocks"]:
        for element in [*(block.get("elements") or []), block.get("accessory") or {}]:
            if (
                isinstance(element, dict)
                and element.get("type") == "button"
                and element["action_id"] != "log_contact"
            ):
                _click(http, "U1", element["action_id"], element["value"])
    _click(http, "U2", "offer_informed:1", "PI-1|1")  # refused, privately
    _click(http, "U1", "log_contact", "PI-1")
    http.home("U1")
    http.command("U1", "overdue")
    http.command("ULEAD", "overdue")
    http.command("U1", "accounting PI-1 60k costs 2k liens 8k")

    said = [body for body in slack.acks] + [c.params for c in slack.posts()]
    assert any(SENSITIVE.search(json.dumps(p)) for p in said), (
        "the scenario did carry sensitive details privately"
    )
    for call in slack.standin.calls_to("response_url"):
        assert call.params.get("response_type") == "ephemeral", call.params
    for body in slack.acks:
        assert body.get("response_type", "ephemeral") == "ephemeral", body
    leaks = [
        (where, SENSITIVE.search(text).group(0))
        for where, text in slack.public_posts()  # type: ignore[union-attr]
        if SENSITIVE.search(text)
    ]
    assert leaks == []


def test_a_stopped_server_leaves_no_thread_behind(firm: Any, standin: Any) -> None:
    """Each test starts its own server: one that left its workers waiting would keep its app and database alive
    for the rest of the run, and a run of thousands of tests would crawl through its collections."""
    import threading

    from tests.kit.served import ServedSlack

    before = set(threading.enumerate())
    for asked in ("due", "due today"):  # a second request, not the first one replayed
        slack = ServedSlack(firm, standin)
        assert "Nothing due today" in slack.case("U1", asked).text
        slack.close()
    assert set(threading.enumerate()) - before == set()
