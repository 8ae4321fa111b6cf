"""People: roles, away and cover, what casebot remembers of each Slack user, and events seen once."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.errors import (
    InputError,
    NotAllowed,
    PreconditionNotMet,
)
from bot.services.changes import audit, role_of
from bot.services.firm import ROLES, Firm, Transaction
from storage import queries as q
from storage.models import (
    EventClaim,
    Staff,
)


def set_role(firm: Firm, actor: str, user: str, role: str) -> str:
    if role not in ROLES:
        raise InputError(
            f"“{role[:20]}” is not a role: manager, lead or admin.", example="/case role @dana lead"
        )
    with Transaction(firm) as s:
        if role_of(s, firm, actor) != "admin":
            raise NotAllowed("Only an admin can change roles.")
        if user in firm.settings.admin_users and role != "admin":
            raise PreconditionNotMet(f"<@{user}> is an admin by the ADMIN_USERS setting; change it there.")
        staff = _staff(s, user)
        previous, staff.role = staff.role, role
        audit(s, firm, None, actor, "role", user=user, from_role=previous, to_role=role)
    return f"<@{user}> is now a {role}."


def _staff(s: Session, user: str) -> Staff:
    staff = q.get_staff(s, user, for_update=True)
    if staff is None:
        staff = Staff(user_id=user, role="manager")
        s.add(staff)
    return staff


def set_away(firm: Firm, actor: str, *, until: date | None = None, cover: str | None = None) -> str:
    today = firm.today()
    if until is not None and until < today:
        raise InputError(
            "“until” is the day you are back; it can't be in the past.",
            example=f"/case away until {today + timedelta(days=7):%Y-%m-%d}",
        )
    if cover == actor:
        raise InputError("Someone else covers for you while you are away.", example="/case away cover @dana")
    with Transaction(firm) as s:
        staff = _staff(s, actor)
        staff.away, staff.away_until, staff.cover_id = True, until, cover
        audit(s, firm, None, actor, "away", until=until, cover=cover)
    back = f" until {until:%b %-d}" if until else ""
    return f"You are away{back}. " + (
        f"<@{cover}> gets your reminders."
        if cover
        else "Your reminders wait for you; name a cover with /case away cover @someone."
    )


def set_back(firm: Firm, actor: str) -> str:
    with Transaction(firm) as s:
        staff = _staff(s, actor)
        staff.away, staff.away_until, staff.cover_id = False, None, None
        audit(s, firm, None, actor, "back")
    return "Welcome back: your reminders come to you again."


def remember_person(
    firm: Firm,
    user_id: str,
    *,
    name: str | None = None,
    email: str | None = None,
    tz: str | None = None,
    is_guest: bool = False,
    is_bot: bool = False,
    deleted: bool = False,
) -> None:
    """Cache what Slack says about a person (users.info), so it is asked at most once in a while."""
    with Transaction(firm) as s:
        staff = _staff(s, user_id)
        staff.name, staff.email, staff.tz = name, email, tz
        staff.is_guest, staff.is_bot, staff.deleted = is_guest, is_bot, deleted
        staff.info_fetched_at = firm.now()


def person(firm: Firm, user_id: str) -> Staff | None:
    with Transaction(firm, write=False) as s:
        staff = q.get_staff(s, user_id)
        if staff is not None:
            s.expunge(staff)
        return staff


def role(firm: Firm, user_id: str) -> str:
    with Transaction(firm, write=False) as s:
        return role_of(s, firm, user_id)


def claim_event(firm: Firm, event_id: str) -> bool:
    """Claim one Events API delivery before handling it; False when it was claimed already (Slack's retry)."""
    try:
        with Transaction(firm) as s:
            if s.get(EventClaim, event_id[:64]) is not None:
                return False
            s.add(EventClaim(event_id=event_id[:64], claimed_at=firm.now()))
    except IntegrityError:
        return False
    return True
