"""`calendar`: the asker's private calendar subscription link; `calendar list` the links they hold,
`calendar revoke <n>` revokes one of them and `calendar reset` every one."""

from __future__ import annotations

from dataclasses import dataclass

from bot.rules.said import quoted, said
from bot.services import calendars
from handlers.blocks import Reply, build_calendar_link, build_calendar_links, build_message
from handlers.blocks.calendar_links import made
from handlers.commands.subcommand import CASE, Subcommand, no_more, refuse, vocab
from handlers.context import Context

VERBS = ("list", "revoke", "reset")
_SPELLINGS = {"ls": "list", "links": "list", "show": "list", "delete": "revoke", "remove": "revoke"}


@dataclass(frozen=True)
class CalendarLink:
    verb: str | None  # None: a new link; list, revoke (link `n`) or reset (every link)
    n: int = 0


def parse_calendar(words: list[str]) -> CalendarLink:
    verb = vocab(
        CALENDAR,
        words,
        VERBS,
        _SPELLINGS,
        example=lambda v: f"/case calendar {v}" + (" 2" if v == "revoke" else ""),
    )
    n = 0
    if verb == "revoke":
        if not words:
            raise refuse(CALENDAR, "Which link? `/case calendar list` numbers them, oldest first.")
        word = words.pop(0)
        if word.lower() == "all":
            verb = "reset"
        elif word.isascii() and word.isdigit() and len(word) <= 3 and int(word) >= 1:
            n = int(word)
        else:
            raise refuse(
                CALENDAR,
                said(
                    quoted(word[:20]), " is not a link's number: `/case calendar list` numbers them 1, 2, 3…"
                ),
            )
    no_more(CALENDAR, words)
    return CalendarLink(verb, n)


def run_calendar(ctx: Context, actor: str, a: CalendarLink) -> Reply:
    f, most = ctx.firm, calendars.MAX_LINKS
    if a.verb == "list":
        return build_calendar_links(
            [made(at, f.settings.tz) for at in calendars.calendar_links(f, actor)], most=most
        )
    if a.verb == "revoke":
        at = calendars.revoke_calendar_link(f, actor, a.n)
        return build_message(
            f"Revoked your calendar link {a.n}, made {made(at, f.settings.tz)}: a calendar subscribed to it "
            "gets nothing more. The others keep working; `/case calendar list` shows them."
        )
    if a.verb == "reset":
        revoked = calendars.revoke_calendar_links(f, actor)
        if not revoked:
            return build_message("You have no calendar link to revoke.")
        return build_message(
            f"Revoked your {revoked} calendar link{'s' if revoked != 1 else ''}: a calendar subscribed to "
            f"{'them' if revoked != 1 else 'it'} gets nothing more. `/case calendar` gives you a new one."
        )
    link = calendars.new_calendar_link(f, actor, workspace=_workspace(ctx))
    replaced = None if link.revoked is None else made(link.revoked, f.settings.tz)
    return build_calendar_link(link.url, most=most, replaced=replaced)


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
    also=("list", "revoke <n>", "reset"),
    help=(
        f"your private calendar link (limitation dates, claim deadlines; at most {calendars.MAX_LINKS}, a new one "
        "past them revokes the oldest); `list` shows yours, `revoke <n>` revokes one, `reset` every one"
    ),
    example="revoke 2",
    parse=parse_calendar,
    run=run_calendar,
    aliases=("ics",),
)
