"""What casebot owes to whom, and when: daily digests, same-day reminders, escalations, limitation alerts and
the leads' weekly report, each delivered exactly once through the Notifier port.

How a message is owed and sent
------------------------------
1. **Decide and claim, together.** The tick decides that a message is owed (Dana's digest for Thursday,
   a reminder for obligation 812, an escalation of 812 to the leads) and, in the same transaction, inserts
   a `deliveries` row under a unique key: `digest:<user>:<day>`, `reminder:<obligation>`,
   `escalation:<lead>:<obligation>`, `weekly:<lead>:<monday>` (with `weekly-chart:<lead>:<monday>`),
   `sol:<case>:<threshold>:<user>:<limitation date>` (bot/alerts.py). A second
   decision for the same key (another replica, a second `casebot digest`, a restart) fails on the unique
   key and changes nothing: a message is claimed at most once.
2. **Lease, then send.** A pending row is taken for one attempt by an atomic UPDATE that counts the attempt
   and moves `next_try_at` a lease ahead (LEASE), committed *before* the call to Slack: two senders never
   both hold it, and a sender that dies mid-attempt leaves a row that becomes due again when the lease ends.
3. **Mark sent, or try again later.** Success stores Slack's `ts` and `sent`; a row marked sent is never
   sent again. A failure Slack may get over (429, 5xx, network) stays `pending` with a backoff (honouring
   Retry-After) and is retried by a later tick: never lost. A permanent one (no such user, deactivated) is
   `failed` and logged. What is sent is rendered at send time from what was decided: a digest lists the
   items it claimed that still ask for something; a claim with nothing left to say is `skipped`.
4. **No stale DMs.** A digest or reminder still pending when the person's day is over is `expired`
   instead of sent: the next digest lists everything overdue, so nothing is lost by not sending it.

The crash window, and the choice made for it
--------------------------------------------
A crash *between claim and send* is safe: the row is pending, and after the restart it is sent once.
A crash *after Slack accepted the message and before it is marked sent* cannot be told apart from a
crash just before the call: Slack's chat.postMessage has no idempotency key, and reading the DM back
(conversations.history) needs the im:history scope, which casebot deliberately does not ask for.
casebot chooses **at-least-once** for that window: when the lease ends, the row is sent again (and
logged as a possible duplicate, since its attempt count shows an attempt with no recorded outcome).
Why: the product exists so that no client contact is forgotten. A duplicated digest is a visible
nuisance whose buttons are safe to press twice; a lost one silently drops a day's reminders. The window
is the few milliseconds between Slack's answer and one UPDATE, so duplicates are rare.

Who, when
---------
A person's digest is due at DIGEST_TIME in their own time zone (Slack's tz, cached on Staff; the firm's
when unknown), on the firm's business days, until their working day ends (WORKDAY_END, default 18:00): the first tick
after DIGEST_TIME claims it, and after downtime the first tick at start does (catch-up); a day that is
over gets none. An away manager's items go to their cover while away; with no cover they wait.
Decisions read only what is due (index range scans on active obligations), never every case.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.cards import DueItem, due_item
from bot.playbook import STAGES, Stage
from bot.ports import (
    DeliveryFailed,
    DigestMessage,
    EscalationMessage,
    Message,
    Notifier,
    ReminderMessage,
    WeeklyReportMessage,
)
from bot.services import Firm, remember_person
from storage import queries as q
from storage.locks import SenderLock
from storage.models import ACTIVE, Delivery, Escalation, Staff

log = logging.getLogger(__name__)

LEASE = timedelta(
    minutes=10
)  # one attempt's hold on a delivery; longer than the Web API client's own retries
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(minutes=30)
OVERLAP = 200  # obligation ids looked at again each tick, for transactions that committed out of id order
ESCALATE_KINDS = ("client", "adjuster")
TZ_RETRY = timedelta(hours=6)  # how long to wait before asking Slack again for a time zone it didn't give


# ---------------------------------------------------------------- who gets what, where and when


@dataclass
class SenderState:
    """What one sending process remembers between ticks; all of it can be rebuilt from the database."""

    floor: int | None = None  # obligations above this id may be new since today's digests
    tz_asked: dict[str, datetime] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    alerts_taken: set[str] = field(default_factory=set)  # limitation alert keys known to be claimed


def _zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    if not name:
        return fallback
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def _is_away(staff: Staff | None, day: date) -> bool:
    # `away_until` is the day they are back.
    return bool(staff and staff.away and (staff.away_until is None or day < staff.away_until))


def _route(manager: str, staff: dict[str, Staff], day: date) -> str | None:
    """Who receives this manager's reminders today: them, their cover while away, or nobody (they wait)."""
    seen: set[str] = set()
    who: str | None = manager
    while who is not None and _is_away(staff.get(who), day):
        seen.add(who)
        cover = staff[who].cover_id
        who = cover if cover and cover not in seen else None
    return who


def _load_routes(
    s: Session, managers: Iterable[str], day: date
) -> tuple[dict[str, list[str]], dict[str, Staff]]:
    """recipient -> the managers whose items they get; and every Staff row involved."""
    managers = list(managers)
    staff = q.staff_by_ids(s, managers)
    covers = {st.cover_id for st in staff.values() if st.cover_id and st.cover_id not in staff}
    while covers:
        more = q.staff_by_ids(s, covers)
        staff.update(more)
        covers = {st.cover_id for st in more.values() if st.cover_id and st.cover_id not in staff}
    routes: dict[str, list[str]] = {}
    for m in managers:
        r = _route(m, staff, day)
        if r is not None and not (staff.get(r) and (staff[r].deleted or staff[r].is_bot)):
            routes.setdefault(r, []).append(m)
    return routes, staff


def _local(firm: Firm, staff: Staff | None, now: datetime) -> datetime:
    return now.astimezone(_zone(staff.tz if staff else None, firm.settings.tz))


def _in_day(firm: Firm, local: datetime) -> bool:
    """A business day, at or after the person's digest time and before their working day ends."""
    return (
        firm.calendar.is_business_day(local.date())
        and firm.settings.digest_time <= local.time().replace(tzinfo=None) < firm.settings.workday_end
    )


def _learn_time_zones(
    firm: Firm, notifier: Notifier | None, user_ids: Iterable[str], state: SenderState
) -> None:
    """Ask Slack (users.info, through the notifier) for time zones not cached yet; the firm's until then."""
    if notifier is None:
        return
    with firm.db.uow() as s:
        staff = q.staff_by_ids(s, user_ids)
        unknown = [u for u in set(user_ids) if u not in staff or not staff[u].tz]
    now = firm.now()
    for user in sorted(unknown):
        asked = state.tz_asked.get(user)
        if asked is not None and now - asked < TZ_RETRY:
            continue
        state.tz_asked[user] = now
        try:
            info = notifier.person(user)
        except Exception:
            log.exception("Failed to look up %s's time zone", user)
            continue
        if info is not None and info.tz:
            remember_person(
                firm,
                user,
                name=info.name,
                email=info.email,
                tz=info.tz,
                is_guest=info.is_guest,
                is_bot=info.is_bot,
                deleted=info.deleted,
            )


def _claim(firm: Firm, make: Callable[[Session], list[Any] | None]) -> bool:
    """Run one decision in its own transaction: `make` adds the rows it decides on (or returns None to add
    nothing). A unique key already taken means another sender decided first: nothing changes."""
    try:
        with firm.db.uow() as s:
            rows = make(s)
            if not rows:
                return False
            s.add_all(rows)
            s.flush()
        return True
    except IntegrityError:
        return False


def _delivery(firm: Firm, key: str, kind: str, user: str, day: date, **payload: Any) -> Delivery:
    return Delivery(
        key=key,
        kind=kind,
        user_id=user,
        for_day=day,
        state="pending",
        attempts=0,
        payload=payload,
        created_at=firm.now(),
    )


def _unless_taken(delivery: Delivery, *with_it: Delivery) -> Callable[[Session], list[Any] | None]:
    """Claim `delivery` (and `with_it`, in the same transaction) unless its key is taken."""

    def make(s: Session) -> list[Any] | None:
        return None if q.get_delivery(s, delivery.key) else [delivery, *with_it]

    return make


def digest_key(user: str, day: date) -> str:
    return f"digest:{user}:{day.isoformat()}"


# ---------------------------------------------------------------- deciding


def claim_digests(
    firm: Firm, now: datetime, *, day: date | None = None, only_users: Sequence[str] | None = None
) -> list[str]:
    """Claim today's digest of everyone whose digest time has come (or, with `day`, that day's for everyone
    with something due, whatever the hour). Answers the keys claimed."""
    horizon = day or firm.calendar.today(now) + timedelta(days=1)  # the earliest time zones are a day ahead
    with firm.db.uow() as s:
        managers = q.managers_with_active_due(s, horizon)
        routes, staff = _load_routes(s, managers, day or firm.calendar.today(now))
    wanted: dict[str, tuple[date, list[str]]] = {}
    for recipient, of in routes.items():
        if only_users is not None and recipient not in only_users:
            continue
        if day is None:
            local = _local(firm, staff.get(recipient), now)
            if not _in_day(firm, local):
                continue
            wanted[recipient] = (local.date(), of)
        else:
            wanted[recipient] = (day, of)
    if not wanted:
        return []
    with firm.db.uow() as s:
        taken = q.existing_delivery_keys(s, (digest_key(r, d) for r, (d, _) in wanted.items()))
    claimed = []
    for recipient, (for_day, of) in sorted(wanted.items()):
        key = digest_key(recipient, for_day)
        if key in taken:
            continue

        def make(
            s: Session,
            recipient: str = recipient,
            for_day: date = for_day,
            of: list[str] = of,
            key: str = key,
        ) -> list[Any] | None:
            hwm = q.max_obligation_id(s)
            rows = q.active_due_for(s, of, for_day)
            if not rows:
                return None  # a person with nothing due gets no digest
            covering = sorted(m for m in of if m != recipient)
            return [
                _delivery(
                    firm,
                    key,
                    "digest",
                    recipient,
                    for_day,
                    items=[o.id for o, _ in rows],
                    covering=covering,
                    hwm=hwm,
                )
            ]

        if _claim(firm, make):
            claimed.append(key)
    return claimed


def claim_reminders(firm: Firm, now: datetime, state: SenderState) -> list[str]:
    """Obligations that came due today after the person's digest went out: one DM each, within working hours.
    Looks only at obligations created since today's digests (a primary-key range scan)."""
    today = firm.calendar.today(now)
    with firm.db.uow() as s:
        if state.floor is None:
            found = q.digest_floor(s, today - timedelta(days=1))
            state.floor = found if found is not None else q.max_obligation_id(s)
        floor = state.floor
        rows = q.active_obligations_after(s, max(floor - OVERLAP, 0), today + timedelta(days=1))
        if not rows:
            return []
        routes, staff = _load_routes(s, {o.manager_id for o, _ in rows}, today)
        by_manager = {m: r for r, ms in routes.items() for m in ms}
        wanted: list[tuple[int, str, str, date]] = []  # (obligation, manager, recipient, day)
        for o, _ in rows:
            recipient = by_manager.get(o.manager_id)
            if recipient is None:
                continue
            local = _local(firm, staff.get(recipient), now)
            if _in_day(firm, local) and o.remind_on <= local.date():
                wanted.append((o.id, o.manager_id, recipient, local.date()))
        digests = {}
        for d in q.deliveries_by_keys(s, {digest_key(r, day) for _, _, r, day in wanted}):
            digests[d.key] = set(d.payload.get("items", ()))
        taken = q.existing_delivery_keys(s, (f"reminder:{ob}" for ob, _, _, _ in wanted))
    state.floor = max(floor, max(o.id for o, _ in rows) - OVERLAP)
    claimed = []
    for ob, manager, recipient, day in wanted:
        key = f"reminder:{ob}"
        listed = digests.get(digest_key(recipient, day))
        # No digest today yet: it will list this. Listed in it: already told.
        if listed is None or ob in listed or key in taken:
            continue
        covering = manager if manager != recipient else None
        delivery = _delivery(firm, key, "reminder", recipient, day, obligation=ob, covering_for=covering)
        if _claim(firm, _unless_taken(delivery)):
            claimed.append(key)
    return claimed


def escalation_cutoff(firm: Firm, today: date) -> date:
    """The latest due date that is overdue by the playbook's business days on `today`."""
    n = firm.numbers.escalate_after_business_days
    day = today - timedelta(days=1)
    while firm.calendar.business_days_between(day, today) < n:
        day -= timedelta(days=1)
    return day


def leads(s: Session, firm: Firm) -> list[str]:
    """Who hears about what is ignored: the leads; with no lead, the admins."""
    found = [st.user_id for st in q.staff_with_role(s, ("lead",)) if not (st.deleted or st.is_bot)]
    if found:
        return found
    admins = {st.user_id for st in q.staff_with_role(s, ("admin",)) if not (st.deleted or st.is_bot)}
    return sorted(admins | set(firm.settings.admin_users))


def claim_escalations(firm: Firm, now: datetime) -> list[str]:
    """Client and adjuster obligations overdue by the playbook's business days, escalated once each to the
    leads, during the firm's working day. One DM per lead for everything newly escalated in a pass."""
    local = now.astimezone(firm.settings.tz)
    if not _in_day(firm, local):
        return []
    today = local.date()
    keys: list[str] = []

    def make(s: Session) -> list[Any] | None:
        rows = q.escalation_candidates(s, escalation_cutoff(firm, today), ESCALATE_KINDS)
        if not rows:
            return None
        to = leads(s, firm)
        out: list[Any] = [Escalation(obligation_id=o.id, case_id=c.id, escalated_at=now) for o, c in rows]
        ids = [o.id for o, _ in rows]
        for lead in to:
            key = f"escalation:{lead}:{ids[0]}" + (f"+{len(ids) - 1}" if len(ids) > 1 else "")
            out.append(_delivery(firm, key, "escalation", lead, today, obligations=ids))
            keys.append(key)
        if not to:
            log.warning("Escalated %d obligations but there is no lead or admin to tell", len(ids))
        return out

    return keys if _claim(firm, make) else []


def claim_weekly_reports(firm: Firm, now: datetime) -> list[str]:
    """Each lead's report on the first business day of the week, at their digest time."""
    with firm.db.uow() as s:
        to = leads(s, firm)
        staff = q.staff_by_ids(s, to)
    claimed = []
    for lead in to:
        local = _local(firm, staff.get(lead), now)
        day = local.date()
        monday = day - timedelta(days=day.weekday())
        if not _in_day(firm, local) or firm.calendar.on_or_after(monday) != day:
            continue
        key = f"weekly:{lead}:{monday.isoformat()}"
        delivery = _delivery(firm, key, "weekly", lead, day, monday=monday.isoformat())
        # The chart is its own delivery, claimed with the text (see bot/alerts.py).
        chart = alerts.weekly_chart_delivery(firm, lead, monday, day)
        if _claim(firm, _unless_taken(delivery, chart)):
            claimed.append(key)
    return claimed


# ---------------------------------------------------------------- sending


def _items(
    s: Session, firm: Firm, ids: Sequence[int], day: date, *, due_by: date | None = None
) -> list[DueItem]:
    """The claimed obligations that still ask for something, overdue first (most overdue first), then due."""
    out = []
    for o, c in q.obligations_by_ids(s, ids):
        if o.state in ACTIVE and (due_by is None or o.remind_on <= due_by):
            out.append(due_item(o, c, day, firm.calendar))
    return sorted(out, key=lambda d: (d.due_on, d.case, d.obligation_id))


def render(firm: Firm, d: Delivery) -> Message | None:
    """What a claimed delivery says now; None when nothing is left to say."""
    with firm.db.uow() as s:
        p = d.payload or {}
        if d.kind == "digest":
            items = _items(s, firm, p.get("items", []), d.for_day, due_by=d.for_day)
            if not items:
                return None
            return DigestMessage(
                d.user_id,
                d.for_day,
                tuple(i for i in items if i.due_on < d.for_day),
                tuple(i for i in items if i.due_on >= d.for_day),
                tuple(p.get("covering", ())),
                alerts.digest_flags(s, firm, items, d.for_day),
            )
        if d.kind == "reminder":
            items = _items(s, firm, [p["obligation"]], d.for_day, due_by=d.for_day)
            return ReminderMessage(d.user_id, d.for_day, items[0], p.get("covering_for")) if items else None
        if d.kind == "escalation":
            ids = [
                i for i in p.get("obligations", []) if (e := q.escalation_of(s, i)) and e.cleared_at is None
            ]
            items = [
                i for i in _items(s, firm, ids, firm.calendar.today(firm.now())) if i.kind in ESCALATE_KINDS
            ]
            if not items:
                return None
            return EscalationMessage(
                d.user_id, d.for_day, tuple(items), firm.numbers.escalate_after_business_days
            )
        if d.kind == "weekly":
            return weekly_report(s, firm, d.user_id, date.fromisoformat(p["monday"]), d.for_day)
        renderer = RENDERERS.get(d.kind)
        if renderer is not None:
            return renderer(s, firm, d)
    log.error("No renderer for delivery kind %r (%s)", d.kind, d.key)
    return None


# Other modules (limitation alerts) deliver through the same machinery by registering a renderer.
RENDERERS: dict[str, Callable[[Session, Firm, Delivery], Message | None]] = {}


def weekly_report(s: Session, firm: Firm, lead: str, monday: date, day: date) -> WeeklyReportMessage:
    order = {st.value: i for i, st in enumerate(Stage)}
    by_stage = sorted(
        ((st, n) for st, n, _, _ in q.open_cases_by_stage(s, day)), key=lambda r: order.get(r[0], 99)
    )
    labels = tuple((STAGES[Stage(st)].label, n) for st, n in by_stage)
    overdue = tuple(
        sorted(((m, n) for m, n, _ in q.overdue_count_by_manager(s, day)), key=lambda r: (-r[1], r[0]))
    )
    oldest = tuple(due_item(o, c, day, firm.calendar) for o, c in q.oldest_overdue(s, day, 10))
    return WeeklyReportMessage(lead, monday, labels, overdue, oldest)


def _stale(firm: Firm, d: Delivery, now: datetime) -> bool:
    if d.kind not in ("digest", "reminder", "weekly", "weekly-chart"):
        return False
    with firm.db.uow() as s:
        staff = q.get_staff(s, d.user_id)
        local_day = _local(firm, staff, now).date()
    return local_day > d.for_day + (
        timedelta(days=6) if d.kind in ("weekly", "weekly-chart") else timedelta(0)
    )


def _finish(firm: Firm, delivery_id: int, **values: Any) -> None:
    with firm.db.uow() as s:
        row = s.get(Delivery, delivery_id)
        if row is not None:
            for name, value in values.items():
                setattr(row, name, value)


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    wait = min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)
    return max(wait, timedelta(seconds=retry_after or 0))


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0


def send_pending(
    firm: Firm,
    notifier: Notifier,
    *,
    only: Iterable[str] | None = None,
    limit: int = 500,
    expire: bool = True,
) -> SendReport:
    """Send every pending delivery that is due (or only the given keys), each exactly as described in the
    module docstring. Sends one after another in the caller's thread; the notifier paces them."""
    report = SendReport()
    now = firm.now()
    with firm.db.uow() as s:
        due = q.deliveries_to_send(s, now, limit)
    keys = set(only) if only is not None else None
    for d in due:
        if keys is not None and d.key not in keys:
            continue
        with firm.db.uow() as s:
            if not q.lease_delivery(s, d.id, now, now + LEASE):
                continue  # another sender has it
        if d.attempts > 0 and d.last_error is None:
            log.warning("Delivery %s had an attempt with no outcome (a crash?); sending again", d.key)
        if expire and _stale(firm, d, now):
            _finish(firm, d.id, state="expired", next_try_at=None, last_error="the day was over")
            report.skipped += 1
            continue
        message = render(firm, d)
        if message is None:
            _finish(firm, d.id, state="skipped", next_try_at=None)
            report.skipped += 1
            continue
        try:
            ts = notifier.send(message)
        except DeliveryFailed as exc:
            if exc.retryable:
                _finish(
                    firm,
                    d.id,
                    next_try_at=now + backoff(d.attempts + 1, exc.retry_after),
                    last_error=exc.reason[:2000],
                )
                report.retrying += 1
            else:
                _finish(firm, d.id, state="failed", next_try_at=None, last_error=exc.reason[:2000])
                log.error("Failed to deliver %s: %s", d.key, exc.reason)
                report.failed += 1
            continue
        except Exception as exc:  # unknown trouble: keep it, try again later
            log.exception("Failed to deliver %s", d.key)
            _finish(firm, d.id, next_try_at=now + backoff(d.attempts + 1), last_error=repr(exc)[:2000])
            report.retrying += 1
            continue
        _finish(firm, d.id, state="sent", sent_at=firm.now(), slack_ts=ts, next_try_at=None, last_error=None)
        report.sent += 1
    return report


# ---------------------------------------------------------------- the tick and the command


def take_over(firm: Firm) -> None:
    """This process has just become the sender. Whoever sent before is gone (the sender lock is free only
    when its holder's connection is), so an attempt of theirs with no recorded outcome is retried now
    rather than when its lease ends: at least once, as the crash window above says."""
    with firm.db.uow() as s:
        released = q.release_unfinished_leases(s, firm.now())
    if released:
        log.warning(
            "Took over %d delivery attempt(s) a previous sender did not finish; sending them again", released
        )


def tick(firm: Firm, notifier: Notifier, state: SenderState | None = None) -> SendReport:
    """One pass of the scheduler: decide what is owed now, claim it, send whatever is pending and due.
    Safe to run at any time and any number of times; the first pass after a start is the catch-up."""
    state = state or SenderState()
    if not state.lock.acquire(blocking=False):
        return SendReport()  # a pass is already running in this process
    try:
        now = firm.now()
        with firm.db.uow() as s:
            people = set(q.managers_with_active_due(s, firm.calendar.today(now) + timedelta(days=1)))
            people |= set(leads(s, firm))
            people |= {st.cover_id for st in q.staff_by_ids(s, people).values() if st.cover_id}
        _learn_time_zones(firm, notifier, people, state)
        for step in (
            lambda: claim_digests(firm, now),
            lambda: claim_reminders(firm, now, state),
            lambda: claim_escalations(firm, now),
            lambda: claim_weekly_reports(firm, now),
            lambda: alerts.claim_limitation_alerts(firm, now, state.alerts_taken),
        ):
            try:
                step()
            except Exception:
                log.exception("Failed to decide what is owed (will try again next tick)")
        return send_pending(firm, notifier)
    finally:
        state.lock.release()


def digest_text(m: DigestMessage) -> str:
    """A digest as plain text (for `casebot digest --dry-run`)."""
    lines = [
        f"Digest for {m.user_id}, {m.day:%a %Y-%m-%d}: {len(m.overdue)} overdue, {len(m.due_today)} due today"
    ]
    for title, items in (("Overdue", m.overdue), ("Due today", m.due_today)):
        if items:
            lines.append(f"  {title}:")
        for i in items:
            late = f"{i.overdue_days}d overdue" if i.overdue_days else "due today"
            lines.append(f"    {i.case:<12} {i.client[:24]:<24} {i.kind:<9} {late:<12} {i.reason}")
    return "\n".join(lines)


def preview_digests(firm: Firm, day: date) -> list[DigestMessage]:
    """The digests `day` would bring, claiming nothing."""
    with firm.db.uow(write=False) as s:
        routes, _ = _load_routes(s, q.managers_with_active_due(s, day), day)
        # One range scan for everyone's items, split by manager here: no round trip per person.
        by_manager: dict[str, list[DueItem]] = {}
        for o, c in q.active_due_for(s, sorted({m for of in routes.values() for m in of}), day):
            by_manager.setdefault(o.manager_id, []).append(due_item(o, c, day, firm.calendar))
        out = []
        for recipient, of in sorted(routes.items()):
            items = sorted(
                (i for m in of for i in by_manager.get(m, ())),
                key=lambda d: (d.due_on, d.case, d.obligation_id),
            )
            if items:
                out.append(
                    DigestMessage(
                        recipient,
                        day,
                        tuple(i for i in items if i.due_on < day),
                        tuple(i for i in items if i.due_on >= day),
                        tuple(sorted(m for m in of if m != recipient)),
                    )
                )
    return out


def _default_notifier(firm: Firm) -> Notifier:
    # The composition root's choice; the core knows only the port.
    from handlers.notifier import SlackNotifier

    return SlackNotifier.from_settings(firm.settings)


def digest_command(
    firm: Firm,
    day: date | None = None,
    dry_run: bool = False,
    *,
    notifier: Notifier | None = None,
    out: Any = None,
) -> int:
    """`casebot digest [--date] [--dry-run]`: send (or print) that day's digests now, whatever the hour.
    A digest already claimed for a person and day is not sent again; running it twice sends nothing new."""
    out = out or sys.stdout
    day = day or firm.today()
    if dry_run:
        previews = preview_digests(firm, day)
        with firm.db.uow() as s:
            taken = q.existing_delivery_keys(s, (digest_key(m.user_id, day) for m in previews))
        for m in previews:
            note = "  (already sent; would not be sent again)" if digest_key(m.user_id, day) in taken else ""
            print(digest_text(m) + note, file=out)
        print(f"{len(previews)} digest(s) for {day:%a %Y-%m-%d}; dry run, nothing sent.", file=out)
        return 0
    if notifier is None:
        if not firm.settings.slack_bot_token:
            print("casebot digest: SLACK_BOT_TOKEN is not set; use --dry-run to print the digests.", file=out)
            return 2
        notifier = _default_notifier(firm)
    claimed = claim_digests(firm, firm.now(), day=day)
    sender = SenderLock(firm.db.engine)
    if not sender.acquire():
        # Only the holder of the sender lock sends (see take_over); the running bot delivers what was claimed.
        print(
            f"{len(claimed)} digest(s) claimed for {day:%a %Y-%m-%d}; another casebot process is the sender "
            "and delivers them on its next tick.",
            file=out,
        )
        return 0
    try:
        with firm.db.uow() as s:
            pending = [
                d.key
                for d in q.deliveries_by_keys(s, [digest_key(u, day) for u in _recipients(firm, day)])
                if d.state == "pending"
            ]
        # Asked for explicitly, so a past day's digest goes out too (the tick would let it expire).
        report = send_pending(firm, notifier, only=set(claimed) | set(pending), expire=False)
    finally:
        sender.release()
    print(
        f"{report.sent} digest(s) sent for {day:%a %Y-%m-%d}"
        + (f", {report.retrying} will be retried by the running bot" if report.retrying else "")
        + (f", {report.failed} failed" if report.failed else "")
        + ".",
        file=out,
    )
    return 1 if report.failed or report.retrying else 0


def _recipients(firm: Firm, day: date) -> list[str]:
    with firm.db.uow() as s:
        routes, _ = _load_routes(s, q.managers_with_active_due(s, day), day)
    return list(routes)


__all__ = [
    "SenderState",
    "claim_digests",
    "claim_escalations",
    "claim_reminders",
    "claim_weekly_reports",
    "digest_command",
    "preview_digests",
    "render",
    "send_pending",
    "tick",
]

# Limitation alerts, the weekly chart and the digest's flags; importing it registers their renderers.
from bot import alerts  # noqa: E402

# ---------------------------------------------------------------- the digest's buttons


SNOOZE_DAYS = {"tomorrow": 1, "3days": 3}


def snooze_until(choice: str, today: date) -> date:
    """Tomorrow, in 3 days, or next week (its Monday); services.snooze moves it to a business day."""
    if choice == "nextweek":
        return today + timedelta(days=7 - today.weekday())
    return today + timedelta(days=SNOOZE_DAYS.get(choice, 1))


def log_from_digest(firm: Firm, actor: str, obligation_id: int) -> Any:
    """Log the contact an item asks for, today: client, adjuster, or a provider follow-up."""
    from bot import services
    from bot.errors import InputError

    with firm.db.uow() as s:
        found = q.obligations_by_ids(s, [obligation_id])
        if not found:
            raise InputError("That reminder no longer exists.")
        ob, case = found[0]
        provider = (
            next((p.seq for p in case.providers if p.id == ob.provider_id), None)
            if ob.kind == "provider"
            else None
        )
        number, kind = case.number, ob.kind
    if kind == "provider" and provider is not None:
        return services.provider_followed_up(firm, actor, number, str(provider))
    if kind in ("client", "adjuster"):
        return services.log_contact(firm, actor, number, kind=kind, note="from the digest")
    raise InputError(
        f"That item on {number} is a task: it closes when the work is recorded (/case show {number})."
    )
