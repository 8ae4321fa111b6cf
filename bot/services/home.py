"""A person's Home tab: their role, their day (due and coming up) and their open cases, read together.

After a change of theirs, only what the change touched is read again (bot/services/home_marks.py): the
Home this process last built is used while the database's Home version for the person is exactly the one
the marks of its changes account for, and the rows of the cases those changes touched are read again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.rules.playbook import STAGE_ORDER, Role, Stage
from bot.services.access import role_of
from bot.services.cards import DueItem, row_item
from bot.services.firm import Firm, Transaction
from bot.services.home_marks import Kept, KeptItem, cases_since, days_coming, last_day_shown
from bot.services.obligations import ComingDay, MyDay
from bot.services.request import at_once
from storage import caselists, home_rows, my_day
from storage.home_rows import CaseRow
from storage.my_day import AskingRow

DEMAND_SENT = Stage.DEMAND_SENT.value


@dataclass(frozen=True)
class Home:
    role: Role
    day: MyDay
    cases: list[tuple[str, str, str, int]]  # (number, client, stage, days in stage), in stage order
    team: list[tuple[str, str, str, int, str]]  # the cases they work on a team, with each one's manager
    acknowledged: dict[str, date]  # of those waiting on the insurer: the day the demand was acknowledged


# A change publishes at once the Homes of the people who opened theirs within this long (a working day: a Home
# left on screen all day is kept current); anyone else's is built afresh when they next open it, which Slack
# tells casebot (handlers/home.py). A whole Home's read after every change cost as much as the change itself,
# for Homes nobody was looking at (bench/RESULTS.md, issue 23).
WATCHED_FOR = timedelta(hours=12)
# How often one process writes down again, for the other replicas, that someone opened their Home (an opening
# is not a change: it should not write each time, and WATCHED_FOR is hours).
NOTE_OPENED_EVERY = timedelta(minutes=10)

# Items turned from rows between two pauses of a whole Home's read (a hundred or so in all, at 100,000 cases).
_ITEMS_A_STEP = 40


def home(firm: Firm, user: str, *, pause: Callable[[], None] = at_once) -> Home:
    """Everything a manager's Home tab shows, in one read transaction: the person's row and Home version,
    then either (the first time, or when anything else may have changed) one range scan for due and coming
    up, one for their open cases, one for their team's (and, when some wait on the insurer, one for the
    acknowledgments), or, after their own changes only, the rows of the cases those changed. A lead's
    overview is read only for a lead (bot/services/caseload.py).

    A whole read calls `pause` before each of its steps (each statement, and every few dozen items made from
    the rows): a refresh in the background gives way there to the requests being served
    (request.InFlight.giving_way)."""
    today = firm.today()
    kept, marks = firm.homes.take(user)
    with Transaction(firm, write=False) as s:
        role = role_of(s, firm, user)
        version = home_rows.version_of(s, user)  # before the rows: a change after it shows as a new version
        same = kept is not None and (kept.today, kept.through, kept.role) == (today, _last(firm, today), role)
        cases = cases_since(kept, marks, version) if kept is not None and same else None
        if kept is None or cases is None:
            kept = _read_all(s, firm, user, today, role, version, pause)
        else:  # a copy: another thread may be building from the one kept
            kept = replace(kept, own=dict(kept.own), team=dict(kept.team), items=dict(kept.items))
            kept.acknowledged = dict(kept.acknowledged)
            for case_id in sorted(cases):
                _read_case(s, firm, user, kept, case_id)
            kept.version = version
    firm.homes.keep(user, kept)
    pause()
    return _built(firm, kept)


def note_opened(firm: Firm, user: str) -> None:
    """The person opened their Home. This process remembers it; on PostgreSQL, which serves replicas, it is
    also written down for the others (at most every NOTE_OPENED_EVERY). SQLite serves one process, so an
    opening is never a write there (a restart forgets it: until they open it again, a change publishes no
    Home to them)."""
    now = firm.now()
    if firm.homes.note_open(user, now, NOTE_OPENED_EVERY) and firm.db.is_postgres:
        with Transaction(firm) as s:
            home_rows.note_opened(s, user, now)
        firm.homes.written_down(user, now)  # not before: one that failed is written at the next opening


def watched(firm: Firm, user: str) -> bool:
    """Whether the person opened their Home within WATCHED_FOR (told this process, or on PostgreSQL any
    replica): then a change of what it shows is published to them at once; else their next opening builds
    it."""
    now = firm.now()
    at = firm.homes.last_opened(user)
    if (at is None or now - at > WATCHED_FOR) and firm.db.is_postgres:
        with Transaction(firm, write=False) as s:
            at = home_rows.opened_at(s, user)
    return at is not None and now - at <= WATCHED_FOR


def _through(firm: Firm, today: date) -> list[date]:
    return days_coming(firm.calendar, today, firm.numbers.coming_up_business_days)


def _last(firm: Firm, today: date) -> date:
    return last_day_shown(firm.calendar, today, firm.numbers.coming_up_business_days)


def _items(
    firm: Firm, today: date, rows: list[AskingRow], pause: Callable[[], None] = at_once
) -> Iterator[tuple[int, KeptItem]]:
    """Each row's item for the Home, under its obligation's id, with its case's id and its place in the lists
    (calling `pause` every _ITEMS_A_STEP)."""
    for n, r in enumerate(rows, 1):
        if not n % _ITEMS_A_STEP:
            pause()
        yield (
            r.id,
            (
                r.case_id,
                (r.remind_on, r.due_on, r.number_key, r.id),
                row_item(r, today, firm.calendar),
            ),
        )


def _read_all(
    s: Session, firm: Firm, user: str, today: date, role: Role, version: int, pause: Callable[[], None]
) -> Kept:
    through = _last(firm, today)
    pause()
    own = {r.id: r for r in home_rows.own_open_cases(s, user)}
    pause()
    team = {r.id: r for r in home_rows.team_open_cases(s, user)}
    pause()
    rows = my_day.asking_rows(s, user, through)
    pause()
    items = dict(_items(firm, today, rows, pause))
    kept = Kept(today, through, version, role, own, team, items, {})
    waiting = [r for r in (*own.values(), *team.values()) if r.stage == DEMAND_SENT]
    if waiting:
        pause()
        acks = caselists.acknowledged_demands(s, [r.number for r in waiting])
        kept.acknowledged = {r.id: acks[r.number] for r in waiting if r.number in acks}
    return kept


def _read_case(s: Session, firm: Firm, user: str, kept: Kept, case_id: int) -> None:
    """Read again what the person's Home shows of one case, in place of what it showed."""
    kept.own.pop(case_id, None)
    kept.team.pop(case_id, None)
    kept.acknowledged.pop(case_id, None)
    kept.items = {k: v for k, v in kept.items.items() if v[0] != case_id}
    found = home_rows.open_case_for(s, case_id, user)
    if found is not None:
        row, on_team = found
        if row.manager == user:
            kept.own[case_id] = row
        elif on_team:
            kept.team[case_id] = row
        if row.stage == DEMAND_SENT and (row.manager == user or on_team):
            ack = caselists.acknowledged_demands(s, [row.number]).get(row.number)
            if ack is not None:
                kept.acknowledged[case_id] = ack
    kept.items.update(_items(firm, kept.today, my_day.asking_rows(s, user, kept.through, case_id)))


def _listed(rows: dict[int, CaseRow], today: date) -> list[CaseRow]:
    return sorted(
        rows.values(), key=lambda r: (STAGE_ORDER[Stage(r.stage)], -(today - r.entered).days, r.number)
    )


def _built(firm: Firm, kept: Kept) -> Home:
    """The Home from its rows, in the orders `/case mine` and `/case due` use."""
    today = kept.today
    own = [(r.number, r.client, r.stage, (today - r.entered).days) for r in _listed(kept.own, today)]
    team = [
        (r.number, r.client, r.stage, (today - r.entered).days, r.manager) for r in _listed(kept.team, today)
    ]
    numbers = {i: r.number for i, r in (*kept.own.items(), *kept.team.items())}
    acknowledged = {numbers[i]: d for i, d in kept.acknowledged.items() if i in numbers}
    return Home(kept.role, _day(firm, today, kept), own, team, acknowledged)


def _day(firm: Firm, today: date, kept: Kept) -> MyDay:
    """obligations.my_day's split of the same rows: due by today, then each business day coming up."""
    ahead = _through(firm, today)
    rows = sorted(kept.items.values(), key=lambda v: v[1])
    due = sorted((v for v in rows if v[1][0] <= today), key=lambda v: v[1][1:])
    by_day: dict[date, list[DueItem]] = {d: [] for d in ahead}
    for _, order, item in rows:
        if order[0] > today:
            by_day[firm.calendar.on_or_after(order[0])].append(item)
    return MyDay([v[2] for v in due], [ComingDay(d, tuple(by_day[d])) for d in ahead])
