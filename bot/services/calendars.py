"""Calendar subscriptions: the deadlines a person's calendar shows, and their private links.

A person's calendar holds the limitation dates and claim deadlines of their open cases (every open case for
a lead or an admin). It leaves the firm's hands (Outlook, Google, a phone), so it carries the case number and
the client's initials only: no names, no amounts, no medical details.

A link is `<PUBLIC_BASE_URL>/calendar/<token>.ics`, the token 256 random bits. Only its SHA-256 is stored:
a copy of the database opens no calendar, and a lost link can't be shown again (`/case calendar` gives a new
one). A person holds at most MAX_LINKS links: a new one past them revokes the oldest. `/case calendar list`
shows when each was made, `/case calendar revoke <n>` revokes one, `/case calendar reset` revokes them all. A link stops working when its owner leaves Slack, becomes a
guest or is of another workspace, and a manager's link shows only the cases they manage now."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from bot.errors import PreconditionNotMet
from bot.rules.limitation import claim_basis, limitation_basis
from bot.rules.playbook import LEAD_ROLES
from bot.rules.said import Command, said
from bot.services.access import role_of
from bot.services.changes import audit
from bot.services.firm import Firm, Transaction
from storage import deadlines
from storage import queries as q
from storage.models import CalendarLink

# What a deadline is: a limitation date, or a claim deadline against a public entity. CLAIM_DEADLINE is also
# the kind of the alert casebot sends before one (bot/delivery/alerts.py), and its outbox key's prefix.
LIMITATION = "limitation"
CLAIM_DEADLINE = "claim-deadline"
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass(frozen=True)
class Deadline:
    """One date on a calendar: a case's limitation date or its claim deadline against a public entity."""

    kind: str  # LIMITATION | CLAIM_DEADLINE
    case: str  # the case number as the firm writes it
    case_key: str  # the number upper-cased: stable, for the event's UID
    initials: str  # the client's initials, never the name
    on: date
    basis: str  # the statute and period it was computed under, or "entered by hand" (never the loss's day)
    alerts: tuple[int, ...]  # days before it that casebot alerts (the calendar's alarms)
    sequence: int = 0  # grows each time the case's deadlines change: calendar clients replace the event
    workspace: str | None = None  # the firm's Slack workspace id: the UID is unique to the firm
    public: bool = False  # the last day to sue a public entity


# The audit actions that may change a deadline: each one makes the events' SEQUENCE grow.
DEADLINE_ACTIONS = ("limitation", "claim_deadline", "claim", "undo", "fix")


def initials(name: str) -> str:
    """“Jane Q. Roe” → “J.Q.R.”: the first letter of each word of the name, nothing else."""
    letters = [word[0].upper() for word in re.findall(r"[^\W\d_][\w'’-]*", name)]
    return ".".join(letters) + "." if letters else "?"


def deadlines_for(firm: Firm, user: str | None = None) -> list[Deadline]:
    """The limitation dates and claim deadlines of `user`'s open cases (every open case for a lead, an
    admin, or with no user), soonest first. Closed cases and cases in litigation have none; a claim presented
    or rejected has no claim deadline left. The day of the loss is never in them."""
    with Transaction(firm, write=False) as s:
        manager = user if user is not None and role_of(s, firm, user) not in LEAD_ROLES else None
        rows = deadlines.open_case_deadlines(s, manager)
        versions = deadlines.deadline_versions(s, [r.id for r in rows], DEADLINE_ACTIONS)
        workspace = q.firm_workspace(s)
    out = []
    for r in rows:
        who = initials(r.client_name)
        seq = versions.get(r.id, 0)
        if r.limitation_on is not None:
            basis = limitation_basis(
                r.limitation_on,
                r.loss_on,
                r.loss_state,
                bool(r.loss_motor),
                public=bool(r.public_entity),
                rejected_on=r.claim_rejected_on,
                rejection=r.claim_rejection,
                loss_day=False,
            )
            out.append(
                Deadline(
                    LIMITATION,
                    r.number,
                    r.number_key,
                    who,
                    r.limitation_on,
                    basis,
                    firm.numbers.limitation_alert_days,
                    seq,
                    workspace,
                    bool(r.public_entity),
                )  # fmt: skip
            )
        if r.claim_deadline_on is not None and r.claim_presented_on is None and r.claim_rejected_on is None:
            basis = claim_basis(r.claim_deadline_on, r.loss_on, r.loss_state, loss_day=False)
            out.append(
                Deadline(
                    CLAIM_DEADLINE,
                    r.number,
                    r.number_key,
                    who,
                    r.claim_deadline_on,
                    basis,
                    firm.numbers.claim_alert_days,
                    seq,
                    workspace,
                )  # fmt: skip
            )
    return sorted(out, key=lambda d: (d.on, d.case_key, d.kind))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


# The links a person may hold at once: a sixth revokes the oldest, so a forgotten one does not open the
# calendar for ever (a person subscribes from two or three devices, rarely more).
MAX_LINKS = 5


@dataclass(frozen=True)
class NewLink:
    """A link just made, and the day and time the oldest link it replaced was made (None: none replaced)."""

    url: str
    revoked: datetime | None = None


def new_calendar_link(firm: Firm, actor: str, workspace: str | None = None) -> NewLink:
    """A new private subscription link for `actor`'s calendar. Earlier links keep working until revoked, up
    to MAX_LINKS: making one more revokes the oldest."""
    base = firm.settings.public_base_url
    if not base:
        raise PreconditionNotMet(
            "casebot has no public address to serve calendars from (the PUBLIC_BASE_URL setting is empty): "
            "ask whoever runs casebot to set it, or for a file made with `casebot calendar --user <id>`."
        )
    token = secrets.token_urlsafe(32)
    with Transaction(firm) as s:
        role_of(s, firm, actor)  # refuses a guest, a bot, the deactivated, another workspace
        q.calendar_links_of(s, actor, lock=True)  # one new link of a person at a time: the cap holds
        s.add(
            CalendarLink(user_id=actor, token_hash=_hash(token), created_at=firm.now(), workspace=workspace)
        )
        s.flush()
        links = q.calendar_links_of(s, actor)  # read again: a link made meanwhile counts too
        extra = links[: max(len(links) - MAX_LINKS, 0)]
        for link in extra:
            s.delete(link)
        audit(s, firm, None, actor, "calendar_link", revoked=len(extra) or None)
    return NewLink(f"{base}/calendar/{token}.ics", extra[-1].created_at if extra else None)


def calendar_links(firm: Firm, actor: str) -> list[datetime]:
    """When each of `actor`'s links was made, oldest first: link 1 is the first of them."""
    with Transaction(firm, write=False) as s:
        role_of(s, firm, actor)
        return [link.created_at for link in q.calendar_links_of(s, actor)]


def revoke_calendar_link(firm: Firm, actor: str, n: int) -> datetime:
    """Revoke `actor`'s link number `n` (as `calendar_links` counts them); when it was made."""
    with Transaction(firm) as s:
        role_of(s, firm, actor)
        links = q.calendar_links_of(s, actor, lock=True)
        if not links:
            raise PreconditionNotMet(
                said("You have no calendar link to revoke: `", Command("calendar"), "` gives you one.")
            )
        if not 1 <= n <= len(links):
            raise PreconditionNotMet(
                said(
                    f"You have {_links(len(links))}, numbered 1 to {len(links)} oldest first: `",
                    Command("calendar list"),
                    "` shows them.",
                )
                if len(links) > 1
                else said(
                    "You have one calendar link, number 1: `", Command("calendar revoke 1"), "` revokes it."
                )
            )
        link = links[n - 1]
        s.delete(link)
        audit(s, firm, None, actor, "calendar_revoke", link=n)
        return link.created_at


def _links(n: int) -> str:
    return f"{n} calendar link{'s' if n != 1 else ''}"


def revoke_calendar_links(firm: Firm, actor: str) -> int:
    """Revoke every calendar link `actor` was given; how many there were."""
    with Transaction(firm) as s:
        links = q.calendar_links_of(s, actor, lock=True)
        for link in links:
            s.delete(link)
        if links:
            audit(s, firm, None, actor, "calendar_reset", links=len(links))
    return len(links)


def calendar_owner(firm: Firm, token: str) -> str | None:
    """Whose calendar this token opens, or None: no such link, revoked, or its owner gone or a guest."""
    if not _TOKEN_RE.match(token):
        return None
    with Transaction(firm, write=False) as s:
        user = q.calendar_link_owner(s, _hash(token))
        if user is None:
            return None
        staff = q.get_staff(s, user)
    if staff is not None and not staff.full_member:  # a guest, a bot, deactivated, another workspace
        return None
    return user
