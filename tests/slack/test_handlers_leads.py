"""Issue 5 in Slack, through the real Bolt app and the stand-in: the overdue list paged with Previous and Next,
the lead's Home, the card's red flags and late offers, and /case sol, /case fees and /case handover."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from bot import services
from bot.services.firm import Firm
from handlers.blocks import all_text
from handlers.slack.standin import SlackStandIn
from tests.kit.clock import Clock
from tests.kit.slack_bodies import assert_valid_blocks, assert_valid_view
from tests.kit.workspace import SENSITIVE, Slack

MANAGERS = [f"UM{n:02d}" for n in range(1, 13)]
# An overdue line's age is calendar days with the business days (which escalation counts) beside them.
ITEM = re.compile(
    r"^• \*(PI-\d+)\* .*? · (R\d+) \w+ · \*due \w+ \d+ — \d+ days? overdue \((\d+) business days?\)\*",
    re.MULTILINE,
)


def _buttons(blocks: list[dict[str, Any]]) -> dict[str, str]:
    return {
        e["action_id"]: e["value"]
        for b in blocks
        for e in [*(b.get("elements") or []), b.get("accessory") or {}]
        if isinstance(e, dict) and e.get("type") == "button"
    }


def _items(blocks: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    return [(m[1], m[2], int(m[3])) for m in ITEM.finditer(all_text(blocks))]


def _firm_of_120_overdue(firm: Firm) -> None:
    """12 managers, 5 cases each, each case with 2 overdue obligations (R1, R2); UM12's are the oldest."""
    for m, manager in enumerate(MANAGERS):
        for j in range(5):
            index = (11 - m) * 5 + j
            services.create_case(
                firm,
                "UADMIN",
                f"PI-{100 + index}",
                f"Client {index}",
                manager=manager,
                on=date(2026, 9, 1) + timedelta(days=index),
            )


def _page(workspace: Slack, button: str) -> dict[str, Any]:
    workspace.click("ULEAD", button.split("=")[0], button.split("=", 1)[1])
    return workspace.standin.calls_to("response_url")[-1].params


# ---------------------------------------------------------------- /case overdue, paged


@pytest.fixture
def standin(standin: SlackStandIn) -> SlackStandIn:
    for user in MANAGERS:
        standin.add_user(user, name=user.lower())
    return standin


def test_a_lead_pages_through_120_overdue_items_of_12_managers(workspace: Slack) -> None:
    workspace.case("UADMIN", "role <@ULEAD> lead")
    _firm_of_120_overdue(workspace.firm)

    first = workspace.case("ULEAD", "overdue")
    pages = [first.body]
    assert "120 for 12 manager(s)" in first.all_text and "Page 1 of 3" in first.all_text
    assert set(_buttons(first.body["blocks"])) == {"overdue_page_next"}
    assert json.loads(_buttons(first.body["blocks"])["overdue_page_next"]) == {"page": 2, "user": None}

    workspace.click("ULEAD", "overdue_page_next", _buttons(first.body["blocks"])["overdue_page_next"])
    second = workspace.standin.calls_to("response_url")[-1].params
    assert second["replace_original"] is True and second["response_type"] == "ephemeral"
    assert "Page 2 of 3" in all_text(second["blocks"])
    assert set(_buttons(second["blocks"])) == {"overdue_page_previous", "overdue_page_next"}
    pages.append(second)

    workspace.click("ULEAD", "overdue_page_next", _buttons(second["blocks"])["overdue_page_next"])
    third = workspace.standin.calls_to("response_url")[-1].params
    assert "Page 3 of 3" in all_text(third["blocks"])
    assert set(_buttons(third["blocks"])) == {"overdue_page_previous"}, "no Next on the last page"
    pages.append(third)

    seen: list[tuple[str, str, int]] = []
    for n, page in enumerate(pages):
        assert len(page["blocks"]) <= 45, "well inside Slack's 50"
        assert_valid_blocks(page["blocks"])
        items = _items(page["blocks"])
        assert len(items) == 40, n
        # Four managers a page, the one with the oldest obligations first: UM12 … UM09, then UM08 … UM05, …
        managers = re.findall(r"\*<@(UM\d\d)>\* · 10 overdue", all_text(page["blocks"]))
        assert managers == MANAGERS[::-1][4 * n : 4 * n + 4]
        seen += items
    assert len(set(seen)) == 120, "every overdue obligation once"
    ages = [age for _, _, age in seen]
    assert ages[0] == max(ages), "the most overdue of all comes first"
    for manager_items in (seen[i : i + 10] for i in range(0, 120, 10)):
        assert [a for *_, a in manager_items] == sorted((a for *_, a in manager_items), reverse=True)

    workspace.click("ULEAD", "overdue_page_previous", _buttons(third["blocks"])["overdue_page_previous"])
    back = workspace.standin.calls_to("response_url")[-1].params
    assert _items(back["blocks"]) == _items(second["blocks"]), "Previous shows page 2 again"


def test_ages_are_calendar_days_with_the_business_days_beside_them_everywhere(workspace: Slack) -> None:
    # Due Thu Oct 1 (R1); on Thu Nov 26 (Thanksgiving) that is 56 calendar days, 37 business days
    # (Columbus Day, Veterans Day and Thanksgiving are not business days).
    workspace.case("U1", "new PI-1 Jane Roe 2026-10-01")
    age = "due Oct 1 — 56 days overdue (37 business days)"
    assert f"*{age}*" in workspace.case("U1", "overdue").all_text
    assert f"*{age}*" in workspace.case("U1", "due").all_text
    assert f"*{age}*" in workspace.case("U1", "show PI-1").all_text
    assert "business days overdue" not in workspace.case("U1", "overdue").all_text


def test_one_persons_list_is_paged_with_the_filter_in_the_buttons(workspace: Slack) -> None:
    workspace.case("UADMIN", "role <@ULEAD> lead")
    _firm_of_120_overdue(workspace.firm)
    for i in range(25):  # 50 more for UM03
        services.create_case(
            workspace.firm, "UADMIN", f"PI-{300 + i}", f"Extra {i}", manager="UM03", on=date(2026, 10, 1)
        )

    first = workspace.case("ULEAD", "overdue <@UM03>")
    assert "Overdue for <@UM03>* (60)" in first.all_text and "Page 1 of 2" in first.all_text
    value = _buttons(first.body["blocks"])["overdue_page_next"]
    assert json.loads(value) == {"page": 2, "user": "UM03"}
    workspace.click("ULEAD", "overdue_page_next", value)
    second = workspace.standin.calls_to("response_url")[-1].params
    items = _items(first.body["blocks"]) + _items(second["blocks"])
    assert len(items) == len(set(items)) == 60
    assert "<@UM04>" not in all_text(second["blocks"])

    # A manager's own list pages the same way, and a manager can't page through someone else's.
    own = workspace.case("UM03", "overdue")
    assert "*Overdue* (60)" in own.all_text
    assert json.loads(_buttons(own.body["blocks"])["overdue_page_next"]) == {"page": 2, "user": None}
    workspace.click("UM03", "overdue_page_next", json.dumps({"page": 2, "user": "UM04"}))
    refused = workspace.standin.calls_to("response_url")[-1].params
    assert "Only a lead or an admin" in refused["text"] and refused["replace_original"] is False
    assert "PI-" not in all_text(refused["blocks"])


def test_a_page_that_no_longer_exists_shows_the_last_one(workspace: Slack) -> None:
    workspace.case("UADMIN", "role <@ULEAD> lead")
    workspace.case("U1", "new PI-1 Jane Roe 2026-10-01")
    workspace.click("ULEAD", "overdue_page_next", json.dumps({"page": 3, "user": None}))
    shown = workspace.standin.calls_to("response_url")[-1].params
    assert shown["replace_original"] is True
    assert [c for c, *_ in _items(shown["blocks"])] == ["PI-1", "PI-1"]
    assert not _buttons(shown["blocks"]), "one page: no Previous or Next"
    workspace.click("ULEAD", "overdue_page_next", "not json")
    assert "PI-1" in all_text(workspace.standin.calls_to("response_url")[-1].params["blocks"])


# ---------------------------------------------------------------- the lead's Home


def _home(workspace: Slack, user: str, event_id: str) -> dict[str, Any]:
    workspace.ctx.drain()  # Home refreshes after changes made through services directly
    workspace.standin.reset()
    workspace.event(
        {"type": "app_home_opened", "user": user, "tab": "home", "channel": f"D{user}"}, event_id=event_id
    )
    (published,) = workspace.standin.calls_to("views.publish")
    view: dict[str, Any] = published.params["view"]
    assert_valid_view(view)
    return view


def test_the_lead_home_shows_the_firm_and_a_manager_home_does_not(workspace: Slack) -> None:
    workspace.case("UADMIN", "role <@ULEAD> lead")
    workspace.case("U1", "new PI-1 Jane Roe 2026-10-01")  # 2 overdue, the oldest Oct 1
    workspace.case("U2", "new PI-2 Sam Poe 2026-11-02 sol 2027-01-15")  # 50 days to its limitation date
    workspace.case("U2", "new PI-3 Ann Lee 2026-11-02 sol 2029-01-15")  # far away: not listed
    for number in ("PI-2", "PI-3"):  # an offer moves a case to Negotiating once its demand is sent
        workspace.case(
            "UADMIN", f"advance {number} demand_drafting 2026-11-09 because the file came complete"
        )
        workspace.case("U2", f"demand {number} sent 2026-11-09")
    workspace.offer("U2", "received PI-2 12,500 2026-11-20")  # Friday; 3 business days by Thanksgiving
    workspace.offer("U2", "received PI-3 9k 2026-11-25")  # yesterday: not late yet

    view = _home(workspace, "ULEAD", "EvLead")
    text = all_text(view["blocks"])
    assert len(view["blocks"]) <= 100
    assert "The firm" in text
    assert "*Open cases by stage* (3)" in text and "*Collecting records*: 1" in text
    assert "*Negotiating*: 2 · average" in text and "days in stage" in text
    assert "*Overdue by manager*" in text
    assert "<@U1>: 2 · oldest due Oct 1 — 56 days overdue (37 business days)" in text
    assert "*Escalations open*: 0" in text
    assert "*Inside 90 days of the limitation date* (1)" in text
    assert "*PI-2* · <@U2> · 2027-01-15 · 50 days left" in text and "PI-3 · <@U2> · 2029" not in text
    assert "*Offers the client was not told of within 2 business days* (1)" in text
    assert "*PI-2* · 1st offer · received Nov 20, 3 business days ago · <@U2>" in text
    assert "12,500" not in text, "the overview names no amounts"

    manager = all_text(_home(workspace, "U2", "EvManager")["blocks"])
    assert "Your open cases" in manager and "PI-2" in manager
    for lead_only in ("The firm", "Overdue by manager", "Escalations open", "Inside 90 days", "<@U1>"):
        assert lead_only not in manager, lead_only


def test_the_lead_home_counts_open_escalations_until_a_contact_clears_them(
    workspace: Slack, clock: Clock
) -> None:
    from bot.delivery.digests import claim_escalations

    clock.set(date(2026, 11, 30))  # a Monday, 10:00: inside the working day, when escalations go out
    workspace.case("UADMIN", "role <@ULEAD> lead")
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")  # R1 (Nov 2) and R2 (Nov 16): both long overdue
    assert "*Escalations open*: 0" in all_text(_home(workspace, "ULEAD", "EvE0")["blocks"])
    assert claim_escalations(workspace.firm, clock())
    assert "*Escalations open*: 2" in all_text(_home(workspace, "ULEAD", "EvE1")["blocks"])
    workspace.case("U1", "contacted PI-1")
    assert "*Escalations open*: 0" in all_text(_home(workspace, "ULEAD", "EvE2")["blocks"])


def test_the_lead_home_stays_within_100_blocks_for_a_big_firm(workspace: Slack) -> None:
    workspace.case("UADMIN", "role <@ULEAD> lead")
    _firm_of_120_overdue(workspace.firm)
    for i in range(40):
        services.create_case(
            workspace.firm,
            "UADMIN",
            f"PI-{500 + i}",
            f"Soon {i}",
            manager="ULEAD",
            on=date(2026, 10, 1),
            limitation_on=date(2027, 1, 1) + timedelta(days=i),
        )
        services.offer_received(
            workspace.firm, "UADMIN", f"PI-{500 + i}", Decimal(1000), on=date(2026, 11, 2)
        )
    view = _home(workspace, "ULEAD", "EvBig")
    text = all_text(view["blocks"])
    assert len(view["blocks"]) <= 100
    assert "*Inside 90 days of the limitation date* (40)" in text
    assert "*Offers the client was not told of within 2 business days* (40)" in text
    assert "<@UM12>: 10" in text


# ---------------------------------------------------------------- the card's flags


def test_holdups_inside_90_days_of_the_limitation_date_are_red_with_the_days_left(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02 sol 2027-01-15")
    workspace.case("U1", "new PI-2 Sam Poe 2026-11-02 sol 2028-11-01")
    for number in ("PI-1", "PI-2"):
        workspace.case("U1", f"holdup {number} chart-notes")

    near = workspace.case("U1", "show PI-1").all_text
    assert ":red_circle: Statute of limitations: 2027-01-15 (50 days left)" in near
    assert re.search(r":red_circle: missing chart notes.* · \*50 days to the limitation date\*", near), near

    far = workspace.case("U1", "show PI-2").all_text
    assert "Statute of limitations: 2028-11-01 (706 days left)" in far
    assert ":red_circle:" not in far

    workspace.case("U1", "new PI-3 Old Case 2026-11-02 sol 2026-11-20")
    workspace.case("U1", "holdup PI-3 billing")
    passed = workspace.case("U1", "show PI-3").all_text
    assert "(passed 6 days ago)" in passed and "the limitation date passed 6 days ago" in passed


def test_an_offer_the_client_was_not_told_of_in_time_is_flagged_and_the_list_shows_told_days(
    workspace: Slack,
) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    workspace.offer("U1", "received PI-1 10k 2026-11-20")
    workspace.offer("U1", "received PI-1 12k 2026-11-25")

    card = workspace.case("U1", "show PI-1").all_text
    assert "1st offer* $10,000.00 · received Nov 20 · :warning: *late: client not told yet*" in card
    assert "2nd offer* $12,000.00 · received Nov 25 · client not told yet" in card

    workspace.offer("U1", "informed PI-1 1 2026-11-24")
    listed = workspace.offer("U1", "list PI-1").all_text
    assert "1st offer* $10,000.00 · received Nov 20 · client told Nov 24" in listed
    assert "2nd offer* $12,000.00 · received Nov 25 · client not told yet" in listed
    assert ":warning:" not in listed


# ---------------------------------------------------------------- the new commands


def test_sol_sets_the_limitation_date_directly_or_from_the_loss(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    direct = workspace.case("U1", "sol pi-1 2028-03-02")
    assert "PI-1's limitation date is 2028-03-02 (entered)" in direct.text
    assert services.show_case(workspace.firm, "U1", "PI-1").limitation_on == date(2028, 3, 2)

    computed = workspace.case("U1", "sol PI-1 loss 2026-03-02 ca")
    assert "2028-03-02 (2 years from the loss on 2026-03-02, Cal. Civ. Proc. Code § 335.1)" in computed.text

    both = workspace.case("U1", "sol PI-1 2028-05-01 loss 2026-03-02 CA")
    assert "2028-05-01 (entered; 2 years from the loss" in both.text
    assert "Statute of limitations: 2028-05-01" in workspace.case("U1", "show PI-1").all_text
    assert "/case sol" in workspace.case("U1", "help").all_text


def test_fees_records_the_retainer_terms_the_statement_then_uses(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    answer = workspace.case("U1", "fees PI-1 presuit 30% litigation 2/5 base net")
    assert "PI-1's fee terms are now 30% pre-suit, 40% in litigation, on the net of costs" in answer.text
    statement = workspace.case("U1", "accounting PI-1 10k costs 1,000").all_text
    assert "Fee (30% of $9,000.00 net of costs): −$2,700.00" in statement
    assert "Fee terms from this case's retainer" in statement
    spaced = workspace.case("U1", "fees PI-1 presuit 33 1/3% base default")
    assert "33⅓% pre-suit, 40% in litigation, on the gross" in spaced.text
    assert "/case fees" in workspace.case("U1", "help").all_text


def test_handover_moves_a_managers_open_cases_for_a_lead(workspace: Slack) -> None:
    workspace.case("UADMIN", "role <@ULEAD> lead")
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    workspace.case("U1", "new PI-2 Sam Poe 2026-11-02")
    workspace.case("U1", "close PI-2 dropped")
    answer = workspace.case("ULEAD", "handover <@U1|dana> to <@U2>")
    assert "Moved 1 open case from <@U1> to <@U2>, with" in answer.text and "PI-1" in answer.text
    assert services.show_case(workspace.firm, "U2", "PI-1").manager == "U2"
    assert services.show_case(workspace.firm, "UADMIN", "PI-2").manager == "U1", "closed cases stay"
    assert "PI-1" in workspace.case("U2", "mine").all_text
    assert "no open cases" in workspace.case("ULEAD", "handover <@U1> <@U2>").text
    assert "/case handover" in workspace.case("U1", "help").all_text


# Each row: who, text, a phrase the refusal must say.
BAD_INPUT = [
    ("U1", "sol", "Which case?"),
    ("U1", "sol PI-1", "Give the limitation date, or “loss”"),
    ("U1", "sol PI-1 2028-02-30", "“2028-02-30” is not a day (February 2028 has 29)"),
    ("U1", "sol PI-1 02/30/2028", "“02/30/2028” is not a day (February 2028 has 29)"),
    ("U1", "sol PI-1 3/2", "“3/2” is not a day casebot can place without its year"),
    ("U1", "sol PI-1 soon", "I don't know what to do with"),
    ("U1", "sol PI-1 loss", "Give the day of the loss"),
    ("U1", "sol PI-1 loss 2026-03-02", "Give the state"),
    ("U1", "sol PI-1 loss 2026-03-02 California", "is not a state"),
    ("U1", "sol PI-1 loss 2026-03-02 ZZ", "“ZZ” is not a state casebot knows"),
    ("U1", "sol PI-1 loss 2026-12-25 CA", "in the future"),
    ("U1", "sol PI-1 2028-03-02 extra", "I don't know what to do with"),
    ("U1", "sol PX-9 2028-03-02", "There is no case PX-9"),
    ("U2", "sol PI-1 2028-03-02", "There is no case PI-1 that you can see."),
    ("U1", "fees PI-1", "Give at least one term"),
    ("U1", "fees PI-1 presuit", "Give the presuit fee rate"),
    ("U1", "fees PI-1 presuit lots", "is not a presuit fee rate"),
    ("U1", "fees PI-1 litigation 140%", "less than 100%"),
    ("U1", "fees PI-1 base", "whether the fee is on gross or net"),
    ("U1", "fees PI-1 base gross-ish", "is not gross or net"),
    ("U1", "fees PI-1 bonus 5%", "is not presuit, litigation or base"),
    ("U1", "fees PI-1 presuit 30% presuit 35%", "Give presuit once"),
    ("U2", "fees PI-1 presuit 30%", "There is no case PI-1 that you can see."),
    ("U1", "handover <@U1> <@U2>", "Only a lead or an admin"),
    ("UADMIN", "handover", "Slack mention"),
    ("UADMIN", "handover <@U1>", "Slack mention"),
    ("UADMIN", "handover dana lee", "is not a Slack mention"),
    ("UADMIN", "handover <@U1> <@U1>", "Move the cases to someone else"),
    ("UADMIN", "handover <@U1> <@UGUEST>", "a guest"),
    ("UADMIN", "handover <@U1> <@UBOT>", "a bot"),
    ("UADMIN", "handover <@U1> <@U2> now", "I don't know what to do with"),
    ("U1", "new PI-2 Jo Doe sol 2028-13-01", "“2028-13-01” is not a day: there is no month 13"),
    ("U1", "new PI-2 Jo Doe sol 2028-01-01 sol 2028-02-01", "statute of limitations date once"),
]
USAGE_OF = {
    "sol": "/case sol <case-no>",
    "fees": "/case fees <case-no>",
    "handover": "/case handover @from @to",
    "new": "/case new <case-no>",
}


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
    usage = USAGE_OF[text.split()[0]]
    assert f"Usage: `{usage}" in answer.all_text, answer.all_text
    example = re.search(r"Example: `([^`]*)`", answer.all_text)
    assert example and example.group(1).startswith("/case "), "a whole command a person can copy"
    assert services.show_case(workspace.firm, "U1", "PI-1") == before_card
    assert workspace.audit_count() == before_audit


# ---------------------------------------------------------------- privacy


def test_nothing_public_carries_amounts_or_provider_names(workspace: Slack) -> None:
    workspace.case("UADMIN", "role <@ULEAD> lead")
    workspace.case("U1", "new PI-1 Jane Roe 2026-10-01 sol 2027-01-15")
    workspace.case("U1", "provider PI-1 add Valley Orthopedics 2026-10-01")
    workspace.case("U1", "holdup PI-1 billing")
    workspace.offer("U1", "received PI-1 12,500 2026-11-20")
    workspace.case("U1", "fees PI-1 presuit 30%")
    workspace.case("U1", "sol PI-1 loss 2025-02-01 CA")
    workspace.case("U1", "show PI-1")
    workspace.case("ULEAD", "overdue")
    workspace.click("ULEAD", "overdue_page_next", json.dumps({"page": 2, "user": None}))
    workspace.case("ULEAD", "handover <@U1> <@U2>")
    workspace.event(
        {"type": "app_home_opened", "user": "ULEAD", "tab": "home", "channel": "DULEAD"}, event_id="EvP"
    )

    for where, text in workspace.public_posts():
        assert not SENSITIVE.search(text), (where, text)
    assert all(a.get("response_type") == "ephemeral" for a in workspace.acks if a.get("blocks"))
