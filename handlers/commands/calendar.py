"""`calendar`: the asker's private calendar subscription link, and `calendar reset` to revoke every one."""

from __future__ import annotations

from dataclasses import dataclass

from bot.services import calendars
from handlers.blocks import Reply, build_calendar_link, build_message
from handlers.commands.subcommand import CASE, Subcommand, no_more
from handlers.context import Context


@dataclass(frozen=True)
class CalendarLink:
    reset: bool  # revoke every link instead of giving one


def parse_calendar(words: list[str]) -> CalendarLink:
    reset = bool(words) and words[0].lower() == "reset"
    if reset:
        words.pop(0)
    no_more(CALENDAR, words)
    return CalendarLink(reset=reset)


def run_calendar(ctx: Context, actor: str, a: CalendarLink) -> Reply:
    if a.reset:
        revoked = calendars.revoke_calendar_links(ctx.firm, actor)
        if not revoked:
            return build_message("You have no calendar link to revoke.")
        return build_message(
            f"Revoked your {revoked} calendar link{'s' if revoked != 1 else ''}: a calendar subscribed to "
            f"{'them' if revoked != 1 else 'it'} gets nothing more. `/case calendar` gives you a new one."
        )
    return build_calendar_link(calendars.new_calendar_link(ctx.firm, actor, workspace=_workspace(ctx)))


def _workspace(ctx: Context) -> str | None:
    """The firm's Slack workspace id (auth.test, asked once), for UIDs unique to the firm; None if Slack is
    out of reach (the link still works, its events' UIDs then say only casebot)."""
    try:
        return ctx.people.home_team()
    except Exception:  # a link must not fail because Slack did not answer auth.test
        return None


CALENDAR = Subcommand(
    CASE,
    "calendar",
    usage="",
    also=("reset",),
    help="your private calendar link (limitation dates, claim deadlines); `reset` revokes it",
    example="",
    parse=parse_calendar,
    run=run_calendar,
    aliases=("ics",),
)
