"""A case's team: the people who work it with its manager (a legal assistant drafting the demand, a paralegal
chasing records). They see and change the case as its manager does; its manager, a lead or an admin names them."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from bot.errors import InputError, PreconditionNotMet
from bot.rules.said import Person, Said, command, quoted, said
from bot.services.access import may_reassign
from bot.services.changes import audit, change_case
from bot.services.firm import Firm, Outcome, Transaction
from bot.services.members import not_member
from storage import queries as q
from storage.models import Case, TeamMember

TEAM_ACTIONS = ("add", "remove")


def change_team(firm: Firm, actor: str, number: str, action: str, user: str) -> Outcome:
    """Add someone to the case's team, or take them off it."""
    if action not in TEAM_ACTIONS:
        raise InputError(
            said(quoted(action[:20]), " is not add or remove."), example=command(f"team {number} add @lee")
        )

    def change(s: Session, case: Case) -> str:
        members = {m.user_id: m for m in case.team}
        if action == "add":
            if user == case.manager_id:
                raise PreconditionNotMet(
                    said(Person(user), f" manages {case.number}; the team works it with them.")
                )
            if (refusal := not_member(q.get_staff(s, user), who=said(Person(user), " is"))) is not None:
                raise refusal
            if user in members:
                return said(Person(user), f" is already on {case.number}'s team.")
            case.team.append(TeamMember(user_id=user, added_by=actor, added_at=firm.now()))
            audit(s, firm, case, actor, "team_add", user=user)
            return said(
                Person(user),
                f" is now on {case.number}'s team: they see and work it with ",
                Person(case.manager_id),
                ".",
            )
        if user not in members:
            return said(Person(user), f" is not on {case.number}'s team.")
        case.team.remove(members[user])
        audit(s, firm, case, actor, "team_remove", user=user)
        return said(Person(user), f" is off {case.number}'s team.")

    return change_case(firm, actor, number, change, check=may_reassign, moves_sight=True)


def hand_team_over(case: Case, manager: str, *, keep: bool) -> tuple[list[str], list[str]]:
    """A case given to `manager`: its team is cleared (the previous manager's people no longer see it),
    unless `keep`. The new manager is never on their own case's team. Answers (removed, kept)."""
    removed = [m for m in case.team if not keep or m.user_id == manager]
    for member in removed:
        case.team.remove(member)
    return [m.user_id for m in removed if m.user_id != manager], [m.user_id for m in case.team]


def people(users: Iterable[str]) -> Said:
    """Mentions, one after another: `@a, @b`."""
    return said(*[part for i, u in enumerate(users) for part in ((", " if i else ""), Person(u))])


def team(firm: Firm, number: str) -> list[str]:
    """The user ids on the case's team, first added first."""
    with Transaction(firm, write=False) as s:
        case = q.get_case(s, number, children=False)
        return [m.user_id for m in q.team_of(s, case.id)] if case else []
