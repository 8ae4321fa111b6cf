"""Who may do what, refused by the error's type and with nothing changed: for every command a person may not
give, the refusal is NotAllowed (a case they may not see is HiddenCase, told in the words of a number that
is no case), and the firm's whole export is the same before and after. The words are checked too, once."""

from __future__ import annotations

import pytest

from bot.errors import CasebotError, HiddenCase, NotAllowed
from tests.kit.workspace import Slack

CASE = "new PI-1 Jane Roe 2026-11-02"
HIDDEN = "There is no case PI-1 that you can see."
LEAD_ONLY = "Only a lead or an admin"

# (who, command, text, the error, what they read)
REFUSED: list[tuple[str, str, str, type[CasebotError], str]] = [
    (
        "U1",
        "/case",
        "new PI-2 Jo Doe 2026-11-02 <@U2>",
        NotAllowed,
        f"{LEAD_ONLY} can open a case for someone else",
    ),
    ("U1", "/case", "advance PI-1 demand_queue because the bill is late", NotAllowed, LEAD_ONLY),
    ("U1", "/case", "close PI-1 settled because the client signed early", NotAllowed, LEAD_ONLY),
    ("U1", "/case", "overdue <@U2>", NotAllowed, LEAD_ONLY),
    ("U1", "/case", "handover <@U1> <@U2>", NotAllowed, LEAD_ONLY),
    ("U1", "/case", "role <@U2> lead", NotAllowed, "Only an admin"),
    ("ULEAD", "/case", "role <@U2> admin", NotAllowed, "Only an admin"),
    ("UGUEST", "/case", "mine", NotAllowed, "a guest"),
    ("USINGLE", "/case", "show PI-1", NotAllowed, "a guest"),
    ("UBOT", "/case", "mine", NotAllowed, "a bot"),
    ("UGONE", "/case", "mine", NotAllowed, "deactivated"),
    ("U2", "/case", "show PI-1", HiddenCase, HIDDEN),
    ("U2", "/case", "contacted PI-1 client", HiddenCase, HIDDEN),
    ("U2", "/case", "contacted PI-1 client voicemail", HiddenCase, HIDDEN),
    ("U2", "/case", "provider PI-1 add Mercy 2026-11-03", HiddenCase, HIDDEN),
    ("U2", "/case", "advance PI-1", HiddenCase, HIDDEN),
    ("U2", "/case", "holdup PI-1 other waiting on the insurer", HiddenCase, HIDDEN),
    ("U2", "/case", "assign PI-1 <@U2>", HiddenCase, HIDDEN),
    ("U2", "/case", "close PI-1 dropped", HiddenCase, HIDDEN),
    ("U2", "/case", "sol PI-1 2028-03-02", HiddenCase, HIDDEN),
    ("U2", "/case", "fees PI-1 presuit 30%", HiddenCase, HIDDEN),
    ("U2", "/case", "history PI-1", HiddenCase, HIDDEN),
    ("U2", "/offer", "received PI-1 10k", HiddenCase, HIDDEN),
    ("U2", "/offer", "list PI-1", HiddenCase, HIDDEN),
]


@pytest.fixture
def workspace(workspace: Slack) -> Slack:
    workspace.case("U1", CASE)
    workspace.case("U1", "provider PI-1 add Valley Orthopedics 2026-11-02")
    workspace.case("UADMIN", "role <@ULEAD> lead")
    return workspace


@pytest.mark.parametrize(
    ("user", "command", "text", "error", "says"), REFUSED, ids=[f"{r[1]} {r[2]} as {r[0]}" for r in REFUSED]
)
def test_a_command_someone_may_not_give_is_refused_by_type_and_changes_nothing(
    workspace: Slack, user: str, command: str, text: str, error: type[CasebotError], says: str
) -> None:
    answer = workspace.refused(user, text, error, command)
    assert says in answer.all_text, answer.all_text
    assert answer.body.get("response_type") == "ephemeral"


def test_the_same_commands_from_someone_who_may_give_them_go_through(workspace: Slack) -> None:
    """The other side of the table: the case's manager, a lead and an admin are not refused."""
    assert "client contact on PI-1" in workspace.case("U1", "contacted PI-1 client").all_text
    assert "client contact on PI-1" in workspace.case("ULEAD", "contacted PI-1 client").all_text
    assert ":warning:" not in workspace.case("ULEAD", "overdue <@U1>").all_text
    assert "is now a lead" in workspace.case("UADMIN", "role <@U2> lead").all_text
    assert "client contact on PI-1" in workspace.case("U2", "contacted PI-1 client").all_text
