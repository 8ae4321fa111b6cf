"""`/case history`: what was recorded on a case (contacts, attempts, changes, corrections), who did it, when,
with its note, newest first, a page at a time, for whoever may see the case. Read from the audit trail:
everything that changes a case writes one entry there, so nothing is left out. Returns data; the words
of each line are plain (handlers/ escapes and formats them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from bot.errors import InputError
from bot.rules.parsing import money
from bot.rules.playbook import STAGES, Stage, ordinal
from bot.rules.public_entity_table import CLAIM_EVENT_WORDS
from bot.rules.said import Person, Said, command, said
from bot.services.changes import find_case_for
from bot.services.firm import Firm, Transaction
from bot.services.team import people
from storage import history as h
from storage.models import AuditEntry

HISTORY_PAGE = 10  # entries a page: what fits one Slack message comfortably


@dataclass(frozen=True)
class HistoryItem:
    at: datetime  # when it was recorded
    by: str  # who (a user id, or "casebot" / "import")
    what: Said  # "client contact", "moved from … to …": plain words; the people it names kept as Person
    on: date | None  # the day it happened, when it has one
    note: str | None  # the note typed with it, or the reason given
    undone: bool = False  # a later /case undo took it back


@dataclass(frozen=True)
class History:
    number: str
    client: str
    page: int
    pages: int
    total: int
    items: tuple[HistoryItem, ...]


def case_history(firm: Firm, actor: str, number: str, page: int = 1) -> History:
    """One page of the case's history, newest first. Only who may see the case sees it."""
    if page < 1:
        raise InputError("Pages are numbered from 1.", example=command(f"history {number} 2"))
    with Transaction(firm, write=False) as s:
        case = find_case_for(s, firm, actor, number)
        total = h.audit_count(s, case.id)
        pages = max(1, -(-total // HISTORY_PAGE))
        if page > pages:
            raise InputError(
                f"{case.number}'s history has {pages} page{'s' if pages != 1 else ''}; there is no page {page}.",
                example=command(f"history {case.number} {pages}"),
            )
        entries = h.audit_page(s, case.id, (page - 1) * HISTORY_PAGE, HISTORY_PAGE)
        undone = h.undone_ids(s, case.id)
        items = tuple(_item(e, e.id in undone) for e in entries)
        return History(case.number, case.client_name, page, pages, total, items)


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _stage(value: Any) -> str:
    return STAGES[Stage(value)].label if value in {s.value for s in Stage} else str(value or "")


def _amount(value: Any) -> str:
    try:
        return money(Decimal(str(value)))
    except ArithmeticError:
        return str(value)


def _item(e: AuditEntry, undone: bool) -> HistoryItem:
    d: dict[str, Any] = e.detail or {}
    what, note = _words(e.action, d)
    on = None if e.action in _NOT_EVENT_DAYS else _day(d.get("on") or d.get("requested_on"))
    return HistoryItem(e.at, e.by, what, on, note, undone)


# Entries whose `on` is a deadline set, not the day something happened.
_NOT_EVENT_DAYS = frozenset({"limitation", "claim_deadline"})


def _words(action: str, d: dict[str, Any]) -> tuple[Said, str | None]:
    what, note = _plain(action, d)
    if action == "assign":
        what = said(
            "manager changed from ",
            Person(str(d.get("from_manager"))),
            " to ",
            Person(str(d.get("to_manager"))),
        )
        if d.get("team_removed"):
            what = said(what, "; its team no longer sees it: ", people(map(str, d["team_removed"])))
        if d.get("team_kept"):
            what = said(what, "; its team stayed on it (keep-team): ", people(map(str, d["team_kept"])))
    elif action in ("team_add", "team_remove"):
        added = action == "team_add"
        what = said(
            "added " if added else "removed ",
            Person(str(d.get("user"))),
            " to the team" if added else " from the team",
        )
    return said(what) if isinstance(what, str) else what, note


def _plain(action: str, d: dict[str, Any]) -> tuple[str, str | None]:
    """What an audit entry recorded, in plain words, and its note (or the reason given)."""
    note = d.get("note") or d.get("why") or d.get("reason")
    words = _WORDS.get(action)
    return (words(d) if words else action.replace("_", " ")), (str(note) if note else None)


def _contact(d: dict[str, Any]) -> str:
    topic = " (the accounting conversation)" if d.get("topic") == "accounting" else ""
    return f"{d.get('kind', 'client')} contact{topic}"


def _demand(verb: str) -> Callable[[dict[str, Any]], str]:
    return lambda d: f"demand {verb}" + (f", adjuster {d['adjuster']}" if d.get("adjuster") else "")


def _bill(d: dict[str, Any]) -> str:
    if d.get("none"):
        return f"marked {d.get('provider', '')} as having no bill"
    return f"bill of {d.get('provider', '')}: billed {_amount(d.get('billed'))}"


_WORDS: dict[str, Callable[[dict[str, Any]], str]] = {
    "create": lambda d: f"opened the case for {d.get('client', '')}",
    "contact": _contact,
    "attempt": lambda d: (
        f"tried the {d.get('kind', 'client')}: {str(d.get('how', 'attempt')).replace('-', ' ')}"
    ),
    "stage": lambda d: (
        f"closed the case as {d.get('to_stage')}, from “{_stage(d.get('from_stage'))}”"
        if d.get("via") == "close"
        else f"moved from “{_stage(d.get('from_stage'))}” to “{_stage(d.get('to_stage'))}”"
    ),
    "provider_add": lambda d: f"added provider {d.get('provider', '')}",
    "provider_received": lambda d: (
        f"{d.get('what', 'records')} received from {d.get('provider', 'a provider')}"
    ),
    "provider_followed_up": lambda d: f"followed up with {d.get('provider', 'a provider')}",
    "holdup": lambda d: f"hold-up: {str(d.get('kind', '')).replace('-', ' ')}",
    "holdup_clear": lambda d: f"cleared hold-ups ({d.get('kind', 'all')})",
    "demand_sent": _demand("sent"),
    "demand_resent": _demand("resent"),
    "demand_ack": lambda d: "the insurer acknowledged the demand",
    "offer": lambda d: (
        f"{ordinal(int(d.get('n', 1)))} offer{' (final)' if d.get('final') else ''}: "
        f"{_amount(d.get('amount'))}"
    ),
    "fix": lambda d: (
        f"corrected the {d.get('fact', 'fact')}: {_was(d.get('before'))} → {_was(d.get('after'))}"
        + _suit_moved(d)
    ),
    "claim": lambda d: f"the claim {CLAIM_EVENT_WORDS.get(str(d.get('event')), 'event')}" + _suit_moved(d),
    "undo": lambda d: f"undid a change ({str(d.get('change', '')).replace('_', ' ')})",
    "snooze": lambda d: f"snoozed {d.get('rule', 'a reminder')} until {d.get('until', '')}",
    "bill": _bill,
    "cost": lambda d: f"case cost: {_amount(d.get('amount'))}, {d.get('description', '')}",
    "lien_add": lambda d: (
        f"lien {d.get('n', '')} asserted by {d.get('holder', '')}: {_amount(d.get('amount'))}"
    ),
    "lien_reduced": lambda d: f"lien {d.get('n', '')} reduced to {_amount(d.get('amount'))}",
    "lien_accepted": lambda d: f"lien {d.get('n', '')} accepted",
    "lien_paid": lambda d: f"lien {d.get('n', '')} paid",
    "limitation": lambda d: f"limitation date set: {_was(d.get('on'))}",
    "claim_deadline": lambda d: f"claim deadline set: {_was(d.get('on'))}",
}


def _suit_moved(d: dict[str, Any]) -> str:
    """“ (last day to sue Jul 10, 2026 → Jul 20, 2026)” when the claim's events moved it."""
    if not d.get("limitation_on"):
        return ""
    return f" (last day to sue {_was(d.get('from_on'))} → {_was(d.get('limitation_on'))})"


def _was(value: Any) -> str:
    if value is None or value == "":
        return "none"
    day = _day(value)
    return f"{day:%b %-d, %Y}" if day else str(value)
