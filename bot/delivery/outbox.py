"""The outbox: what casebot owes to whom is claimed once, leased, sent and marked, through the Notifier port.
Digests, reminders, escalations and reports (digests.py), limitation alerts and the chart (alerts.py) all
go through it; sending.py holds the send loop and the tick.

How a message is owed and sent
------------------------------
1. **Decide and claim, together.** The tick decides that a message is owed (Dana's digest for Thursday,
   a reminder for obligation 812, an escalation of 812 to the leads) and, in the same transaction, inserts
   a `deliveries` row under a unique key: `digest:<user>:<day>`, `reminder:<obligation>`,
   `escalation:<lead>:<obligation>`, `weekly:<lead>:<monday>` (with `weekly-chart:<lead>:<monday>`),
   `sol:<case>:<threshold>:<user>:<limitation date>` (alerts.py). A second
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
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

# Limitation alerts, the weekly chart and the digest's flags; importing it registers their renderers.
from bot.delivery.ports import (
    Notifier,
)
from bot.logs import failure
from bot.services.access import is_away
from bot.services.firm import Firm
from bot.services.people import remember_person
from storage import deliveries
from storage import queries as q
from storage.models import Delivery, Staff

log = logging.getLogger(__name__)


LEASE = timedelta(
    minutes=10
)  # one attempt's hold on a delivery; longer than the Web API client's own retries


BACKOFF_FIRST = timedelta(seconds=30)


BACKOFF_MAX = timedelta(minutes=30)


OVERLAP = 200  # obligation ids looked at again each tick, for transactions that committed out of id order


TZ_RETRY = timedelta(hours=6)  # how long to wait before asking Slack again for a time zone it didn't give


@dataclass
class SenderState:
    """What one sending process remembers between ticks; all of it can be rebuilt from the database."""

    floor: int | None = None  # obligations above this id may be new since today's digests
    tz_asked: dict[str, datetime] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    alerts_taken: set[str] = field(default_factory=set)  # limitation and claim-deadline alert keys claimed


def _zone(name: str | None, fallback: ZoneInfo) -> ZoneInfo:
    if not name:
        return fallback
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback


def _route(manager: str, staff: dict[str, Staff], day: date) -> str | None:
    """Who receives this manager's reminders today: them, their cover while away, or nobody (they wait)."""
    seen: set[str] = set()
    who: str | None = manager
    while who is not None and is_away(staff.get(who), day):
        seen.add(who)
        cover = staff[who].cover_id
        who = cover if cover and cover not in seen else None
    return who


def load_routes(
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
        # Client data goes only to full members: never to a guest, a bot, a deactivated account or someone
        # of another workspace (their items wait; the leads were told to hand their cases over).
        if r is not None and (r not in staff or staff[r].full_member):
            routes.setdefault(r, []).append(m)
    return routes, staff


def local_time(firm: Firm, staff: Staff | None, now: datetime) -> datetime:
    return now.astimezone(_zone(staff.tz if staff else None, firm.settings.tz))


def in_working_day(firm: Firm, local: datetime) -> bool:
    """A business day, at or after the person's digest time and before their working day ends."""
    return (
        firm.calendar.is_business_day(local.date())
        and firm.settings.digest_time <= local.time().replace(tzinfo=None) < firm.settings.workday_end
    )


def learn_time_zones(
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
        except Exception as exc:
            failure(log, "look up a time zone", exc, user=user)
            continue
        if info is not None and info.tz:
            remember_person(
                firm,
                user,
                name=info.name,
                tz=info.tz,
                is_guest=info.is_guest,
                is_bot=info.is_bot,
                deleted=info.deleted,
                external=info.external,
            )


def claim(firm: Firm, make: Callable[[Session], list[Any] | None]) -> bool:
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


def new_delivery(firm: Firm, key: str, kind: str, user: str, day: date, **payload: Any) -> Delivery:
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


def unless_taken(delivery: Delivery, *with_it: Delivery) -> Callable[[Session], list[Any] | None]:
    """Claim `delivery` (and `with_it`, in the same transaction) unless its key is taken."""

    def make(s: Session) -> list[Any] | None:
        return None if deliveries.get_delivery(s, delivery.key) else [delivery, *with_it]

    return make


def is_stale(firm: Firm, d: Delivery, now: datetime) -> bool:
    if d.kind not in ("digest", "reminder", "weekly", "weekly-chart"):
        return False
    with firm.db.uow() as s:
        staff = q.get_staff(s, d.user_id)
        local_day = local_time(firm, staff, now).date()
    return local_day > d.for_day + (
        timedelta(days=6) if d.kind in ("weekly", "weekly-chart") else timedelta(0)
    )


def finish(firm: Firm, delivery_id: int, **values: Any) -> None:
    with firm.db.uow() as s:
        row = s.get(Delivery, delivery_id)
        if row is not None:
            for name, value in values.items():
                setattr(row, name, value)


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    wait: timedelta = min(BACKOFF_FIRST * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)
    return max(wait, timedelta(seconds=retry_after or 0))
