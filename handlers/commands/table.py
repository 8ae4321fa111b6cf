"""THE command table: every `/case` and `/offer` subcommand, in the order the help card lists them.

Each entry (a Subcommand, written beside its parser and run function in its subject's module) carries its
usage line, help line, example, typed arguments and run function; the help card and every refusal's usage and
example are made from it. See handlers/commands/__init__.py for how to add one."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from bot.errors import InputError
from handlers.blocks import Reply, build_usage_card
from handlers.commands import (
    calendar,
    cases,
    clients,
    contacts,
    corrections,
    demand,
    history,
    ledger,
    offers,
    providers,
    replies,
    staff,
    terms,
    work,
)
from handlers.commands.subcommand import CASE, OFFER, NoArgs, Subcommand
from handlers.context import Context


@dataclass(frozen=True)
class Table:
    """One slash command's subcommands; `help` comes first and is what an empty command answers."""

    command: str
    subcommands: tuple[Subcommand[Any], ...]
    see_also: str

    def find(self, word: str) -> Subcommand[Any]:
        """The subcommand a word names (its name or an alias, any case), or a refusal that suggests one."""
        word = word.lower()
        for sub in self.subcommands:
            if word == sub.name or word in sub.aliases:
                return sub
        close = difflib.get_close_matches(word, [s.name for s in self.subcommands], n=1, cutoff=0.6)
        hint = f" Did you mean `{self.command} {close[0]}`?" if close else ""
        raise InputError(
            f"`{self.command} {word[:30]}` is not something casebot does.{hint}",
            usage=f"{self.command} help",
            example=f"{self.command} {close[0] if close else 'help'}",
        )

    def help_rows(self) -> list[tuple[str, str]]:
        return [row for sub in self.subcommands if sub.name != "help" for row in sub.help_rows()]


def build_help(command: str = CASE) -> Reply:
    """The usage card: every subcommand's usage line and what it does, from the table."""
    table = TABLES[command]
    return build_usage_card(command, table.help_rows(), see_also=table.see_also)


def _help(command: str) -> Subcommand[NoArgs]:
    def parse(words: list[str]) -> NoArgs:
        return NoArgs()  # anything after `help` is ignored: the card is the answer

    def run(ctx: Context, actor: str, a: NoArgs) -> Reply:
        return build_help(command)

    return Subcommand(
        command, "help", usage="", help="this card", example="", parse=parse, run=run, aliases=("?",)
    )


# ---- the table: to add a subcommand, write its entry in its subject's module and list it here ----
TABLES: dict[str, Table] = {
    CASE: Table(
        CASE,
        (
            _help(CASE),
            cases.NEW,
            cases.SHOW,
            history.HISTORY,
            providers.PROVIDER,
            contacts.CONTACTED,
            clients.CLIENT,
            clients.UPDATE,
            cases.ADVANCE,
            demand.HOLDUP,
            demand.DEMAND,
            ledger.BILL,
            ledger.LIEN,
            ledger.COST,
            terms.ACCOUNTING,
            ledger.STATEMENT,
            cases.ASSIGN,
            cases.TEAM,
            cases.CLOSE,
            corrections.UNDO,
            corrections.FIX,
            work.MINE,
            work.DUE,
            work.OVERDUE,
            staff.AWAY,
            staff.BACK,
            staff.ROLE,
            terms.SOL,
            terms.CLAIM_DEADLINE,
            terms.CLAIM,
            calendar.CALENDAR,
            terms.FEES,
            staff.HANDOVER,
            replies.REPLY,
            replies.MESSAGES,
        ),
        see_also="Offers: /offer help.",
    ),
    OFFER: Table(
        OFFER,
        (_help(OFFER), offers.RECEIVED, offers.LIST, offers.INFORMED),
        see_also="Cases: /case help.",
    ),
}
# ---- end of the table ----
