"""Who may see and change a case: the person's role (refusing anyone who may not use casebot), the covers
of a manager who is away, the case's team, and the one refusal for a case someone may not see."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.errors import HiddenCase, NotAllowed, UnknownCase
from bot.rules.playbook import LEAD_ROLES, Role
from bot.rules.said import Person, said, typed
from bot.services import request
from bot.services.firm import Firm
from bot.services.members import Member, member_of, not_member
from storage import case_numbers
from storage import queries as q
from storage.models import Case, Staff


def staff_row(s: Session, user_id: str) -> Member | None:
    """The person's staff row, copied: one this request has read already (the caller's,
    bot/services/request.py) is not read again."""
    known, staff = request.known_staff(user_id)
    if not known:
        staff = member_of(q.get_staff(s, user_id))
        request.remember(user_id, staff)
    return staff


def role_of(s: Session, firm: Firm, user_id: str) -> Role:
    """The person's role; refuses anyone who may not use casebot (ADMIN_USERS are no exception)."""
    staff = staff_row(s, user_id)
    refusal = not_member(staff)
    if refusal is not None:
        raise refusal
    if user_id in firm.settings.admin_users:
        return Role.ADMIN
    return Role(staff.role) if staff else Role.MANAGER


def is_away(staff: Staff | Member | None, day: date) -> bool:
    """Away on `day` (`away_until` is the day they are back)."""
    return bool(staff and staff.away and (staff.away_until is None or day < staff.away_until))


def covers_of(s: Session, firm: Firm, manager: str) -> set[str]:
    """Who covers for this manager today: their cover while they are away, that cover's while they are away
    too, and so on (the people their reminders go to)."""
    day, who = firm.today(), manager
    found: set[str] = set()
    while True:
        known, staff = request.known_staff(who)  # the caller's row, kept by the request
        if not known:
            staff = member_of(q.get_staff(s, who))
        if not is_away(staff, day) or staff is None or not staff.cover_id:
            return found
        who = staff.cover_id
        if who == manager or who in found:
            return found
        found.add(who)


def unknown_case(
    s: Session, firm: Firm | None, actor: str | None, number: str, *, hidden: bool = False
) -> UnknownCase:
    """The one refusal for a case number someone may not see, whether or not there is such a case: the
    same words, and the same work (the closest numbers they may see), so that neither the reply nor its
    time tells an existing case, or its manager, from a missing one."""
    suggestions: list[str] = []
    if firm is not None and actor is not None:
        suggestions = case_numbers.closest_numbers(
            s, number, among=lambda found: visible_numbers(s, firm, actor, found)
        )
    kind = HiddenCase if hidden else UnknownCase
    shown = number.strip().upper()[:40]
    return kind(shown, suggestions, to_someone=actor is not None, shown=typed(shown))


def sees(s: Session, firm: Firm, actor: str, case: Case, role: str) -> bool:
    if role in LEAD_ROLES or case.manager_id == actor:
        return True
    return q.on_team(s, case.id, actor) or actor in covers_of(s, firm, case.manager_id)


def may_see(s: Session, firm: Firm, actor: str, case: Case) -> str:
    """Every read of a case asks this: its manager, their cover while away, the people on its team, leads
    and admins may see it (and change it, see may_change); anyone else is told there is no such case
    (unknown_case), exactly as for a number that is no case. Answers the actor's role."""
    role = role_of(s, firm, actor)
    if not sees(s, firm, actor, case, role):
        raise unknown_case(s, firm, actor, case.number, hidden=True)
    return role


def may_change(s: Session, firm: Firm, actor: str, case: Case) -> str:
    """Who may see a case may change it as its manager does (assigning and closing: see may_reassign)."""
    return may_see(s, firm, actor, case)


def may_reassign(s: Session, firm: Firm, actor: str, case: Case) -> str:
    """Giving a case to another manager, closing it, naming its team: its manager, a lead or an admin."""
    role = may_see(s, firm, actor, case)
    if role not in LEAD_ROLES and case.manager_id != actor:
        raise NotAllowed(
            said(
                f"Only {case.number}'s manager (",
                Person(case.manager_id),
                "), a lead or an admin can do that.",
            )
        )
    return role


def visible_numbers(s: Session, firm: Firm, actor: str, candidates: list[tuple[str, str, int]]) -> list[str]:
    """Of (number, manager, case id) candidates, the numbers this person may see."""
    try:
        role = role_of(s, firm, actor)
    except NotAllowed:
        return []
    if role in LEAD_ROLES:
        return [n for n, _, _ in candidates]
    team = q.cases_on_team_of(s, actor, [i for _, _, i in candidates])
    covered: dict[str, bool] = {}
    out = []
    for number, manager, case_id in candidates:
        if manager != actor and case_id not in team:
            if manager not in covered:
                covered[manager] = actor in covers_of(s, firm, manager)
            if not covered[manager]:
                continue
        out.append(number)
    return out
