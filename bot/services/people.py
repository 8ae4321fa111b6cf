"""People: roles, away and cover, what casebot remembers of each Slack user, and events seen once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from bot.errors import (
    InputError,
    NotAllowed,
    PreconditionNotMet,
)
from bot.rules.parsing import person_name, time_zone
from bot.rules.playbook import ROLES, Role
from bot.rules.said import Command, Person, command, quoted, said
from bot.services import request
from bot.services.access import covers_of, role_of
from bot.services.changes import announce_views, audit
from bot.services.firm import Firm, Transaction
from bot.services.members import Member, member_of, not_member
from storage import claims, deliveries
from storage import queries as q
from storage.claims import ClaimsUnavailable
from storage.models import (
    Delivery,
    Staff,
)

log = logging.getLogger(__name__)


def set_role(firm: Firm, actor: str, user: str, role: str) -> str:
    if role not in ROLES:
        raise InputError(
            said(quoted(role[:20]), f" is not a role: {', '.join(ROLES[:-1])} or {ROLES[-1]}."),
            example=command("role @dana lead"),
        )
    with Transaction(firm) as s:
        if role_of(s, firm, actor) != Role.ADMIN:
            raise NotAllowed("Only an admin can change roles.")
        if user in firm.settings.admin_users and role != Role.ADMIN:
            raise PreconditionNotMet(
                said(Person(user), " is an admin by the ADMIN_USERS setting; change it there.")
            )
        staff = _staff(s, user)
        previous, staff.role = staff.role, role
        audit(s, firm, None, actor, "role", user=user, from_role=previous, to_role=role)
    if previous != role:  # a lead's Home shows the whole firm; a manager's, only their own
        announce_views(firm, {user})
    return said(Person(user), f" is now a {role}.")


def _staff(s: Session, user: str) -> Staff:
    """The row to change, locked; the request forgets the copy it kept, so later reads see the change."""
    request.forget(user)
    staff = q.get_staff(s, user, for_update=True)
    if staff is None:
        staff = Staff(user_id=user, role=Role.MANAGER)
        s.add(staff)
    return staff


def set_away(firm: Firm, actor: str, *, until: date | None = None, cover: str | None = None) -> str:
    today = firm.today()
    if until is not None and until < today:
        raise InputError(
            "“until” is the day you are back; it can't be in the past.",
            example=command(f"away until {today + timedelta(days=7):%Y-%m-%d}"),
        )
    if cover == actor:
        raise InputError(
            "Someone else covers for you while you are away.", example=command("away cover @dana")
        )
    with Transaction(firm) as s:
        role_of(s, firm, actor)
        if (
            cover
            and (refusal := not_member(q.get_staff(s, cover), who=said(Person(cover), " is"))) is not None
        ):
            raise refusal
        staff = _staff(s, actor)
        had = covers_of(s, firm, actor)
        staff.away, staff.away_until, staff.cover_id = True, until, cover
        audit(s, firm, None, actor, "away", until=until, cover=cover)
        views = had ^ covers_of(s, firm, actor)  # a cover who starts, or one who no longer covers
    announce_views(firm, views - {actor})
    back = f" until {until:%b %-d}" if until else ""
    if cover:
        return said(f"You are away{back}. ", Person(cover), " gets your reminders.")
    return said(
        f"You are away{back}. Your reminders wait for you; name a cover with ",
        Command("away cover @someone"),
        ".",
    )


def set_back(firm: Firm, actor: str) -> str:
    with Transaction(firm) as s:
        staff = _staff(s, actor)
        had = covers_of(s, firm, actor)
        staff.away, staff.away_until, staff.cover_id = False, None, None
        audit(s, firm, None, actor, "back")
    announce_views(firm, had - {actor})  # their cover covers no more
    return "Welcome back: your reminders come to you again."


@dataclass(frozen=True)
class PersonInfo:
    """What the chat platform says about a person (Slack's users.info)."""

    user_id: str
    name: str | None = None
    tz: str | None = None
    is_guest: bool = False
    is_bot: bool = False
    deleted: bool = False
    external: bool = False  # of another workspace (Slack Connect)

    @property
    def full_member(self) -> bool:
        return not (self.is_guest or self.is_bot or self.deleted or self.external)


class Directory(Protocol):
    """Who is who, asked of the chat platform (the import asks it about the managers it names)."""

    def person(self, user_id: str) -> PersonInfo | None:
        """The person with this id, or None when there is no such person."""
        ...

    def person_by_email(self, email: str) -> PersonInfo | None:
        """The person with this email, or None when there is no such person."""
        ...


HANDOVER = "handover"
INFO_FRESH_FOR = timedelta(hours=24)  # what Slack said of someone is asked again after this


def info_is_stale(fetched: datetime | None, now: datetime) -> bool:
    """What Slack said of someone, cached at `fetched`, is to be asked again (never asked, or a day old)."""
    if fetched is None:
        return True
    if fetched.tzinfo is None:
        fetched = fetched.replace(tzinfo=UTC)
    return now - fetched > INFO_FRESH_FOR


def leads(s: Session, firm: Firm) -> list[str]:
    """Who hears about what is ignored, and who hands cases over: the leads; with no lead, the admins.
    Only full members (ADMIN_USERS are no exception)."""
    found = [st.user_id for st in q.staff_with_role(s, (Role.LEAD,)) if st.full_member]
    if found:
        return found
    admins = {st.user_id for st in q.staff_with_role(s, (Role.ADMIN,)) if st.full_member}
    configured = set(firm.settings.admin_users)
    known = q.staff_by_ids(s, configured)
    admins |= {u for u in configured if u not in known or known[u].full_member}
    return sorted(admins)


def remember_person(
    firm: Firm,
    user_id: str,
    *,
    name: str | None = None,
    tz: str | None = None,
    is_guest: bool = False,
    is_bot: bool = False,
    deleted: bool = False,
    external: bool = False,
) -> None:
    """Cache what Slack says about a person (users.info), so it is asked at most once in a while. A manager
    who stops being a full member (made a guest, deactivated) is reported to the leads once, in the same
    transaction, with the cases to hand over (a `handover` delivery; its renderer lists them at send time).
    Whoever becomes a guest, is deactivated or joins another workspace (or comes back) has their Home
    published again at once: a guest's says casebot is not for them, and shows no case."""
    with Transaction(firm) as s:
        staff = _staff(s, user_id)
        known = staff.info_fetched_at is not None
        was_member = known and staff.full_member
        staff.name, staff.tz = person_name(name), time_zone(tz)
        staff.is_guest, staff.is_bot, staff.deleted, staff.external = is_guest, is_bot, deleted, external
        staff.info_fetched_at = firm.now()
        if was_member and not staff.full_member and q.open_cases_of(s, user_id):
            _tell_leads_to_hand_over(s, firm, staff)
        moved = known and was_member != staff.full_member and not staff.is_bot
    if moved:
        announce_views(firm, {user_id})


def _tell_leads_to_hand_over(s: Session, firm: Firm, staff: Staff) -> None:
    today, now = firm.today(), firm.now()
    why = (
        "was deactivated"
        if staff.deleted
        else "is now a guest"
        if staff.is_guest
        else "is now a bot"
        if staff.is_bot
        else "is now of another workspace"
    )
    for lead in leads(s, firm):
        if lead == staff.user_id:
            continue
        key = f"{HANDOVER}:{staff.user_id}:{lead}:{today.isoformat()}"
        if deliveries.get_delivery(s, key) is None:
            s.add(
                Delivery(
                    key=key,
                    kind=HANDOVER,
                    user_id=lead,
                    for_day=today,
                    state="pending",
                    attempts=0,
                    payload={"person": staff.user_id, "why": why},
                    created_at=now,
                )
            )
    audit(s, firm, None, "casebot", "member_left", user=staff.user_id, why=why)


def person(firm: Firm, user_id: str) -> Member | None:
    """What casebot knows of the person (a copy of their staff row), or None when it knows nothing."""
    with Transaction(firm, write=False) as s:
        return member_of(q.get_staff(s, user_id))


def role(firm: Firm, user_id: str) -> Role:
    with Transaction(firm, write=False) as s:
        return role_of(s, firm, user_id)


EVENT_CLAIMS_KEPT = timedelta(
    hours=1
)  # Slack retries an event within minutes (three times, the last ~5 min on)
SIGNATURES_KEPT = timedelta(minutes=10)  # twice the five minutes a signed request's timestamp is good for


def claim_request(firm: Firm, key: str, kept: timedelta = SIGNATURES_KEPT) -> bool:
    """Claim a signed request (or an event delivery) before serving it; False when it was claimed already.
    Writes nothing on SQLite and takes no lock on PostgreSQL (storage/claims.py); while PostgreSQL can't
    be reached, this process remembers it."""
    claims, now = firm.db.claims, firm.now()
    try:
        return claims.first_time(key, now, kept)
    except ClaimsUnavailable:
        log.warning("Could not record a request in the database; remembering it in memory")
        return claims.in_memory(key, now, kept)


def claim_event(firm: Firm, event_id: str) -> bool:
    """Claim one Events API delivery before handling it; False when it was claimed already (Slack's retry)."""
    return claim_request(firm, event_id, EVENT_CLAIMS_KEPT)


def prune_event_claims(firm: Firm) -> int:
    """Forget claims older than Slack's retries and the signature's replay window: the tables stay small."""
    with Transaction(firm) as s:
        return claims.prune(s, firm.now() - EVENT_CLAIMS_KEPT)
