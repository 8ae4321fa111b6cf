"""A reassignment does not keep the old team silently: `/case assign` and `/case handover` clear the case's
team unless the lead adds keep-team, the reply says which, and the new manager is told in their DM. Through the
real server; the old team's member is then refused exactly as for a case that does not exist."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.services.exports import export_data
from handlers.render import render_message
from handlers.slack.standin import SlackStandIn
from tests.kit.served import ServedSlack

CLIENT = "Imogen Vantablack"


@pytest.fixture
def standin(standin: SlackStandIn) -> SlackStandIn:
    standin.add_user("U3", name="u3")
    return standin


@pytest.fixture
def served(served: ServedSlack) -> Iterator[ServedSlack]:
    served.case("UADMIN", "role <@ULEAD> lead")
    served.case("U1", f"new PI-7 {CLIENT} 2026-11-02")
    served.case("U1", "team PI-7 add <@U3>")
    yield served
    assert served.public_posts() == []


def said(served: ServedSlack, user: str, text: str) -> str:
    answer = served.case(user, text)
    return render_message(answer.body.get("text"), answer.body.get("blocks"))


def dms_to(served: ServedSlack, user: str) -> list[str]:
    return [
        render_message(c.params.get("text"), c.params.get("blocks"))
        for c in served.standin.calls_to("chat.postMessage")
        if c.params.get("channel") == user
    ]


def assert_refused_as_missing(served: ServedSlack, user: str) -> None:
    """Nothing of the case reaches them, in the same words as for a number that is no case; and what they
    try changes nothing."""
    before = export_data(served.firm)
    for words in ("show PI-7", "contacted PI-7 client called", "history PI-7"):
        existing = said(served, user, words)
        missing = said(served, user, words.replace("PI-7", "PI-70"))
        assert existing == missing.replace("PI-70", "PI-7")
        assert "There is no case PI-7 that you can see." in existing and CLIENT not in existing
    assert export_data(served.firm) == before


def test_assign_clears_the_team_says_so_and_tells_the_new_manager(served: ServedSlack) -> None:
    reply = said(served, "ULEAD", "assign PI-7 <@U2>")
    assert "PI-7 is now @U2's (was @U1's); its open obligations went along." in reply
    assert "Its team no longer sees it: @U3. To keep them, Undo and add keep-team:" in reply
    assert "/case assign PI-7 @U2 keep-team" in reply
    assert_refused_as_missing(served, "U3")
    assert_refused_as_missing(served, "U1")
    (told,) = dms_to(served, "U2")
    assert f"@ULEAD gave you PI-7 ({CLIENT}): you manage it now" in told and "team" not in told
    assert CLIENT in said(served, "U2", "show PI-7")


def test_keep_team_keeps_it_says_so_and_the_new_manager_hears_who_is_on_it(served: ServedSlack) -> None:
    reply = said(served, "ULEAD", "assign PI-7 <@U2> keep-team")
    assert "Its team stays on it (keep-team): @U3." in reply and "no longer sees" not in reply
    assert CLIENT in said(served, "U3", "show PI-7")
    (told,) = dms_to(served, "U2")
    assert "Its team works it with you: @U3." in told
    # Written the way people write it, before or after the manager.
    assert "stays on it" in said(served, "ULEAD", "assign PI-7 keep team <@U1>")
    assert "stays on it" in said(served, "ULEAD", "reassign pi-7 <@U2> Keep_Team")


def test_a_team_member_given_the_case_leaves_its_team(served: ServedSlack) -> None:
    reply = said(served, "ULEAD", "assign PI-7 <@U3> keep-team")
    assert "PI-7 is now @U3's" in reply and "Its team" not in reply
    card = said(served, "U3", "show PI-7")
    assert "manager @U3" in card and " · team " not in card


def test_undo_puts_the_manager_and_the_team_back(served: ServedSlack) -> None:
    said(served, "ULEAD", "assign PI-7 <@U2>")
    history = said(served, "ULEAD", "history PI-7")
    assert "manager changed from @U1 to @U2; its team no longer sees it: @U3" in history
    assert "Undid your change of manager on PI-7" in said(served, "ULEAD", "undo PI-7")
    assert CLIENT in said(served, "U3", "show PI-7") and CLIENT in said(served, "U1", "show PI-7")
    assert_refused_as_missing(served, "U2")

    # Taking someone off the team is undone the same way.
    removed = said(served, "U1", "team PI-7 remove <@U3>")
    assert "@U3 is off PI-7's team." in removed and "[Undo]" in removed
    assert_refused_as_missing(served, "U3")
    assert "Undid your removal of @U3 from the team on PI-7" in said(served, "U1", "undo PI-7")
    assert CLIENT in said(served, "U3", "show PI-7")


@pytest.mark.parametrize(
    ("words", "says"),
    [
        ("assign PI-7 <@U2> keep-tem", "did you mean keep-team?"),
        ("assign PI-7 <@U2> keepteams", "did you mean keep-team?"),
        ("assign PI-7 <@U2> keep-team now", "I don't know what to do with “now”"),
        ("handover <@U1> <@U2> kep-team", "did you mean keep-team?"),
    ],
)
def test_a_mistyped_keep_team_is_refused_and_changes_nothing(
    served: ServedSlack, words: str, says: str
) -> None:
    before = export_data(served.firm)
    reply = said(served, "ULEAD", words)
    assert says in reply and "Usage: /case " in reply
    assert export_data(served.firm) == before
    assert served.standin.calls_to("chat.postMessage") == []


def test_a_handover_clears_every_team_unless_keep_team(served: ServedSlack) -> None:
    served.case("U1", "new PI-9 Zed Alder 2026-11-02")
    served.case("U1", "team PI-9 add <@U3>")
    served.case("U1", "team PI-9 add <@UADMIN>")
    reply = said(served, "ULEAD", "handover <@U1> to <@U2>")
    assert "Moved 2 open cases from @U1 to @U2" in reply
    assert "Their teams no longer see them: @U3 (PI-7, PI-9), @UADMIN (PI-9)." in reply
    assert "/case team PI-7 add @U3" in reply and "keep-team" in reply
    assert_refused_as_missing(served, "U3")
    (told,) = dms_to(served, "U2")
    assert "@ULEAD gave you 2 open cases" in told and "PI-7, PI-9" in told and "cleared" in told
    assert CLIENT not in told  # a list of cases names no client

    served.case("ULEAD", "team PI-7 add <@U3>")
    reply = said(served, "ULEAD", "handover <@U2> <@U1> keep-team")
    assert "Moved 2 open cases from @U2 to @U1" in reply
    assert "Their teams stay on them (keep-team): @U3 (PI-7)." in reply
    assert CLIENT in said(served, "U3", "show PI-7")
    assert "Their teams stay on them." in dms_to(served, "U1")[-1]
