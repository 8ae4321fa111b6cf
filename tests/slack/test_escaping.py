"""What people type shows as typed: a client, provider or note that looks like a mention, a link or formatting
is never rendered as one, on the card, /case overdue, the Home tab, a digest, the alerts and every fallback text.

Slack reads mrkdwn (sections, context, confirm dialogs, a message's `text`); plain_text (headers, buttons) is
never parsed, so only mrkdwn is checked for raw markup, and the console's rendering for what a person reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from bot import services
from bot.delivery.ports import (
    CaseFlags,
    DigestMessage,
    EscalationMessage,
    LimitationAlertMessage,
    ReminderMessage,
    WeeklyReportMessage,
)
from bot.entrypoints.operator import digest_command
from bot.rules.said import person, quoted, said
from bot.rules.said import typed as typed_part
from bot.services.cards import DueItem
from handlers.blocks import esc, esc_message
from handlers.blocks.outbound import build_notification
from handlers.render import mrkdwn, render_message, render_view
from handlers.slack.client import make_client
from handlers.slack.notifier import SlackNotifier
from tests.kit.slack_bodies import assert_valid_blocks, mrkdwn_of
from tests.kit.workspace import Slack

CLIENT = "<!here> <https://evil.example|Jane> *URGENT*"
NOTE = "<@U999> says _call_ ~now~ `rm`"
PROVIDER = "Dr <@U998> & <!channel>"
HOSTILE = (CLIENT, NOTE, PROVIDER)
# Each piece that Slack would turn into a mention, a link or formatting if it reached mrkdwn as typed.
MARKUP = (
    "<!here>",
    "<https://evil.example|Jane>",
    "*URGENT*",
    "<@U999>",
    "_call_",
    "~now~",
    "`rm`",
    "<@U998>",
    "<!channel>",
    " & ",
)
TREATED = date(2026, 11, 2)  # treatment complete; the conftest clock stands at Thu 2026-11-26


def assert_literal(text: str, blocks: Any, shows: tuple[str, ...]) -> None:
    """No markup as typed anywhere Slack parses it; what a person reads is exactly what was typed."""
    for piece in mrkdwn_of(text, blocks):
        for raw in MARKUP:
            assert raw not in piece, f"{raw!r} reaches Slack as markup in {piece!r}"
    read = render_message(text, blocks)
    for typed in shows:
        assert typed in read, f"{typed!r} not shown as typed in:\n{read}"


# ---------------------------------------------------------------- the kit


@pytest.mark.parametrize("typed", [*HOSTILE, *MARKUP, "a_b*c~d`e", "Ann & Bob <ab@x.com>", "@here @channel"])
def test_esc_leaves_nothing_slack_would_read_as_markup_and_reads_back_as_typed(typed: str) -> None:
    escaped = esc(typed)
    assert "<" not in escaped and ">" not in escaped
    assert "@here" not in escaped and "@channel" not in escaped
    for mark in "*_~`":
        # A formatting character only counts with a non-space right inside it; esc() puts a zero-width
        # space on both sides of each one a person typed.
        assert escaped.count(mark) == escaped.count(f"\u200b{mark}\u200b")
    assert mrkdwn(escaped) == typed.strip()  # the console trims a message's ends


def test_a_services_message_keeps_its_mentions_and_code_and_escapes_what_it_quotes() -> None:
    # What a person typed is escaped by its type (Typed), wherever it stands, not by the quotes around it.
    message = said(
        "Hold-up on PI-1: other (",
        typed_part("<@U999> *x*"),
        "). ",
        quoted("<!here>"),
        " was given by ",
        person("U1"),
        "; try `/case show PI-1`.",
    )
    out = esc_message(message)
    assert "by <@U1>" in out and "`/case show PI-1`" in out
    assert "<@U999>" not in out and "*x*" not in out and "<!here>" not in out
    assert (
        mrkdwn(out)
        == "Hold-up on PI-1: other (<@U999> *x*). “<!here>” was given by @U1; try /case show PI-1."
    )


# ---------------------------------------------------------------- through the app


@pytest.fixture
def workspace(workspace: Slack) -> Slack:
    # As the new-case form or an import would enter them (the command line refuses <!here> as a manager).
    services.create_case(workspace.firm, "U1", "PI-1", CLIENT, on=TREATED, limitation_on=date(2027, 1, 15))
    services.add_provider(workspace.firm, "U1", "PI-1", PROVIDER, on=TREATED)
    return workspace


def test_the_case_card_shows_client_provider_and_note_as_typed(workspace: Slack) -> None:
    services.set_holdup(workspace.firm, "U1", "PI-1", "other", NOTE)
    card = workspace.case("U1", "show PI-1")
    assert_literal(card.text, card.body["blocks"], HOSTILE)
    assert card.body["blocks"][0]["text"]["text"] == f"PI-1 · {CLIENT}"  # plain_text: shown as it is
    provider = next(b for b in card.body["blocks"] if b.get("accessory"))
    assert "<@U998>" not in provider["accessory"]["confirm"]["text"]["text"]


def test_a_change_echoes_the_note_it_recorded_as_typed(workspace: Slack) -> None:
    answer = workspace.case("U1", f"holdup PI-1 other {NOTE}")
    assert_literal(answer.text, answer.body["blocks"], (NOTE,))
    assert "Hold-up on PI-1" in answer.text


def test_case_overdue_shows_the_client_and_provider_as_typed(workspace: Slack) -> None:
    for user in ("U1", "UADMIN"):  # a manager's own list, and the firm's grouped by manager
        answer = workspace.case(user, "overdue")
        assert "overdue" in answer.text
        assert_literal(answer.text, answer.body["blocks"], (CLIENT, PROVIDER))


def test_the_home_tab_shows_the_client_as_typed(workspace: Slack) -> None:
    workspace.event(
        {"type": "app_home_opened", "user": "U1", "tab": "home", "channel": "DU1"}, event_id="EvH"
    )
    view = workspace.standin.calls_to("views.publish")[-1].params["view"]
    assert_literal("", view["blocks"], (CLIENT,))
    assert CLIENT in render_view(view)


def test_the_digest_shows_the_client_and_provider_as_typed(workspace: Slack) -> None:
    services.set_holdup(workspace.firm, "U1", "PI-1", "other", NOTE)
    settings = replace(workspace.firm.settings, slack_bot_token="xoxb-test")
    notifier = SlackNotifier(make_client(settings, retries=0, timeout=5), sleep=lambda _: None)
    # Thanksgiving: no digest unless the day is given, as an operator would.
    assert digest_command(workspace.firm, workspace.firm.today(), notifier=notifier, out=_Quiet()) == 0
    (digest,) = [c for c in workspace.standin.calls_to("chat.postMessage") if c.params["channel"] == "DU1"]
    assert digest.params["text"].startswith("Your casebot digest")
    assert_valid_blocks(digest.params["blocks"])
    assert_literal(digest.params["text"], digest.params["blocks"], (CLIENT, PROVIDER))


class _Quiet:
    def write(self, text: str) -> int:
        return len(text)


# ---------------------------------------------------------------- what casebot sends on its own


def _item(**kw: Any) -> DueItem:
    fields: dict[str, Any] = {
        "obligation_id": 7,
        "case": "PI-1",
        "client": CLIENT,
        "manager": "U1",
        "kind": "client",
        "rule": "R2",
        "due_on": date(2026, 11, 20),
        "overdue_days": 6,
        "overdue_business_days": 4,
        "reason": f"Follow up with {PROVIDER}",
        "talking_points": (f"Ask about {PROVIDER}", NOTE),
        "state": "open",
        "snoozed_until": None,
    }
    return DueItem(**{**fields, **kw})


DAY = date(2026, 11, 26)
MESSAGES = {
    "digest": DigestMessage(
        "U1",
        DAY,
        (_item(),),
        (_item(obligation_id=8, overdue_days=0, overdue_business_days=0, due_on=DAY),),
        flags=(CaseFlags("PI-1", date(2027, 1, 15), 50, red=True, holdups=(NOTE,)),),
    ),
    "reminder": ReminderMessage("U1", DAY, _item(), covering_for="U2"),
    "escalation": EscalationMessage("ULEAD", DAY, (_item(), _item(obligation_id=9)), after_business_days=3),
    "weekly report": WeeklyReportMessage(
        "ULEAD", DAY, (("Collecting records", 1),), (("U1", 2),), (_item(),)
    ),
    "limitation alert": LimitationAlertMessage(
        "U1", DAY, "PI-1", CLIENT, "U1", date(2027, 1, 15), 50, 60, "Collecting records", (NOTE,), red=True
    ),
}


@pytest.mark.parametrize("kind", list(MESSAGES))
def test_every_message_casebot_sends_shows_what_people_typed_as_typed(kind: str) -> None:
    text, blocks = build_notification(MESSAGES[kind])  # type: ignore[arg-type]
    assert_valid_blocks(blocks)
    assert_literal(text, blocks, (CLIENT, *((PROVIDER,) if kind != "limitation alert" else ())))


@pytest.mark.parametrize("kind", ["reminder", "limitation alert"])
def test_fallback_texts_that_name_the_client_name_it_as_typed(kind: str) -> None:
    text, _ = build_notification(MESSAGES[kind])  # type: ignore[arg-type]
    assert not any(raw in text for raw in MARKUP)
    assert CLIENT in mrkdwn(text)
