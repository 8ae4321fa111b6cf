"""A person's work: `mine`, `due` and `overdue` (and the overdue list's pages, which its buttons show too)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import services
from handlers.blocks import OVERDUE_PAGE_ITEMS, Reply, build_due, build_mine, build_overdue_page
from handlers.commands.subcommand import CASE, NoArgs, Subcommand, date_opt, no_more, user
from handlers.context import Context


def parse_mine(words: list[str]) -> NoArgs:
    no_more(MINE, words)
    return NoArgs()


def run_mine(ctx: Context, actor: str, a: NoArgs) -> Reply:
    return build_mine(services.my_cases(ctx.firm, actor))


MINE = Subcommand(
    CASE,
    "mine",
    usage="",
    help="your open cases by stage",
    example="",
    parse=parse_mine,
    run=run_mine,
)


@dataclass(frozen=True)
class Due:
    day: date | None


def parse_due(words: list[str]) -> Due:
    on = date_opt(DUE, words, when="near")
    no_more(DUE, words)
    return Due(on)


def run_due(ctx: Context, actor: str, a: Due) -> Reply:
    today = ctx.firm.today()
    on = a.day or today
    # What is coming up in the business days after the day asked for (none for a day gone by).
    day = services.my_day(ctx.firm, actor, on)
    return build_due(day.due, on, today, day.coming)


DUE = Subcommand(
    CASE,
    "due",
    usage="[day]",
    help="what is due that day (default today), overdue, and coming up",
    example="friday",
    parse=parse_due,
    run=run_due,
)


@dataclass(frozen=True)
class Overdue:
    user: str | None


def parse_overdue(words: list[str]) -> Overdue:
    who = user(OVERDUE, words.pop(0)) if words else None
    no_more(OVERDUE, words)
    return Overdue(who)


def overdue_reply(ctx: Context, actor: str, user: str | None, page: int = 1) -> Reply:
    """One page of the overdue list: the caller's own, one person's, or (a lead's) everyone's by manager.
    Also what the Previous and Next buttons show; services.overdue_page checks the caller may see it and
    reads just this page."""
    found = services.overdue_page(ctx.firm, actor, user, page, per_page=OVERDUE_PAGE_ITEMS)
    return build_overdue_page(found, user=user)


def run_overdue(ctx: Context, actor: str, a: Overdue) -> Reply:
    return overdue_reply(ctx, actor, a.user)


OVERDUE = Subcommand(
    CASE,
    "overdue",
    usage="[@user]",
    help="overdue obligations (a lead or admin: everyone's)",
    example="",
    parse=parse_overdue,
    run=run_overdue,
)
