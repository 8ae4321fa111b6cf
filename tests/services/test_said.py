"""Services say data: the people and commands in a message are parts, never Slack text the core wrote;
handlers/ turns them into mentions and whole slash commands."""

from __future__ import annotations

import ast
from pathlib import Path

from bot import services as sv
from bot.errors import InputError, NotAllowed
from bot.rules.said import OFFER_SUBCOMMANDS, Command, Person, command, names_a_command, said
from bot.services.firm import Firm
from bot.services.imports import import_cases
from handlers.blocks import build_message
from handlers.commands import TABLES
from handlers.parse import manager_cell
from handlers.refusals import refusal
from handlers.said import say, slash_command

REPO = Path(__file__).resolve().parents[2]
# The firm's own playbook words, sent as written (a talking point names the command it means).
PLAYBOOK_PROSE = {"In litigation the fee rises from 33⅓% to 40%: show the net both ways (/case accounting)."}


def _strings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_the_core_writes_no_mention_and_no_slash_command() -> None:
    core = [*(REPO / "bot" / "services").glob("*.py"), *(REPO / "bot" / "rules").glob("*.py")]
    core.append(REPO / "bot" / "errors.py")
    found = [
        f"{path.relative_to(REPO)}:{line}: {text[:70]!r}"
        for path in core
        if path.name != "said.py"
        for line, text in _strings(path)
        if text not in PLAYBOOK_PROSE and ("<@" in text or "/case " in text or "/offer " in text)
    ]
    assert not found, "say it with bot.rules.said (Person, Command):\n" + "\n".join(found)


def test_a_message_keeps_its_people_and_commands_as_data() -> None:
    message = said("PI-1 is ", Person("U1"), "'s case; try ", Command("close PI-1 settled"), ".")
    assert message.parts[1] == Person("U1") and message.parts[3] == Command("close PI-1 settled")
    assert message == "PI-1 is <@U1>'s case; try /case close PI-1 settled."  # the plain form: logs and tests
    longer = "Refused: " + message + " Nothing changed."
    assert Person("U1") in longer.parts and Command("close PI-1 settled") in longer.parts
    assert names_a_command(command("show PI-1")) and not names_a_command("2026-11-02")


def test_handlers_show_a_mention_and_the_whole_command() -> None:
    offer = {sub.name for sub in TABLES["/offer"].subcommands} - {"help"}
    assert offer == OFFER_SUBCOMMANDS, "bot/rules/said.py names /offer's subcommands as the table does"
    shown = say(said(Person("U1"), " told ", Command("informed PI-1 2"), "; see ", Command("show PI-1")))
    assert shown == "<@U1> told /offer informed PI-1 2; see /case show PI-1"
    assert slash_command("close PI-1 settled") == "/case close PI-1 settled"
    reply = build_message(said("You are away. Name a cover with ", Command("away cover @someone"), "."))
    assert reply.text == "You are away. Name a cover with /case away cover @someone."
    refused = refusal(InputError("There is no offer 3.", example=command("informed PI-1 2")))
    assert (
        "Example: `/offer informed PI-1 2`" in refused.text
        or "Example: /offer informed PI-1 2" in refused.text
    )


def test_a_refusal_to_someone_who_may_not_see_the_case_names_no_one(firm: Firm) -> None:
    """Case numbers and their managers cannot be walked: the refusal is a missing case's, naming nobody."""
    sv.create_case(firm, "U1", "PI-1", "Jane Roe")
    try:
        sv.log_contact(firm, "U2", "PI-1")
    except NotAllowed as exc:
        assert Person("U1") not in getattr(exc.message, "parts", ())
        assert "U1" not in say(exc.message) and "Jane" not in say(exc.message)
        assert say(exc.message) == "There is no case PI-1 that you can see."
    else:
        raise AssertionError("U2 may not change U1's case")


def test_the_import_service_reads_ids_and_emails_and_the_entry_point_reads_mentions(firm: Firm) -> None:
    header = "case_number,client,manager"
    refused = import_cases(firm, f"{header}\nPI-2,B,<@U0LEE002|lee>\n")
    assert not refused.ok and "manager <@U0LEE002|lee> is an email" in refused.errors[0][1]
    assert (
        manager_cell("<@U0LEE002|lee>") == "U0LEE002"
        and manager_cell("dana@firm.example") == "dana@firm.example"
    )
    assert import_cases(firm, f"{header}\nPI-2,B,<@U0LEE002|lee>\n", person=manager_cell).ok


def test_what_a_person_typed_is_a_part_that_slack_shows_as_typed() -> None:
    from bot.rules.said import Typed, typed
    from handlers.blocks import esc_message
    from handlers.render import mrkdwn

    message = said("Fixed PI-1 (was ", typed("<!here> *x* & <@U9>"), ") by ", Person("U1"), ".")
    assert Typed("<!here> *x* & <@U9>") in message.parts
    assert message == "Fixed PI-1 (was <!here> *x* & <@U9>) by <@U1>."  # the plain form: logs, forms
    assert say(message) == message
    for shown in (esc_message(message), build_message(message).text):
        assert "<!here>" not in shown and "*x*" not in shown and "<@U9>" not in shown and " & " not in shown
        assert "by <@U1>." in shown  # casebot's own mention stays one
        assert mrkdwn(shown) == "Fixed PI-1 (was <!here> *x* & <@U9>) by @U1."
