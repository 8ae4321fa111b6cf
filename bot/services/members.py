"""Who a person is to casebot, as the services hand it out: a copy of their staff row, never the row, and the
one refusal for someone who may not use casebot (a guest, a bot, a deactivated account, another workspace's
user), which the services and the Slack front door (handlers/slack/people.py) both give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.errors import NotAllowed
from bot.rules.said import said
from storage.models import Staff


@dataclass(frozen=True)
class Member:
    """What casebot keeps of one person (storage's staff row, copied): their role, what Slack said of them and
    when, and whether they are away and who covers."""

    user_id: str
    role: str
    name: str | None = None
    tz: str | None = None
    is_guest: bool = False
    is_bot: bool = False
    deleted: bool = False
    external: bool = False
    info_fetched_at: datetime | None = None
    away: bool = False
    away_until: date | None = None
    cover_id: str | None = None

    @property
    def full_member(self) -> bool:
        """May use casebot and receive client data: not a guest, a bot, deactivated, or of another workspace."""
        return not (self.is_guest or self.is_bot or self.deleted or self.external)


def member_of(staff: Staff | Member | None) -> Member | None:
    """The copy of a staff row (a copy already is one)."""
    if staff is None or isinstance(staff, Member):
        return staff
    return Member(
        user_id=staff.user_id,
        role=staff.role,
        name=staff.name,
        tz=staff.tz,
        is_guest=bool(staff.is_guest),
        is_bot=bool(staff.is_bot),
        deleted=bool(staff.deleted),
        external=bool(staff.external),
        info_fetched_at=staff.info_fetched_at,
        away=bool(staff.away),
        away_until=staff.away_until,
        cover_id=staff.cover_id,
    )


def not_member(
    staff: Staff | Member | None, *, who: str = "You are", field: str | None = None
) -> NotAllowed | None:
    """The refusal for someone who may not use casebot or see client data (a guest, a bot, a deactivated
    account, a user of another workspace), as far as casebot knows them; None for a full member (or someone
    casebot knows nothing of). `who` is the sentence's subject and verb ("You are", "<@U1> is"); `field` the
    form's field the person came in."""
    if staff is None or staff.full_member:
        return None
    what = (
        "deactivated in Slack"
        if staff.deleted
        else "a bot"
        if staff.is_bot
        else "a guest in this Slack workspace"
        if staff.is_guest
        else "of another Slack workspace"
    )
    return NotAllowed(
        said(
            who,
            f" {what}; casebot is for the firm's own full members. Ask a workspace admin if that is wrong.",
        ),
        field=field,
    )
