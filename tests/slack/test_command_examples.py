"""Usage examples are whole commands (issue 18 item 13): every example the command table shows (each
subcommand's and each form's) and every example a refusal shows is a whole slash command with real-looking
values, never a bare `<day>` or a placeholder, and its own parser accepts it as Slack would send it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot.errors import CasebotError
from handlers.commands import TABLES
from handlers.commands.subcommand import Form, Subcommand
from handlers.parse import words_of
from tests.kit.clock import Clock
from tests.kit.workspace import Slack

TODAY = date(2026, 11, 30)  # a Monday
# An example is shown all year round: it must read on any day after the ones it names, including the 60 days
# before a yearless day's date, when that day is refused as just ahead.
YEAR_ROUND = [date(2027, month, day) for month in range(1, 13) for day in (1, 10, 20)]
# A mention as typed in an example (`@dana`), which Slack sends escaped (`<@UDANA|dana>`).
_TYPED_MENTION = re.compile(r"(?<![<\w])@([a-z][\w.-]*)")
_PLACEHOLDER = re.compile(r"<[^@>]*>|YYYY|\bday\b|…|\[|\]")


def as_slack_sends(line: str) -> str:
    return _TYPED_MENTION.sub(lambda m: f"<@U{m.group(1).upper().replace('.', '')}|{m.group(1)}>", line)


def example_problem(line: str, want: Form | Subcommand[Any] | None = None, today: date = TODAY) -> str | None:
    """Why `line` is not a whole command its own parser accepts on `today` (and, given `want`, reads as that
    entry or form), or None when it is one."""
    if _PLACEHOLDER.search(line):
        return f"{line!r} has a placeholder, not a real-looking value"
    command, _, rest = line.partition(" ")
    table = TABLES.get(command)
    if table is None:
        return f"{line!r} is not a /case or /offer command"
    words = words_of(as_slack_sends(rest), today)
    try:
        sub = table.find(words.pop(0) if words else "help")
        args = sub.parse(words)
    except CasebotError as exc:
        return f"{line!r} is refused by its own parser on {today}: {exc.message}"
    if want is not None and sub.shown_for(args) is not want and sub is not want:
        return f"{line!r} reads as another form of {sub.name}"
    return None


ENTRIES: list[tuple[str, Form | Subcommand[Any]]] = [
    (shape.example_line, shape)
    for table in TABLES.values()
    for sub in table.subcommands
    for shape in (sub, *sub.forms.values())
]


@pytest.fixture(autouse=True)
def _today(clock: Clock) -> None:
    clock.set(TODAY)


@pytest.mark.parametrize(("line", "shape"), ENTRIES, ids=[line for line, _ in ENTRIES])
def test_every_example_in_the_table_is_a_whole_command_its_parser_accepts(
    line: str, shape: Form | Subcommand[Any]
) -> None:
    want = shape if isinstance(shape, Form) else None
    problems = [p for day in YEAR_ROUND if (p := example_problem(line, want, day)) is not None]
    assert not problems, problems


@pytest.mark.parametrize(
    ("example", "why"),
    [
        ("PI-2041 120 records copying <day>", "placeholder"),
        ("PI-2041 120 [day] records copying", "placeholder"),
        ("PI-2041 twelve records copying", "refused by its own parser"),
        ("120 records copying", "refused by its own parser"),
    ],
)
def test_the_check_fails_an_example_that_is_a_placeholder_or_does_not_parse(example: str, why: str) -> None:
    cost = TABLES["/case"].find("cost")
    broken = replace(cost, example=example)
    problem = example_problem(broken.example_line, broken)
    assert problem is not None and why in problem, problem
    assert example_problem(cost.example_line, cost) is None


def test_the_check_fails_an_example_that_reads_as_another_form() -> None:
    provider = TABLES["/case"].find("provider")
    add, received = list(provider.forms.values())[:2]
    assert example_problem(add.example_line, received) is not None
    assert example_problem(received.example_line, received) is None


# What people get wrong, after each subcommand's name: nothing, a missing case, junk, a day that does not
# exist, a day just ahead (refused), a day in the future, and a typo of a vocabulary word.
MISTAKES = ("", "PI-1", "PI-1 zzz", "PI-1 2026-99-99", "PI-1 12/14", "PI-1 2026-12-20", "PI-404 zzz")
TYPOS = (
    "contacted PI-1 cleint talked to Zoë",
    "contacted PI-1 client 11/27 voicemial",
    "provider PI-1 recieved 1 both",
    "holdup PI-1 biling itemized bill",
    "close PI-1 setled",
    "close PI-1 settled",
    "close PI-1 litigation",
    "demand PI-1 sent 2026-12-20",
    "cost PI-1 350 records fee 10/2",
    "contacted PI-1 Renée left voicemail",
    "advance PI-1 demand_queue because",
    "sol PI-1 loss 2026-03-02 ZZ",
    "sol PI-1 loss 2026-03-02",
    "fees PI-1 presuit 120%",
    "fees PI-1 base sideways",
    "accounting PI-1 0",
    "accounting PI-1 60k litigation-costs -5",
    "statement PI-1 0",
    "bill PI-1 1 0",
    "bill PI-1 1 100 paid 200",
    "lien PI-1 add Blue Cross 0",
    "handover <@U1> <@U1>",
    "away until 2026-11-02",
    "claim PI-1 rejected 2026-12-20",
    "claim-deadline PI-1 12/14",
    "fix PI-1 treatment 2026-12-20",
    "new PI-2 Jane Doe 2026-12-20",
)


def test_every_example_a_refusal_shows_is_a_whole_command_its_parser_accepts(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    lines = [
        (command, f"{sub.name} {mistake}".strip())
        for command, table in TABLES.items()
        for sub in table.subcommands
        if sub.name != "help"
        for mistake in MISTAKES
    ]
    lines += [("/case", typo) for typo in TYPOS]
    problems, seen = [], 0
    for command, text in lines:
        answer = workspace.command("U1", text, command).all_text
        for example in re.findall(r"Example: `([^`]*)`", answer):
            seen += 1
            example = example.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            if (problem := example_problem(example)) is not None:
                problems.append(f"{command} {text} → {problem}")
    assert seen > len(lines) // 2, "most of those lines are refused with an example"
    assert not problems, "\n".join(problems)
