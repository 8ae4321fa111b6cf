"""Obligations as a person meets them: what is due, what is overdue, snoozing, and the digest's Log button."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.errors import (
    Conflict,
    InputError,
    NotAllowed,
    UnknownCase,
)
from bot.rules.playbook import LEAD_ROLES, Kind
from bot.rules.said import Command, said
from bot.services.access import may_change, role_of
from bot.services.cards import DueItem, due_item, row_item
from bot.services.changes import announce_change, audit, card_of, change_found, home_marker, keep_change
from bot.services.contacts import contact_change
from bot.services.firm import Firm, Outcome, Transaction
from bot.services.providers import followed_up
from storage import my_day as my_day_rows
from storage import queries as q
from storage.journal import Journal
from storage.models import (
    ACTIVE,
    Case,
)
from storage.overdue import overdue_rows

GONE = "That reminder no longer exists."


def _may_change_item(s: Session, firm: Firm, actor: str, case: Case) -> str:
    """A digest item is read only by who may change its case; to anyone else, an item of a case they may not
    see reads exactly as one that does not exist (a guessed id tells nothing)."""
    try:
        return may_change(s, firm, actor, case)
    except UnknownCase:
        raise InputError(GONE) from None


def snooze(firm: Firm, actor: str, obligation_id: int, until: date) -> Outcome:
    today = firm.today()
    if until <= today:
        raise InputError("Snooze to a later day.", example=f"{today + timedelta(days=1):%Y-%m-%d}")
    with Transaction(firm) as s, Journal(s) as journal:
        ob = q.get_obligation(s, obligation_id)
        if ob is None:
            role_of(s, firm, actor)  # someone who may not use casebot hears that first
            raise InputError(GONE)
        case = q.get_case_by_id(s, ob.case_id, for_update=True)
        assert case is not None
        _may_change_item(s, firm, actor, case)
        marker = home_marker(s, firm, actor)
        s.refresh(ob)
        if ob.state not in ACTIVE:
            raise Conflict(f"That {ob.rule} on {case.number} is already {ob.state}.")
        day = firm.calendar.on_or_after(until)
        ob.state, ob.snoozed_until, ob.remind_on = "snoozed", day, max(day, ob.due_on)
        audit(s, firm, case, actor, "snooze", rule=ob.rule, key=ob.key, until=day)
        card = card_of(s, firm, case)
        undo = keep_change(s, firm, case, actor, journal)
        mark = marker.mark(case.id)
    firm.homes.note(mark)
    announce_change(firm, actor, card.number, shown=marker.shown)
    return Outcome(
        f"Snoozed {ob.rule} on {card.number} until {day:%a %b %-d}; its due date stays {ob.due_on:%b %-d}.",
        card,
        undo=undo,
    )


def due_for(firm: Firm, user_ids: Iterable[str] | None, day: date | None = None) -> list[DueItem]:
    """Obligations to act on by `day` (default today) for these people (None: everyone), overdue first."""
    day = day or firm.today()
    with Transaction(firm, write=False) as s:
        ids = list(user_ids) if user_ids is not None else q.managers_with_active_due(s, day)
        rows = q.active_due_for(s, ids, day) if ids else []
        return [due_item(o, c, day, firm.calendar) for o, c in rows]


@dataclass(frozen=True)
class ComingDay:
    """One business day ahead and what asks for attention on it (due then, or snoozed to it)."""

    day: date
    items: tuple[DueItem, ...]


def coming_up(
    firm: Firm, user_ids: Iterable[str], after: date | None = None, days: int | None = None
) -> list[ComingDay]:
    """The next `days` business days (default the playbook's coming_up_business_days) after `after` (default
    today), each with its obligations, in order; a day with nothing is listed empty."""
    days = days or firm.numbers.coming_up_business_days
    today = firm.today()
    after = after or today
    cal = firm.calendar
    ahead = [cal.add_business_days(after, i) for i in range(1, days + 1)]
    with Transaction(firm, write=False) as s:
        rows = q.active_coming_up(s, list(user_ids), after, ahead[-1])
        items = [due_item(o, c, today, cal) for o, c in rows]
    by_day: dict[date, list[DueItem]] = {d: [] for d in ahead}
    for item in items:
        # A reminder on a day the firm is closed (an old snooze) is shown on the next business day.
        by_day[cal.on_or_after(item.remind_on or item.due_on)].append(item)
    return [ComingDay(d, tuple(by_day[d])) for d in ahead]


@dataclass(frozen=True)
class MyDay:
    """`/case due` and a Home tab's lists: what is due by the day, and the business days coming up after it."""

    due: list[DueItem]
    coming: list[ComingDay]


def my_day(firm: Firm, user: str, day: date | None = None, *, s: Session | None = None) -> MyDay:
    """One person's due list for `day` (default today) and, unless the day is gone by, what is coming up in
    the playbook's business days after it: one range scan (what due_for and coming_up answer apart), in a
    transaction of its own or, given `s`, in the caller's."""
    today = firm.today()
    day = day or today
    cal = firm.calendar
    days = firm.numbers.coming_up_business_days
    ahead = [cal.add_business_days(day, i) for i in range(1, days + 1)] if day >= today else []
    through = ahead[-1] if ahead else day
    if s is None:
        with Transaction(firm, write=False) as session:
            rows = my_day_rows.asking_rows(session, user, through)
    else:
        rows = my_day_rows.asking_rows(s, user, through)
    due = sorted(((r.due_on, r.number_key, r.id), r) for r in rows if r.remind_on <= day)
    by_day: dict[date, list[DueItem]] = {d: [] for d in ahead}
    for r in sorted(rows, key=lambda r: (r.remind_on, r.due_on, r.number_key, r.id)):
        if r.remind_on > day:
            # A reminder on a day the firm is closed (an old snooze) is shown on the next business day.
            by_day[cal.on_or_after(r.remind_on)].append(row_item(r, today, cal))
    return MyDay([row_item(r, day, cal) for _, r in due], [ComingDay(d, tuple(by_day[d])) for d in ahead])


def overdue(firm: Firm, actor: str, user: str | None = None) -> list[DueItem]:
    """A manager sees their own; a lead or an admin sees everyone's (or one person's)."""
    today = firm.today()
    with Transaction(firm, write=False) as s:
        role = role_of(s, firm, actor)
        if role not in LEAD_ROLES:
            if user not in (None, actor):
                raise NotAllowed("Only a lead or an admin can see someone else's overdue list.")
            user = actor
        rows = q.active_overdue(s, today, None if user is None else [user])
        items = [due_item(o, c, today, firm.calendar) for o, c in rows]
    return sorted(items, key=lambda d: (d.manager, -d.overdue_days, d.case))


@dataclass(frozen=True)
class OverduePage:
    """One page of an overdue list, as the list shows it: manager by manager (the one with the most overdue
    item first) when a lead sees everyone's, each person's most overdue first."""

    items: tuple[DueItem, ...]  # this page's, in the order shown
    everyone: bool  # a lead's list of everyone's, by manager (else one person's)
    total: int  # in the whole list
    managers: tuple[tuple[str, int], ...]  # everyone in the list with their count, in the list's order
    page: int  # 1 … pages (a page past the end is the last one)
    pages: int
    first: int  # where items[0] stands in the whole list, from 0

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.managers)

    @property
    def continued(self) -> bool:
        """The page's first manager began on an earlier page."""
        start = 0
        for manager, n in self.managers:
            if self.items and manager == self.items[0].manager:
                return start < self.first
            start += n
        return False


def overdue_page(
    firm: Firm, actor: str, user: str | None = None, page: int = 1, per_page: int = 40
) -> OverduePage:
    """One page of `overdue`'s list, read a page at a time: the count of each manager's overdue items
    (from an index) places the page, and only the obligations of the managers it shows are read."""
    today = firm.today()
    with Transaction(firm, write=False) as s:
        role = role_of(s, firm, actor)
        everyone = user is None and role in LEAD_ROLES
        if role not in LEAD_ROLES:
            if user not in (None, actor):
                raise NotAllowed("Only a lead or an admin can see someone else's overdue list.")
            user = actor
        counts = q.overdue_count_by_manager(s, today, None if user is None else [user])
        total = sum(n for _, n, _ in counts)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        first = (page - 1) * per_page
        shown: list[str] = []
        skip = start = 0
        for manager, n, _ in counts:
            if start + n > first and start < first + per_page:
                skip = skip if shown else first - start
                shown.append(manager)
            start += n
        rows = overdue_rows(s, today, shown, skip, per_page)
        items = tuple(due_item(o, c, today, firm.calendar) for o, c in rows)
    return OverduePage(
        items=items,
        everyone=everyone,
        total=total,
        managers=tuple((m, n) for m, n, _ in counts),
        page=page,
        pages=pages,
        first=first,
    )


SNOOZE_DAYS = {"tomorrow": 1, "3days": 3}


def snooze_until(choice: str, today: date) -> date:
    """Tomorrow, in 3 days, or next week (its Monday); snooze() moves it to a business day."""
    if choice == "nextweek":
        return today + timedelta(days=7 - today.weekday())
    return today + timedelta(days=SNOOZE_DAYS.get(choice, 1))


def log_from_digest(firm: Firm, actor: str, obligation_id: int) -> Outcome:
    """Log the contact an item asks for, today: client, adjuster, or a provider follow-up. One transaction:
    the item read, its case locked and checked, the contact logged."""

    def find(s: Session) -> Case:
        ob = q.get_obligation(s, obligation_id)
        case = q.get_case_by_id(s, ob.case_id, for_update=True) if ob is not None else None
        if case is None:
            role_of(s, firm, actor)  # someone who may not use casebot hears that first
            raise InputError(GONE)
        return case

    def change(s: Session, case: Case) -> str:
        ob = next(o for o in case.obligations if o.id == obligation_id)
        if ob.kind == Kind.PROVIDER and ob.provider_id is not None:
            seq = next(p.seq for p in case.providers if p.id == ob.provider_id)
            return followed_up(firm, actor, str(seq))(s, case)
        if ob.kind in (Kind.CLIENT, Kind.ADJUSTER):
            return contact_change(firm, actor, ob.kind, None, "from the digest")(s, case)
        raise InputError(
            said(
                f"That item on {case.number} is a task: it closes when the work is recorded (",
                Command(f"show {case.number}"),
                ").",
            )
        )

    return change_found(firm, actor, find, change, check=_may_change_item)
