"""Hostile names and notes through every subcommand and refusal that shows them: what a person typed travels
as its own part (Typed) and reaches Slack escaped, never as a mention, a link or formatting, and still reads
as it was typed.

A provider named `<!here> *Valley* Ortho` once showed live in an `advance` refusal: a message escaped only what
it happened to put between “ and ”. Now nothing is escaped by its punctuation, so each message below must
carry what was typed as Typed. Everything Slack receives is checked: the command's answer, every message
posted or updated, every modal and Home view published along the way."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot import services
from handlers.render import render_message
from tests.kit.slack_bodies import mrkdwn_of
from tests.kit.workspace import Answer, Slack

VALLEY = "<!here> *Valley* Ortho"  # a provider, as the issue found it
CLIENT = "Ana <@U999> _x_"
MENTION = "<@U999>"
LINK = "<https://evil.example|click>"
AMP = "Lee &amp; Co"
TICKS = "`rm -rf`"
ITALIC = "_x_"
STRIKE = "~y~"
NOTE = f"{LINK} {STRIKE} {TICKS}"

# What Slack would read as a mention, a link or formatting if it reached mrkdwn as typed.
MARKUP = ("<!", MENTION, "<https://evil", "*Valley*", ITALIC, STRIKE, TICKS)
TREATED = date(2026, 11, 2)  # treatment complete; the conftest clock stands at Thu 2026-11-26


@pytest.fixture
def workspace(workspace: Slack) -> Slack:
    # As the new-case form or an import would enter them (the command line reads @-words as people).
    services.create_case(workspace.firm, "U1", "PI-1", CLIENT, on=TREATED, limitation_on=date(2027, 6, 15))
    services.add_provider(workspace.firm, "U1", "PI-1", VALLEY, on=TREATED)
    return workspace


def everything_sent(workspace: Slack, answer: Answer, since: int) -> list[tuple[str, Any]]:
    """The command's answer, and each message and view Slack received since call `since`: (text, blocks)."""
    sent: list[tuple[str, Any]] = [(answer.text, answer.body.get("blocks") or [])]
    for call in workspace.standin.calls[since:]:
        if call.method.startswith("views."):
            sent.append(("", call.params["view"].get("blocks") or []))
        elif "text" in call.params or "blocks" in call.params:
            sent.append((str(call.params.get("text") or ""), call.params.get("blocks") or []))
    return sent


def run(workspace: Slack, user: str, text: str, command: str = "/case") -> list[tuple[str, Any]]:
    since = len(workspace.standin.calls)
    answer = workspace.command(user, text, command)
    return everything_sent(workspace, answer, since)


def assert_typed(sent: list[tuple[str, Any]], shows: tuple[str, ...]) -> None:
    """Nothing a person typed reaches Slack's mrkdwn as markup; the answer reads exactly as it was typed."""
    for text, blocks in sent:
        for piece in mrkdwn_of(text, blocks):
            for raw in MARKUP:
                assert raw not in piece, f"{raw!r} reaches Slack as markup in {piece!r}"
    text, blocks = sent[0]
    read = render_message(text, blocks)
    for typed in shows:
        assert typed in read, f"{typed!r} not shown as typed in:\n{read}"


# Each subcommand that echoes what was typed, with what its answer must show (exactly as typed).
ECHOES = [
    ("provider PI-1 received 1 records", (VALLEY,)),
    ("provider PI-1 followed-up 1", (VALLEY,)),
    (f"provider PI-1 add {AMP} {ITALIC}", (f"{AMP} {ITALIC}",)),
    ("bill PI-1 1 4,200", (VALLEY,)),
    ("bill PI-1 1 none", (VALLEY,)),
    (f"lien PI-1 add {VALLEY} 6,500", (VALLEY,)),
    (f"cost PI-1 120 {NOTE}", (NOTE,)),
    (f"holdup PI-1 other {NOTE}", (NOTE,)),
    (f"holdup PI-1 billing 11/20 {NOTE}", (NOTE,)),
    (f"fix PI-1 client {AMP} {STRIKE}", (f"{AMP} {STRIKE}", CLIENT)),
    (f"fix PI-1 provider 1 name {AMP} {TICKS}", (f"{AMP} {TICKS}", VALLEY)),
    (f"close PI-1 dropped because {NOTE}", (CLIENT, NOTE)),
    (f"client PI-1 email {ITALIC}@example.com", (f"{ITALIC}@example.com",)),
    ("show PI-1", (CLIENT, VALLEY)),
    ("mine", (CLIENT,)),
    ("due", (CLIENT, VALLEY)),
    ("overdue", (CLIENT, VALLEY)),
    ("history PI-1", (CLIENT, VALLEY)),
]

# Each refusal that quotes a word it was given, or a name on the case, with what it must show.
REFUSALS = [
    ("advance PI-1", (VALLEY,)),  # still owed by the provider: the issue's own example
    (f"advance PI-1 {MENTION}", (MENTION,)),
    (f"provider PI-1 received {MENTION} both", (MENTION, VALLEY)),
    (f"provider PI-1 add {VALLEY}", (VALLEY,)),
    (f"bill PI-1 {LINK} 4,200", (LINK, VALLEY)),
    (f"holdup PI-1 {ITALIC}", (ITALIC,)),
    (f"lien PI-1 add Blue 6,500 type {ITALIC}", (ITALIC,)),
    ("close PI-1 settled", (CLIENT,)),
    (f"close PI-1 {MENTION}", (MENTION,)),
    (f"client PI-1 email {MENTION}", (MENTION,)),
    (f"client PI-1 zone {LINK}", (LINK,)),
    (f"client PI-1 phone {MENTION}", (MENTION,)),
    (f"team PI-1 {ITALIC} <@U2>", (ITALIC,)),
    (f"role <@U2> {ITALIC}", (ITALIC,)),
    (f"sol PI-1 loss 2026-03-02 {ITALIC}", (ITALIC,)),
    (f"claim PI-1 {ITALIC} 2026-09-02", (ITALIC,)),
    (f"fees PI-1 presuit {ITALIC}", (ITALIC,)),
    (f"fees PI-1 base {STRIKE}", (STRIKE,)),
    (f"new {MENTION} Jane", (MENTION,)),
    ("show <!here>", ("<!HERE>",)),
    (f"history PI-1 {MENTION}", (MENTION,)),
    (f"assign PI-1 {MENTION}", (MENTION,)),
    (f"away until {MENTION}", (MENTION,)),
    (f"calendar revoke {MENTION}", (MENTION,)),
    (f"messages PI-1 {MENTION}", (MENTION,)),
    (f"update PI-1 {MENTION}", (MENTION,)),
    (f"demand PI-1 {MENTION}", (MENTION,)),
    (f"fix PI-1 {STRIKE}", (STRIKE,)),
    (f"fix PI-1 provider 1 {STRIKE} 11/3", ()),
    (f"fix PI-1 provider {LINK} name Blue", (LINK,)),
    (f"fix PI-1 claim {STRIKE} 2026-01-20", (STRIKE,)),
    (f"accounting PI-1 60k {STRIKE} 5", (STRIKE,)),
    (f"contacted PI-1 client left a voicemail {TICKS} {MENTION}", ()),
]

OFFERS = [
    (f"received PI-1 {MENTION}", (MENTION,)),
    (f"received PI-1 12k {MENTION}", (MENTION,)),
    (f"informed PI-1 {MENTION}", (MENTION,)),
]


@pytest.mark.parametrize(("text", "shows"), ECHOES, ids=[t for t, _ in ECHOES])
def test_a_subcommand_shows_what_was_typed_as_typed(
    workspace: Slack, text: str, shows: tuple[str, ...]
) -> None:
    assert_typed(run(workspace, "U1", text), shows)


@pytest.mark.parametrize(("text", "shows"), REFUSALS, ids=[t for t, _ in REFUSALS])
def test_a_refusal_quotes_what_was_typed_as_typed(
    workspace: Slack, text: str, shows: tuple[str, ...]
) -> None:
    before = workspace.audit_count()
    sent = run(workspace, "U1", text)
    assert ":warning:" in mrkdwn_of(*sent[0])[1], sent[0]  # refused: nothing was changed
    assert workspace.audit_count() == before
    assert_typed(sent, shows)


@pytest.mark.parametrize(("text", "shows"), OFFERS, ids=[t for t, _ in OFFERS])
def test_an_offer_refusal_quotes_what_was_typed_as_typed(
    workspace: Slack, text: str, shows: tuple[str, ...]
) -> None:
    assert_typed(run(workspace, "U1", text, "/offer"), shows)


def test_a_demand_names_its_adjuster_and_the_hold_ups_it_closed_as_typed(workspace: Slack) -> None:
    f = workspace.firm
    services.provider_received(f, "U1", "PI-1", "1", "both")
    services.advance(f, "U1", "PI-1")
    services.set_holdup(f, "U1", "PI-1", "chart-notes", NOTE)
    sent = run(workspace, "U1", f"demand PI-1 sent adjuster {MENTION} {ITALIC}")
    assert_typed(sent, (f"{MENTION} {ITALIC}", NOTE))
    assert_typed(run(workspace, "U1", f"demand PI-1 resent adjuster {LINK}"), (LINK,))


def test_an_attempt_and_a_cleared_hold_up_show_the_client_and_note_as_typed(workspace: Slack) -> None:
    assert_typed(run(workspace, "U1", "contacted PI-1 client voicemail"), (CLIENT,))
    services.set_holdup(workspace.firm, "U1", "PI-1", "other", NOTE)
    assert_typed(run(workspace, "U1", "holdup PI-1 clear"), (NOTE,))


def test_undo_names_the_provider_as_typed(workspace: Slack) -> None:
    run(workspace, "U1", "provider PI-1 received 1 both")
    assert_typed(run(workspace, "U1", "undo PI-1"), (VALLEY,))


def test_a_lien_refusal_and_its_steps_name_the_holder_as_typed(workspace: Slack) -> None:
    run(workspace, "U1", f"lien PI-1 add {VALLEY} 6,500")
    assert_typed(run(workspace, "U1", "lien PI-1 1 reduced 7,000"), (VALLEY,))
    assert_typed(run(workspace, "U1", "lien PI-1 1 reduced 5,000"), (VALLEY,))
    assert_typed(run(workspace, "U1", "lien PI-1 1 accepted"), (VALLEY,))
    assert_typed(run(workspace, "U1", "lien PI-1 1 accepted"), (VALLEY,))
    assert_typed(run(workspace, "U1", "lien PI-1 1 paid"), (VALLEY,))
    assert_typed(run(workspace, "U1", "lien PI-1 1 paid"), (VALLEY,))
    assert_typed(run(workspace, "U1", "lien PI-1 1 reduced 1,000"), (VALLEY,))


def test_a_medical_lien_on_a_billed_provider_names_it_as_typed(workspace: Slack) -> None:
    run(workspace, "U1", "bill PI-1 1 4,200")
    assert_typed(run(workspace, "U1", f"lien PI-1 add {VALLEY} 1,000 type medical"), (VALLEY,))
