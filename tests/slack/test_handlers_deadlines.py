"""/case sol with `motor` and `public`, /case claim-deadline and /case calendar in Slack, through the real Bolt app
and the stand-in; and `/case calendar`'s link fetched from the real HTTP server."""

from __future__ import annotations

import re
import threading
import urllib.error
import urllib.request
from dataclasses import replace
from datetime import date

import pytest
from icalendar import Calendar

from bot import services
from bot.entrypoints.app import http_server
from bot.services.firm import Firm
from handlers.slack.standin import SlackStandIn
from tests.kit.calendar import BASE, LINK
from tests.kit.served import stop
from tests.kit.slack_bodies import sign, slash_body
from tests.kit.workspace import SECRET, Slack


def uids(feed: bytes) -> dict[str, date]:
    return {str(e["UID"]): e.decoded("DTSTART") for e in Calendar.from_ical(feed).walk("VEVENT")}


@pytest.fixture
def firm(firm: Firm) -> Firm:
    firm.settings = replace(firm.settings, public_base_url=BASE)
    return firm


def test_public_gives_the_claim_deadline_and_the_card_shows_it_above_the_limitation_date(
    workspace: Slack,
) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    answer = workspace.case("U1", "sol PI-1 2028-08-03 loss 2026-08-03 tx public")
    text = answer.all_text
    assert "2028-08-03 (entered)" in text
    assert "present it by 2027-02-03 (6 months from the loss on 2026-08-03, Tex. Civ. Prac. & Rem." in text
    assert "A lawyer confirms this date." in text
    card = workspace.case("U1", "show PI-1").all_text
    assert card.index("Claim deadline (public entity): 2027-02-03") < card.index(
        "Statute of limitations: 2028"
    )
    assert "§ 101.101(a)" in card and "A lawyer confirms every date." in card


def test_a_state_without_a_rule_asks_for_the_claim_deadline_which_the_manager_then_enters(
    workspace: Slack,
) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    refused = workspace.case("U1", "sol PI-1 loss 2026-03-02 OH public")
    assert "casebot holds no rule for suing a public entity in OH" in refused.all_text
    assert (
        "/case sol PI-1 &lt;YYYY-MM-DD&gt; loss 2026-03-02 OH public" in refused.all_text
    )  # Slack shows <…>
    assert services.show_case(workspace.firm, "U1", "PI-1").limitation_on is None
    answer = workspace.case("U1", "sol PI-1 2028-03-02 loss 2026-03-02 OH public")
    assert (
        "enter the claim deadline yourself: `/case claim-deadline PI-1 &lt;YYYY-MM-DD&gt;`" in answer.all_text
    )
    assert (
        "Claim against a public entity: no claim deadline yet" in workspace.case("U1", "show PI-1").all_text
    )
    entered = workspace.case("U1", "claim-deadline pi-1 2027-01-15")
    assert "PI-1's claim deadline against a public entity is 2027-01-15 (entered)" in entered.all_text
    assert services.show_case(workspace.firm, "U1", "PI-1").claim_deadline_on == date(2027, 1, 15)
    assert "Claim deadline (public entity): 2027-01-15" in workspace.case("U1", "show PI-1").all_text
    assert "/case claim-deadline" in workspace.case("U1", "help").all_text


def test_motor_and_a_refusal_that_says_why(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    answer = workspace.case("U1", "sol PI-1 loss 2026-03-02 CO motor")
    assert "2029-03-02 (3 years from the loss on 2026-03-02, motor-vehicle injury" in answer.all_text
    refused = workspace.case("U1", "sol PI-1 loss 2026-03-02 KY motor")
    assert ":warning:" in refused.all_text and "Motor Vehicle Reparations Act" in refused.all_text
    assert "Enter the limitation date itself" in refused.all_text and "Usage: `/case sol" in refused.all_text
    assert services.show_case(workspace.firm, "U1", "PI-1").limitation_on == date(2029, 3, 2)


BAD_INPUT = [
    ("U1", "sol PI-1 public", "describes the loss"),
    ("U1", "sol PI-1 2028-03-02 motor", "describes the loss"),
    ("U1", "sol PI-1 loss 2026-03-02 CA public public", "Say “public” once"),
    ("U1", "sol PI-1 loss 2026-03-02 CA publik", "I don't know what to do with"),
    ("U1", "claim-deadline", "Which case?"),
    ("U1", "claim-deadline PI-1", "Give the last day to present the claim"),
    ("U1", "claim-deadline PI-1 2027-02-30", "is not a day"),
    ("U1", "claim-deadline PI-1 2027-01-15 extra", "I don't know what to do with"),
    ("U2", "claim-deadline PI-1 2027-01-15", "There is no case PI-1 that you can see."),
    ("U1", "calendar please", "I don't know what to do with"),
]


@pytest.mark.parametrize(("user", "text", "says"), BAD_INPUT, ids=[f"{r[1]} as {r[0]}" for r in BAD_INPUT])
def test_bad_input_gets_usage_and_an_example_and_changes_nothing(
    workspace: Slack, user: str, text: str, says: str
) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    before_card = services.show_case(workspace.firm, "U1", "PI-1")
    before_audit = workspace.audit_count()
    answer = workspace.case(user, text)
    assert answer.body.get("response_type") == "ephemeral"
    assert ":warning:" in answer.all_text and says in answer.all_text, answer.all_text
    assert f"Usage: `/case {text.split()[0]}" in answer.all_text, answer.all_text
    example = re.search(r"Example: `([^`]*)`", answer.all_text)
    assert example and example.group(1).startswith("/case "), "a whole command a person can copy"
    assert services.show_case(workspace.firm, "U1", "PI-1") == before_card
    assert workspace.audit_count() == before_audit


def test_calendar_gives_a_private_link_each_time_and_reset_revokes_them(workspace: Slack) -> None:
    from bot.delivery.calendar_feed import calendar_for_token

    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02 sol 2028-03-02")
    first = workspace.case("U1", "calendar")
    assert first.body.get("response_type") == "ephemeral"
    [link] = set(LINK.findall(first.all_text))
    assert "Subscribe from web" in first.all_text and "From URL" in first.all_text
    [second] = set(LINK.findall(workspace.case("U1", "calendar").all_text))
    assert second != link
    tokens = [u.rsplit("/", 1)[1].removesuffix(".ics") for u in (link, second)]
    feeds = [calendar_for_token(workspace.firm, t) for t in tokens]
    assert feeds[0] is not None and feeds[1] is not None
    assert uids(feeds[0]) == uids(feeds[1]) == {"limitation-PI-1@t0casebot.casebot": date(2028, 3, 2)}
    reset = workspace.case("U1", "calendar reset")
    assert "Revoked your 2 calendar links" in reset.all_text
    assert all(calendar_for_token(workspace.firm, t) is None for t in tokens)
    assert "no calendar link to revoke" in workspace.case("U1", "calendar reset").all_text


def test_calendar_without_a_public_address_explains_and_stores_nothing(firm: Firm) -> None:
    firm.settings = replace(firm.settings, public_base_url=None)  # this module's firm has one
    with SlackStandIn() as standin:
        workspace = Slack(firm, standin)
        answer = workspace.case("U1", "calendar")
        assert ":warning:" in answer.all_text and "PUBLIC_BASE_URL" in answer.all_text
        assert workspace.audit_count() == 0
        workspace.close()


def test_the_link_from_slack_opens_the_feed_on_the_real_server_until_it_is_revoked(workspace: Slack) -> None:
    server = http_server(workspace.app, firm=workspace.firm, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    try:
        workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
        workspace.case("U1", "sol PI-1 loss 2026-08-31 CA public")

        def command(text: str) -> str:
            body = slash_body("/case", text, "U1")
            request = urllib.request.Request(
                url + "/slack/events",
                data=body.encode(),
                headers={**sign(SECRET, body), "Content-Type": "application/x-www-form-urlencoded"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.read().decode()

        [link] = set(LINK.findall(command("calendar")))
        path = link.removeprefix(BASE)
        with urllib.request.urlopen(url + path, timeout=10) as response:
            assert response.status == 200 and response.headers["Content-Type"].startswith("text/calendar")
            feed = response.read()
        assert uids(feed) == {
            "limitation-PI-1@t0casebot.casebot": date(2028, 8, 31),
            "claim-deadline-PI-1@t0casebot.casebot": date(2027, 2, 28),
        }
        with urllib.request.urlopen(url + path, timeout=10) as response:
            assert uids(response.read()) == uids(feed), "subscribing twice: the same UIDs"
        assert "Revoked your 1 calendar link" in command("calendar reset")
        with pytest.raises(urllib.error.HTTPError) as gone:
            urllib.request.urlopen(url + path, timeout=10)
        assert gone.value.code == 404
    finally:
        stop(server, thread)
