"""Case numbers can't be walked: through the real server, someone who may not see a case gets, for every
subcommand and every digest button, exactly the reply they get for a number that is no case; /case new
says a number is taken without whose it is; nothing changes."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from bot import services
from bot.services.exports import export_data
from handlers.blocks.digests import LOG_CONTACT as DIGEST_LOG_CONTACT
from handlers.blocks.digests import OPEN_CASE, SNOOZE
from handlers.commands.table import TABLES
from handlers.slack.standin import SlackStandIn
from tests.kit.served import ServedSlack

CLIENT = "Imogen Vantablack"


@pytest.fixture
def standin(standin: SlackStandIn) -> SlackStandIn:
    standin.add_user("U3", name="u3")
    return standin


def _examples() -> list[tuple[str, str]]:
    """Every subcommand's example that names a case (PI-2041 in the table), as (command, words); but `new`,
    which makes a missing number a case (test_a_taken_number_says_so_without_whose_or_for_whom)."""
    out = []
    for command, table in TABLES.items():
        for sub in table.subcommands:
            example = sub.example_line
            words = example.split(" ", 1)[1] if " " in example else ""
            if "PI-2041" in words and sub.name != "new":
                out.append((command, words))
    return out


def _reply(slack: ServedSlack, user: str, command: str, words: str) -> str:
    answer = slack.command(user, words, command)
    return answer.all_text


def test_every_subcommand_answers_a_hidden_case_as_a_missing_one(served: ServedSlack) -> None:
    served.case("U1", f"new PI-2041 {CLIENT} 2026-11-02 sol 2027-10-01")
    served.case("U1", "provider PI-2041 add Quillfeather Clinic 2026-11-03")
    served.case("U3", "new PI-77 Sam Poe 2026-11-02")  # U2 sees neither
    served.case("U2", "mine")
    before = export_data(served.firm)
    examples = _examples()
    assert len(examples) >= 20, examples
    differ = []
    for command, words in examples:
        existing = _reply(served, "U2", command, words)
        missing = _reply(served, "U2", command, words.replace("PI-2041", "PI-2042"))
        if existing != missing.replace("PI-2042", "PI-2041"):
            differ.append((command, words, existing, missing))
        assert "<@U1>" not in existing and CLIENT not in existing and "Quillfeather" not in existing
    assert differ == []
    assert export_data(served.firm) == before, "nothing changed"
    shown = _reply(served, "U2", "/case", "show PI-2041")
    assert "There is no case PI-2041 that you can see." in shown
    assert _reply(served, "U1", "/case", "show PI-2041").count(CLIENT) >= 1, "its manager still sees it"


def test_the_digest_buttons_read_only_cases_the_clicker_may_see(served: ServedSlack) -> None:
    served.case("U1", f"new PI-1 {CLIENT} 2026-11-02")
    served.case("U2", "mine")
    items = services.due_for(served.firm, ["U1"], date(2027, 1, 30))
    real = items[0].obligation_id
    guessed = real + 1000
    before = export_data(served.firm)

    def clicks(o: int) -> list[str]:
        mark = len(served.standin.calls)
        served.click("U2", DIGEST_LOG_CONTACT, json.dumps({"o": o}), channel="DU2")
        served.click(
            "U2",
            SNOOZE,
            "",
            channel="DU2",
            action={"type": "static_select", "selected_option": {"value": f"{o}:tomorrow"}},
        )
        return [
            re.sub(r"\b\d+\b", "N", json.dumps(c.params.get("text")))
            for c in served.standin.calls[mark:]
            if c.method == "response_url"
        ]

    assert clicks(real) == clicks(guessed) == ['"That reminder no longer exists."'] * 2
    served.click("U2", OPEN_CASE, "PI-1", channel="DU2")
    assert CLIENT not in json.dumps([c.params for c in served.standin.calls if c.method == "response_url"])
    assert export_data(served.firm) == before


def test_a_taken_number_says_so_without_whose_or_for_whom(served: ServedSlack) -> None:
    served.case("U1", f"new PI-1 {CLIENT} 2026-11-02")
    served.case("U2", "mine")
    before = export_data(served.firm)
    taken = served.case("U2", "new PI-1 John Doe 2026-11-02").all_text
    assert "PI-1 is taken: a new case needs a number of its own." in taken
    assert "<@U1>" not in taken and CLIENT not in taken and "/case show PI-1" not in taken
    own = served.case("U1", "new pi-1 John Doe 2026-11-02").all_text
    assert "PI-1 already exists: /case show PI-1" in own, "who may see it is pointed to it"
    assert export_data(served.firm) == before
