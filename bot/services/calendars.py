"""Calendar subscriptions: the deadlines a person's calendar shows, and their private links.

A person's calendar holds the limitation dates and claim deadlines of their open cases (every open case for
a lead or an admin). It leaves the firm's hands (Outlook, Google, a phone), so it carries the case number and
the client's initials only: no names, no amounts, no medical details.

A link is `<PUBLIC_BASE_URL>/calendar/<token>.ics`, the token 256 random bits. Only its SHA-256 is stored:
a copy of the database opens no calendar, and a lost link can't be shown again (`/case calendar` gives a new
one; `/case calendar reset` revokes them all). A link stops working when its owner leaves Slack, becomes a
guest or is of another workspace, and a manager's link shows only the cases they manage now."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date

from bot.errors import PreconditionNotMet
from bot.rules.limitation import claim_basis, limitation_basis
from bot.services.changes import audit, role_of
from bot.services.firm import LEAD_ROLES, Firm, Transaction
from storage import queries as q
from storage.models import CalendarLink

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
        rows = q.open_case_deadlines(s, manager)
        versions = q.deadline_versions(s, [r.id for r in rows], DEADLINE_ACTIONS)
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


def new_calendar_link(firm: Firm, actor: str, workspace: str | None = None) -> str:
    """A new private subscription link for `actor`'s calendar; earlier links keep working until revoked."""
    base = firm.settings.public_base_url
    if not base:
        raise PreconditionNotMet(
            "casebot has no public address to serve calendars from (the PUBLIC_BASE_URL setting is empty): "
            "ask whoever runs casebot to set it, or for a file made with `casebot calendar --user <id>`."
        )
    token = secrets.token_urlsafe(32)
    with Transaction(firm) as s:
        role_of(s, firm, actor)  # refuses a guest, a bot, the deactivated, another workspace
        s.add(
            CalendarLink(user_id=actor, token_hash=_hash(token), created_at=firm.now(), workspace=workspace)
        )
        audit(s, firm, None, actor, "calendar_link")
    return f"{base}/calendar/{token}.ics"


def revoke_calendar_links(firm: Firm, actor: str) -> int:
    """Revoke every calendar link `actor` was given; how many there were."""
    with Transaction(firm) as s:
        links = q.calendar_links_of(s, actor)
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
