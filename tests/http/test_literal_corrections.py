"""A correction quotes what it replaced, and an undo what it took away: a value a person typed, shown as
typed, through the real server. A client name planted through the New case form, or a provider, adjuster or
name given on the command line, never becomes a link, a mention or formatting for the lead who corrects it."""

from __future__ import annotations

from typing import Any

import pytest

from bot.services.exports import export_data
from handlers.blocks.replies import UNDO
from handlers.render import render_message
from tests.kit.served import ServedSlack
from tests.kit.slack_bodies import mrkdwn_of

HOSTILE = "<https://evil.example|Dana> *X* <!here> & co"
PROVIDER = "<!channel> _Ortho_ `rm` <@U999>"
# What Slack would read as a link, a mention or formatting if it reached mrkdwn as typed.
MARKUP = ("<https://evil.example|Dana>", "*X*", "<!here>", " & ", "<!channel>", "_Ortho_", "`rm`", "<@U999>")


def assert_literal(body: dict[str, Any], *shows: str) -> str:
    """No markup as typed anywhere Slack parses it, and a person reads each of `shows` exactly as typed."""
    for piece in mrkdwn_of(str(body.get("text", "")), body.get("blocks") or []):
        for raw in MARKUP:
            assert raw not in piece, f"{raw!r} reaches Slack as markup in {piece!r}"
    read = render_message(body.get("text"), body.get("blocks"))
    for typed in shows:
        assert typed in read, f"{typed!r} not shown as typed in:\n{read}"
    return read


@pytest.fixture
def served(served: ServedSlack) -> ServedSlack:
    served.case("UADMIN", "role <@ULEAD> lead")
    return served


def _plant(served: ServedSlack, client: str = HOSTILE) -> None:
    """A case opened through the New case form, which takes a name exactly as typed."""
    answer = served.submit(
        "U1",
        "new_case",
        {"number": {"value": "PI-7"}, "client": {"value": client}, "on": {"selected_date": "2026-11-02"}},
    )
    assert answer.status == 200 and answer.body == {}, answer


def _undo_value(body: dict[str, Any]) -> str:
    for block in body.get("blocks") or []:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == UNDO:
            return str(accessory["value"])
    raise AssertionError(f"no Undo button in {body}")


def test_fixing_a_planted_client_name_shows_the_name_it_replaced_as_typed(served: ServedSlack) -> None:
    _plant(served)
    fixed = served.case("ULEAD", "fix PI-7 name Dana Smith")
    read = assert_literal(fixed.body, f"(was {HOSTILE})")
    assert "Fixed PI-7's client name: Dana Smith" in read

    # Undone from the command, and from the reply's own Undo button (a second fix to undo): each reply as typed.
    undone = served.case("ULEAD", "undo PI-7")
    assert "Undid your correction of the client name on PI-7" in assert_literal(undone.body)
    again = served.case("ULEAD", "fix PI-7 client Dana Smith")
    served.click("ULEAD", UNDO, _undo_value(again.body))
    (clicked,) = served.standin.calls_to("response_url")[-1:]
    assert "Undid your correction of the client name" in assert_literal(clicked.params)
    shown = served.case("ULEAD", "show PI-7")
    assert_literal(shown.body, HOSTILE)  # the name put back, as typed


def test_a_refused_fix_quotes_the_name_as_typed_and_changes_nothing(served: ServedSlack) -> None:
    _plant(served)
    before = export_data(served.firm)
    same = served.case("ULEAD", f"fix PI-7 client {HOSTILE}")
    assert "client is already" in assert_literal(same.body, HOSTILE)
    assert export_data(served.firm) == before


def test_fixing_a_provider_and_an_adjuster_shows_both_values_as_typed(served: ServedSlack) -> None:
    _plant(served, "Jane Roe")
    served.case("U1", f"provider PI-7 add {PROVIDER} 2026-11-03")
    renamed = served.case("U1", "fix PI-7 provider 1 name Valley Ortho")
    assert_literal(renamed.body, f"Valley Ortho (was {PROVIDER})")
    served.case("U1", f"provider PI-7 add {HOSTILE} 2026-11-04")
    dated = served.case("U1", "fix PI-7 provider 2 requested 11/5")
    assert_literal(dated.body, f"Fixed {HOSTILE} on PI-7: records and bills requested")
    missing = served.case("U1", "fix PI-7 provider Zeta requested 11/5")
    assert_literal(missing.body, f"Its providers: 1. Valley Ortho, 2. {HOSTILE}.")

    for n in (1, 2):
        served.case("U1", f"provider PI-7 received {n} both 2026-11-10")
    served.case("U1", "advance PI-7 2026-11-12")
    served.case("U1", f"demand PI-7 sent 2026-11-20 adjuster {PROVIDER}")
    adjuster = served.case("U1", "fix PI-7 demand adjuster Chris Nolan")
    assert_literal(adjuster.body, f"sent to Chris Nolan (was {PROVIDER})")


def test_undoing_a_provider_names_the_provider_it_took_away_as_typed(served: ServedSlack) -> None:
    _plant(served, "Jane Roe")
    added = served.case("U1", f"provider PI-7 add {PROVIDER} 2026-11-03")
    undone = served.case("U1", "undo PI-7")
    assert_literal(undone.body, f"Undid your provider {PROVIDER} added on PI-7")
    # The same through the Undo button of a second one: the reply replaces the message it was pressed in.
    added = served.case("U1", f"provider PI-7 add {PROVIDER} 2026-11-03")
    served.click("U1", UNDO, _undo_value(added.body))
    clicked = served.standin.calls_to("response_url")[-1]
    assert_literal(clicked.params, f"Undid your provider {PROVIDER} added on PI-7")
    assert PROVIDER not in render_message(
        *(served.case("U1", "show PI-7").body.get(k) for k in ("text", "blocks"))
    )
