"""The people: `away` and `back`, `role`, and `handover` of a manager's open cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import services
from bot.rules.playbook import ROLES, Role
from bot.rules.said import quoted, said
from bot.services import caseload
from handlers.blocks import Reply, build_message, build_outcome
from handlers.commands.subcommand import (
    CASE,
    KEEP_TEAM,
    NoArgs,
    Subcommand,
    date_opt,
    keep_team,
    no_more,
    one_of,
    refuse,
    user,
)
from handlers.context import Context
from handlers.given import tell_new_manager

# ---------------------------------------------------------------- away, back


@dataclass(frozen=True)
class Away:
    until: date | None
    cover: str | None


def parse_away(words: list[str]) -> Away:
    until = cover = None
    while words:
        word = words.pop(0).lower()
        if word == "until" and words:
            until = date_opt(AWAY, words, when="near")
            if until is None:
                raise refuse(
                    AWAY, said(quoted(words[0][:40]), " is not a day: say until when, like until 12/7.")
                )
        elif word == "cover" and words:
            cover = user(AWAY, words.pop(0), "person who covers")
        else:
            raise refuse(AWAY, said("I don't know what to do with ", quoted(word[:40]), "."))
    return Away(until=until, cover=cover)


def run_away(ctx: Context, actor: str, a: Away) -> Reply:
    if a.cover and a.cover != actor:
        ctx.people.check(a.cover, who="them")
    return build_message(services.set_away(ctx.firm, actor, until=a.until, cover=a.cover))


AWAY = Subcommand(
    CASE,
    "away",
    usage="[until <day>] [cover @user]",
    help="away: someone covers your reminders",
    example="until 12/7 cover @dana",
    parse=parse_away,
    run=run_away,
)


def parse_back(words: list[str]) -> NoArgs:
    no_more(BACK, words)
    return NoArgs()


def run_back(ctx: Context, actor: str, a: NoArgs) -> Reply:
    return build_message(services.set_back(ctx.firm, actor))


BACK = Subcommand(CASE, "back", usage="", help="back from away", example="", parse=parse_back, run=run_back)


# ---------------------------------------------------------------- role


@dataclass(frozen=True)
class RoleChange:
    user: str
    role: Role


def parse_role(words: list[str]) -> RoleChange:
    who = user(ROLE, words.pop(0) if words else None)
    role = words.pop(0).lower() if words else ""
    if role not in ROLES:
        got = said(quoted(role[:20]), " is not a role:") if role else "Give the role:"
        raise refuse(ROLE, said(got, f" {one_of(ROLES)}."))
    no_more(ROLE, words)
    return RoleChange(user=who, role=Role(role))


def run_role(ctx: Context, actor: str, a: RoleChange) -> Reply:
    ctx.people.check(a.user, who="them")
    return build_message(services.set_role(ctx.firm, actor, a.user, a.role))


ROLE = Subcommand(
    CASE,
    "role",
    usage=f"@user {'|'.join(ROLES)}",
    help="admins only",
    example="@dana lead",
    parse=parse_role,
    run=run_role,
)


# ---------------------------------------------------------------- handover


@dataclass(frozen=True)
class Handover:
    from_user: str
    to_user: str
    keep_team: bool = False


def parse_handover(words: list[str]) -> Handover:
    from_user = user(HANDOVER, words.pop(0) if words else None, "manager whose cases move")
    if words and words[0].lower() == "to":
        words.pop(0)
    to_user = user(HANDOVER, words.pop(0) if words else None, "manager who takes them")
    keep = keep_team(HANDOVER, words)
    no_more(HANDOVER, words)
    return Handover(from_user=from_user, to_user=to_user, keep_team=keep)


def run_handover(ctx: Context, actor: str, a: Handover) -> Reply:
    ctx.people.check(a.to_user, who="them")
    moved = caseload.move_caseload(ctx.firm, actor, a.from_user, a.to_user, keep_team=a.keep_team)
    if moved.cases and a.to_user != actor:  # they are told, privately
        tell_new_manager(ctx, actor, a.to_user, moved.cases, kept=a.keep_team)
    return build_outcome(moved.message, None, ctx.firm.today())


HANDOVER = Subcommand(
    CASE,
    "handover",
    usage=f"@from @to [{KEEP_TEAM}]",
    help=f"move a manager's open cases (leads and admins); their teams are cleared unless {KEEP_TEAM}",
    example="@dana @lee",
    parse=parse_handover,
    run=run_handover,
    aliases=("hand-over", "caseload"),
)
