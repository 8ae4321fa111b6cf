"""`/case history <case-no> [page]`: what was recorded on a case, who did it and when, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.said import quoted, said
from bot.services.history import case_history
from handlers.blocks import Reply
from handlers.blocks.history import build_history
from handlers.commands.subcommand import CASE, Subcommand, case_no, no_more, refuse
from handlers.context import Context


@dataclass(frozen=True)
class HistoryArgs:
    number: str
    page: int


def parse_history(words: list[str]) -> HistoryArgs:
    number = case_no(HISTORY, words)
    page = 1
    if words:
        word = words.pop(0)
        if not word.isdigit() or int(word) < 1:
            raise refuse(HISTORY, said(quoted(word[:30]), " is not a page number: pages are 1, 2, 3…"))
        page = int(word)
    no_more(HISTORY, words)
    return HistoryArgs(number, page)


def run_history(ctx: Context, actor: str, a: HistoryArgs) -> Reply:
    return build_history(case_history(ctx.firm, actor, a.number, a.page), ctx.firm.settings.tz)


HISTORY = Subcommand(
    CASE,
    "history",
    usage="<case-no> [page]",
    help="what was recorded on the case (contacts, attempts, changes, corrections), newest first, with notes",
    example="PI-2041 2",
    parse=parse_history,
    run=run_history,
)
