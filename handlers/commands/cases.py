"""A case's life: new, show, advance, assign, close (their words, what runs, their table entries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import services
from bot.rules.parsing import WEEKDAYS
from bot.rules.playbook import CloseOutcome
from bot.rules.said import quoted, said, typed
from bot.services.team import TEAM_ACTIONS
from handlers.blocks import Reply, build_case_card
from handlers.commands.subcommand import (
    CASE,
    KEEP_TEAM,
    Subcommand,
    case_no,
    date_opt,
    keep_team,
    no_more,
    one_of,
    outcome,
    refuse,
    user,
    vocab,
)
from handlers.context import Context
from handlers.given import tell_new_manager
from handlers.parse import day_at, mention

# ---------------------------------------------------------------- new


@dataclass(frozen=True)
class NewCase:
    number: str
    client: str
    manager: str | None
    on: date | None
    limitation_on: date | None


def _weekday_in_name(words: list[str]) -> bool:
    """A weekday word (Sun, Sat, Monday…) where the client's name could be going on: it may be a name."""
    word = words[0].strip(",.").lower()
    if word not in WEEKDAYS:
        return False
    full = len(word) > 4  # monday, not mon
    last = len(words) == 1 or bool(mention(words[1])) or words[1].lower() == "sol"
    return not (full and last)


def parse_new(words: list[str]) -> NewCase:
    """The client's name never takes in a day: every day-shaped word is the treatment day (or refused),
    and a weekday that could be part of the name (Sun Li) is refused unless the name is quoted."""
    number = case_no(NEW, words)
    manager: str | None = None
    on: date | None = None
    limitation: date | None = None
    name: list[str] = []
    while words:
        word = words[0]
        if word.lower() == "sol" and len(words) > 1 and day_at(words, 1):
            if limitation is not None:
                raise refuse(NEW, "Give the statute of limitations date once.")
            words.pop(0)
            limitation = date_opt(NEW, words, when="dated")
            continue
        if day_at(words):
            if _weekday_in_name(words):
                raise refuse(
                    NEW,
                    said(
                        quoted(word[:20]),
                        " could be a day or part of the client's name: put the name in quotes (\"",
                        typed(" ".join([*name, word])[:40]),
                        '"), and write the day like 11/3 or “last ',
                        typed(word.lower()),
                        "”.",
                    ),
                )
            if on is not None:
                raise refuse(NEW, "Give one treatment-complete date (and the limitation date after “sol”).")
            on = date_opt(NEW, words)
            continue
        words.pop(0)
        if mention(word):
            if manager is not None:
                raise refuse(NEW, "A case has one manager: @-mention just one person.")
            manager = mention(word)
        elif word.startswith("<@") or word.startswith("<#") or word.startswith("<!"):
            raise refuse(NEW, said(quoted(word[:40]), " is not a person: @-mention the manager."))
        else:
            name.append(word)
    if not name:
        raise refuse(NEW, "Give the client's name after the case number.")
    return NewCase(number=number, client=" ".join(name), manager=manager, on=on, limitation_on=limitation)


def run_new(ctx: Context, actor: str, a: NewCase) -> Reply:
    if a.manager and a.manager != actor:
        ctx.people.check(a.manager, who="them")
    return outcome(
        ctx,
        services.create_case(
            ctx.firm, actor, a.number, a.client, manager=a.manager, on=a.on, limitation_on=a.limitation_on
        ),
    )


NEW = Subcommand(
    CASE,
    "new",
    usage="<case-no> <client name…> [@manager] [day] [sol <day with its year>]",
    help="open a case (no words: a form)",
    example="PI-2041 Jane Roe 2026-11-02",
    parse=parse_new,
    run=run_new,
)


# ---------------------------------------------------------------- show


@dataclass(frozen=True)
class CaseNumber:
    number: str


def parse_show(words: list[str]) -> CaseNumber:
    number = case_no(SHOW, words)
    no_more(SHOW, words)
    return CaseNumber(number)


def run_show(ctx: Context, actor: str, a: CaseNumber) -> Reply:
    return build_case_card(services.show_case(ctx.firm, actor, a.number), ctx.firm.today())


SHOW = Subcommand(
    CASE,
    "show",
    usage="<case-no>",
    help="the case card, with buttons",
    example="PI-2041",
    parse=parse_show,
    run=run_show,
    aliases=("card",),
)


# ---------------------------------------------------------------- advance


@dataclass(frozen=True)
class Advance:
    number: str
    to: str | None
    on: date | None
    because: str | None


def parse_advance(words: list[str]) -> Advance:
    number = case_no(ADVANCE, words)
    because = None
    lowered = [w.lower() for w in words]
    if "because" in lowered:
        at = lowered.index("because")
        because = " ".join(words[at + 1 :]).strip()  # a reason explains; it dates nothing
        words = words[:at]
        if not because:
            raise refuse(
                ADVANCE,
                "Say why after “because”.",
                example=f"{ADVANCE.command} {ADVANCE.name} {number} demand_queue because the last bill is on its way",
            )
    to = None
    if words and not day_at(words):
        to = words.pop(0)
    on = date_opt(ADVANCE, words)
    no_more(ADVANCE, words)
    return Advance(number=number, to=to, on=on, because=because)


def run_advance(ctx: Context, actor: str, a: Advance) -> Reply:
    return outcome(ctx, services.advance(ctx.firm, actor, a.number, to=a.to, on=a.on, because=a.because))


ADVANCE = Subcommand(
    CASE,
    "advance",
    usage="<case-no> [<stage>] [day] [because <reason…>]",
    help="next stage",
    example="PI-2041",
    parse=parse_advance,
    run=run_advance,
)


# ---------------------------------------------------------------- assign


@dataclass(frozen=True)
class Assign:
    number: str
    manager: str
    keep_team: bool = False


def parse_assign(words: list[str]) -> Assign:
    number = case_no(ASSIGN, words)
    keep = keep_team(ASSIGN, words)
    manager = user(ASSIGN, words.pop(0) if words else None, "new manager")
    keep = keep_team(ASSIGN, words) or keep
    no_more(ASSIGN, words)
    return Assign(number=number, manager=manager, keep_team=keep)


def run_assign(ctx: Context, actor: str, a: Assign) -> Reply:
    ctx.people.check(a.manager, who="them")
    result = services.assign(ctx.firm, actor, a.number, a.manager, keep_team=a.keep_team)
    if a.manager != actor and a.manager in result.views:  # it moved to them: they are told, privately
        tell_new_manager(
            ctx, actor, a.manager, [result.card.number if result.card else a.number], card=result.card
        )
    return outcome(ctx, result)


ASSIGN = Subcommand(
    CASE,
    "assign",
    usage=f"<case-no> @user [{KEEP_TEAM}]",
    help=f"change the case manager; its team is cleared unless {KEEP_TEAM}",
    example="PI-2041 @dana",
    parse=parse_assign,
    run=run_assign,
    aliases=("reassign",),
)


# ---------------------------------------------------------------- team


@dataclass(frozen=True)
class Team:
    number: str
    action: str  # add | remove
    user: str


def parse_team(words: list[str]) -> Team:
    number = case_no(TEAM, words)
    action = (words.pop(0) if words else "").lower()
    if action not in TEAM_ACTIONS:
        shown = said(quoted(action[:20]), " is not") if action else "Say"
        raise refuse(TEAM, said(shown, f" {one_of(TEAM_ACTIONS)}: who joins the case's team, or leaves it."))
    member = user(TEAM, words.pop(0) if words else None, "person")
    no_more(TEAM, words)
    return Team(number=number, action=action, user=member)


def run_team(ctx: Context, actor: str, a: Team) -> Reply:
    if a.action == "add":
        ctx.people.check(a.user, who="them")
    return outcome(ctx, services.change_team(ctx.firm, actor, a.number, a.action, a.user))


TEAM = Subcommand(
    CASE,
    "team",
    usage="<case-no> add|remove @user",
    help="people who work the case with its manager: they see and change it as the manager does",
    example="PI-2041 add @lee",
    parse=parse_team,
    run=run_team,
)


# ---------------------------------------------------------------- close


# Close outcomes as people type them.
CLOSE_OUTCOMES: tuple[str, ...] = tuple(CloseOutcome)
_CLOSE_SPELLINGS: dict[str, str] = {
    "settle": CloseOutcome.SETTLED,
    "settlement": CloseOutcome.SETTLED,
    "litigate": CloseOutcome.LITIGATION,
    "litigated": CloseOutcome.LITIGATION,
    "litigating": CloseOutcome.LITIGATION,
    "lawsuit": CloseOutcome.LITIGATION,
    "suit": CloseOutcome.LITIGATION,
    "drop": CloseOutcome.DROPPED,
}


@dataclass(frozen=True)
class Close:
    number: str
    outcome: str
    because: str | None = None  # a lead's or an admin's reason for closing without the facts it needs


def parse_close(words: list[str]) -> Close:
    """`<case-no> <outcome> [because <reason…>]`. A typo of an outcome (`setled`) is asked about."""
    number = case_no(CLOSE, words)
    lowered = [w.lower() for w in words]
    because = None
    if "because" in lowered:
        at = lowered.index("because")
        because = " ".join(words[at + 1 :]).strip()  # a reason explains; it dates nothing
        del words[at:]
        if not because:
            raise refuse(
                CLOSE,
                "Say why after “because”.",
                example=f"{CLOSE.command} {CLOSE.name} {number} settled because client signed release early",
            )
    rest = f" because {because}" if because else ""
    outcome = vocab(
        CLOSE,
        words,
        CLOSE_OUTCOMES,
        _CLOSE_SPELLINGS,
        example=lambda o: f"{CLOSE.command} {CLOSE.name} {number} {o}{rest}",
    )
    if outcome is None:
        got = said(quoted(words[0][:30]), " is not") if words else "Say whether it"
        raise refuse(CLOSE, said(got, f" {one_of(CLOSE_OUTCOMES)}."))
    no_more(CLOSE, words)
    return Close(number=number, outcome=outcome, because=because)


def run_close(ctx: Context, actor: str, a: Close) -> Reply:
    return outcome(ctx, services.close_case(ctx.firm, actor, a.number, a.outcome, because=a.because))


CLOSE = Subcommand(
    CASE,
    "close",
    usage=f"<case-no> {'|'.join(CLOSE_OUTCOMES)} [because <reason…>]",
    help=(
        "close the case: settled needs a final offer or step 9's talk, litigation the client's decision or "
        "the demand sent; a lead or an admin may give a reason instead"
    ),
    example="PI-2041 settled",
    parse=parse_close,
    run=run_close,
)
