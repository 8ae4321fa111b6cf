"""Replies to commands that are not a screen of their own: help, a refusal, a plain message, a change's outcome."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.errors import CasebotError, UnknownCase
from bot.rules.parsing import HELP_FORMS
from bot.services.cards import CaseCard
from handlers import values
from handlers.blocks.kit import (
    Block,
    Reply,
    button,
    code,
    context,
    esc,
    esc_message,
    in_stage,
    lines_sections,
    section,
)
from handlers.blocks.lists import when
from handlers.said import say, whole_command


def build_usage_card(command: str, rows: Sequence[tuple[str, str]], *, see_also: str) -> Reply:
    """The help card: each usage line of the command table and what it does."""
    lines = [f"`{usage}` — {what}" for usage, what in rows]
    blocks = [
        section(f"*{command}* — what you can do:"),
        *lines_sections(lines, max_blocks=5),
        context(
            f"Days: {HELP_FORMS} "
            "(no year: the most recent such day; a limitation date needs its year). "
            "Amounts: 12500, 12,500, $12,500.00 or 12.5k. " + see_also
        ),
    ]
    return Reply(f"{command} help: " + "; ".join(u for u, _ in rows), blocks)


def build_error(error: CasebotError, *, usage: str | None = None, example: str | None = None) -> Reply:
    """A refusal: what was wrong, then how it is written and an example. Nothing was changed.

    `usage` and `example` are the subcommand's: its example stands in for the error's own when that is a bare
    value (`2026-11-30`, `CA`), so a person typing a command is always shown a whole command to copy."""
    usage = error.usage or usage
    if isinstance(error, UnknownCase):
        # Its own example is a hint, not the command's shape: show both.
        hint, example = "`/case mine` lists your open cases.", example or error.example
    else:
        own = error.example
        hint, example = "", own if own and (example is None or whole_command(own)) else example
    # An example is code to copy: Slack reads no formatting in it but still reads &, < and >, so every one of
    # them (a placeholder's, or what the person typed that the example repeats) is shown as written.
    example = code(say(example))[1:-1] if example else example
    message = esc_message(error.message)
    blocks = [section(f":warning: {message}")]
    hints = []
    if usage:
        hints.append(f"Usage: `{usage}`")
    if example:
        hints.append(f"Example: `{example}`")
    if hint:
        hints.append(hint)
    if hints:
        blocks.append(context("  ·  ".join(hints)))
    text = message + (f" Usage: {usage}" if usage else "") + (f" Example: {example}" if example else "")
    return Reply(text, blocks)


def build_message(text: str) -> Reply:
    """casebot's own words, its markup kept as written; the people and commands a service named show as
    mentions and whole commands, what a person typed (Typed) as typed."""
    text = esc_message(text)
    return Reply(text, [section(text)])


def build_given(
    by: str,
    numbers: Sequence[str],
    *,
    client: str | None = None,
    team: Sequence[str] = (),
    kept: bool = False,
) -> Reply:
    """To a manager, in their own DM with casebot: the cases someone gave them (`/case assign`, `/case
    handover`), and whether a team works them. One case shows its client (the DM is theirs alone)."""
    if len(numbers) == 1:
        number = esc(numbers[0])
        of = f" ({esc(client)})" if client else ""
        lines = [f"<@{by}> gave you *{number}*{of}: you manage it now, with its open obligations."]
        if team:
            lines.append("Its team works it with you: " + ", ".join(f"<@{u}>" for u in team) + ".")
        hint = f"{code(f'/case show {numbers[0]}')} shows it."
    else:
        shown = ", ".join(esc(n) for n in numbers[:20]) + (
            f" and {len(numbers) - 20} more" if len(numbers) > 20 else ""
        )
        lines = [f"<@{by}> gave you {len(numbers)} open cases, with their open obligations: {shown}."]
        lines.append("Their teams stay on them." if kept else "Their teams were cleared.")
        hint = f"{code('/case mine')} lists them."
    return Reply(" ".join(lines), [section("\n".join(lines)), context(hint)])


# action_id of the Undo button under a change's reply.
UNDO = "undo_change"


def undo_button(number: str, change: int) -> Block:
    """Undo for one change: it carries that change's audit entry, so that a later or repeated click
    undoes nothing else."""
    return button("Undo", UNDO, f"{number}|{change}")


def read_undo_value(value: str) -> tuple[str, int]:
    """The case and the change an Undo button carries (values.CraftedValue for anything else)."""
    number, bar, change = value.rpartition("|")
    if not bar:
        raise values.CraftedValue("undo")
    return values.case_number(number, "undo"), values.integer(change, "undo")


def build_outcome(message: str, card: CaseCard | None, today: date, *, undo: int | None = None) -> Reply:
    """A change's one-line result (with an Undo button), the case's stage, and what it asks for next. What
    people typed (client, providers, notes: Typed in the message) shows as typed."""
    text = esc_message(message)
    accessory = undo_button(card.number, undo) if card is not None and undo is not None else None
    blocks = [section(f":white_check_mark: {text}", accessory)]
    if card is not None:
        nxt = next((o for o in card.obligations if o.state == "open"), None)
        bits = [f"*{esc(card.number)}* · {card.stage_label} ({in_stage(card.days_in_stage)})"]
        if nxt is not None:
            bits.append(f"next: {nxt.rule} {nxt.kind} {when(nxt, today)}")
        blocks.append(context(" · ".join(bits) + f" · {code(f'/case show {card.number}')}"))
    return Reply(text, blocks)
