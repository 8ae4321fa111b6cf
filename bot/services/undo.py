"""Undo: put back the caller's most recent change on a case (a lead's or an admin's: anyone's), as if it had
not happened, and re-plan. The change and the undo both stay in the audit trail; undoing again walks back."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.errors import Conflict, InputError, NotAllowed, PreconditionNotMet
from bot.rules.parsing import spoken_day
from bot.rules.playbook import LEAD_ROLES, STAGES, Stage, ordinal
from bot.rules.public_entity_table import CLAIM_EVENT_WORDS
from bot.rules.said import Command, Person, Said, said, typed
from bot.services.access import may_change
from bot.services.changes import (
    announce_change,
    announce_views,
    audit,
    card_of,
    find_case,
    replan,
    sight,
    sight_moved,
)
from bot.services.client_updates import cancel_held_update
from bot.services.corrections import recompute_contacts
from bot.services.firm import Firm, Outcome, Transaction
from storage import queries as q
from storage.journal import DERIVED, changed_columns, revert
from storage.models import AuditEntry, Case, CaseChange

# Columns of the case a later change may have written too: worked out again from the facts after an undo.
_RECOMPUTED = {("cases", "last_client_contact_on"), ("cases", "advanced_at"), ("offers", "informed_on")}


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def describe(entry: AuditEntry | None, today: date) -> Said:
    """A change in the firm's words, from its audit entry: "client contact of Tue Nov 3"; a provider's name
    in it is Typed (the change undone may have been its only mention left)."""
    return said(_described(entry, today))


def _described(entry: AuditEntry | None, today: date) -> str:
    if entry is None:
        return "change"
    d: dict[str, Any] = entry.detail or {}
    day = f" of {spoken_day(date.fromisoformat(d['on']), today).split(' — ')[0]}" if d.get("on") else ""
    words = _DESCRIPTIONS.get(entry.action)
    return words(d, day) if words is not None else entry.action.replace("_", " ")


def _stage_move(d: dict[str, Any], day: str) -> str:
    to = d.get("to_stage")
    label = STAGES[Stage(to)].label if to in {s.value for s in Stage} else to
    return f"move to “{label}”{day}"


# Each audited action in the firm's words, from its detail and " of <day>" (blank when it has no day); an
# action not here is named as it is ("provider_remove": "provider remove").
_DESCRIPTIONS: dict[str, Callable[[dict[str, Any], str], str]] = {
    "create": lambda d, day: "opening of the case",
    "contact": lambda d, day: f"{d.get('kind', 'client')} contact{day}",
    # an attempt says how: "client attempt (voicemail) of Fri Dec 11"
    "attempt": lambda d, day: f"{d.get('kind', 'client')} attempt ({d.get('how', 'attempt')}){day}",
    "provider_add": lambda d, day: (
        said("provider ", _provider(d), " added") if d.get("provider") else "provider added"
    ),
    "provider_received": lambda d, day: said(f"{d.get('what', 'records')} received from ", _provider(d), day),
    "provider_followed_up": lambda d, day: said("follow-up with ", _provider(d), day),
    "stage": _stage_move,
    "holdup": lambda d, day: f"{d.get('kind', '')} hold-up".strip(),
    "holdup_clear": lambda d, day: "clearing of hold-ups",
    "demand_sent": lambda d, day: f"demand sent{day}",
    "demand_resent": lambda d, day: f"demand resent{day}",
    "demand_ack": lambda d, day: f"acknowledgment{day}",
    "offer": lambda d, day: f"{ordinal(int(d.get('n', 1)))} offer{day}",
    "assign": lambda d, day: "change of manager",
    "team_remove": lambda d, day: said("removal of ", Person(str(d.get("user", ""))), " from the team"),
    "snooze": lambda d, day: f"snooze of {d.get('rule', 'a reminder')}",
    "fix": lambda d, day: f"correction of the {d.get('fact', 'fact')}",
    "claim": lambda d, day: (
        f"recording of the claim {CLAIM_EVENT_WORDS.get(str(d.get('event')), 'event')}{day}"
    ),
}


def _provider(detail: dict[str, Any]) -> Said:
    return typed(detail["provider"]) if detail.get("provider") else said("a provider")


def undo_change(firm: Firm, actor: str, number: str, *, audit_id: int | None = None) -> Outcome:
    """Undo the caller's most recent change on the case within the undo window (a lead or an admin: the most
    recent of anyone's). With `audit_id` (an Undo button), exactly that change, and only while it is still
    the case's latest: an old or repeated click undoes nothing else. While a client update of the caller's is
    held (CLIENT_MESSAGE_HOLD_MINUTES), a plain undo cancels that first: nothing is sent."""
    if audit_id is None:
        held = cancel_held_update(firm, actor, number)
        if held is not None:
            return held
    today = firm.today()
    gone: Said | None = None
    with Transaction(firm) as s:
        case = find_case(s, number, firm=firm, actor=actor, for_update=True)
        role = may_change(s, firm, actor, case)
        before = (case.manager_id, sight(s, firm, case))  # an undo may give a case back, or take it away
        live = q.live_changes(s, case.id)
        target = _target(s, firm, actor, role, case, live, audit_id)
        later = [c for c in live if c.id > target.id]
        keep = _check_later(s, case, target, later, today)
        entry = q.audit_entry(s, target.audit_id)
        what = describe(entry, today)
        whose = said("your") if target.by == actor else said(Person(target.by), "'s")
        rows = target.rows
        number = case.number
        revert(s, rows, keep=keep)
        s.expire_all()  # the case's collections still hold the rows just removed
        target.undone_at, target.undone_by = firm.now(), actor
        if any(table == "cases" for table, _ in rows.get("added", [])):
            audit(s, firm, None, actor, "undo", number=number, undid=target.audit_id, change=target.action)
            gone = said(
                "Undid ", whose, " ", what, f" on {number}: the case is gone (the audit trail keeps it)."
            )
            views = sight_moved(s, firm, before, None) - {actor}
        else:
            case = find_case(s, number, firm=firm, actor=actor, for_update=True)
            if keep:
                recompute_contacts(case)
            replan(s, firm, case, actor)
            audit(s, firm, case, actor, "undo", undid=target.audit_id, change=target.action, of=target.by)
            card = card_of(s, firm, case)
            views = sight_moved(s, firm, before, case) - {actor}
    announce_views(firm, views)
    if gone is not None:
        return Outcome(gone, views=views)
    announce_change(firm, actor, number)
    return Outcome(
        said("Undid ", whose, " ", what, f" on {number}; its clocks are as they were before it."),
        card,
        views=views,
    )


def _target(
    s: Session,
    firm: Firm,
    actor: str,
    role: str,
    case: Case,
    live: list[CaseChange],
    audit_id: int | None,
) -> CaseChange:
    today = firm.today()
    since = firm.now() - timedelta(hours=firm.numbers.undo_window_hours)
    hours = firm.numbers.undo_window_hours
    if audit_id is not None:
        target = next((c for c in live if c.audit_id == audit_id), None)
        if target is None:
            recorded = q.change_of_audit(s, audit_id)
            if recorded is not None and recorded.undone_at is not None:
                raise Conflict(
                    said(
                        f"That change on {case.number} was already undone (by ",
                        Person(recorded.undone_by or ""),
                        "); nothing else was undone.",
                    )
                )
            raise InputError(f"That Undo button is not for a change on {case.number}; nothing was undone.")
        if target is not live[-1]:
            raise Conflict(
                said(
                    f"{case.number} has changed since (",
                    describe(q.audit_entry(s, live[-1].audit_id), today),
                    "), so that button undoes nothing now; ",
                    Command(f"undo {case.number}"),
                    " walks back one change at a time.",
                )
            )
        if target.by != actor and role not in LEAD_ROLES:
            raise NotAllowed(
                said(
                    f"That change on {case.number} is ",
                    Person(target.by),
                    "'s: only they, a lead or an admin can undo it.",
                )
            )
    else:
        mine = [c for c in live if c.by == actor or role in LEAD_ROLES]
        if not mine:
            raise PreconditionNotMet(
                f"Nothing of yours to undo on {case.number}: casebot undoes changes of the last {hours} hours."
            )
        target = mine[-1]
    if _aware(target.at) < since:
        raise PreconditionNotMet(
            said(
                said("Your") if target.by == actor else said(Person(target.by), "'s"),
                f" last change on {case.number} (",
                describe(q.audit_entry(s, target.audit_id), today),
                f") is more than {hours} hours old: correct the fact instead with ",
                Command(f"fix {case.number} …"),
            )
        )
    return target


def _check_later(
    s: Session, case: Case, target: CaseChange, later: list[CaseChange], today: date
) -> dict[tuple[str, int], set[str]]:
    """What later changes that stand wrote over the target's rows: the columns to leave as they are. A later
    change that builds on what the target did (changes a row it added or a fact it set) refuses the undo."""
    mine = changed_columns(target.rows)
    added_case = any(table == "cases" for table, _ in target.rows.get("added", []))
    added_providers = {pk for table, pk in target.rows.get("added", []) if table == "providers"}
    keep: dict[tuple[str, int], set[str]] = {}
    for change in later:
        clash = added_case
        for key, columns in changed_columns(change.rows).items():
            if key[0] == "contacts" and "*" in columns:
                contact = next((c for c in case.contacts if c.id == key[1]), None)
                clash = clash or (contact is not None and contact.provider_id in added_providers)
            if key not in mine:
                continue
            if key[0] in DERIVED:
                keep.setdefault(key, set()).update(columns)
                continue
            facts = {c for c in columns if (key[0], c) not in _RECOMPUTED}
            if "*" in mine[key] or facts & mine[key]:
                clash = True
            keep.setdefault(key, set()).update(columns)
        if clash:
            raise Conflict(
                said(
                    Person(change.by),
                    f"'s later change on {case.number} (",
                    describe(q.audit_entry(s, change.audit_id), today),
                    ") builds on that one: undo it first, or correct the fact with ",
                    Command("fix"),
                    ". Nothing was undone.",
                )
            )
    return keep
