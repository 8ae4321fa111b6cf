"""The command table is the one place a subcommand is described: the help card, the docs and every refusal's
usage line and example agree with it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot import services
from handlers.commands import TABLES, build_help
from handlers.commands.subcommand import Subcommand
from tests.kit.workspace import Slack

REPO = Path(__file__).resolve().parents[2]
# In docs/commands.md (this round's additions) but not built yet: whoever builds one takes it off this list.
NOT_BUILT_YET: set[str] = set()

ENTRIES = [(command, sub) for command, table in TABLES.items() for sub in table.subcommands]
ENTRY_IDS = [f"{command} {sub.name}" for command, sub in ENTRIES]


def _documented(command: str, path: Path) -> set[str]:
    return set(re.findall(rf"`{command} ([a-z-]+)", path.read_text(encoding="utf-8")))


@pytest.mark.parametrize("command", list(TABLES))
def test_the_help_card_lists_every_subcommand_of_the_table(command: str) -> None:
    card = build_help(command)
    shown = card.text + "\n" + "\n".join(str(b) for b in card.blocks)
    for sub in TABLES[command].subcommands:
        if sub.name == "help":
            continue
        for usage, what in sub.help_rows():
            assert f"`{usage}` — {what}" in shown, usage
        assert f"{command} {sub.name} " in shown or f"{command} {sub.name}`" in shown, sub.name


@pytest.mark.parametrize("command", list(TABLES))
def test_the_table_and_the_docs_name_the_same_subcommands(command: str) -> None:
    table = {sub.name for sub in TABLES[command].subcommands} - {"help"}
    contract = _documented(command, REPO / "docs" / "commands.md")
    guide = _documented(command, REPO / "docs" / "user-guide.md")
    assert contract - table <= NOT_BUILT_YET, f"docs/commands.md names {sorted(contract - table)}"
    assert not (table - contract - guide), f"undocumented: {sorted(table - contract - guide)}"
    assert not (table & NOT_BUILT_YET), f"built now, take off NOT_BUILT_YET: {sorted(table & NOT_BUILT_YET)}"


def test_every_name_and_alias_finds_one_subcommand() -> None:
    for command, table in TABLES.items():
        words = [w for sub in table.subcommands for w in (sub.name, *sub.aliases)]
        assert len(words) == len(set(words)), f"{command}: a word names two subcommands"
        for sub in table.subcommands:
            for word in (sub.name, *sub.aliases, sub.name.upper()):
                assert table.find(word) is sub


@pytest.mark.parametrize(("command", "sub"), ENTRIES, ids=ENTRY_IDS)
def test_a_refusal_shows_that_subcommands_usage_and_example_from_the_table(
    workspace: Slack, command: str, sub: Subcommand[Any]
) -> None:
    if sub.name == "help":
        pytest.skip("help answers anything with the card")
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    before = workspace.audit_count()

    # A day that does not exist where each subcommand expects its first word, then a word none expects.
    answer = workspace.command("U1", f"{sub.name} 2026-99-99 zzz", command)

    assert ":warning:" in answer.all_text, answer.all_text
    assert f"Usage: `{sub.usage_line}`" in answer.all_text, answer.all_text
    assert f"Example: `{sub.example_line}`" in answer.all_text, answer.all_text
    assert sub.example_line.startswith(f"{command} {sub.name}")
    assert workspace.audit_count() == before


def test_a_form_shows_its_own_usage_line(workspace: Slack) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    provider = TABLES["/case"].find("provider")
    received = next(f for f in provider.forms.values() if " received " in f.usage_line)

    answer = workspace.case("U1", "provider PI-1 received Valley xrays")

    assert f"Usage: `{received.usage_line}`" in answer.all_text, answer.all_text
    assert f"Example: `{received.example_line}`" in answer.all_text, answer.all_text
    assert received.usage_line in build_help("/case").text
    assert services.show_case(workspace.firm, "U1", "PI-1").providers == ()
