"""/case and /offer through the real Bolt app (signed requests, the stand-in Slack): every subcommand, every
kind of bad input, roles and refusals. Everything casebot sends is checked by slack_sdk as each test ends."""

from __future__ import annotations

import pytest

from bot import services
from tests.kit.workspace import Slack


def _case_with_provider(workspace: Slack, user: str = "U1") -> None:
    assert "Opened PI-1" in workspace.case(user, "new PI-1 Jane Roe 2026-11-02").text
    assert "Added provider 1" in workspace.case(user, "provider PI-1 add Valley Orthopedics 2026-11-03").text


def test_new_and_show_render_the_card_with_its_buttons(workspace: Slack) -> None:
    _case_with_provider(workspace)
    card = workspace.case("U1", "show pi-1")

    assert card.body["response_type"] == "ephemeral"
    text = card.all_text
    for expected in (
        "PI-1 · Jane Roe",
        "Collecting records",
        "24 days",
        "<@U1>",
        "Valley Orthopedics",
        "owes records and bills",
        "Open obligations",
        "R1",
        "Last client contact: none logged yet",
    ):
        assert expected in text, expected
    action_ids = {
        e["action_id"]
        for b in card.body["blocks"]
        for e in (b.get("elements") or [b.get("accessory") or {}])
        if isinstance(e, dict) and "action_id" in e
    }
    assert {"log_contact", "advance", "provider_received:1"} <= action_ids


def test_every_subcommand_answers_privately(workspace: Slack) -> None:
    steps = [
        ("/case", "help", "what you can do"),
        ("/case", "", "what you can do"),
        (
            "/case",
            "new PI-7 Ann O'Brien <@UADMIN|boss> 2026-11-02 sol 2028-11-01",
            "Opened PI-7 for Ann O'Brien",
        ),
        ("/case", "show PI-7", "Statute of limitations: 2028-11-01"),
        ("/case", "provider PI-7 add Valley Orthopedics 2026-11-03", "Added provider 1, Valley Orthopedics"),
        ("/case", "provider PI-7 add Bayside Imaging 2026-11-03", "Added provider 2, Bayside Imaging"),
        ("/case", "provider PI-7 followed-up 2 2026-11-20", "Logged a follow-up with Bayside Imaging"),
        ("/case", "provider PI-7 received “Valley Orthopedics” both 2026-11-20", "Nothing more owed"),
        ("/case", "provider pi-7 received bay both", "Bayside Imaging: both received"),
        (
            "/case",
            "contacted PI-7 client 2026-11-21 called about PT",
            "client contact on PI-7 for Sat Nov 21 — 5 days ago",
        ),
        ("/case", "contacted PI-7", "client contact on PI-7 for Thu Nov 26 (today)"),
        ("/case", "advance PI-7", "moved to “Waiting for a legal assistant”"),
        ("/case", "holdup PI-7 wage-loss employer has not signed", "Hold-up on PI-7: wage-loss"),
        ("/case", "holdup PI-7 clear all", "Cleared 1 hold-up"),
        ("/case", "advance PI-7 demand_drafting", "Demand being drafted"),
        (
            "/case",
            "demand PI-7 sent adjuster Pat Lee",
            "Demand on PI-7 sent to Pat Lee on Thu Nov 26 (today)",
        ),
        ("/case", "demand PI-7 ack", "Acknowledgment of PI-7"),
        ("/case", "demand PI-7 resent adjuster Kim Wu", "resent to Kim Wu on Thu Nov 26 (today) (round 2"),
        ("/offer", "received PI-7 $12,500.00", "Recorded the 1st offer on PI-7"),
        ("/offer", "list PI-7", "$12,500.00"),
        ("/offer", "informed PI-7 1", "told of the 1st offer"),
        ("/offer", "received PI-7 20k final", "final offer on PI-7"),
        ("/offer", "help", "record an offer"),
        ("/case", "advance PI-7 settlement", "Accounting and client decision"),
        ("/case", "mine", "open cases"),
        ("/case", "due", "due today"),
        ("/case", "due 2026-12-31", "Due by Thu Dec 31"),
        ("/case", "due 2026-11-20", "on Fri Nov 20"),
        ("/case", "overdue", "overdue"),
        ("/case", "overdue <@U1>", "overdue"),
        ("/case", "away until 2026-12-07 cover <@U2>", "<@U2> gets your reminders"),
        ("/case", "back", "Welcome back"),
        ("/case", "role <@ULEAD|lead> lead", "<@ULEAD> is now a lead"),
        ("/case", "assign PI-7 <@U2>", "PI-7 is now <@U2>'s"),
        ("/case", "close PI-7 settled", "Closed PI-7 (Ann O'Brien) as settled"),
    ]
    for command, text, expected in steps:
        answer = workspace.command("UADMIN", text, command)
        assert answer.body.get("response_type") == "ephemeral", (text, answer.body)
        assert ":warning:" not in answer.all_text, (text, answer.all_text)
        assert expected in answer.all_text, (text, answer.all_text)


def test_accounting_shows_both_columns_to_the_manager(workspace: Slack) -> None:
    workspace.case("U1", "new PI-9 Ron Ames 2026-11-02")
    answer = workspace.case("U1", "accounting PI-9 60k costs 2,400 liens 8,150")
    assert answer.body["response_type"] == "ephemeral"
    assert "Settle now" in answer.all_text and "Litigate" in answer.all_text
    assert "$60,000.00" in answer.all_text
    assert "Net to client" in answer.all_text
    refused = workspace.case("U2", "accounting PI-9 60k")
    assert ":warning:" in refused.all_text and "$" not in refused.all_text


# Each row: who, command, text, a phrase the refusal must say, a phrase of the usage line shown with it.
BAD_INPUT = [
    ("U1", "/case", "frobnicate PI-1", "is not something casebot does", "/case help"),
    ("U1", "/case", "shwo PI-1", "Did you mean `/case show`", "/case help"),
    ("U1", "/case", "show", "Which case?", "/case show <case-no>"),
    ("U1", "/case", "show PI-1 extra", "I don't know what to do with", "/case show <case-no>"),
    (
        "U1",
        "/case",
        "show PI-11",
        "There is no case PI-11 that you can see. Did you mean PI-1",
        "/case show <case-no>",
    ),
    ("U1", "/case", "new", None, None),  # opens the form instead: checked in test_views
    ("U1", "/case", "new PI-2", "client's name", "/case new <case-no>"),
    (
        "U1",
        "/case",
        "new PI-2 Jo Doe 2026-13-01",
        "“2026-13-01” is not a day: there is no month 13",
        "/case new <case-no>",
    ),
    (
        "U1",
        "/case",
        "new PI-2 Jo Doe 11/31/2026",
        "“11/31/2026” is not a day (November has 30)",
        "/case new <case-no>",
    ),
    ("U1", "/case", "new PI-2 Jo Doe 2026-12-25", "in the future", "/case new <case-no>"),
    ("U1", "/case", "new PI-1 Jo Doe", "already exists", "/case new <case-no>"),
    ("U1", "/case", "new PI-2 Jo Doe <@U1> <@U2>", "one manager", "/case new <case-no>"),
    (
        "U1",
        "/case",
        "new PI-2 Jo Doe <@U2>",
        "Only a lead or an admin can open a case for someone else",
        "/case new",
    ),
    ("U1", "/case", "new PI-2 Jo Doe <@UGUEST>", "a guest", "/case new"),
    ("U1", "/case", "provider PI-1", "add, received or followed-up", "/case provider <case-no> add|received"),
    ("U1", "/case", "provider PI-1 fetch x", "is not add, received or followed-up", "/case provider"),
    ("U1", "/case", "provider PI-1 add", "Name the provider", "/case provider <case-no> add"),
    (
        "U1",
        "/case",
        "provider PI-1 received Valley",
        "what arrived",
        "received <provider> records|bills|both",
    ),
    (
        "U1",
        "/case",
        "provider PI-1 received Valley xrays",
        "is not records, bills or both",
        "received <provider>",
    ),
    ("U1", "/case", "provider PI-1 received Mercy both", "has no provider “Mercy”", "received <provider>"),
    ("U1", "/case", "provider PI-1 received 7 both", "has no provider “7”", "received <provider>"),
    ("U1", "/case", "provider PI-1 followed-up Valley 2027-01-01", "in the future", "followed-up <provider>"),
    ("U1", "/case", "contacted PI-1 client 2026-11-30", "in the future", "/case contacted"),
    (
        "U1",
        "/case",
        "contacted PI-1 2026-02-30",
        "“2026-02-30” is not a day (February 2026 has 28)",
        "/case contacted",
    ),
    ("U1", "/case", "advance PI-1", "still owed by Valley Orthopedics", "/case advance"),
    ("U1", "/case", "advance PI-1 nowhere", "is not a stage", "/case advance"),
    ("U1", "/case", "advance PI-1 demand_queue because", "Say why", "/case advance"),
    (
        "U1",
        "/case",
        "advance PI-1 demand_queue because the bill is late",
        "Only a lead or an admin",
        "/case advance",
    ),
    ("U1", "/case", "holdup PI-1", "Say what holds it up", "/case holdup"),
    ("U1", "/case", "holdup PI-1 weather", "is not a hold-up", "/case holdup"),
    ("U1", "/case", "holdup PI-1 other", "Say what holds it up", "/case holdup"),
    ("U1", "/case", "holdup PI-1 clear", "has no open", "/case holdup"),
    ("U1", "/case", "demand PI-1", "sent, ack or resent", "/case demand"),
    ("U1", "/case", "demand PI-1 sent", "demand is sent from the demand stages", "/case demand"),
    ("U1", "/case", "demand PI-1 ack adjuster Pat", "only a date", "/case demand"),
    ("U1", "/case", "accounting PI-1", "gross settlement", "/case accounting"),
    ("U1", "/case", "accounting PI-1 lots", "is not an amount", "/case accounting"),
    (
        "U1",
        "/case",
        "accounting PI-1 60k fees 10",
        "is not costs, liens or litigation-costs",
        "/case accounting",
    ),
    ("U1", "/case", "assign PI-1", "Slack mention", "/case assign"),
    ("U1", "/case", "assign PI-1 dana", "is not a Slack mention", "/case assign"),
    ("U1", "/case", "assign PI-1 <@UBOT>", "a bot", "/case assign"),
    ("U1", "/case", "assign PI-1 <@UNOBODY>", "Slack does not know", "/case assign"),
    ("U1", "/case", "close PI-1", "settled, litigation or dropped", "/case close"),
    ("U1", "/case", "close PI-1 won", "is not settled, litigation or dropped", "/case close"),
    ("U1", "/case", "mine please", "I don't know what to do with", "/case mine"),
    ("U1", "/case", "due soon", "I don't know what to do with", "/case due"),
    ("U1", "/case", "overdue <@U2>", "Only a lead or an admin", "/case overdue"),
    ("U1", "/case", "away until 2026-11-01", "can't be in the past", "/case away"),
    ("U1", "/case", "away cover <@U1>", "Someone else covers", "/case away"),
    ("U1", "/case", "away soon", "I don't know what to do with", "/case away"),
    ("U1", "/case", "role <@U2> lead", "Only an admin", "/case role"),
    ("UADMIN", "/case", "role <@U2> boss", "is not a role", "/case role"),
    ("UADMIN", "/case", "role lead", "Slack mention", "/case role"),
    ("UADMIN", "/case", "role <@UGUEST> lead", "a guest", "/case role"),
    ("U2", "/case", "contacted PI-1", "There is no case PI-1 that you can see.", "/case contacted"),
    ("U2", "/case", "provider PI-1 add Mercy", "There is no case PI-1 that you can see.", "/case provider"),
    ("U2", "/offer", "received PI-1 10k", "There is no case PI-1 that you can see.", "/offer received"),
    ("UGUEST", "/case", "mine", "a guest", None),
    ("USINGLE", "/case", "show PI-1", "a guest", None),
    ("UBOT", "/case", "mine", "a bot", None),
    ("UGONE", "/case", "mine", "deactivated", None),
    ("UNOBODY", "/case", "mine", "Slack does not know", None),
    ("U1", "/offer", "", "record an offer", None),  # help, not a refusal: the empty command
    ("U1", "/offer", "received PI-1", "Give the amount", "/offer received"),
    ("U1", "/offer", "received PI-1 twelve", "is not an amount", "/offer received"),
    ("U1", "/offer", "received PI-1 -5", "is not an amount", "/offer received"),
    ("U1", "/offer", "received PI-1 10k maybe", "I don't know what to do with", "/offer received"),
    ("U1", "/offer", "received PI-1 10k 2026-12-01", "in the future", "/offer received"),
    ("U1", "/offer", "received PX-1 10k", "There is no case PX-1", "/offer received"),
    ("U1", "/offer", "list", "Which case?", "/offer list"),
    ("U1", "/offer", "informed PI-1", "has no offers yet", "/offer informed"),
    ("U1", "/offer", "informed PI-1 first", "is not an offer number", "/offer informed"),
    ("U1", "/offer", "counter PI-1", "is not something casebot does", "/offer help"),
]


@pytest.mark.parametrize(
    ("user", "command", "text", "says", "usage"),
    BAD_INPUT,
    ids=[f"{r[1]} {r[2]} as {r[0]}" for r in BAD_INPUT],
)
def test_bad_input_gets_a_friendly_refusal_and_changes_nothing(
    workspace: Slack, user: str, command: str, text: str, says: str | None, usage: str | None
) -> None:
    _case_with_provider(workspace)
    before_card = services.show_case(workspace.firm, "U1", "PI-1")
    before_audit = workspace.audit_count()

    answer = workspace.command(user, text, command)

    if says is None:
        return
    assert answer.body.get("response_type") == "ephemeral"
    assert says in answer.all_text, answer.all_text
    if usage is not None:
        assert ":warning:" in answer.all_text
        assert "Usage: `" in answer.all_text and usage in answer.all_text, answer.all_text
        assert "Example: `" in answer.all_text
    assert len(answer.text) < 600, "short"
    assert services.show_case(workspace.firm, "U1", "PI-1") == before_card
    assert workspace.audit_count() == before_audit


def test_a_lead_and_an_admin_may_change_anyones_case_a_colleague_may_not(workspace: Slack) -> None:
    _case_with_provider(workspace)
    assert "There is no case PI-1 that you can see." in workspace.case("U2", "contacted PI-1").all_text
    assert "is now a lead" in workspace.case("UADMIN", "role <@ULEAD> lead").text
    assert "client contact on PI-1" in workspace.case("ULEAD", "contacted PI-1").text
    assert (
        "moved to"
        in workspace.case("ULEAD", "advance PI-1 demand_queue because records promised by Friday").text
    )
    assert "is now an admin" not in workspace.case("ULEAD", "role <@U2> admin").text
    assert "Only an admin" in workspace.case("ULEAD", "role <@U2> admin").all_text
    assert "now <@U2>'s" in workspace.case("UADMIN", "assign PI-1 <@U2>").text
    assert "There is no case PI-1 that you can see." in workspace.case("U1", "contacted PI-1").all_text


def test_overdue_for_a_lead_is_everyones_grouped_by_manager(workspace: Slack, clock: object) -> None:
    workspace.case("UADMIN", "role <@ULEAD> lead")
    workspace.case("U1", "new PI-1 Jane Roe 2026-10-01")
    workspace.case("U2", "new PI-2 Sam Poe 2026-11-02")
    mine = workspace.case("U1", "overdue")
    assert "PI-1" in mine.all_text and "PI-2" not in mine.all_text
    everyone = workspace.case("ULEAD", "overdue")
    text = everyone.all_text
    assert "across the firm" in text
    assert text.index("<@U1>") < text.index("<@U2>"), "the manager with the oldest overdue item comes first"
    assert "PI-2" in workspace.case("ULEAD", "overdue <@U2>").all_text


def test_mentions_quotes_and_case_numbers_are_read_as_slack_sends_them(workspace: Slack) -> None:
    workspace.case("UADMIN", "new pi-3 “Ann Lee” <@U2|ann.manager> 2026-11-02")
    card = services.show_case(workspace.firm, "U2", "PI-3")
    assert (card.number, card.client, card.manager) == ("PI-3", "Ann Lee", "U2")
    workspace.case("U2", "provider Pi-3 add ‘Valley Ortho Group’ 2026-11-02")
    assert (
        "Valley Ortho Group: bills received"
        in workspace.case("U2", 'provider PI-3 received "Valley Ortho" bills').text
    )


def test_users_info_is_asked_once_and_user_change_updates_the_cache(workspace: Slack) -> None:
    workspace.case("U1", "mine")
    workspace.case("U1", "mine")
    assert len([c for c in workspace.standin.calls_to("users.info") if c.params.get("user") == "U1"]) == 1

    became_guest = {
        "type": "user_change",
        "user": {"id": "U1", "name": "u1", "is_restricted": True, "tz": "America/Chicago", "profile": {}},
    }
    workspace.event(became_guest, event_id="EvGuest")
    assert "a guest" in workspace.case("U1", "mine").all_text
    # Slack's retry of the same delivery is handled at most once: this one would have restored the member.
    restored = {**became_guest, "user": {**became_guest["user"], "is_restricted": False}}
    workspace.event(restored, event_id="EvGuest")
    assert "a guest" in workspace.case("U1", "mine").all_text
    workspace.event(restored, event_id="EvBack")
    assert "open cases" in workspace.case("U1", "mine").all_text


def test_a_stale_users_info_is_refreshed_in_the_background(workspace: Slack, clock: object) -> None:
    workspace.case("U1", "mine")
    workspace.standin.add_user("U1", name="u1", is_restricted=True)
    clock.advance(hours=25)  # type: ignore[attr-defined]
    assert "open cases" in workspace.case("U1", "mine").all_text, (
        "answered from the cache, not held up by Slack"
    )
    assert "a guest" in workspace.case("U1", "mine").all_text, "the refresh after the first reply took effect"
