"""What lets a Home refresh after a change read only what changed, and never hide what it did not see.

A change marks what it did to its actor's Home: it moves the actor's Home version on as it starts (which holds
that version until it commits), notes which cases' Home rows it writes, and reads the version again at the
end. Every step between the two is its own. After commit the mark goes to the process's store (Firm.homes).

The store keeps, per person, the Home last built (the rows it came from, storage/home_rows.py) with the
version it was read at. A refresh may use it only while the marks since then chain exactly from that version
to the version the database holds now; then it reads again the rows of the cases the marks name, and nothing
else. Anything else (a mark missing, another process's change, a day gone by) and it reads the whole Home.

A change also says whether it altered anything its actor's Home shows (HomeMarker.shown): a case's line, an
obligation that asks for attention through the last day coming up, a try, an acknowledgment, a team, a
person. One that did not (a contact logged on a case with nothing due for weeks) publishes no Home: the tab
would come out the same, and Slack shows it again, built afresh, whenever the person opens it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from bot.rules.calendar import BusinessCalendar
from bot.rules.playbook import Role
from bot.services.cards import DueItem
from storage import home_rows
from storage.home_rows import CaseRow
from storage.models import ACTIVE, Case, Obligation, Staff

# The most Homes a process keeps (the people who used casebot last): each holds a row per open case the person
# sees, so an unbounded store grows with the firm (bench/RESULTS.md, issue 23). A Home not kept is read whole.
KEPT_HOMES = 64

# The tables a Home is built from (migration 0014's triggers watch the same ones).
_HOME_TABLES = frozenset({"staff", "obligations", "cases", "case_team", "demand_events", "contact_attempts"})
# What a Home shows of a case's own row (storage/home_rows.py reads these, and whether it is closed), and its
# team (whose Homes list it: a team row taken off goes as an orphan, in no list of the session's before the flush).
_CASE_SHOWN = ("number", "client_name", "stage", "stage_entered_on", "manager_id", "closed_on", "team")


def days_coming(calendar: BusinessCalendar, today: date, days: int) -> list[date]:
    """The business days coming up after today that a Home lists (the playbook's coming-up days)."""
    return [calendar.add_business_days(today, i) for i in range(1, days + 1)]


def last_day_shown(calendar: BusinessCalendar, today: date, days: int) -> date:
    """The last day a Home's obligations are read through: the last business day coming up (or today)."""
    ahead = days_coming(calendar, today, days)
    return ahead[-1] if ahead else today


@dataclass(frozen=True)
class Mark:
    """One committed change to a person's Home: only `case_id`'s rows changed, from `before` to `after`."""

    user: str
    case_id: int
    before: int
    after: int


# An item on a Home: its case's id, its place in the lists (remind day, due day, case, obligation id), itself.
KeptItem = tuple[int, tuple[date, date, str, int], DueItem]


@dataclass
class Kept:
    """What a person's Home was last built from, each row under the case it came from."""

    today: date
    through: date  # the last day coming up it read (the playbook's coming-up days after today)
    version: int
    role: Role
    own: dict[int, CaseRow]
    team: dict[int, CaseRow]
    items: dict[int, KeptItem]  # under the obligation's id
    acknowledged: dict[int, date]  # case id -> the day its latest demand was acknowledged


@dataclass
class HomeStore:
    """This process's Homes and the marks of its changes since; never trusted without the version. At most
    `limit` Homes are kept, the least recently used forgotten first (with their marks): a refresh that finds
    none reads the person's whole Home. Also when each person last opened their Home, as this process was
    told (one time a person)."""

    kept: OrderedDict[str, Kept] = field(default_factory=OrderedDict)
    marks: dict[str, list[Mark]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    limit: int = KEPT_HOMES
    # When each person last opened their Home, as this process was told, and when it last wrote that down for
    # the other replicas (PostgreSQL): bot/services/home.py note_opened.
    opened: dict[str, datetime] = field(default_factory=dict)
    written: dict[str, datetime] = field(default_factory=dict)

    def note(self, mark: Mark | None) -> None:
        if mark is None:
            return
        with self.lock:
            if mark.user in self.kept:
                self.marks.setdefault(mark.user, []).append(mark)

    def take(self, user: str) -> tuple[Kept | None, list[Mark]]:
        with self.lock:
            return self.kept.get(user), self.marks.pop(user, [])

    def keep(self, user: str, kept: Kept) -> None:
        with self.lock:
            self.kept[user] = kept
            self.kept.move_to_end(user)
            while len(self.kept) > self.limit:
                gone, _ = self.kept.popitem(last=False)
                self.marks.pop(gone, None)

    def note_open(self, user: str, now: datetime, every: timedelta) -> bool:
        """The person opened their Home at `now`. True when it is also to be written down for other
        processes: this one has not written it within `every` (or its clock went back); `written` then."""
        with self.lock:
            self.opened[user] = now
            last = self.written.get(user)
            return last is None or not last <= now < last + every

    def written_down(self, user: str, at: datetime) -> None:
        """The opening at `at` is in the database for the other processes."""
        with self.lock:
            self.written[user] = at

    def last_opened(self, user: str) -> datetime | None:
        with self.lock:
            return self.opened.get(user)

    def forget(self, user: str) -> None:
        with self.lock:
            self.kept.pop(user, None)
            self.marks.pop(user, None)


def _table(obj: Any) -> str | None:
    return getattr(obj, "__tablename__", None)


def cases_since(kept: Kept, marks: list[Mark], now: int) -> set[int] | None:
    """The cases whose rows changed since `kept` was read, when the marks account for every step of the
    version to `now`; None when they do not (then the whole Home is read)."""
    at, cases = kept.version, set()
    for mark in sorted(marks, key=lambda m: m.before):
        if mark.after <= kept.version:  # committed before the kept Home was read: it is in it
            continue
        if mark.before != at:
            return None
        at = mark.after
        cases.add(mark.case_id)
    return cases if at == now else None


def _values(obj: Any, name: str) -> list[Any] | None:
    """What an attribute held before the flush and holds now (None: not known, so taken as shown)."""
    history = inspect(obj).attrs[name].history
    values = [*history.added, *history.unchanged, *history.deleted]
    return values or None


def _shown(session: Session, obj: Any, dirty: bool, through: date) -> bool:
    """Whether writing `obj` (a row of a Home's tables, in a flush: new, `dirty` or deleted) may alter what a
    Home shows. In doubt, yes."""
    if dirty and not session.is_modified(obj):
        return False  # set again to what it held: nothing is written
    if isinstance(obj, Case):
        return not dirty or any(inspect(obj).attrs[name].history.has_changes() for name in _CASE_SHOWN)
    if isinstance(obj, Obligation):  # shown while it asks for attention through the last day coming up
        states, reminds = _values(obj, "state"), _values(obj, "remind_on")
        if states is None or reminds is None:
            return True
        return any(s in ACTIVE for s in states) and any(r is None or r <= through for r in reminds)
    return True  # a try, an acknowledgment, a team, a person: shown wherever they are


class HomeMarker:
    """Marks one change to its actor's Home (see the module's doc). Create it once the case is locked, with
    the last day the actor's Home shows (`through`, last_day_shown) and whether they are a lead or an admin
    (whose Home shows the firm's overview, which any change may alter)."""

    def __init__(self, s: Session, actor: str, *, through: date, lead: bool) -> None:
        self.actor = actor
        self.start = home_rows.bump(s, actor)
        self.cases: set[int] = set()
        self.other = False
        self.through = through
        self.shown = lead  # whether the change altered anything the actor's Home shows (see the module's doc)
        self.session = s
        event.listen(s, "after_flush", self._after_flush)

    def _after_flush(self, session: Session, _context: Any) -> None:
        dirty = session.dirty  # still as before the flush (and its attributes' history with it)
        for obj in (*session.new, *dirty, *session.deleted):
            table = _table(obj)
            if table not in _HOME_TABLES:
                continue
            if not self.shown and _shown(session, obj, obj in dirty, self.through):
                self.shown = True
            if isinstance(obj, Case):
                self.cases.add(obj.id)
            elif isinstance(obj, Staff) or getattr(obj, "case_id", None) is None:
                self.other = True
            else:
                self.cases.add(obj.case_id)

    def mark(self, case_id: int) -> Mark | None:
        """At the change's end, inside its transaction: the mark, when it wrote no other case's rows."""
        s = self.session
        if any(_table(o) in _HOME_TABLES for o in (*s.new, *s.dirty, *s.deleted)):
            s.flush()  # what the Home shows is written (and noted) before the version is read
        event.remove(s, "after_flush", self._after_flush)
        if self.other or self.cases - {case_id}:
            return None
        with s.no_autoflush:  # what is left (the undo journal's row) no Home shows: it goes at commit
            return Mark(self.actor, case_id, self.start - 1, home_rows.version_of(s, self.actor))
